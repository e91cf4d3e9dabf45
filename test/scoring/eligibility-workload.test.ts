import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeOfficers, type EngineOutput } from '../../scoring/index.js';
import { officer, run } from '../support/scoring.js';

const byCode = (out: EngineOutput, code: string) => out.results.find((r) => r.officerCode === code)!;

describe('eligibility (DESIGN 3: at least 45 active days, both ends counted)', () => {
  // 2026Q3 = 2026-07-01..2026-09-30. Hired 2026-08-17: Aug 17..31 is 15 days + September 30 = 45.
  // Hired 2026-08-18: 14 + 30 = 44. Leaving 2026-08-14: July 31 + Aug 1..14 = 45; 2026-08-13: 44.
  const out = gradeOfficers(
    defaultPolicy,
    run([
      officer('H45', { hireDate: '2026-08-17' }),
      officer('H44', { hireDate: '2026-08-18' }),
      officer('L45', { leaveDate: '2026-08-14' }),
      officer('L44', { leaveDate: '2026-08-13' }),
      officer('GONE', { leaveDate: '2026-06-30' }),
      officer('LATE', { hireDate: '2026-10-01' }),
      officer('FULL'),
    ]),
  );

  it('grades 45 active days and refuses 44, with the reason', () => {
    expect(byCode(out, 'H45')).toMatchObject({ status: 'graded', activeDays: 45 });
    expect(byCode(out, 'L45')).toMatchObject({ status: 'graded', activeDays: 45 });
    expect(byCode(out, 'H44')).toMatchObject({ status: 'not_graded', activeDays: 44, reason: 'active 44 days < 45' });
    expect(byCode(out, 'L44')).toMatchObject({ status: 'not_graded', activeDays: 44, reason: 'active 44 days < 45' });
    expect(byCode(out, 'FULL').activeDays).toBe(92);
  });

  it('gives officers out of service during the whole period 0 active days', () => {
    expect(byCode(out, 'GONE')).toMatchObject({ status: 'not_graded', activeDays: 0, reason: 'active 0 days < 45' });
    expect(byCode(out, 'LATE')).toMatchObject({ status: 'not_graded', activeDays: 0 });
  });

  it('leaves not-graded officers without scores, rank or tier, listed after the graded by code', () => {
    const ng = byCode(out, 'H44');
    expect(ng).toMatchObject({ components: null, weights: null, composite: null, rank: null, tier: null, payout: null, placement: null });
    expect(ng.explanation.en[0]).toContain('active 44 days');
    expect(ng.explanation['zh-CN'][0]).toContain('在岗 44 天');
    expect(out.graded).toBe(3);
    expect(out.notGraded).toBe(4);
    expect(out.results.slice(3).map((r) => r.officerCode)).toEqual(['GONE', 'H44', 'L44', 'LATE']);
  });

  it('keeps not-graded officers out of percentiles and the feedback prior', () => {
    // Graded: A 10 points (n=1, mean 4), B 20 points (n=1, mean 2) -> prior (4 + 2) / 2 = 3.
    // The not-graded X (1000 points, n=50 at mean 5) must change nothing.
    const base = [
      officer('A', { workload: { general_taxpayer: 10 }, feedback: { n: 1, sumMeans: 4 } }),
      officer('B', { workload: { general_taxpayer: 20 }, feedback: { n: 1, sumMeans: 2 } }),
    ];
    const x = officer('X', { hireDate: '2026-09-01', workload: { general_taxpayer: 1000 }, feedback: { n: 50, sumMeans: 250 } });
    const o = gradeOfficers(defaultPolicy, run([...base, x]));
    expect(o.prior).toBe(3);
    // A: 1 of 2 (run fallback), below 0, equal 1 -> 100 * 0.5 / 2 = 25; B: 100 * 1.5 / 2 = 75.
    expect(byCode(o, 'A').components!.workload).toBe(25);
    expect(byCode(o, 'B').components!.workload).toBe(75);
    // A's feedback: 100 * ((10*3 + 4) / 11 - 1) / 4
    expect(byCode(o, 'A').components!.feedback).toBeCloseTo((100 * ((10 * 3 + 4) / 11 - 1)) / 4, 12);
    expect(o.caps[0]).toEqual({ level: 5, cap: 0, used: 0 }); // floor(0.15 * 2) = 0: X not counted
  });
});

describe('workload (DESIGN 3: weighted points, mid-rank percentile in the peer group)', () => {
  // urban: five graded officers at 10, 20, 20, 30, 50 general_taxpayer points (weight 1).
  // county: four graded officers at 1, 3, 5, 8 key_taxpayer (weight 5) = 5, 15, 25, 40 points,
  // plus one county officer not graded (so the county has 4 graded, < 5: falls back to the run).
  const officers = [
    officer('U1', { workload: { general_taxpayer: 10 } }),
    officer('U2', { workload: { general_taxpayer: 20 } }),
    officer('U3', { workload: { general_taxpayer: 20 } }),
    officer('U4', { workload: { general_taxpayer: 30 } }),
    officer('U5', { workload: { general_taxpayer: 50 } }),
    officer('C1', { peerGroup: 'county', workload: { key_taxpayer: 1 } }),
    officer('C2', { peerGroup: 'county', workload: { key_taxpayer: 3 } }),
    officer('C3', { peerGroup: 'county', workload: { key_taxpayer: 5 } }),
    officer('C4', { peerGroup: 'county', workload: { key_taxpayer: 8 } }),
    officer('C5', { peerGroup: 'county', hireDate: '2026-09-20', workload: { key_taxpayer: 20 } }),
  ];
  const out = gradeOfficers(defaultPolicy, run(officers));

  it('sums itemWeight * count', () => {
    const o = gradeOfficers(
      defaultPolicy,
      run([officer('P', { workload: { key_taxpayer: 2, general_taxpayer: 3, tax_assessment_case: 1, arrears_case: 4, inspection_visit: 5 } })]),
    );
    // 5*2 + 1*3 + 3*1 + 2*4 + 1*5 = 10 + 3 + 3 + 8 + 5 = 29
    expect(o.results[0]!.raw.workloadPoints).toBe(29);
  });

  it('scores a peer group of 5 within the group: 100 * (below + 0.5 * equal) / n', () => {
    const w = (c: string) => byCode(out, c).components!.workload;
    expect(w('U1')).toBe((100 * (0 + 0.5 * 1)) / 5); // 10
    expect(w('U2')).toBe((100 * (1 + 0.5 * 2)) / 5); // 40, tie with U3
    expect(w('U3')).toBe((100 * (1 + 0.5 * 2)) / 5);
    expect(w('U4')).toBe((100 * (3 + 0.5 * 1)) / 5); // 70
    expect(w('U5')).toBe((100 * (4 + 0.5 * 1)) / 5); // 90
    expect(byCode(out, 'U2').raw).toMatchObject({ peerGroupUsed: 'urban', peerFallback: false, peerCount: 5, peerBelow: 1, peerEqual: 2, peerPosition: 3 });
  });

  it('falls back to all graded officers of the run for a peer group of 4 graded', () => {
    // Run (9 graded), ascending: 5, 10, 15, 20, 20, 25, 30, 40, 50.
    const w = (c: string) => byCode(out, c).components!.workload;
    expect(w('C1')).toBeCloseTo((100 * (0 + 0.5)) / 9, 12); // 5 points: nothing below
    expect(w('C2')).toBeCloseTo((100 * (2 + 0.5)) / 9, 12); // 15: below 5, 10
    expect(w('C3')).toBeCloseTo((100 * (5 + 0.5)) / 9, 12); // 25: below 5, 10, 15, 20, 20
    expect(w('C4')).toBeCloseTo((100 * (7 + 0.5)) / 9, 12); // 40: seven below
    expect(byCode(out, 'C3').raw).toMatchObject({ peerGroupUsed: '*', peerFallback: true, peerCount: 9, peerGroupSize: 4, peerPosition: 4 });
    expect(byCode(out, 'C3').explanation.en[1]).toContain('peer group county has only 4 graded officers (< 5)');
    expect(byCode(out, 'C3').explanation['zh-CN'][1]).toContain('改与全部 9 名参评人员比较');
  });

  it('explains the percentile in plain words', () => {
    expect(byCode(out, 'U4').explanation.en[1]).toBe(
      'Workload 70.00: 30.00 weighted points, 2nd of 5 in peer group urban (mid-rank percentile: 3 below, 1 equal including self).',
    );
    expect(byCode(out, 'U4').explanation['zh-CN'][1]).toContain('工作量 70.00 分：加权工作量 30.00，同组（urban）5 人中排第 2');
  });

  it('gives equal points to equal counts whatever order the kinds arrive in', () => {
    // 0.5 + 0.2 + 0.2 is 0.8999999999999999 in binary floating point, 0.2 + 0.2 + 0.5 is 0.9:
    // summing in kind order keeps the two officers tied.
    const o = gradeOfficers(
      defaultPolicy,
      run([
        officer('A', { workload: { registration_case: 1, individual_taxpayer: 1, invoice_review: 1 } }),
        officer('B', { workload: { individual_taxpayer: 1, invoice_review: 1, registration_case: 1 } }),
      ]),
    );
    expect(byCode(o, 'A').raw.workloadPoints).toBe(byCode(o, 'B').raw.workloadPoints);
    expect(byCode(o, 'A').components!.workload).toBe(50); // 100 * (0 + 0.5 * 2) / 2
  });

  it('gives kinds the policy does not know no weight and reports them', () => {
    const o = gradeOfficers(defaultPolicy, run([officer('A', { workload: { general_taxpayer: 2, mystery: 100 } })]));
    expect(o.results[0]!.raw.workloadPoints).toBe(2);
    expect(o.results[0]!.raw.ignoredKinds).toEqual(['mystery']);
  });
});
