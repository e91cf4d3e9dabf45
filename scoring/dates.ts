/**
 * Calendar arithmetic on `YYYY-MM-DD` strings, in whole UTC days so that no time zone or
 * daylight-saving shift can move a boundary.
 */
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const msPerDay = 86_400_000;

/** Days since 1970-01-01 for a `YYYY-MM-DD` date; throws on anything else. */
export function dayNumber(date: string): number {
  // A run sees few distinct dates and many officers; the cache is bounded by clearing.
  const hit = cache.get(date);
  if (hit !== undefined) return hit;
  const n = parseDay(date);
  if (cache.size > 10_000) cache.clear();
  cache.set(date, n);
  return n;
}

const cache = new Map<string, number>();

function parseDay(date: string): number {
  const m = datePattern.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
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
