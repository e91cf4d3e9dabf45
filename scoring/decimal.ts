/**
 * Exact decimal arithmetic for the sums of policy decimals (DESIGN 3: "`W` is exact ... summed
 * in exact decimal arithmetic (for example in integer millionths)"), and for the payout in fen.
 *
 * A policy weight or a workload count is a JSON number: the double nearest to the decimal that
 * was written. Its shortest round-trip form (`String(x)`, ECMA-262 Number::toString) gives that
 * decimal back, so `0.2` is read as 2/10 exactly, not as 0.200000000000000011102230246251565.
 * Values are then integers of 10^-places units (bigint, so no size limit), summed and compared
 * exactly, and turned into the nearest double only to be shown or stored.
 */

const powers = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));
/** 10^n as a bigint. */
export const pow10 = (n: number): bigint => powers[n] ?? 10n ** BigInt(n);

/** Places of the policy's decimals: weights, coefficients and severity points are millionths. */
export const policyPlaces = 6;
/** Places of a workload count (DESIGN 3, workload; docs/grading.md "Counts"). */
export const countPlaces = 6;
/** Places of money: fen (0.01 yuan). */
export const moneyPlaces = 2;

const million = pow10(policyPlaces);

/**
 * `x` as an integer of 10^-places units, exactly: the decimal `String(x)` names, scaled. Null when
 * that decimal has more than `places` decimal places (or `x` is not finite).
 * `toScaled(0.2, 6)` is `200000n`; `toScaled(1e-7, 6)` is null.
 */
export function toScaled(x: number, places: number): bigint | null {
  if (Number.isInteger(x)) return BigInt(x) * pow10(places);
  if (!Number.isFinite(x)) return null;
  const { digits, exponent } = parts(x);
  const shift = places + exponent;
  if (shift >= 0) return digits * pow10(shift);
  const unit = pow10(-shift);
  return digits % unit === 0n ? digits / unit : null;
}

/**
 * `x` as an integer of 10^-places units, rounded half away from zero when its decimal has more
 * places (a guard: inputs are validated to `places` before they reach the engine).
 */
export function toScaledRounded(x: number, places: number): bigint {
  if (Number.isInteger(x)) return BigInt(x) * pow10(places);
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const { digits, exponent } = parts(x);
  const shift = places + exponent;
  if (shift >= 0) return digits * pow10(shift);
  return divRoundHalfUp(digits, pow10(-shift));
}

/** The decimal of `String(x)` as `digits * 10^exponent` (digits signed, exponent <= 0 for fractions). */
function parts(x: number): { digits: bigint; exponent: number } {
  const text = String(x);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  let exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  if (dot >= 0) exponent -= mantissa.length - dot - 1;
  return { digits: BigInt(dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1)), exponent };
}

/** Whether the decimal `String(x)` names has at most `places` decimal places. */
export const hasPlaces = (x: number, places: number) => toScaled(x, places) !== null;

/**
 * `n / d` rounded to the nearest integer, halves away from zero (四舍五入), for `d > 0`.
 * `divRoundHalfUp(5n, 2n)` is 3n; `divRoundHalfUp(-5n, 2n)` is -3n.
 */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

/**
 * The double nearest to `v * 10^-places` (correctly rounded, so equal decimals give equal
 * doubles and `6.6` prints as 6.6). Exact integer over an exact power of ten while both fit a
 * double's 53 bits; beyond that, through the decimal text, which `Number` rounds correctly.
 */
export function scaledToNumber(v: bigint, places: number): number {
  if (places <= 22 && v <= 9007199254740992n && v >= -9007199254740992n) return Number(v) / 10 ** places;
  return Number(scaledText(v, places));
}

/** `v * 10^-places` as a plain decimal string without trailing zeros: `scaledText(6600000n, 6)` is "6.6". */
export function scaledText(v: bigint, places: number): string {
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(places + 1, '0');
  const int = a.slice(0, a.length - places);
  const frac = a.slice(a.length - places).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Exact sum of decimals (each read as `String(x)` names it, to millionths), as the nearest double. */
export function sumDecimals(values: readonly number[]): number {
  let s = 0n;
  for (const v of values) s += toScaledRounded(v, policyPlaces);
  return scaledToNumber(s, policyPlaces);
}

const memo = new Map<number, bigint>();
/**
 * A policy decimal in millionths (rounded half away from zero past the sixth place; decimal
 * policies never have more). Memoised: a run asks for the same few weights once per officer.
 */
export function millionths(x: number): bigint {
  let v = memo.get(x);
  if (v === undefined) {
    if (memo.size > 4096) memo.clear();
    v = toScaledRounded(x, policyPlaces);
    memo.set(x, v);
  }
  return v;
}

/** floor(share * n) exactly, the share read as its decimal in millionths (n >= 0). */
export function floorShare(share: number, n: number): number {
  return Number((millionths(share) * BigInt(n)) / million);
}
