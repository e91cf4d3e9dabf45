import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeOfficers, policySchema, type EngineOutput, type OfficerInput } from '../../scoring/index.js';
import { officer, run } from '../support/scoring.js';

const byCode = (out: EngineOutput, code: string) => out.results.find((r) => r.officerCode === code)!;
const a90 = [{ category: 'tax_law', raw: 90, max: 100, takenOn: '2026-08-01' }];

/**
 * Composite = tenure score, so composites are exact: in position since 2000 -> 100;
 * since 2018-09-30 -> 2922 days = 8 years -> 80; since 2020-01-01 -> 2464 days -> 67.46;
 * since 2026-09-30 -> 0. The other components are still computed and break ties.
 */
const tenureOnly = policySchema.parse({ ...defaultPolicy, components: { workload: 0, assessment: 0, feedback: 0, tenure: 1 } });

/**
 * 20 graded officers: cap at 5 is floor(0.15 * 20) = 3, cap at 4 is floor(0.30 * 20) = 6.
 * K*: composite 100 (four candidates for 3 places at level 5).
 * M*: composite 80, identical, so code order decides (six for the places left at 4).
 * L3*: 67.46 -> 3; L1*: 0 -> 1. The prior: K1 has 2 responses summing 10, the ten L* one each
 * of mean 1, so m = (10 + 10) / 12 = 5/3 and K1's feedback (10*5/3 + 10)/12 beats the others'.
 */
function capRun(kOver: Record<string, Partial<OfficerInput>>) {
  const ks = ['K1', 'K2', 'K3', 'K4'].map((c) => officer(c, { positionStartDate: '2000-01-01', ...kOver[c] }));
  const ms = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6'].map((c) => officer(c, { positionStartDate: '2018-09-30' }));
  const l3 = [1, 2, 3, 4, 5].map((i) => officer(`L3${i}`, { positionStartDate: '2020-01-01', feedback: { n: 1, sumMeans: 1 } }));
  const l1 = [1, 2, 3, 4, 5].map((i) => officer(`L1${i}`, { positionStartDate: '2026-09-30', feedback: { n: 1, sumMeans: 1 } }));
  // Not graded (44 days), composite would be 100: must not take a place or count toward caps.
  const ng = [officer('A0', { hireDate: '2026-08-18' }), officer('A1', { hireDate: '2026-08-18' })];
  return gradeOfficers(tenureOnly, run([...ng, ...l1, ...l3, ...ms, ...ks].reverse()));
}

describe('tiers (DESIGN 3: top-down, capped levels, rank order decides who is placed)', () => {
  it('breaks a tie at the level-5 cap with feedback, then assessment (missing last), then code', () => {
    const out = capRun({
      K1: { feedback: { n: 2, sumMeans: 10 } },
      K2: { assessments: a90 },
      K3: {}, // assessment missing: last among equals
      K4: { assessments: a90 }, // same as K2 in everything: code order, K2 before K4
    });
    expect(out.graded).toBe(20);
    expect(out.prior).toBeCloseTo(5 / 3, 12);
    expect(out.results.slice(0, 4).map((r) => r.officerCode)).toEqual(['K1', 'K2', 'K4', 'K3']);
    for (const c of ['K1', 'K2', 'K4']) expect(byCode(out, c).tier).toBe(5);
    expect(byCode(out, 'K3')).toMatchObject({ composite: 100, rank: 4, tier: 4, coefficient: 1.15, payout: 3450 });
    expect(byCode(out, 'K3').placement).toEqual({ qualifiedFor: 5, placedAt: 4, cappedAt: [5] });
    expect(byCode(out, 'K3').explanation.en.at(-1)).toBe('Qualified for 5, over the 15% cap at 5 (3 places), placed at 4; coefficient 1.15, payout 3450.00 (paid for 92 of 92 days).');
    expect(byCode(out, 'K3').explanation['zh-CN'].at(-1)).toBe('符合 5 级条件，但 5 级名额（15%，3 人）已满，定为 4 级；系数 1.15，绩效 3450.00 元（按全期 92 天中在岗 92 天计发）。');

    // Level 4: K3 first, then M1..M5 by code fill the 6 places; M6 is over the cap and goes to 3.
    for (const c of ['M1', 'M2', 'M3', 'M4', 'M5']) expect(byCode(out, c)).toMatchObject({ composite: 80, tier: 4 });
    expect(byCode(out, 'M6')).toMatchObject({ composite: 80, rank: 10, tier: 3, payout: 3000 });
    expect(byCode(out, 'M6').placement).toEqual({ qualifiedFor: 4, placedAt: 3, cappedAt: [4] });
    expect(byCode(out, 'L31').tier).toBe(3);
    expect(byCode(out, 'L11')).toMatchObject({ composite: 0, tier: 1, payout: 2400 });
    expect(byCode(out, 'A0')).toMatchObject({ status: 'not_graded', tier: null });

    expect(out.tierCounts).toEqual({ 5: 3, 4: 6, 3: 6, 2: 0, 1: 5 });
    expect(out.caps).toEqual([
      { level: 5, cap: 3, used: 3 },
      { level: 4, cap: 6, used: 6 },
      { level: 3, cap: null, used: 6 },
      { level: 2, cap: null, used: 0 },
      { level: 1, cap: null, used: 5 },
    ]);
  });

  it('compares codes by code unit: B10 ranks before B9 when all else is equal', () => {
    const out = capRun({ K1: { code: 'B9', assessments: a90 }, K2: { code: 'B10', assessments: a90 }, K3: { assessments: a90 }, K4: { assessments: a90 } });
    expect(out.results.slice(0, 4).map((r) => r.officerCode)).toEqual(['B10', 'B9', 'K3', 'K4']);
    expect(byCode(out, 'K4').placement).toEqual({ qualifiedFor: 5, placedAt: 4, cappedAt: [5] });
  });

  it('an officer over two caps falls two levels', () => {
    // 10 graded: caps floor(1.5) = 1 at 5 and floor(3) = 3 at 4. Five officers at 100:
    // one placed at 5, three at 4, the fifth qualified for 5 and placed at 3.
    const officers = ['E1', 'E2', 'E3', 'E4', 'E5'].map((c) => officer(c));
    const rest = [1, 2, 3, 4, 5].map((i) => officer(`Z${i}`, { positionStartDate: '2026-09-30' }));
    const out = gradeOfficers(tenureOnly, run([...officers, ...rest]));
    expect(out.results.slice(0, 5).map((r) => r.tier)).toEqual([5, 4, 4, 4, 3]);
    expect(byCode(out, 'E5').placement).toEqual({ qualifiedFor: 5, placedAt: 3, cappedAt: [5, 4] });
    expect(byCode(out, 'E5').explanation.en.at(-1)).toContain('over the 15% cap at 5 (1 place) and the 30% cap at 4 (3 places), placed at 3');
    expect(byCode(out, 'E5').explanation['zh-CN'].at(-1)).toContain('但 5 级名额（15%，1 人）、4 级名额（30%，3 人）已满，定为 3 级');
  });

  it('breaks ties on tenure after feedback and assessment', () => {
    const workloadOnly = policySchema.parse({ ...defaultPolicy, components: { workload: 1, assessment: 0, feedback: 0, tenure: 0 } });
    // Everyone has the same points: composite 50 each; feedback and assessment equal.
    const out = gradeOfficers(
      workloadOnly,
      run([
        officer('A', { positionStartDate: '2024-01-01' }),
        officer('B', { positionStartDate: '2020-01-01' }),
        officer('C', { positionStartDate: '2022-01-01' }),
      ]),
    );
    expect(out.results.map((r) => [r.officerCode, r.composite, r.rank])).toEqual([
      ['B', 50, 1],
      ['C', 50, 2],
      ['A', 50, 3],
    ]);
  });

  it('ranks by composite first with the default policy, rank 1 best', () => {
    const out = gradeOfficers(
      defaultPolicy,
      run([officer('LOW', { workload: { general_taxpayer: 1 } }), officer('HIGH', { workload: { general_taxpayer: 9 } })]),
    );
    expect(out.results.map((r) => r.officerCode)).toEqual(['HIGH', 'LOW']);
    expect(out.results[0]!.composite!).toBeGreaterThan(out.results[1]!.composite!);
  });
});
