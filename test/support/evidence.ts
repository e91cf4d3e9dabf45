/**
 * A world with a real flag of every rule, for the flag page's evidence tests: fixture decisions,
 * assignments and responses (as the rules tests write them), then the real scan raises the
 * scanning rules' flags, and the verbs raise the rest (a complaint filed through the API, a spot
 * check drawn by HR and its finding recorded by the drawn supervisor). One officer per rule, so
 * each flag's figures are known. The clock is 2026-10-15 (window 2025-10-16..2026-10-15).
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { feedbackResponses, invitations, returnVisitSamples } from '../../db/schema.js';
import { scanFlags } from '../../src/flags/scan.js';
import { makeTestApp, type TestApp } from './app.js';
import { assign, decisionsFor, json, officer, responses, supervisor, taxpayer } from './oversight.js';

export const evidenceRules = [
  'threshold_bunching', 'sole_decider', 'reviewer_concentration', 'rotation_due', 'peer_outlier', 'benford', 'late_amendment',
  'complaint', 'feedback_burst', 'repeat_waiver', 'no_quorum', 'spot_check', 'feedback_selection',
] as const;
export type EvidenceRule = (typeof evidenceRules)[number];

/** The subject of each rule's flag in this world. */
export const subjectOf: Record<EvidenceRule, string> = {
  threshold_bunching: 'B1', sole_decider: 'SD1', reviewer_concentration: 'RC1', rotation_due: 'RT1', peer_outlier: 'P5', benford: 'BF1',
  late_amendment: 'LA1', complaint: 'CP1', feedback_burst: 'FB1', repeat_waiver: 'RW1', no_quorum: 'NQ1', spot_check: 'SC1', feedback_selection: 'FS1',
};

export interface EvidenceWorld {
  t: TestApp;
  sup: { token: string; userId: string };
  /** Flag id by rule. */
  flags: Record<EvidenceRule, string>;
}

const at = (base: string, stepSec: number, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(base) + i * stepSec * 1000).toISOString());

export async function evidenceWorld(): Promise<EvidenceWorld> {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  for (const o of ['B1', 'SD1', 'RC1', 'RT1', 'BF1', 'LA1', 'CP1', 'FB1', 'RW0', 'RW1', 'NQ1', 'SC1', 'FS1', 'R2', 'R3', 'R4', 'R5', 'N1', 'N2', 'N3']) await officer(t, o);
  // Independent panels for the decisions that are not about panels, so sole_decider stays on SD1.
  const panel = [{ officerCode: 'R4' }, { officerCode: 'R5' }];

  // threshold_bunching: B1 sets 12 amounts just under 20,000 and 2 just above.
  await decisionsFor(t, [
    ...Array.from({ length: 12 }, (_, i) => ({ decider: 'B1', taxpayer: `TB${i}`, amount: 18_200 + i * 140, threshold: 20_000, decidedAt: `2026-0${1 + (i % 9)}-15`, reviewers: panel })),
    { decider: 'B1', amount: 20_300, threshold: 20_000, decidedAt: '2026-08-01', reviewers: panel },
    { decider: 'B1', amount: 21_500, threshold: 20_000, decidedAt: '2026-08-02', reviewers: panel },
  ]);
  // sole_decider: two collective-review decisions, each with one member voting.
  await decisionsFor(t, [
    { decider: 'SD1', amount: 5_000, decidedAt: '2026-07-01', reviewers: [{ officerCode: 'R2' }] },
    { decider: 'SD1', amount: 6_000, decidedAt: '2026-07-02', reviewers: [{ officerCode: 'R3' }, { officerCode: 'R4', vote: null }] },
  ]);
  // reviewer_concentration: R2 votes on all 10 of RC1's reviewed decisions; R3 on 4, R4 and R5 on 3.
  await decisionsFor(t, Array.from({ length: 10 }, (_, i) => ({ decider: 'RC1', amount: 7_000 + i, decidedAt: `2026-0${1 + (i % 9)}-10`, reviewers: [{ officerCode: 'R2' }, { officerCode: ['R3', 'R4', 'R5'][i % 3]! }] })));
  // rotation_due: RT1 has managed TPR since 2019.
  await assign(t, 'TPR', 'RT1', '2019-01-01');
  // peer_outlier: six officers of the peer group county, 10 taxpayers each; P5 waives far more often.
  for (const [i, f] of [1, 1, 2, 2, 3, 8].entries()) {
    const code = `P${i}`;
    await officer(t, code, { unit: 'UC', peerGroup: 'county' });
    for (let k = 0; k < 10; k++) await assign(t, `${code}-T${k}`, code, '2024-01-01');
    await decisionsFor(t, Array.from({ length: f }, (_, k) => ({ decider: code, taxpayer: `${code}-T${k % 10}`, type: 'penalty_waiver', violationType: `v${k}`, decidedAt: '2026-05-01' })));
  }
  // benford: 40 of BF1's 60 amounts start with 1, 10 with 5, 10 with 9.
  await decisionsFor(t, [
    ...Array.from({ length: 40 }, (_, i) => ({ decider: 'BF1', amount: 10_000 + i * 37, decidedAt: '2026-06-01', reviewers: panel })),
    ...Array.from({ length: 10 }, (_, i) => ({ decider: 'BF1', amount: 5_000 + i * 11, decidedAt: '2026-06-02', reviewers: panel })),
    ...Array.from({ length: 10 }, (_, i) => ({ decider: 'BF1', amount: 9_000 + i * 13, decidedAt: '2026-06-03', reviewers: panel })),
  ]);
  // late_amendment: 45 days late, and from above the threshold to below it.
  const [original] = await decisionsFor(t, [{ decider: 'LA1', amount: 25_000, threshold: 20_000, decidedAt: '2026-08-01', reviewers: panel }]);
  await decisionsFor(t, [{ decider: 'LA1', amount: 19_000, threshold: 20_000, decidedAt: '2026-08-01', recordedAt: '2026-09-15T09:00:00.000Z', amends: original, reviewers: panel }]);
  // feedback_burst: 13 ratings of FB1 in 8 minutes (one voided since), and 12 more in another burst.
  await responses(t, 'FB1', at('2026-10-01T09:00:00.000Z', 40, 13));
  await responses(t, 'FB1', at('2026-10-03T14:30:00.000Z', 45, 12));
  await t.db.run(sql`update feedback_responses set status = 'voided', void_reason = 'fixture' where officer_code = 'FB1' and submitted_at = '2026-10-01T09:04:00.000Z'`);
  // repeat_waiver: RW1 waives late filing for TPW again, after RW0 did in 2025.
  await decisionsFor(t, [{ decider: 'RW0', taxpayer: 'TPW', type: 'penalty_waiver', violationType: 'late_filing', decidedAt: '2025-03-01' }]);
  await decisionsFor(t, [{ decider: 'RW1', taxpayer: 'TPW', type: 'penalty_waiver', violationType: 'late_filing', decidedAt: '2026-09-01' }]);
  // no_quorum: 1 of 3 voted; an investigator voted; a review that lapsed.
  const members = (votes: (null | 'approve')[], investigated: boolean[] = []) => votes.map((v, i) => ({ officerCode: `N${i + 1}`, vote: v, investigated: investigated[i] ?? false }));
  await decisionsFor(t, [
    { decider: 'NQ1', amount: 1_000, decidedAt: '2026-09-10', reviewers: members(['approve', null, null]) },
    { decider: 'NQ1', amount: 1_100, decidedAt: '2026-09-11', reviewers: members(['approve', 'approve', 'approve'], [true]) },
    { decider: 'NQ1', amount: 1_200, decidedAt: '2026-09-12', reviewers: members([null, null, null]), review: 'lapsed' },
  ]);
  // feedback_selection: FS1's invited taxpayers rate 4.75, a random return visit 3.75.
  await feedbackSelectionFixture(t);

  const sup = await supervisor(t, 'sup-zhao');
  const hr = await t.userToken('hr');
  const intake = await t.userToken('intake');
  await scanFlags({ ctx: t.ctx() });
  // complaint: filed through the API, naming CP1.
  await taxpayer(t, 'TPC');
  const filed = await t.call('POST', '/api/v1/complaints', { token: intake, json: { channel: 'hotline_12366', category: 'attitude', text: '窗口人员态度生硬', receivedAt: '2026-10-12', officerCode: 'CP1' } });
  expect(filed.status, await filed.clone().text()).toBe(201);
  // spot_check: HR draws 2026Q3, the drawn supervisor records a finding on SC1's decision.
  await decisionsFor(t, [{ decider: 'SC1', type: 'deferral', decidedAt: '2026-08-20' }]);
  const drawn = await t.call('POST', '/api/v1/spot-checks', { token: hr, json: { period: '2026Q3' } });
  expect(drawn.status, await drawn.clone().text()).toBe(201);
  const check = await json(drawn);
  const deciders = new Map((await t.db.all<{ id: string; decider_code: string }>(sql`select id, decider_code from decisions`)).map((d) => [d.id, d.decider_code]));
  const item = (check.items as { decisionId: string }[]).find((i) => deciders.get(i.decisionId) === 'SC1')!;
  const found = await t.call('POST', `/api/v1/spot-checks/${check.id}/items/${item.decisionId}`, {
    token: sup.token,
    json: { outcome: 'finding', note: '延期理由与证明材料不符', raiseFlag: true },
  });
  expect(found.status, await found.clone().text()).toBe(201);

  const rows = await t.db.all<{ id: string; rule: string; subject_code: string }>(sql`select id, rule, subject_code from flags`);
  const flags = {} as Record<EvidenceRule, string>;
  for (const rule of evidenceRules) {
    const row = rows.find((r) => r.rule === rule && r.subject_code === subjectOf[rule]);
    expect(row, `a ${rule} flag on ${subjectOf[rule]}`).toBeTruthy();
    flags[rule] = row!.id;
  }
  return { t, sup, flags };
}

/** Ten return-visit responses (a sample row and its invitations) and ten ordinary ones for FS1, an hour apart. */
async function feedbackSelectionFixture(t: TestApp) {
  await t.db.insert(returnVisitSamples).values({ id: 'rvs_evidence', period: '2026Q4', perOfficer: 10, seed: 'evidence', createdBy: 'test', createdAt: '2026-10-01T00:00:00.000Z' });
  // Ratings (professionalism, attitude, efficiency, integrity): means 5, 4.5, 4 and 3.5.
  const ratings: Record<string, [number, number, number, number]> = { '5': [5, 5, 5, 5], '4.5': [5, 5, 4, 4], '4': [4, 4, 4, 4], '3.5': [4, 4, 3, 3] };
  const plan = [
    ...[5, 5, 5, 5, 5, 4.5, 4.5, 4.5, 4.5, 4.5].map((m) => ({ m, sample: null as string | null })),
    ...[4, 4, 4, 4, 4, 3.5, 3.5, 3.5, 3.5, 3.5].map((m) => ({ m, sample: 'rvs_evidence' as string | null })),
  ];
  for (const [i, p] of plan.entries()) {
    const tp = await taxpayer(t, `TS${i}`);
    const when = new Date(Date.parse('2026-10-05T01:00:00.000Z') + i * 3_600_000).toISOString();
    const [pr, at2, ef, it] = ratings[String(p.m)]!;
    await t.db.insert(invitations).values({
      id: `inv_fs_${i}`, tokenHash: `h_fs_${i}`, officerCode: 'FS1', taxpayerCode: tp, interactionRef: `fs-${i}`, createdBy: 'test', createdAt: when, expiresAt: '2099-01-01T00:00:00.000Z', usedAt: when, sampleId: p.sample,
    });
    await t.db.insert(feedbackResponses).values({
      id: `rsp_fs_${i}`, invitationId: `inv_fs_${i}`, officerCode: 'FS1', period: '2026Q4', submittedAt: when, professionalism: pr, attitude: at2, efficiency: ef, integrity: it, mean: p.m,
    });
  }
}
