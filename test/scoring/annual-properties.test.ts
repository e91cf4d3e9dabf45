import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annualQuota, compareAnnual, defaultAnnualPolicy, defaultPolicy, gradeYear, type AnnualInput, type AnnualOfficerInput, type Severity } from '../../scoring/index.js';

const periods = ['2026Q1', '2026Q2', '2026Q3', '2026Q4'];
const days: Record<string, number> = { '2026Q1': 90, '2026Q2': 91, '2026Q3': 92, '2026Q4': 92 };

// Composites from a small set (ties are common) and a few arbitrary ones; days near the 45 line.
const compositeArb = fc.oneof(fc.constantFrom(44.99, 45, 59.99, 60, 79.99, 80, 85, 90, 100), fc.double({ min: 0, max: 100, noNaN: true }));
const quarterArb = (period: string) =>
  fc.option(
    fc.oneof(
      fc.record({ composite: compositeArb, activeDays: fc.constantFrom(45, 46, 60, days[period]!), tier: fc.integer({ min: 1, max: 5 }) }).map((q) => ({ period, status: 'graded' as const, ...q })),
      fc.integer({ min: 0, max: 44 }).map((d) => ({ period, status: 'not_graded' as const, composite: null, activeDays: d, tier: null })),
    ),
    { nil: null, freq: 4 },
  );
const officerArb = (code: string): fc.Arbitrary<AnnualOfficerInput> =>
  fc
    .record({
      quarters: fc.tuple(...periods.map(quarterArb)),
      flags: fc.array(fc.constantFrom<Severity>('low', 'medium', 'high', 'critical'), { maxLength: 3 }),
    })
    .map((r) => ({
      code,
      quarters: r.quarters.filter((q) => q !== null),
      flags: r.flags.map((severity, i) => ({ flagId: `${code}-${i}`, rule: 'complaint', severity })),
    }));
const yearArb: fc.Arbitrary<AnnualInput> = fc
  .integer({ min: 0, max: 60 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => officerArb(`E${String(i).padStart(3, '0')}`))))
  .map((officers) => ({ year: 2026, periods: [...periods], officers }));

function shuffled(input: AnnualInput, seed: number): AnnualInput {
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const shuffle = <T>(xs: readonly T[]) => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  return { year: input.year, periods: shuffle(input.periods), officers: shuffle(input.officers).map((o) => ({ ...o, quarters: shuffle(o.quarters), flags: shuffle(o.flags) })) };
}

describe('annual review properties', () => {
  it('input order never changes the result (bit for bit)', () => {
    fc.assert(
      fc.property(yearArb, fc.integer(), (input, seed) => {
        const a = gradeYear(defaultPolicy, input);
        const b = gradeYear(defaultPolicy, shuffled(input, seed));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 200 },
    );
  });

  it('the excellent quota is never exceeded, and is filled by the first candidates in rank order', () => {
    fc.assert(
      fc.property(yearArb, (input) => {
        const out = gradeYear(defaultPolicy, input);
        const rated = out.results.filter((r) => r.status === 'rated');
        const cap = annualQuota(defaultAnnualPolicy, rated.length);
        const excellent = rated.filter((r) => r.grade === 'excellent');
        expect(out.rated).toBe(rated.length);
        expect(out.quota.cap).toBe(Math.floor((15 * rated.length) / 100));
        expect(cap).toBe(out.quota.cap);
        expect(excellent.length).toBeLessThanOrEqual(cap);
        expect(out.gradeCounts.excellent).toBe(excellent.length);

        const barring = (code: string) => input.officers.find((o) => o.code === code)!.flags.some((f) => f.severity === 'high' || f.severity === 'critical');
        const candidates = rated.filter((r) => r.score! >= 80 && !barring(r.officerCode));
        expect(out.quota.candidates).toBe(candidates.length);
        expect(excellent.map((r) => r.officerCode)).toEqual(candidates.slice(0, cap).map((r) => r.officerCode));
        rated.forEach((r, i) => {
          expect(r.rank).toBe(i + 1);
          if (i > 0) {
            const p = rated[i - 1]!;
            expect(compareAnnual({ code: p.officerCode, score: p.score!, tieBreakQuarters: p.tieBreakQuarters }, { code: r.officerCode, score: r.score!, tieBreakQuarters: r.tieBreakQuarters })).toBeLessThan(0);
          }
          // Everyone who is not excellent is graded by the lines below it.
          if (r.grade !== 'excellent') expect(r.grade).toBe(r.score! >= 60 ? 'competent' : r.score! >= 45 ? 'basically_competent' : 'incompetent');
          expect(r.quarters.length).toBeGreaterThanOrEqual(2);
        });
        for (const r of out.results.filter((x) => x.status === 'not_rated')) expect(r.quarters.length).toBeLessThan(2);
      }),
      { numRuns: 300 },
    );
  });

  it('the annual score is the active-day weighted mean and stays within the quarters it came from', () => {
    fc.assert(
      fc.property(yearArb, (input) => {
        for (const r of gradeYear(defaultPolicy, input).results) {
          if (r.score === null) continue;
          const total = r.quarters.reduce((s, q) => s + q.activeDays, 0);
          expect(r.activeDays).toBe(total);
          expect(r.score).toBeCloseTo(r.quarters.reduce((s, q) => s + q.composite * q.activeDays, 0) / total, 9);
          expect(r.score).toBeGreaterThanOrEqual(Math.min(...r.quarters.map((q) => q.composite)) - 1e-9);
          expect(r.score).toBeLessThanOrEqual(Math.max(...r.quarters.map((q) => q.composite)) + 1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });
});
