import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeOfficers, type EngineInput, type OfficerInput } from '../../scoring/index.js';
import { q3 } from '../support/scoring.js';

const kinds = Object.keys(defaultPolicy.workload.itemWeights);
const categories = Object.keys(defaultPolicy.assessment.categoryWeights);

// Dates near every boundary that matters: the 45-day line, the lookback window, the tenure cap.
const hireDates = ['2000-01-01', '2026-07-01', '2026-08-16', '2026-08-17', '2026-08-18', '2026-09-30'];
const takenOns = ['2025-09-30', '2025-10-01', '2026-01-15', '2026-05-05', '2026-09-30', '2026-10-01'];
const starts = ['1990-01-01', '2016-09-29', '2016-09-30', '2018-09-30', '2024-02-29', '2026-09-30'];

const assessment = fc.record({
  category: fc.constantFrom(...categories),
  max: fc.constantFrom(10, 40, 100),
  raw: fc.integer({ min: 0, max: 10 }),
  takenOn: fc.constantFrom(...takenOns),
});

const officerArb = (code: string) =>
  fc
    .record({
      peerGroup: fc.constantFrom('urban', 'county', 'rural'),
      hireDate: fc.constantFrom(...hireDates),
      positionStartDate: fc.constantFrom(...starts),
      leaveDate: fc.option(fc.constantFrom('2026-08-13', '2026-08-14', '2026-12-31'), { nil: null }),
      workload: fc.dictionary(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 40 }), { maxKeys: 4 }),
      assessments: fc.array(assessment, { maxLength: 5 }),
      means: fc.array(fc.integer({ min: 4, max: 20 }).map((x) => x / 4), { maxLength: 12 }),
      penalties: fc.array(fc.constantFrom('low', 'medium', 'high', 'critical'), { maxLength: 4 }),
    })
    .map(
      (r): OfficerInput => ({
        code,
        unitCode: `U-${r.peerGroup}`,
        peerGroup: r.peerGroup,
        team: 'service',
        hireDate: r.hireDate,
        positionStartDate: r.positionStartDate,
        leaveDate: r.leaveDate,
        workload: r.workload,
        assessments: r.assessments.map((x) => ({ ...x, raw: (x.raw * x.max) / 10 })),
        feedback: { n: r.means.length, sumMeans: r.means.reduce((s, m) => s + m, 0) },
        penalties: r.penalties.map((severity, i) => ({ flagId: `${code}-f${i}`, rule: 'complaint', severity })),
      }),
    );

const runArb: fc.Arbitrary<EngineInput> = fc
  .integer({ min: 1, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => officerArb(`OF${String(i).padStart(3, '0')}`))))
  .map((officers) => ({ period: { ...q3 }, officers }));

/** The same run with every list and every workload record in another order. */
function shuffled(input: EngineInput, seed: number): EngineInput {
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const shuffle = <T>(xs: T[]) => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  return {
    period: { ...input.period },
    officers: shuffle(input.officers).map((o) => ({
      ...o,
      workload: Object.fromEntries(shuffle(Object.entries(o.workload))),
      assessments: shuffle(o.assessments),
      penalties: shuffle(o.penalties),
    })),
  };
}

describe('grading engine properties', () => {
  it('input order never changes the result (bit for bit)', () => {
    fc.assert(
      fc.property(runArb, fc.integer(), (input, seed) => {
        const a = gradeOfficers(defaultPolicy, input);
        const b = gradeOfficers(defaultPolicy, shuffled(input, seed));
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 200 },
    );
  });

  it('the same inputs give identical output and the input is not modified', () => {
    fc.assert(
      fc.property(runArb, (input) => {
        const before = JSON.stringify(input);
        const a = gradeOfficers(defaultPolicy, input);
        const b = gradeOfficers(defaultPolicy, structuredClone(input));
        expect(b).toStrictEqual(a);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        expect(JSON.stringify(input)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('caps are never exceeded, every graded officer is placed, ranks run 1..n in rank order', () => {
    fc.assert(
      fc.property(runArb, (input) => {
        const out = gradeOfficers(defaultPolicy, input);
        const graded = out.results.filter((r) => r.status === 'graded');
        expect(graded.length).toBe(out.graded);
        for (const c of out.caps) {
          const placed = graded.filter((r) => r.tier === c.level).length;
          expect(placed).toBe(c.used);
          expect(out.tierCounts[c.level]).toBe(placed);
          if (c.cap !== null) {
            expect(c.cap).toBe(Math.floor(defaultPolicy.tiers.find((t) => t.level === c.level)!.maxShare! * out.graded));
            expect(placed).toBeLessThanOrEqual(c.cap);
          }
        }
        graded.forEach((r, i) => {
          expect(r.rank).toBe(i + 1);
          expect(r.tier).not.toBeNull();
          expect(r.composite!).toBeGreaterThanOrEqual(0);
          expect(r.composite!).toBeLessThanOrEqual(100);
          // A placed officer meets the level's min score; nobody is placed above what they qualify for.
          const tier = defaultPolicy.tiers.find((t) => t.level === r.tier)!;
          expect(r.composite!).toBeGreaterThanOrEqual(tier.minScore);
          expect(r.placement!.placedAt).toBeLessThanOrEqual(r.placement!.qualifiedFor);
          if (i > 0) {
            const prev = graded[i - 1]!;
            expect(prev.composite!).toBeGreaterThanOrEqual(r.composite!);
            // Top-down placement never puts a lower-ranked officer in a higher tier.
            expect(prev.tier!).toBeGreaterThanOrEqual(r.tier!);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  type Raise = 'workload' | 'assessment' | 'feedback' | 'tenure';
  function raise(o: OfficerInput, what: Raise, amount: number): OfficerInput {
    switch (what) {
      case 'workload': {
        const kind = kinds[amount % kinds.length]!;
        return { ...o, workload: { ...o.workload, [kind]: (o.workload[kind] ?? 0) + 1 + (amount % 7) } };
      }
      case 'assessment':
        return {
          ...o,
          assessments: o.assessments.map((x, i) => (i === amount % Math.max(1, o.assessments.length) ? { ...x, raw: Math.min(x.max, x.raw + 1 + (amount % 5)) } : x)),
        };
      case 'feedback':
        return { ...o, feedback: { n: o.feedback.n, sumMeans: o.feedback.sumMeans + 0.25 * (1 + (amount % 8)) } };
      case 'tenure': {
        const d = new Date(`${o.positionStartDate}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() - 1 - (amount % 400));
        return { ...o, positionStartDate: d.toISOString().slice(0, 10) };
      }
    }
  }

  it("raising one component input never lowers that officer's composite", () => {
    fc.assert(
      fc.property(
        runArb,
        fc.nat(),
        fc.constantFrom<Raise>('workload', 'assessment', 'feedback', 'tenure'),
        fc.nat(),
        (input, pick, what, amount) => {
          const i = pick % input.officers.length;
          const target = input.officers[i]!;
          const before = gradeOfficers(defaultPolicy, input).results.find((r) => r.officerCode === target.code)!;
          const officers = input.officers.map((o, j) => (j === i ? raise(o, what, amount) : o));
          const after = gradeOfficers(defaultPolicy, { ...input, officers }).results.find((r) => r.officerCode === target.code)!;
          expect(after.status).toBe(before.status);
          if (before.composite !== null) expect(after.composite!).toBeGreaterThanOrEqual(before.composite);
        },
      ),
      { numRuns: 400 },
    );
  });
});
