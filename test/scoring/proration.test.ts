import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeOfficers, payoutOf, policyV1, type EngineOutput, type OfficerResult, type Policy } from '../../scoring/index.js';
import { officer, q3, run } from '../support/scoring.js';

const byCode = (out: EngineOutput, code: string) => out.results.find((r) => r.officerCode === code)!;

/**
 * Hand-computed: everyone has the same inputs (no workload: percentile 50; no responses:
 * feedback 50; tenure capped: 100; no assessment: weights 0.5, 0.357.., 0.142..), so the
 * composite is 25 + 17.857.. + 14.285.. = 57.14: tier 2, coefficient 0.9, 2,700.00 for a full
 * quarter. Only the dates differ. 2026Q3 is 2026-07-01..2026-09-30, 92 days.
 */
const officers = [
  officer('FULL'),
  officer('JOIN', { hireDate: '2026-08-17' }), // Aug 17..31 (15) + Sep (30) = 45 days
  officer('LEAVE', { leaveDate: '2026-08-31' }), // Jul (31) + Aug (31) = 62 days; the leave date counts
  officer('BOTH', { hireDate: '2026-07-20', leaveDate: '2026-09-10' }), // 12 + 31 + 10 = 53 days
  officer('SHORT', { hireDate: '2026-08-18' }), // 44 days: not graded, no pay from the run
];

describe('proration (DESIGN 3: payout = base x coefficient x active days / days in the period, to the fen)', () => {
  const out = gradeOfficers(defaultPolicy, run(officers));

  it('pays a full quarter in full', () => {
    expect(byCode(out, 'FULL')).toMatchObject({ activeDays: 92, tier: 2, coefficient: 0.9, payout: 2700 });
  });

  it('joined mid-quarter: 2700 x 45 / 92 = 1320.652.. -> 1320.65', () => {
    expect(byCode(out, 'JOIN')).toMatchObject({ activeDays: 45, tier: 2, payout: 1320.65 });
  });

  it('left mid-quarter: 2700 x 62 / 92 = 1819.565.. -> 1819.57', () => {
    expect(byCode(out, 'LEAVE')).toMatchObject({ activeDays: 62, tier: 2, payout: 1819.57 });
  });

  it('joined and left within the quarter: 2700 x 53 / 92 = 1555.434.. -> 1555.43', () => {
    expect(byCode(out, 'BOTH')).toMatchObject({ activeDays: 53, tier: 2, payout: 1555.43 });
  });

  it('leaves officers not graded without pay', () => {
    expect(byCode(out, 'SHORT')).toMatchObject({ status: 'not_graded', activeDays: 44, payout: null });
  });

  it('says so in the explanation, in both languages', () => {
    const join = byCode(out, 'JOIN').explanation;
    expect(join.en.at(-1)).toBe('Qualified for 2, placed at 2; coefficient 0.9, payout 1320.65 (paid for 45 of 92 days).');
    expect(join['zh-CN'].at(-1)).toBe('符合 2 级条件，定为 2 级；系数 0.9，绩效 1320.65 元（按全期 92 天中在岗 45 天计发）。');
    expect(byCode(out, 'FULL').explanation.en.at(-1)).toContain('payout 2700.00 (paid for 92 of 92 days)');
  });

  it('v1 pays the full base whatever the active days, and says nothing of days', () => {
    const v1 = gradeOfficers(policyV1, run(officers));
    for (const code of ['FULL', 'JOIN', 'LEAVE', 'BOTH']) expect(byCode(v1, code).payout).toBe(2700);
    expect(byCode(v1, 'JOIN').explanation.en.at(-1)).toBe('Qualified for 2, placed at 2; coefficient 0.9, payout 2700.00.');
  });

  it('rounds half a fen up, exactly: 1001 x 1.15 x 46 / 92 = 575.575 -> 575.58 (binary gives 575.57)', () => {
    const policy: Policy = { ...defaultPolicy, baseAllowance: 1001 };
    expect(payoutOf(policy, 1.15, 46, q3)).toBe(575.58);
    expect(Math.round(((1001 * 1.15 * 46) / 92) * 100) / 100).toBe(575.57);
    // Through the engine: C is alone at tier 4 (77.14), hired 2026-08-16 (46 days).
    const five = [
      officer('A', { workload: { general_taxpayer: 6 } }),
      officer('B', { workload: { general_taxpayer: 6.5 } }),
      officer('C', { workload: { general_taxpayer: 7 }, hireDate: '2026-08-16' }),
      officer('D', { workload: { general_taxpayer: 5 } }),
      officer('E', { workload: { general_taxpayer: 4 } }),
    ];
    const c = byCode(gradeOfficers(policy, run(five)), 'C');
    expect(c).toMatchObject({ activeDays: 46, tier: 4, coefficient: 1.15, payout: 575.58 });
  });

  it('uses the days of the period itself (2026Q1 has 90)', () => {
    const q1 = { code: '2026Q1', start: '2026-01-01', end: '2026-03-31' };
    const o = gradeOfficers(defaultPolicy, run([officer('F'), officer('H', { hireDate: '2026-02-15' })], q1));
    // H: Feb 15..28 (14) + Mar (31) = 45; 2700 x 45 / 90 = 1350.
    expect(byCode(o, 'H')).toMatchObject({ activeDays: 45, payout: 1350 });
    expect(byCode(o, 'H').explanation.en.at(-1)).toContain('(paid for 45 of 90 days)');
  });

  it('a decimal policy without proration pays the exact full base', () => {
    const policy: Policy = { ...defaultPolicy, proration: 'none' };
    const o = gradeOfficers(policy, run(officers));
    expect(byCode(o, 'JOIN').payout).toBe(2700);
    expect(byCode(o, 'JOIN').explanation.en.at(-1)).not.toContain('paid for');
  });
});

describe('v2 differs from v1 only by proration and exact W (property)', () => {
  const kinds = Object.keys(defaultPolicy.workload.itemWeights);
  const officerArb = (code: string) =>
    fc
      .record({
        peerGroup: fc.constantFrom('urban', 'county'),
        hireDate: fc.constantFrom('2000-01-01', '2026-07-15', '2026-08-17', '2026-08-18'),
        leaveDate: fc.option(fc.constantFrom('2026-08-20', '2026-09-29'), { nil: null }),
        workload: fc.dictionary(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 30 }), { maxKeys: 4 }),
        means: fc.array(fc.integer({ min: 4, max: 20 }).map((x) => x / 4), { maxLength: 6 }),
        severity: fc.option(fc.constantFrom('medium' as const, 'high' as const), { nil: null }),
        assessed: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      })
      .map((r) =>
        officer(code, {
          peerGroup: r.peerGroup,
          hireDate: r.hireDate,
          leaveDate: r.leaveDate,
          workload: r.workload,
          feedback: { n: r.means.length, sumMeans: r.means.reduce((a, b) => a + b, 0) },
          penalties: r.severity ? [{ flagId: `${code}-f`, rule: 'complaint', severity: r.severity }] : [],
          assessments: r.assessed === null ? [] : [{ category: 'tax_law', raw: r.assessed, max: 100, takenOn: '2026-05-01' }],
        }),
      );
  const runArb = fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => officerArb(`V${String(i).padStart(2, '0')}`))));

  /** A result without what v2 changes on purpose: the payout and the sentence that states it. */
  const stripPay = (r: OfficerResult) => ({ ...r, payout: null, explanation: { en: r.explanation.en.slice(0, -1), zh: r.explanation['zh-CN'].slice(0, -1) } });

  it('same figures whenever v1 had no float noise; the payout is the v1 payout prorated to the fen', () => {
    // Oracle in integer fen: 3000 yuan x coefficient (2 places) x days / 92, rounded half up.
    const fenOf = (coefficient: number, days: number) => {
      const num = 300_000n * BigInt(Math.round(coefficient * 100)) * BigInt(days);
      const den = 100n * 92n;
      return Number((2n * num + den) / (2n * den));
    };
    fc.assert(
      fc.property(runArb, (officers) => {
        const v1 = gradeOfficers(policyV1, run(officers));
        const v2 = gradeOfficers(defaultPolicy, run(officers));
        const noise = v1.results.some((r) => r.raw.workloadPoints !== byCode(v2, r.officerCode).raw.workloadPoints);
        for (const a of v1.results) {
          const b = byCode(v2, a.officerCode);
          // W differs by float noise at most.
          expect(Math.abs(a.raw.workloadPoints - b.raw.workloadPoints)).toBeLessThan(1e-9);
          if (b.payout !== null) expect(Math.round(b.payout * 100)).toBe(fenOf(b.coefficient!, b.activeDays));
          if (noise) continue;
          expect(stripPay(b)).toEqual(stripPay(a));
          if (a.payout !== null) expect(Math.round(a.payout * 100)).toBe(fenOf(a.coefficient!, 92));
        }
        if (!noise) expect({ ...v2, results: null, policyVersion: null }).toEqual({ ...v1, results: null, policyVersion: null });
      }),
      { numRuns: 200 },
    );
  });
});
