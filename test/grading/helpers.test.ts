import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkRows } from '../../db/insert-many.js';
import { daysBetween } from '../../src/grading/appeal.js';
import { nextDay } from '../../src/grading/inputs.js';
import { assessmentWindow, defaultPolicy } from '../../scoring/index.js';
import { parsePeriod } from '../../src/core/period.js';

describe('grading helpers', () => {
  it('chunks rows so that no statement binds more than 100 parameters, keeping every row in order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 500 }), fc.integer({ min: 1, max: 40 }), (rows, cols) => {
        const chunks = chunkRows(rows, cols);
        expect(chunks.flat()).toEqual(rows);
        for (const c of chunks) expect(c.length * cols <= 100 || c.length === 1).toBe(true);
      }),
    );
    expect(chunkRows(Array.from({ length: 15 }, (_, i) => i), 14).map((c) => c.length)).toEqual([7, 7, 1]);
  });

  it('counts appeal days by UTC calendar date and finds the lookback start', () => {
    expect(daysBetween('2026-10-20T15:00:00.000Z', '2026-11-04T23:59:00.000Z')).toBe(15);
    expect(daysBetween('2026-10-20T15:00:00.000Z', '2026-11-05T00:01:00.000Z')).toBe(16);
    expect(daysBetween('2026-12-31T23:59:00.000Z', '2027-01-01T00:00:00.000Z')).toBe(1);
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    // The window the runs layer pre-filters assessments with is the engine's own.
    const lookback = (n: number) => ({ ...defaultPolicy, assessment: { ...defaultPolicy.assessment, lookbackQuarters: n } });
    expect(assessmentWindow(lookback(4), parsePeriod('2026Q3')!).start).toBe('2025-10-01');
    expect(assessmentWindow(lookback(4), parsePeriod('2026Q1')!).start).toBe('2025-04-01');
    expect(assessmentWindow(lookback(1), parsePeriod('2026Q1')!).start).toBe('2026-01-01');
  });
});
