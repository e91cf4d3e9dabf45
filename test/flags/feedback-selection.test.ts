/**
 * feedback_selection (issue 15): ratings from random return visits against ordinary invitations,
 * Welch's one-sided t-test. Means, variances, t and df below are worked out by hand; the p-values
 * quoted are Student's t upper tails (as scipy.stats.t.sf gives them) to check the implementation.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { postForm } from '../support/feedback.js';
import { json, officer, supervisor, taxpayer, unit } from '../support/oversight.js';
import { assignments } from '../../db/schema.js';
import { incompleteBeta, statsFromSums, studentTUpperTail, welchTest } from '../../src/flags/welch.js';

/** The four ratings whose mean is m (the form's dimensions are whole numbers). */
const ratingsFor: Record<number, Record<string, string>> = {
  5: { professionalism: '5', attitude: '5', efficiency: '5', integrity: '5' },
  4.5: { professionalism: '5', attitude: '5', efficiency: '4', integrity: '4' },
  4.25: { professionalism: '5', attitude: '4', efficiency: '4', integrity: '4' },
  4: { professionalism: '4', attitude: '4', efficiency: '4', integrity: '4' },
  3.5: { professionalism: '4', attitude: '4', efficiency: '3', integrity: '3' },
};

const sample = (xs: number[]) => statsFromSums(xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0));
const rep = (x: number, n: number) => Array<number>(n).fill(x);

describe("Student's t and Welch's test", () => {
  it('give the tables’ tail probabilities', () => {
    expect(studentTUpperTail(2.5524, 18)).toBeCloseTo(0.00999957, 6); // t(0.99, 18) = 2.5524
    expect(studentTUpperTail(1.6973, 30)).toBeCloseTo(0.04999626, 6); // t(0.95, 30) = 1.6973
    expect(studentTUpperTail(3.1693, 10)).toBeCloseTo(0.00499977, 6); // t(0.995, 10) = 3.1693
    expect(studentTUpperTail(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTUpperTail(-2.5524, 18)).toBeCloseTo(1 - 0.00999957, 6);
    expect(incompleteBeta(0.5, 1, 1)).toBeCloseTo(0.5, 12); // I_x(1, 1) = x
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // I_x(2, 1) = x²
  });

  it('computes t and df by the Welch-Satterthwaite formulas', () => {
    // a = five 5.0 and five 4.5: mean 4.75, s² = 10 × 0.25² / 9 = 0.0694444.
    // b = five 4.0 and five 3.5: mean 3.75, s² = 0.0694444.
    // t = 1 / sqrt(0.0694444/10 + 0.0694444/10) = 1 / 0.1178511 = 8.485281
    // df = 0.0138889² / (2 × 0.0069444² / 9) = 18
    const a = sample([...rep(5, 5), ...rep(4.5, 5)]);
    const b = sample([...rep(4, 5), ...rep(3.5, 5)]);
    expect(a.mean).toBe(4.75);
    expect(a.variance).toBeCloseTo(0.0694444, 6);
    const r = welchTest(a, b);
    expect(r.difference).toBe(1);
    expect(r.t).toBeCloseTo(8.485281, 5);
    expect(r.df).toBeCloseTo(18, 9);
    expect(r.p).toBeCloseTo(5.244273e-8, 12);
    // Unequal sizes and spreads: a = ten 4.5 and two 3.5: n 12, mean 52/12 = 4.333333,
    // s² = (10 × 0.166667² + 2 × 0.833333²) / 11 = 1.666667 / 11 = 0.151515;
    // b = 4.0, 3.5, 3.0, 4.0, 3.5: n 5, mean 3.6, s² = (0.16 + 0.01 + 0.36 + 0.16 + 0.01) / 4 = 0.175.
    // se² = 0.151515/12 + 0.175/5 = 0.0126263 + 0.035 = 0.0476263, t = 0.733333 / 0.218234 = 3.360301,
    // df = 0.0476263² / (0.0126263²/11 + 0.035²/4) = 0.00226826 / 0.000320743 = 7.0719, p = 0.0059487.
    const c = welchTest(sample([...rep(4.5, 10), 3.5, 3.5]), sample([4, 3.5, 3, 4, 3.5]));
    expect(c.t).toBeCloseTo(3.360301, 5);
    expect(c.df).toBeCloseTo(7.0719, 4);
    expect(c.p).toBeCloseTo(0.0059487, 6);
    // No spread at all: the difference decides.
    expect(welchTest(sample(rep(4.25, 10)), sample(rep(4, 10)))).toEqual({ difference: 0.25, t: null, df: null, p: 0 });
  });
});

/**
 * Officers with 10 taxpayers each (O2 with 9): a return visit draws all of them, and the same
 * number of ordinary invitations is answered. Return visits answer `rv`, ordinary invitations `inv`.
 */
async function world() {
  const t = await makeTestApp();
  await unit(t, 'U1');
  const plan: Record<string, { taxpayers: number; rv: number[]; inv: number[] }> = {
    // large and significant: the flag
    O1: { taxpayers: 10, rv: [...rep(4, 5), ...rep(3.5, 5)], inv: [...rep(5, 5), ...rep(4.5, 5)] },
    // a large gap, but only 9 return visits
    O2: { taxpayers: 9, rv: rep(3.5, 9), inv: rep(5, 10) },
    // significant (no spread) but small: 0.25 < 0.5
    O3: { taxpayers: 10, rv: rep(4, 10), inv: rep(4.25, 10) },
    // large, but p = 0.024 (t = 2.1213, df = 18) is not below 0.01
    O4: { taxpayers: 10, rv: [...rep(4.5, 5), ...rep(3.5, 5)], inv: [...rep(5, 5), ...rep(4, 5)] },
    // the other way round: return visits rate higher
    O5: { taxpayers: 10, rv: rep(5, 10), inv: rep(3.5, 10) },
  };
  for (const code of [...Object.keys(plan), 'S1']) await officer(t, code);
  let n = 0;
  for (const [code, p] of Object.entries(plan)) {
    for (let i = 0; i < p.taxpayers; i++) {
      const tp = await taxpayer(t, `TP${++n}`);
      await t.db.insert(assignments).values({ taxpayerCode: tp, officerCode: code, from: '2026-01-01' });
    }
  }
  const hr = await t.userToken('hr');
  const intake = await t.userToken('intake');
  const sup = await supervisor(t, 'sup-s1', 'S1');
  const draw = await json(await t.call('POST', '/api/v1/return-visits', { token: hr, json: { period: '2026Q4', perOfficer: 10, seed: 'selection-test' } }));
  const answer = async (token: string, mean: number) => expect((await postForm(t, token, ratingsFor[mean]!)).status).toBe(200);
  for (const [code, p] of Object.entries(plan)) {
    const visits = draw.invitations.filter((i: { officerCode: string }) => i.officerCode === code);
    expect(visits).toHaveLength(p.rv.length);
    for (const [i, m] of p.rv.entries()) await answer(visits[i].token, m);
    for (const [i, m] of p.inv.entries()) {
      const inv = await json(await t.call('POST', '/api/v1/invitations', { token: intake, json: { officerCode: code, taxpayerCode: 'TP1', interactionRef: `sel-${code}-${i}` } }));
      await answer(inv.token, m);
    }
  }
  return { t, sup, sampleId: draw.sampleId as string };
}

const scan = async (t: TestApp, token: string) => json(await t.call('POST', '/api/v1/flags/scan', { token }));

describe('the feedback_selection rule', () => {
  it('flags the officer with a large, significant gap, with the figures as evidence', async () => {
    const { t, sup, sampleId } = await world();
    const out = await scan(t, sup.token);
    expect(out.byRule.feedback_selection).toBe(1);
    const [flag] = await t.db.all<{ subject_code: string; evidence: string; severity: string }>(sql`select * from flags where rule = 'feedback_selection'`);
    expect(flag!.subject_code).toBe('O1');
    expect(flag!.severity).toBe('medium');
    const ev = JSON.parse(flag!.evidence);
    expect(ev).toMatchObject({
      officerCode: 'O1',
      invitationN: 10,
      invitationMean: 4.75,
      invitationSd: 0.263523, // sqrt(0.0694444)
      returnVisitN: 10,
      returnVisitMean: 3.75,
      returnVisitSd: 0.263523,
      gap: 1,
      t: 8.485281,
      df: 18,
      alpha: 0.01,
      minGap: 0.5,
      minEach: 10,
      samples: [sampleId],
      itemKeys: [sampleId],
    });
    expect(ev.pValue).toBeCloseTo(5.244273e-8, 12);
    // Nothing new: a second scan raises nothing.
    expect((await scan(t, sup.token)).byRule.feedback_selection).toBeUndefined();
  });
});
