/**
 * The statistics behind the oversight rules. Pure functions: no I/O, trivially unit-tested.
 */

/** ln(n!) by summation for small n, Stirling series beyond (error < 1e-15 relative for n > 256). */
const lnFactCache: number[] = [0];
export function lnFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lnFactorial: ${n}`);
  if (n < 2048) {
    for (let i = lnFactCache.length; i <= n; i++) lnFactCache[i] = lnFactCache[i - 1]! + Math.log(i);
    return lnFactCache[n]!;
  }
  const x = n + 1;
  // Stirling series for ln Γ(x).
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

/** ln C(n, k). */
export function lnChoose(n: number, k: number): number {
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

/**
 * One-sided binomial upper tail P(X >= k | n, p) = sum_{i=k..n} C(n,i) p^i (1-p)^(n-i),
 * summed in log space (log-sum-exp) so large n neither overflows nor underflows early.
 * For p = 0.5 and n <= 50 the terms are exact dyadic rationals and the result is exact.
 */
export function binomialTail(k: number, n: number, p = 0.5): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError('binomialTail: integers expected');
  if (p < 0 || p > 1) throw new RangeError('binomialTail: p must be in [0, 1]');
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (p === 0.5 && n <= 50) {
    // Exact: sum of C(n, i) as integers (< 2^53 for n <= 50), divided by 2^n.
    let c = 1; // C(n, 0)
    let sum = 0;
    for (let i = 0; i <= n; i++) {
      if (i >= k) sum += c;
      c = (c * (n - i)) / (i + 1);
    }
    return sum / 2 ** n;
  }
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const logs: number[] = [];
  for (let i = k; i <= n; i++) logs.push(lnChoose(n, i) + i * lp + (n - i) * lq);
  const m = Math.max(...logs);
  let s = 0;
  for (const l of logs) s += Math.exp(l - m);
  return Math.min(1, Math.exp(m + Math.log(s)));
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation, unscaled: median(|x - median(x)|). */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** Mean absolute deviation around the median: mean(|x - median(x)|). */
export function meanAbsDeviation(xs: readonly number[]): number {
  const m = median(xs);
  return xs.reduce((s, x) => s + Math.abs(x - m), 0) / xs.length;
}

/** Consistency constants: MAD * 1.4826 and MeanAD * 1.2533 estimate sigma for normal data. */
export const MAD_SCALE = 1.4826;
export const MEAN_AD_SCALE = 1.253314;

export interface RobustZ {
  median: number;
  mad: number;
  /** The scale used as the denominator: 1.4826 * MAD, or 1.2533 * MeanAD when MAD = 0. */
  scale: number;
  method: 'mad' | 'meanad' | 'none';
  z: (x: number) => number | null;
}

/**
 * Robust z-scores z = (x - median) / (1.4826 * MAD). When MAD = 0 (more than half the values
 * equal) the MAD says nothing about spread, so the scale falls back to 1.2533 * MeanAD (the
 * modified z-score convention of Iglewicz and Hoaglin, as IBM SPSS does); when that is 0 too,
 * every value equals the median and nobody is an outlier (z is null).
 */
export function robustZ(xs: readonly number[], madScale = MAD_SCALE): RobustZ {
  const m = median(xs);
  const d = mad(xs);
  if (d > 0) return { median: m, mad: d, scale: madScale * d, method: 'mad', z: (x) => (x - m) / (madScale * d) };
  const meanAd = meanAbsDeviation(xs);
  if (meanAd > 0) return { median: m, mad: 0, scale: MEAN_AD_SCALE * meanAd, method: 'meanad', z: (x) => (x - m) / (MEAN_AD_SCALE * meanAd) };
  return { median: m, mad: 0, scale: 0, method: 'none', z: () => null };
}

/** Benford's law: expected share of first digit d is log10(1 + 1/d), d = 1..9. */
export function benfordExpected(): number[] {
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => Math.log10(1 + 1 / d));
}

/**
 * First-digit mean absolute deviation (Nigrini): MAD = (1/9) * sum_d |observed_d - expected_d|,
 * observed_d = count_d / n. `counts[0]` is digit 1.
 */
export function benfordMad(counts: readonly number[]): { n: number; observed: number[]; expected: number[]; mad: number } {
  if (counts.length !== 9) throw new RangeError('benfordMad: nine counts, digits 1..9');
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = benfordExpected();
  const observed = counts.map((c) => (n ? c / n : 0));
  const mad = observed.reduce((s, o, i) => s + Math.abs(o - expected[i]!), 0) / 9;
  return { n, observed, expected, mad };
}

/** First significant digit of a positive number (1..9), null for 0, negatives and non-finite. */
export function firstDigit(x: number): number | null {
  if (!Number.isFinite(x) || x <= 0) return null;
  const e = Math.floor(Math.log10(x));
  let d = Math.floor(x / 10 ** e);
  // Guard float error at exact powers of ten (e.g. 1000 / 10^3 = 0.9999...).
  if (d < 1) d = 1;
  if (d > 9) d = 9;
  return d;
}
