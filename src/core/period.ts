/** Quarters: `2026Q3` runs 2026-07-01..2026-09-30. The one spelling the service stores and answers with. */
export const periodPattern = /^(\d{4})Q([1-4])$/;

/**
 * The spellings a person types for a quarter: `2026Q3`, `2026q3`, `2026-Q3` (spaces around are
 * ignored). Every period a request carries (API body, query, path, page form) is read with
 * {@link readPeriod}, so the API and the pages accept the same spellings and store one.
 */
export const periodInputPattern = /^\s*(\d{4})-?[Qq]([1-4])\s*$/;

/** A typed period in the stored spelling (`2026-q3` -> `2026Q3`), or null when it is no quarter. */
export function readPeriod(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const m = periodInputPattern.exec(text);
  return m ? `${m[1]}Q${m[2]}` : null;
}

export interface PeriodRange {
  code: string;
  start: string;
  end: string;
}

export function parsePeriod(code: string): PeriodRange | null {
  const m = periodPattern.exec(code);
  if (!m) return null;
  const year = Number(m[1]);
  const q = Number(m[2]);
  const startMonth = (q - 1) * 3; // 0-based
  const start = new Date(Date.UTC(year, startMonth, 1));
  const end = new Date(Date.UTC(year, startMonth + 3, 0));
  return { code, start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

/** The quarter containing a `YYYY-MM-DD` date or ISO time. */
export function periodOf(dateOrTime: string): string {
  const year = dateOrTime.slice(0, 4);
  const month = Number(dateOrTime.slice(5, 7));
  return `${year}Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The period `n` quarters before (negative) or after (positive) `code`. */
export function shiftPeriod(code: string, n: number): string {
  const m = periodPattern.exec(code);
  if (!m) throw new Error(`bad period ${code}`);
  const idx = Number(m[1]) * 4 + (Number(m[2]) - 1) + n;
  return `${Math.floor(idx / 4)}Q${(idx % 4) + 1}`;
}

export function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A quarter as a half-open range of dates `[from, until)`: its first day and the next quarter's, for `>= from and < until` on dates and ISO times alike. */
export function periodSpan(code: string): { from: string; until: string } {
  return { from: parsePeriod(code)!.start, until: parsePeriod(shiftPeriod(code, 1))!.start };
}
