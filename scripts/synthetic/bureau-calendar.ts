/** The generator's calendar: dates as day numbers (days since 1970-01-01, UTC), quarters, office hours. */
import type { Rng } from './prng.js';

export const DAY = 86_400_000;
export const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
export const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

export function quarterOf(iso: string): string {
  return `${iso.slice(0, 4)}Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}
export function shiftQuarter(code: string, n: number): string {
  const idx = Number(code.slice(0, 4)) * 4 + (Number(code.slice(5)) - 1) + n;
  return `${Math.floor(idx / 4)}Q${(idx % 4) + 1}`;
}
export function quarterRange(code: string): { code: string; startDate: string; endDate: string } {
  const y = Number(code.slice(0, 4));
  const q = Number(code.slice(5));
  const start = new Date(Date.UTC(y, (q - 1) * 3, 1));
  const end = new Date(Date.UTC(y, q * 3, 0));
  return { code, startDate: start.toISOString().slice(0, 10), endDate: end.toISOString().slice(0, 10) };
}

/** A time on a working day's office hours (08:30-17:30 China time = 00:30-09:30 UTC). */
export function officeTime(rng: Rng, day: number): string {
  let d = day;
  const dow = new Date(d * DAY).getUTCDay();
  if (dow === 0) d += 1;
  else if (dow === 6) d -= 1;
  const ms = d * DAY + (30 * 60 + rng.int(0, 9 * 3600 - 1)) * 1000 + rng.int(0, 999);
  return new Date(ms).toISOString();
}
