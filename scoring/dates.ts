/**
 * Calendar arithmetic on `YYYY-MM-DD` strings, in whole UTC days so that no time zone or
 * daylight-saving shift can move a boundary.
 */
const msPerDay = 86_400_000;

/**
 * Days since 1970-01-01 for a `YYYY-MM-DD` date; throws on anything else. Plain arithmetic on
 * the character codes (no regex, no Date, no cache): a run checks and converts some 100,000
 * dates. Accepts exactly what `Date.UTC` round-trips (so years before 100, which `Date.UTC`
 * maps to 19xx, are refused as before).
 */
export function dayNumber(date: string): number {
  if (typeof date !== 'string' || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return badPattern(date);
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  if (y < 0 || m < 0 || d < 0) return badPattern(date);
  if (y < 100 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new RangeError(`not a calendar date: ${date}`);
  return daysFromCivil(y, m, d);
}

function badPattern(date: unknown): never {
  throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
}

/** The decimal number in `s[at, at + n)`, or -1 when a character is not an ASCII digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The reference definition `dayNumber` agrees with (kept for the tests): via `Date.UTC`. */
export function dayNumberByDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / msPerDay;
}

/** `b - a` in days (positive when `b` is later). */
export function daysFrom(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Days in `[from, to]` counting both ends; 0 when the range is empty. */
export function inclusiveDays(from: string, to: string): number {
  return Math.max(0, daysFrom(from, to) + 1);
}

/**
 * First day of the quarter `back` quarters before the quarter containing `date`:
 * `quarterStartBefore('2026-07-01', 3)` is `2025-10-01`.
 */
export function quarterStartBefore(date: string, back: number): string {
  dayNumber(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const idx = year * 4 + Math.floor((month - 1) / 3) - back;
  const y = Math.floor(idx / 4);
  const q = idx - y * 4;
  return `${String(y).padStart(4, '0')}-${String(q * 3 + 1).padStart(2, '0')}-01`;
}

export const minDate = (a: string, b: string) => (a <= b ? a : b);
export const maxDate = (a: string, b: string) => (a >= b ? a : b);
