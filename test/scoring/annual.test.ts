import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeYear, policyV1, type AnnualInput, type AnnualOfficerInput, type AnnualOutput, type AnnualQuarterInput, type Policy } from '../../scoring/index.js';

const periods = ['2026Q1', '2026Q2', '2026Q3', '2026Q4'];
/** A graded quarter: 2026Q1 has 90 days, Q2 91, Q3 and Q4 92. */
const g = (period: string, composite: number, activeDays = 90, tier = 3): AnnualQuarterInput => ({ period, status: 'graded', composite, activeDays, tier });
const ng = (period: string, activeDays: number): AnnualQuarterInput => ({ period, status: 'not_graded', composite: null, activeDays, tier: null });
const off = (code: string, quarters: AnnualQuarterInput[], flags: AnnualOfficerInput['flags'] = []): AnnualOfficerInput => ({ code, quarters, flags });
/** Two full quarters at the same composite: the annual score is that composite exactly. */
const flat = (code: string, score: number, fives = 0) => off(code, [g('2026Q1', score, 90, fives > 0 ? 5 : 3), g('2026Q2', score, 91, fives > 1 ? 5 : 3)]);
const year = (officers: AnnualOfficerInput[]): AnnualInput => ({ year: 2026, periods, officers });
const byCode = (out: AnnualOutput, code: string) => out.results.find((r) => r.officerCode === code)!;

describe('the year: who is rated (DESIGN 3b: fewer than 2 graded quarters is not_rated)', () => {
  const out = gradeYear(
    defaultPolicy,
    year([
      off('ONE', [ng('2026Q1', 30), g('2026Q3', 72.5, 92, 3)]),
      off('NONE', [ng('2026Q4', 20)]),
      off('TWO', [g('2026Q2', 70, 91), g('2026Q4', 80, 46)]),
      flat('FULL', 65),
    ]),
  );

  it('does not rate an officer graded in one quarter, and says why', () => {
    expect(byCode(out, 'ONE')).toMatchObject({ status: 'not_rated', reason: 'graded in 1 quarter < 2', score: null, rank: null, grade: null, placement: null });
    expect(byCode(out, 'NONE')).toMatchObject({ status: 'not_rated', reason: 'graded in 0 quarters < 2' });
    expect(byCode(out, 'ONE').explanation.en).toEqual([
      'Graded in 1 of 4 quarters of 2026: 2026Q3 72.50 (92 days, tier 3); 2026Q1 not graded (active 30 days), 2026Q2 no result, 2026Q4 no result.',
      'Not rated: graded in fewer than 2 quarters.',
    ]);
    expect(byCode(out, 'ONE').explanation['zh-CN']).toEqual([
      '2026 年 4 个季度中参加评定 1 个：2026Q3 72.50 分（在岗 92 天，3 级）；2026Q1 未参加评定（在岗 30 天）、2026Q2 无评定结果、2026Q4 无评定结果。',
      '不参加年度评定：参加评定的季度少于 2 个。',
    ]);
  });

  it('rates two quarters, counts only rated officers, lists the unrated after them by code', () => {
    expect(out.rated).toBe(2);
    expect(out.notRated).toBe(2);
    expect(out.results.map((r) => r.officerCode)).toEqual(['TWO', 'FULL', 'NONE', 'ONE']);
  });

  it('weights each quarter by its active days: (70 x 91 + 80 x 46) / 137 = 73.36', () => {
    const two = byCode(out, 'TWO');
    expect(two.score).toBe((70 * 91 + 80 * 46) / 137);
    expect(two.activeDays).toBe(137);
    expect(two.quarters).toEqual([
      { period: '2026Q2', composite: 70, activeDays: 91, tier: 3, weight: 91 / 137 },
      { period: '2026Q4', composite: 80, activeDays: 46, tier: 3, weight: 46 / 137 },
    ]);
    expect(two.grade).toBe('competent');
    expect(two.explanation.en[1]).toBe('Annual score 73.36: the quarterly composites weighted by active days, (70.00 × 91 + 80.00 × 46) / 137.');
    expect(two.explanation['zh-CN'][1]).toBe('年度得分 73.36：各季度综合得分按在岗天数加权平均，(70.00 × 91 + 80.00 × 46) / 137。');
  });

  it('weights three quarters by days, not a plain mean: (70 x 90 + 80 x 91 + 90 x 46) / 227 = 78.06, not 80', () => {
    const o = gradeYear(defaultPolicy, year([off('W', [g('2026Q1', 70, 90), g('2026Q2', 80, 91), g('2026Q3', 90, 46, 4)])]));
    const w = byCode(o, 'W');
    expect(w.score).toBe(17720 / 227);
    expect(w.score).toBeLessThan(80);
    expect(w.grade).toBe('competent');
  });
});

describe('the year: grades, the excellent quota and flags (DESIGN 3b)', () => {
  // 20 rated: quota floor(0.15 * 20) = 3.
  // Candidates (score >= 80, no barring flag), in rank order: A 90; C 85 with two quarters at tier 5;
  // B and D 85 with one, B before D by code; E exactly 80. A, C, B are excellent; D and E go on to competent.
  const top = [flat('A', 90), flat('B', 85, 1), flat('C', 85, 2), flat('D', 85, 1), flat('E', 80)];
  const rest = [flat('F', 79.99), flat('G', 60), flat('H', 59.99), flat('I', 45), flat('J', 44.99), ...Array.from({ length: 10 }, (_, i) => flat(`K${i}`, 50 + i))];
  const out = gradeYear(defaultPolicy, year([...top, ...rest]));

  it('ranks by score, then quarters at tier 5, then code', () => {
    expect(out.results.slice(0, 5).map((r) => [r.officerCode, r.rank, r.tieBreakQuarters])).toEqual([
      ['A', 1, 0],
      ['C', 2, 2],
      ['B', 3, 1],
      ['D', 4, 1],
      ['E', 5, 0],
    ]);
  });

  it('fills the quota in rank order at the tie, and sends the other candidates on to competent', () => {
    expect(out.rated).toBe(20);
    expect(out.quota).toEqual({ share: 0.15, cap: 3, used: 3, candidates: 5, barred: 0 });
    expect(['A', 'C', 'B'].map((c) => byCode(out, c).grade)).toEqual(['excellent', 'excellent', 'excellent']);
    expect(byCode(out, 'D')).toMatchObject({ grade: 'competent', placement: { qualifiedFor: 'excellent', overQuota: true, barredBy: [] } });
    expect(byCode(out, 'E')).toMatchObject({ score: 80, grade: 'competent', placement: { qualifiedFor: 'excellent', overQuota: true } });
    expect(byCode(out, 'D').explanation.en.at(-1)).toBe('Qualified for excellent (score 80 or more), but the excellent quota (15% of 20: 3 places) is full: competent.');
    expect(byCode(out, 'D').explanation['zh-CN'].at(-1)).toBe('得分不低于 80，符合优秀条件，但优秀名额（15%，20 人中 3 人）已满，评为称职。');
    expect(byCode(out, 'A').explanation.en.at(-1)).toBe('Score 80 or more, no barring flag confirmed in 2026, within the excellent quota (15% of 20: 3 places): excellent.');
    expect(byCode(out, 'C').explanation.en[2]).toBe('Rank 2 of 20 rated officers (ties broken by quarters at tier 5, here 2, then officer code).');
  });

  it('draws the lines at 60 and 45, both included', () => {
    expect(byCode(out, 'F').grade).toBe('competent');
    expect(byCode(out, 'G').grade).toBe('competent');
    expect(byCode(out, 'H').grade).toBe('basically_competent');
    expect(byCode(out, 'I').grade).toBe('basically_competent');
    expect(byCode(out, 'J').grade).toBe('incompetent');
    expect(byCode(out, 'J').explanation['zh-CN'].at(-1)).toBe('得分低于 45，评为不称职。');
    expect(byCode(out, 'H').explanation.en.at(-1)).toBe('Score 45 or more, below 60: basically competent.');
    // competent: D, E, F, G; basically competent: H, I and K0..K9 (50..59); incompetent: J.
    expect(out.gradeCounts).toEqual({ excellent: 3, competent: 4, basically_competent: 12, incompetent: 1 });
  });

  it('with 19 rated the quota is floor(2.85) = 2', () => {
    const o = gradeYear(defaultPolicy, year([...top, ...rest.slice(1)]));
    expect(o.quota).toMatchObject({ cap: 2, used: 2 });
    expect(o.results.filter((r) => r.grade === 'excellent').map((r) => r.officerCode)).toEqual(['A', 'C']);
  });

  it('a high or critical flag confirmed in the year bars excellent; the next candidate takes the place', () => {
    const flagged = [
      off('A', top[0]!.quarters, [{ flagId: 'F-1', rule: 'complaint', severity: 'high' }]),
      off('C', top[2]!.quarters, [{ flagId: 'F-2', rule: 'bunching', severity: 'medium' }]),
      off('B', top[1]!.quarters, [{ flagId: 'F-3', rule: 'benford', severity: 'critical' }, { flagId: 'F-4', rule: 'complaint', severity: 'low' }]),
    ];
    const o = gradeYear(defaultPolicy, year([...flagged, ...top.slice(3), ...rest]));
    expect(byCode(o, 'A')).toMatchObject({ rank: 1, grade: 'competent', placement: { qualifiedFor: 'excellent', overQuota: false, barredBy: [{ flagId: 'F-1', rule: 'complaint', severity: 'high' }] } });
    expect(byCode(o, 'B')).toMatchObject({ grade: 'competent', placement: { barredBy: [{ flagId: 'F-3', rule: 'benford', severity: 'critical' }] } });
    // A medium flag does not bar: C is excellent, then D and E fill the quota of 3.
    expect(o.results.filter((r) => r.grade === 'excellent').map((r) => r.officerCode)).toEqual(['C', 'D', 'E']);
    expect(o.quota).toEqual({ share: 0.15, cap: 3, used: 3, candidates: 3, barred: 2 });
    expect(byCode(o, 'A').explanation.en.at(-1)).toBe('Score 80 or more, but barred from excellent by a flag confirmed in 2026 (F-1 complaint high): competent.');
    expect(byCode(o, 'A').explanation['zh-CN'].at(-1)).toBe('得分不低于 80，但本年度有已确认的严重问题（F-1 complaint 高），不能评为优秀，评为称职。');
  });

  it('a flag does not matter below the excellent line', () => {
    const o = gradeYear(defaultPolicy, year([off('X', flat('X', 70).quarters, [{ flagId: 'F-9', rule: 'complaint', severity: 'critical' }]), flat('Y', 50)]));
    expect(byCode(o, 'X')).toMatchObject({ grade: 'competent', placement: { qualifiedFor: 'competent', barredBy: [], overQuota: false } });
  });

  it('counts tier-5 quarters by the effective tier it is given (after corrections)', () => {
    const o = gradeYear(defaultPolicy, year([off('P', [g('2026Q1', 85, 90, 4), g('2026Q2', 85, 91, 5)]), off('Q', [g('2026Q1', 85, 90, 5), g('2026Q2', 85, 91, 5)])]));
    expect(o.results.map((r) => [r.officerCode, r.tieBreakQuarters])).toEqual([
      ['Q', 2],
      ['P', 1],
    ]);
  });
});

describe('the year: every number is a policy default', () => {
  it('follows the annual section of the policy', () => {
    const policy: Policy = {
      ...defaultPolicy,
      annual: { minQuarters: 3, tieBreakTier: 4, excellent: { minScore: 70, maxShare: 0.5, barringSeverities: ['critical'] }, competent: { minScore: 50 }, basicallyCompetent: { minScore: 40 } },
    };
    const o = gradeYear(policy, year([
      off('A', [g('2026Q1', 75, 90, 4), g('2026Q2', 75, 91, 4), g('2026Q3', 75, 92, 4)], [{ flagId: 'F', rule: 'r', severity: 'high' }]),
      off('B', [g('2026Q1', 75, 90, 3), g('2026Q2', 75, 91, 3), g('2026Q3', 75, 92, 3)]),
      off('C', [g('2026Q1', 90, 90), g('2026Q2', 90, 91)]),
      off('D', [g('2026Q1', 45, 90), g('2026Q2', 45, 91), g('2026Q3', 45, 92)]),
    ]));
    expect(byCode(o, 'C')).toMatchObject({ status: 'not_rated', reason: 'graded in 2 quarters < 3' });
    // A before B by quarters at tier 4; quota floor(0.5 * 3) = 1; high does not bar under this policy.
    expect(o.results.slice(0, 3).map((r) => [r.officerCode, r.grade])).toEqual([
      ['A', 'excellent'],
      ['B', 'competent'],
      ['D', 'basically_competent'],
    ]);
  });

  it('grades a v1 policy (no annual section) by the defaults of DESIGN 3b', () => {
    const input = year([flat('A', 90), flat('B', 70)]);
    expect(gradeYear(policyV1, input).results.map((r) => r.grade)).toEqual(gradeYear(defaultPolicy, input).results.map((r) => r.grade));
    expect(gradeYear(policyV1, input).policyVersion).toBe('v1');
  });

  it('renders the same explanation later from the figures (explain: false)', () => {
    const input = year([flat('A', 90), flat('B', 85), off('C', [g('2026Q1', 50)])]);
    const full = gradeYear(defaultPolicy, input);
    const bare = gradeYear(defaultPolicy, input, { explain: false });
    expect(bare.results.every((r) => !('explanation' in r))).toBe(true);
    expect(full.results.map(({ explanation: _, ...r }) => r)).toEqual(bare.results);
  });

  it('refuses inputs no runs layer should pass (RangeError)', () => {
    expect(() => gradeYear(defaultPolicy, year([flat('A', 1), flat('A', 2)]))).toThrow(RangeError);
    expect(() => gradeYear(defaultPolicy, year([off('A', [g('2025Q4', 50), g('2026Q1', 50)])]))).toThrow(/not one of/);
    expect(() => gradeYear(defaultPolicy, year([off('A', [g('2026Q1', 50), g('2026Q1', 60)])]))).toThrow(/two results/);
    expect(() => gradeYear(defaultPolicy, year([off('A', [{ period: '2026Q1', status: 'graded', composite: null, activeDays: 90, tier: 3 }])]))).toThrow(/without composite/);
  });
});
