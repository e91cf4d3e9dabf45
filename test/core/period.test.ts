import { describe, expect, it } from 'vitest';
import { readPeriod } from '../../src/core/period.js';
import { periodParam } from '../../src/core/openapi.js';

describe('reading a typed period', () => {
  it.each([
    ['2026Q3', '2026Q3'],
    ['2026q3', '2026Q3'],
    ['2026-Q3', '2026Q3'],
    ['2026-q1', '2026Q1'],
    [' 2027Q4 ', '2027Q4'],
  ])('reads %j as %s', (typed, stored) => {
    expect(readPeriod(typed)).toBe(stored);
    expect(periodParam.parse(typed)).toBe(stored);
  });

  it.each(['2026Q5', '2026Q0', '26Q3', '2026 Q3', '2026--Q3', '2026-3', 'Q3 2026', '', '2026Q3x'])('refuses %j', (typed) => {
    expect(readPeriod(typed)).toBeNull();
    expect(periodParam.safeParse(typed).success).toBe(false);
  });

  it('refuses what is not text', () => {
    expect(readPeriod(20263)).toBeNull();
    expect(readPeriod(undefined)).toBeNull();
  });
});
