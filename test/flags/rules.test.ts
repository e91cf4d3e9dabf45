/**
 * Every scanning rule: a fixture that trips it and a near miss that does not. The clock is
 * 2026-10-15, so the window is 2025-10-16..2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/flags/scan.js';
import { benfordExpected, benfordMad } from '../../src/flags/stats.js';
import type { FlagCandidate } from '../../src/flags/raise.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { assign, decisionsFor, officer, responses, taxpayer } from '../support/oversight.js';

async function app() {
  return makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
}

async function candidates(t: TestApp, rule: string): Promise<FlagCandidate[]> {
  return (await findCandidates(t.ctx())).filter((c) => c.rule === rule);
}

const subjects = (cs: FlagCandidate[]) => cs.map((c) => c.subjectCode).sort();

describe('threshold_bunching', () => {
  it('flags b >= 5 with P(X >= b | a + b, 0.5) < 0.01; not p just above 0.01, not b = 4', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'O4']) await officer(t, o);
    const T = 20_000;
    const below = (o: string, n: number) => Array.from({ length: n }, (_, i) => ({ decider: o, amount: 18_000 + i * 150, threshold: T, decidedAt: `2026-0${1 + (i % 9)}-10` }));
    const above = (o: string, n: number) => Array.from({ length: n }, (_, i) => ({ decider: o, amount: 20_000 + i * 150, threshold: T }));
    // O1: 10 below, 0 above: p = 2^-10 = 0.000977. Amounts outside the band do not count.
    await decisionsFor(t, [...below('O1', 10), { decider: 'O1', amount: 17_999, threshold: T }, { decider: 'O1', amount: 22_001, threshold: T }]);
    // O2: 9 below, 1 above: p = 0.0107421875, just above 0.01.
    await decisionsFor(t, [...below('O2', 9), ...above('O2', 1)]);
    // O3: 4 below, 0 above: p = 0.0625, and b < 5 anyway.
    await decisionsFor(t, below('O3', 4));
    // O4: 10 below but a year and a half ago, outside the window.
    await decisionsFor(t, below('O4', 10).map((d) => ({ ...d, decidedAt: '2025-03-01' })));
    const cs = await candidates(t, 'threshold_bunching');
    expect(subjects(cs)).toEqual(['O1']);
    const ev = cs[0]!.evidence;
    expect(ev).toMatchObject({ below: 10, above: 0, n: 10, threshold: T, decisionType: 'assessed_turnover' });
    expect(ev.pValue).toBe(0.0009765625);
    expect((ev.decisionIds as string[]).length).toBe(10);
    expect(cs[0]!.conditionKey).toBe('threshold_bunching:O1:assessed_turnover:20000');
  });

  it('counts the [T, 1.1T] band inclusively and [0.9T, T) half-open', async () => {
    const t = await app();
    await officer(t, 'O1');
    // 8 at exactly 0.9T (below) and 1 at exactly 1.1T (above): p = P(X >= 8 | 9) = 0.01953125.
    await decisionsFor(t, [
      ...Array.from({ length: 8 }, () => ({ decider: 'O1', amount: 18_000, threshold: 20_000 })),
      { decider: 'O1', amount: 22_000, threshold: 20_000 },
    ]);
    expect(await candidates(t, 'threshold_bunching')).toEqual([]);
  });
});

describe('sole_decider', () => {
  it('flags a collective-review type with fewer than 2 independent reviewers', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'O4', 'O5']) await officer(t, o);
    await assign(t, 'TP1', 'O3', '2020-01-01'); // O3 manages TP1: not independent
    await taxpayer(t, 'TP2');
    const [lone, managed] = await decisionsFor(t, [
      { decider: 'O1', taxpayer: 'TP2', amount: 1, reviewers: [{ officerCode: 'O2' }] },
      { decider: 'O1', taxpayer: 'TP1', amount: 1, reviewers: [{ officerCode: 'O2' }, { officerCode: 'O3' }] },
      // Near misses: two independent reviewers; a type without collective review.
      { decider: 'O4', taxpayer: 'TP1', amount: 1, reviewers: [{ officerCode: 'O2' }, { officerCode: 'O5' }] },
      { decider: 'O4', taxpayer: 'TP1', type: 'penalty_waiver', violationType: 'late_filing' },
    ]);
    const cs = await candidates(t, 'sole_decider');
    expect(subjects(cs)).toEqual(['O1']);
    expect(cs[0]!.evidence).toMatchObject({ decisions: 2, decisionType: 'assessed_turnover' });
    expect(new Set(cs[0]!.evidence.decisionIds as string[])).toEqual(new Set([lone, managed]));
  });
});

describe('reviewer_concentration', () => {
  it('flags one reviewer on more than half of >= 10 reviewed decisions; not exactly half, not 9 decisions', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'O5', 'O6']) await officer(t, o);
    const d = (decider: string, withO2: boolean) => ({ decider, amount: 5, reviewers: [{ officerCode: withO2 ? 'O2' : 'O3' }] });
    await decisionsFor(t, [...Array(6).fill(0).map(() => d('O1', true)), ...Array(4).fill(0).map(() => d('O1', false))]);
    await decisionsFor(t, [...Array(5).fill(0).map(() => d('O5', true)), ...Array(5).fill(0).map(() => d('O5', false))]);
    await decisionsFor(t, Array(9).fill(0).map(() => d('O6', true)));
    const cs = await candidates(t, 'reviewer_concentration');
    expect(subjects(cs)).toEqual(['O1']);
    expect(cs[0]!.evidence).toMatchObject({ reviewerCode: 'O2', reviewedDecisions: 10, withReviewer: 6, share: 0.6, involvedOfficerCodes: ['O2'] });
  });
});

describe('rotation_due', () => {
  it('flags more than 3 years continuous with the same taxpayer; not 3 years minus a day, not across a gap', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'O4', 'O5']) await officer(t, o);
    await assign(t, 'TA', 'O1', '2023-10-14'); // 3 years and a day before today
    await assign(t, 'TB', 'O2', '2023-10-16'); // 3 years minus a day
    // O3: two back-to-back rows make one run since 2020.
    await assign(t, 'TC', 'O3', '2020-01-01', '2022-12-31');
    await assign(t, 'TC', 'O3', '2023-01-01');
    // O4: a one-day gap (2024-06-30) breaks the run; the current one starts 2024-07-01.
    await assign(t, 'TD', 'O4', '2020-01-01', '2024-06-29');
    await assign(t, 'TD', 'O4', '2024-07-01');
    // O5: managed long ago, no longer.
    await assign(t, 'TE', 'O5', '2015-01-01', '2020-01-01');
    const cs = await candidates(t, 'rotation_due');
    expect(subjects(cs)).toEqual(['O1', 'O3']);
    const o3 = cs.find((c) => c.subjectCode === 'O3')!;
    expect(o3.evidence).toMatchObject({ taxpayersDue: 1, taxpayers: [{ taxpayerCode: 'TC', since: '2020-01-01' }] });
  });
});

describe('peer_outlier', () => {
  async function group(t: TestApp, unitCode: string, peerGroup: string, favourable: number[]) {
    const codes: string[] = [];
    for (const [i, f] of favourable.entries()) {
      const code = `${unitCode}-${i}`;
      codes.push(code);
      await officer(t, code, { unit: unitCode, peerGroup });
      for (let k = 0; k < 10; k++) await assign(t, `${code}-T${k}`, code, '2024-01-01');
      await decisionsFor(t, Array.from({ length: f }, (_, k) => ({ decider: code, taxpayer: `${code}-T${k % 10}`, type: 'penalty_waiver', violationType: `v${k}` })));
    }
    return codes;
  }

  it('flags robust z > 3.5 within the peer group; z = 3.37 is a near miss', async () => {
    const t = await app();
    // Rates per managed taxpayer 0.1 0.1 0.2 0.2 0.3 | 0.8: median 0.2, MAD 0.1, z = 0.6 / 0.14826 = 4.05
    const a = await group(t, 'UA', 'urban', [1, 1, 2, 2, 3, 8]);
    // 0.1 0.1 0.2 0.2 0.3 | 0.7: z = 0.5 / 0.14826 = 3.37
    await group(t, 'UB', 'county', [1, 1, 2, 2, 3, 7]);
    const cs = await candidates(t, 'peer_outlier');
    expect(subjects(cs)).toEqual([a[5]]);
    expect(cs[0]!.evidence).toMatchObject({ peerGroup: 'urban', comparedWith: 'peer_group', peers: 6, median: 0.2, scaleMethod: 'mad' });
    expect(cs[0]!.evidence.mad as number).toBeCloseTo(0.1, 12);
    expect(cs[0]!.evidence.z as number).toBeCloseTo(0.6 / 0.14826, 9);
  });

  it('with MAD = 0 falls back to the mean absolute deviation', async () => {
    const t = await app();
    const codes = await group(t, 'UC', 'urban', [0, 0, 0, 0, 0, 5]);
    const cs = await candidates(t, 'peer_outlier');
    expect(subjects(cs)).toEqual([codes[5]]);
    expect(cs[0]!.evidence).toMatchObject({ mad: 0, scaleMethod: 'meanad' });
  });
});

describe('benford', () => {
  it('flags >= 50 amounts with first-digit MAD > 0.015; not 49, not a Benford-like officer', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3']) await officer(t, o);
    const ones = (o: string, n: number) => Array.from({ length: n }, (_, i) => ({ decider: o, amount: 10_000 + i * 37 }));
    await decisionsFor(t, ones('O1', 50));
    await decisionsFor(t, ones('O2', 49));
    // O3: 300 amounts in Benford proportions.
    const counts = benfordExpected().map((s) => Math.round(s * 300));
    expect(benfordMad(counts).mad).toBeLessThan(0.015);
    await decisionsFor(t, counts.flatMap((c, i) => Array.from({ length: c }, (_, k) => ({ decider: 'O3', amount: (i + 1) * 1000 + k }))));
    const cs = await candidates(t, 'benford');
    expect(subjects(cs)).toEqual(['O1']);
    expect(cs[0]!.evidence).toMatchObject({ amounts: 50, counts: [50, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(cs[0]!.evidence.mad as number).toBeCloseTo((2 * (1 - Math.log10(2))) / 9, 12);
  });
});

describe('late_amendment', () => {
  it('flags an amendment recorded > 30 days after the decision, or one crossing below the threshold', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'O4']) await officer(t, o);
    const [o1, o2, o3, o4] = await decisionsFor(t, [
      { decider: 'O1', amount: 25_000, threshold: 20_000, decidedAt: '2026-08-01' },
      { decider: 'O2', amount: 25_000, threshold: 20_000, decidedAt: '2026-08-01' },
      { decider: 'O3', amount: 20_500, threshold: 20_000, decidedAt: '2026-09-01' },
      { decider: 'O4', amount: 19_900, threshold: 20_000, decidedAt: '2026-09-01' },
    ]);
    const [late, , crossing] = await decisionsFor(t, [
      { decider: 'O1', amount: 24_000, threshold: 20_000, decidedAt: '2026-08-01', recordedAt: '2026-09-01T09:00:00.000Z', amends: o1 }, // 31 days
      { decider: 'O2', amount: 24_000, threshold: 20_000, decidedAt: '2026-08-01', recordedAt: '2026-08-31T23:00:00.000Z', amends: o2 }, // 30 days
      { decider: 'O3', amount: 19_800, threshold: 20_000, decidedAt: '2026-09-01', recordedAt: '2026-09-03T09:00:00.000Z', amends: o3 },
      { decider: 'O4', amount: 19_500, threshold: 20_000, decidedAt: '2026-09-01', recordedAt: '2026-09-03T09:00:00.000Z', amends: o4 }, // already below
    ]);
    const cs = await candidates(t, 'late_amendment');
    expect(subjects(cs)).toEqual(['O1', 'O3']);
    expect(cs.find((c) => c.subjectCode === 'O1')!.evidence).toMatchObject({ amendmentId: late, days: 31, reasons: ['late'] });
    expect(cs.find((c) => c.subjectCode === 'O3')!.evidence).toMatchObject({ amendmentId: crossing, reasons: ['below_threshold'] });
  });
});

describe('feedback_burst', () => {
  it('flags more than 10 responses within 10 minutes; 11 over exactly 10 minutes is a near miss', async () => {
    const t = await app();
    for (const o of ['O1', 'O2']) await officer(t, o);
    const at = (base: string, stepSec: number, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(base) + i * stepSec * 1000).toISOString());
    await responses(t, 'O1', at('2026-10-01T09:00:00.000Z', 50, 11)); // 11 within 500 s
    await responses(t, 'O2', at('2026-10-01T09:00:00.000Z', 60, 11)); // 0..600 s: any 10-minute window holds 10
    const cs = await candidates(t, 'feedback_burst');
    expect(subjects(cs)).toEqual(['O1']);
    expect(cs[0]!.evidence).toMatchObject({ peakResponses: 11, bursts: [{ start: '2026-10-01T09:00:00.000Z', responses: 11 }] });
  });
});

describe('repeat_waiver', () => {
  it('flags a second first-violation waiver for the same taxpayer and violation type', async () => {
    const t = await app();
    for (const o of ['O1', 'O2']) await officer(t, o);
    const w = (decider: string, taxpayerCode: string, violationType: string, decidedAt: string, amends?: string) => ({
      decider, taxpayer: taxpayerCode, type: 'penalty_waiver', violationType, decidedAt, amends,
    });
    const [first] = await decisionsFor(t, [w('O1', 'TP1', 'late_filing', '2025-03-01')]);
    const [second] = await decisionsFor(t, [w('O2', 'TP1', 'late_filing', '2026-09-01')]);
    // Near misses: another violation type; an amendment chain of one waiver.
    await decisionsFor(t, [w('O2', 'TP1', 'late_payment', '2026-09-02')]);
    const [chain] = await decisionsFor(t, [w('O1', 'TP2', 'late_filing', '2026-05-01')]);
    await decisionsFor(t, [w('O1', 'TP2', 'late_filing', '2026-05-01', chain)]);
    const cs = await candidates(t, 'repeat_waiver');
    expect(subjects(cs)).toEqual(['O2']);
    expect(cs[0]!.evidence).toMatchObject({ decisionId: second, earlierWaivers: [{ id: first, deciderCode: 'O1' }] });
  });
});

describe('no_quorum', () => {
  it('flags fewer than 2/3 of the panel voting, or a vote by an investigator', async () => {
    const t = await app();
    for (const o of ['O1', 'O2', 'O3', 'R1', 'R2', 'R3']) await officer(t, o);
    const panel = (votes: (null | 'approve')[], investigated: boolean[] = []) =>
      votes.map((v, i) => ({ officerCode: `R${i + 1}`, vote: v, investigated: investigated[i] ?? false }));
    await decisionsFor(t, [
      { decider: 'O1', amount: 1, reviewers: panel(['approve', null, null]) }, // 1 of 3
      { decider: 'O2', amount: 1, reviewers: panel(['approve', 'approve', null], [true]) }, // investigator voted
      // Near misses: 2 of 3 vote; an investigator on the panel who does not vote.
      { decider: 'O3', amount: 1, reviewers: panel(['approve', 'approve', null]) },
      { decider: 'O3', amount: 1, reviewers: panel(['approve', 'approve', null], [false, false, true]) },
    ]);
    const cs = await candidates(t, 'no_quorum');
    expect(subjects(cs)).toEqual(['O1', 'O2']);
    expect(cs.find((c) => c.subjectCode === 'O2')!.evidence).toMatchObject({ panels: [{ panel: 3, voting: 2, investigatorsVoting: 1 }] });
  });
});
