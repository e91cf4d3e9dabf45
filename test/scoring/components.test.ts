import { describe, expect, it } from 'vitest';
import { compositeScore, defaultPolicy, gradeOfficers, policySchema, type EngineOutput, type OfficerInput } from '../../scoring/index.js';
import { officer, run } from '../support/scoring.js';

const byCode = (out: EngineOutput, code: string) => out.results.find((r) => r.officerCode === code)!;
const a = (category: string, raw: number, max: number, takenOn: string) => ({ category, raw, max, takenOn });

/**
 * Everyone has the same workload points (percentile 100 * (0 + 0.5 * n) / n = 50), no feedback
 * in the run (prior 3, score 100 * ((10*3 + 0) / 10 - 1) / 4 = 50) and tenure capped (100), so
 * the assessment, penalty and weights are the only things that differ.
 */
const flat = (code: string, over: Partial<OfficerInput> = {}) => officer(code, { workload: { general_taxpayer: 10 }, ...over });

describe('assessment (DESIGN 3: latest per category within 4 quarters, weighted mean of present)', () => {
  const out = gradeOfficers(
    defaultPolicy,
    run([
      // Window of 2026Q3: 2025-10-01..2026-09-30.
      flat('EDGE', {
        assessments: [
          a('tax_law', 50, 100, '2025-09-30'), // one day before the window: excluded
          a('accounting', 80, 100, '2025-10-01'), // window start: included
          a('law', 10, 20, '2026-10-01'), // after the period: excluded
        ],
      }),
      flat('SECOND', {
        assessments: [
          a('tax_law', 90, 100, '2026-03-01'), // latest tax_law (listed first on purpose)
          a('tax_law', 60, 100, '2026-01-15'),
          a('accounting', 30, 40, '2026-02-01'), // 75
          a('law', 45, 50, '2026-06-30'), // 90
        ],
      }),
      flat('SAMEDAY', { assessments: [a('tax_law', 85, 100, '2026-05-05'), a('tax_law', 70, 100, '2026-05-05')] }),
      flat('SAMEDAY2', { assessments: [a('tax_law', 70, 100, '2026-05-05'), a('tax_law', 85, 100, '2026-05-05')] }),
      flat('ALL4', {
        assessments: [a('tax_law', 100, 100, '2026-07-01'), a('accounting', 50, 100, '2026-07-01'), a('law', 20, 40, '2026-07-01'), a('data_analysis', 0, 10, '2026-07-01')],
      }),
      flat('NONE'),
      flat('OUTSIDE', { assessments: [a('tax_law', 100, 100, '2025-09-30')] }),
    ]),
  );

  it('window: excludes the day before its start, includes the start, excludes after the period', () => {
    expect(out.assessmentWindow).toEqual({ start: '2025-10-01', end: '2026-09-30' });
    const r = byCode(out, 'EDGE');
    expect(r.components!.assessment).toBe(80); // only accounting: 100 * 80 / 100
    expect(r.raw.assessmentsUsed.map((x) => x.category)).toEqual(['accounting']);
    expect(r.raw.assessmentsUsed[0]!.weight).toBe(1);
  });

  it('takes the latest result of a category and renormalises weights over the categories present', () => {
    // tax_law 90 (2026-03-01 beats 2026-01-15), accounting 100*30/40 = 75, law 100*45/50 = 90:
    // (0.3*90 + 0.3*75 + 0.2*90) / (0.3 + 0.3 + 0.2) = (27 + 22.5 + 18) / 0.8 = 84.375
    const r = byCode(out, 'SECOND');
    expect(r.components!.assessment).toBeCloseTo(84.375, 12);
    expect(r.raw.assessmentsUsed.find((x) => x.category === 'tax_law')).toMatchObject({ raw: 90, takenOn: '2026-03-01', score: 90 });
    expect(r.raw.assessmentsUsed.find((x) => x.category === 'law')!.weight).toBeCloseTo(0.2 / 0.8, 12);
    expect(r.incomplete).toBe(false);
    // 0.35*50 + 0.30*84.375 + 0.25*50 + 0.10*100 = 17.5 + 25.3125 + 12.5 + 10 = 65.3125
    expect(r.composite).toBeCloseTo(65.3125, 10);
  });

  it('two results of one category on the same date: the higher score, whatever the order', () => {
    expect(byCode(out, 'SAMEDAY').components!.assessment).toBe(85);
    expect(byCode(out, 'SAMEDAY2').components!.assessment).toBe(85);
  });

  it('weighs all four categories by policy weight', () => {
    // 0.3*100 + 0.3*50 + 0.2*(100*20/40) + 0.2*0 = 30 + 15 + 10 + 0 = 55
    expect(byCode(out, 'ALL4').components!.assessment).toBeCloseTo(55, 12);
  });

  it('no result in the window: missing, weights shared out, incomplete', () => {
    for (const code of ['NONE', 'OUTSIDE']) {
      const r = byCode(out, code);
      expect(r.components!.assessment).toBeNull();
      expect(r.incomplete).toBe(true);
      // w_i / (1 - 0.30): 0.35/0.7 = 0.5, 0.25/0.7, 0.10/0.7
      expect(r.weights!.workload).toBeCloseTo(0.5, 12);
      expect(r.weights!.assessment).toBe(0);
      expect(r.weights!.feedback).toBeCloseTo(0.25 / 0.7, 12);
      expect(r.weights!.tenure).toBeCloseTo(0.1 / 0.7, 12);
      // 0.5*50 + (0.25/0.7)*50 + (0.1/0.7)*100 = 25 + 17.857142857 + 14.285714286
      expect(r.composite).toBeCloseTo(25 + (0.25 / 0.7) * 50 + (0.1 / 0.7) * 100, 10);
      expect(r.explanation.en.join('\n')).toContain('Assessment missing: no result between 2025-10-01 and 2026-09-30');
      expect(r.explanation['zh-CN'].join('\n')).toContain('业务测试缺失');
    }
  });

  it('moves the window with the period: 2026Q1 looks back to 2025-04-01', () => {
    const o = gradeOfficers(
      defaultPolicy,
      run([flat('A', { assessments: [a('law', 1, 2, '2025-04-01'), a('tax_law', 1, 1, '2025-03-31')] })], {
        code: '2026Q1',
        start: '2026-01-01',
        end: '2026-03-31',
      }),
    );
    expect(o.assessmentWindow).toEqual({ start: '2025-04-01', end: '2026-03-31' });
    expect(o.results[0]!.components!.assessment).toBe(50);
  });
});

describe('feedback (DESIGN 3: Bayesian mean toward the run prior, C = 10)', () => {
  it('uses prior 3 when nobody graded has a response', () => {
    const o = gradeOfficers(defaultPolicy, run([flat('A'), flat('B'), officer('X', { hireDate: '2026-09-01', feedback: { n: 5, sumMeans: 25 } })]));
    expect(o.prior).toBe(3);
    // 100 * ((10*3 + 0) / (10 + 0) - 1) / 4 = 50
    expect(byCode(o, 'A').components!.feedback).toBe(50);
    expect(byCode(o, 'A').explanation.en.join('\n')).toContain('no accepted responses');
  });

  it('shrinks each officer toward the run mean of response means', () => {
    // F1: 4 responses summing 18 (mean 4.5); F2: 6 summing 15 (mean 2.5); F3: none.
    // m = (18 + 15) / (4 + 6) = 3.3
    const o = gradeOfficers(
      defaultPolicy,
      run([flat('F1', { feedback: { n: 4, sumMeans: 18 } }), flat('F2', { feedback: { n: 6, sumMeans: 15 } }), flat('F3')]),
    );
    expect(o.prior).toBeCloseTo(3.3, 12);
    // F1: 100 * ((33 + 18) / 14 - 1) / 4 = 100 * (37/14) / 4 = 66.0714...
    expect(byCode(o, 'F1').components!.feedback).toBeCloseTo((100 * (37 / 14)) / 4, 10);
    // F2: (33 + 15) / 16 = 3 -> 50
    expect(byCode(o, 'F2').components!.feedback).toBeCloseTo(50, 10);
    // F3: 33 / 10 = 3.3 -> 100 * 2.3 / 4 = 57.5
    expect(byCode(o, 'F3').components!.feedback).toBeCloseTo(57.5, 10);
  });
});

describe('tenure (DESIGN 3: days from position start to period end / 365.25, capped at 10 years)', () => {
  const o = gradeOfficers(
    defaultPolicy,
    run([
      flat('T0', { positionStartDate: '2026-09-30' }), // 0 days
      flat('TNEG', { positionStartDate: '2026-10-15' }), // after the period: max(0, -15) = 0
      flat('T5', { positionStartDate: '2021-09-30' }), // 5*365 + 1 leap day (2024-02-29) = 1826 days
      flat('T8', { positionStartDate: '2018-09-30' }), // 8*365 + 2 (2020, 2024) = 2922 days = 8 years exactly
      flat('T10', { positionStartDate: '2016-09-30' }), // 10*365 + 2 = 3652 days, just under 10 years
      flat('T10B', { positionStartDate: '2016-09-29' }), // 3653 days, just over: capped
    ]),
  );
  const t = (c: string) => byCode(o, c).components!.tenure;

  it('computes years as (end - start) days / 365.25', () => {
    expect(t('T0')).toBe(0);
    expect(t('TNEG')).toBe(0);
    expect(byCode(o, 'TNEG').raw.tenureDays).toBe(-15);
    expect(t('T5')).toBeCloseTo((100 * (1826 / 365.25)) / 10, 10);
    expect(t('T8')).toBe(80);
    expect(t('T10')).toBeCloseTo((100 * (3652 / 365.25)) / 10, 10);
    expect(t('T10')).toBeLessThan(100);
    expect(t('T10B')).toBe(100);
  });
});

describe('penalty and clipping (DESIGN 3: medium 2, high 5, critical 10, at most 15; clip to [0, 100])', () => {
  const f = (flagId: string, severity: 'low' | 'medium' | 'high' | 'critical') => ({ flagId, rule: 'complaint', severity });
  // Base of every flat officer with a full assessment at 100:
  // 0.35*50 + 0.30*100 + 0.25*50 + 0.10*100 = 17.5 + 30 + 12.5 + 10 = 70
  const full = [a('tax_law', 1, 1, '2026-07-01'), a('accounting', 1, 1, '2026-07-01'), a('law', 1, 1, '2026-07-01'), a('data_analysis', 1, 1, '2026-07-01')];
  const o = gradeOfficers(
    defaultPolicy,
    run([
      flat('P0', { assessments: full }),
      flat('PLOW', { assessments: full, penalties: [f('f1', 'low')] }),
      flat('P7', { assessments: full, penalties: [f('f2', 'medium'), f('f3', 'high')] }),
      flat('P17', { assessments: full, penalties: [f('f4', 'medium'), f('f5', 'high'), f('f6', 'critical')] }),
      flat('P20', { assessments: full, penalties: [f('f7', 'critical'), f('f8', 'critical')] }),
      flat('PDUP', { assessments: full, penalties: [f('f9', 'high'), f('f9', 'high')] }),
    ]),
  );

  it('sums severity points, caps at 15, counts a flag once', () => {
    expect(byCode(o, 'P0').composite).toBeCloseTo(70, 10);
    expect(byCode(o, 'PLOW').penalty).toBe(0);
    expect(byCode(o, 'P7').penalty).toBe(7); // 2 + 5
    expect(byCode(o, 'P7').composite).toBeCloseTo(70 - 7, 10);
    expect(byCode(o, 'P17').penalty).toBe(15); // 2 + 5 + 10 = 17 -> 15
    expect(byCode(o, 'P17').raw.penaltyUncapped).toBe(17);
    expect(byCode(o, 'P17').composite).toBeCloseTo(70 - 15, 10);
    expect(byCode(o, 'P20').penalty).toBe(15); // 10 + 10 = 20 -> 15
    expect(byCode(o, 'PDUP').penalty).toBe(5);
    expect(byCode(o, 'P17').explanation.en.join('\n')).toContain('17 in all, capped at 15');
    expect(byCode(o, 'P17').explanation['zh-CN'].join('\n')).toContain('按上限 15 分扣');
  });

  it('clips at 0', () => {
    // Ten officers; Z has no points (percentile 100 * 0.5 / 10 = 5), an assessment of 0, tenure 0.
    // The others' responses are all mean 1, so the prior is 1 and Z's feedback is
    // 100 * ((10*1 + 0) / 10 - 1) / 4 = 0. Base 0.35*5 = 1.75, minus 15 -> -13.25 -> 0.
    const others = Array.from({ length: 9 }, (_, i) => flat(`O${i}`, { feedback: { n: 1, sumMeans: 1 } }));
    const z = officer('Z', {
      positionStartDate: '2026-09-30',
      assessments: [a('tax_law', 0, 100, '2026-08-01')],
      penalties: [f('a', 'critical'), f('b', 'critical')],
    });
    const r = byCode(gradeOfficers(defaultPolicy, run([...others, z])), 'Z');
    expect(r.components).toEqual({ workload: 5, assessment: 0, feedback: 0, tenure: 0 });
    expect(r.raw.compositeBeforePenalty).toBeCloseTo(1.75, 12);
    expect(r.composite).toBe(0);
    expect(r.explanation.en.join('\n')).toContain('clipped to 0');
  });

  it('clips at 100', () => {
    // Valid inputs cannot exceed 100 (workload tops out at 100 * (n - 0.5) / n); the clip guards
    // rounding: with every component at 100 the composite is exactly 100.
    const p = compositeScore(defaultPolicy, { workload: 100, assessment: 100, feedback: 100, tenure: 100 }, 0);
    expect(p.composite).toBe(100);
    const heavy = policySchema.parse({ ...defaultPolicy, components: { workload: 0, assessment: 0.14, feedback: 0.55, tenure: 0.31 } });
    // 0*100 + 0.14*100 + 0.55*100 + 0.31*100 sums to 100.00000000000001 in binary floating point
    const q = compositeScore(heavy, { workload: 100, assessment: 100, feedback: 100, tenure: 100 }, 0);
    expect(q.base).toBeGreaterThan(100);
    expect(q.composite).toBe(100);
  });
});
