import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dayNumber, dayNumberByDate } from '../../scoring/dates.js';

const outcome = (f: (d: string) => number, d: string) => {
  try {
    return { day: f(d) };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('dayNumber', () => {
  it('agrees with the Date.UTC definition on every day from 1890 to 2110', () => {
    for (let day = dayNumberByDate('1890-01-01'); day <= dayNumberByDate('2110-12-31'); day++) {
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(dayNumber(date)).toBe(day);
    }
  });

  it('refuses exactly what the Date.UTC definition refuses, with the same message', () => {
    const part = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    const shaped = fc.tuple(part(4), part(2), part(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
    const noisy = fc.oneof(shaped, fc.string({ maxLength: 12 }), shaped.map((s) => ` ${s}`), shaped.map((s) => s.replace('-', '/')));
    fc.assert(fc.property(noisy, (d) => JSON.stringify(outcome(dayNumber, d)) === JSON.stringify(outcome(dayNumberByDate, d))), { numRuns: 5_000 });
    for (const d of ['0099-12-31', '0000-01-01', '2026-02-29', '2024-02-29', '1900-02-29', '2000-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '２０２６-01-01', '2026-1-01', '2026-01-01\n'])
      expect(outcome(dayNumber, d)).toEqual(outcome(dayNumberByDate, d));
  });
});
