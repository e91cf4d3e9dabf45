/** Fixtures for the decisions and flags tests: master data and decisions written straight to the test database. */
import { sql } from 'drizzle-orm';
import { assignments, decisionReviewers, decisionReviews, decisions, decisionVotes, feedbackResponses, invitations, officers, taxpayers, thresholds, units, users } from '../../db/schema.js';
import type { TestApp } from './app.js';

let seq = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}_${(++seq).toString(36)}`;

export async function unit(t: TestApp, code = 'U1', peerGroup = 'urban') {
  await t.db.insert(units).values({ code, name: `Unit ${code}`, peerGroup }).onConflictDoNothing();
  return code;
}

export async function officer(t: TestApp, code: string, o: { unit?: string; supervisorCode?: string | null; peerGroup?: string } = {}) {
  const u = await unit(t, o.unit ?? 'U1', o.peerGroup ?? 'urban');
  await t.db.insert(officers).values({
    code,
    name: `Officer ${code}`,
    unitCode: u,
    team: 'assessment',
    hireDate: '2015-01-01',
    positionStartDate: '2018-01-01',
    supervisorCode: o.supervisorCode ?? null,
  });
  return code;
}

export async function taxpayer(t: TestApp, code: string) {
  await t.db.insert(taxpayers).values({ code, name: `Taxpayer ${code}`, category: 'general' }).onConflictDoNothing();
  return code;
}

export async function assign(t: TestApp, taxpayerCode: string, officerCode: string, from: string, to: string | null = null) {
  await taxpayer(t, taxpayerCode);
  await t.db.insert(assignments).values({ taxpayerCode, officerCode, from, to });
}

export async function threshold(t: TestApp, decisionType: string, amount: number, validFrom: string, validTo: string | null = null) {
  await t.db.insert(thresholds).values({ decisionType, amount, validFrom, validTo });
}

export interface DecisionFixture {
  type?: string;
  decider: string;
  taxpayer?: string;
  amount?: number | null;
  threshold?: number | null;
  decidedAt?: string;
  recordedAt?: string;
  violationType?: string | null;
  amends?: string | null;
  /**
   * Panel seats. A vote (default 'approve'; null: did not vote) is cast by the member themselves
   * (a decision_votes row), unless `cast: false`: then it is a vote the decider typed into the
   * record, as before the service drew panels, which the rules never count.
   */
  reviewers?: { officerCode: string; vote?: 'approve' | 'reject' | null; investigated?: boolean; cast?: boolean }[];
  /** A review record (as the service writes for a drawn panel); omitted: none, as on earlier records. */
  review?: 'pending_review' | 'approved' | 'rejected' | 'lapsed';
}

/** Inserts decisions in bulk (fixture data, not the verb under test); returns their ids. */
export async function decisionsFor(t: TestApp, list: DecisionFixture[]): Promise<string[]> {
  const ids: string[] = [];
  const rows = [];
  const panel = [];
  const votes = [];
  const reviews = [];
  for (const d of list) {
    const id = uid('dec');
    ids.push(id);
    const tp = d.taxpayer ?? 'TP1';
    await taxpayer(t, tp);
    rows.push({
      id,
      type: d.type ?? 'assessed_turnover',
      deciderUserId: `usr_${d.decider}`,
      deciderCode: d.decider,
      taxpayerCode: tp,
      amount: d.amount ?? null,
      threshold: d.threshold ?? null,
      justification: 'fixture',
      decidedAt: d.decidedAt ?? '2026-09-01',
      recordedAt: d.recordedAt ?? `${d.decidedAt ?? '2026-09-01'}T10:00:00.000Z`.slice(0, 24),
      violationType: d.violationType ?? null,
      amends: d.amends ?? null,
      amendReason: d.amends ? 'fixture amendment' : null,
    });
    for (const r of d.reviewers ?? []) {
      const vote = r.vote === undefined ? ('approve' as const) : r.vote;
      const cast = r.cast !== false;
      panel.push({ decisionId: id, officerCode: r.officerCode, vote: cast ? null : vote, investigated: r.investigated ?? false });
      if (cast && vote) votes.push({ decisionId: id, officerCode: r.officerCode, vote, reason: 'fixture vote', userId: `usr_${r.officerCode}`, castAt: rows.at(-1)!.recordedAt });
    }
    if (d.review) {
      const size = (d.reviewers ?? []).length;
      const at = rows.at(-1)!.recordedAt;
      reviews.push({
        decisionId: id,
        status: d.review,
        panelSize: size,
        quorum: Math.max(1, Math.ceil((2 / 3) * size - 1e-9)),
        draw: { seedInputs: { decisionId: id, auditSize: 0, auditHeadHash: 'fixture' }, seed: 'fixture', eligible: [], size, picked: (d.reviewers ?? []).map((r) => r.officerCode), excluded: { decider: d.decider, managing: [], investigators: [] } },
        openedAt: at,
        dueAt: new Date(Date.parse(at) + 14 * 86_400_000).toISOString(),
        closedAt: d.review === 'pending_review' ? null : at,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 200) await t.db.insert(decisions).values(rows.slice(i, i + 200));
  for (let i = 0; i < panel.length; i += 200) await t.db.insert(decisionReviewers).values(panel.slice(i, i + 200));
  for (let i = 0; i < votes.length; i += 200) await t.db.insert(decisionVotes).values(votes.slice(i, i + 200));
  for (let i = 0; i < reviews.length; i += 100) await t.db.insert(decisionReviews).values(reviews.slice(i, i + 100));
  return ids;
}

/** Feedback responses for an officer at the given times (fixture data). */
export async function responses(t: TestApp, officerCode: string, times: string[]) {
  await taxpayer(t, 'TPF');
  for (const at of times) {
    const inv = uid('inv');
    await t.db.insert(invitations).values({
      id: inv,
      tokenHash: uid('h'),
      officerCode,
      taxpayerCode: 'TPF',
      interactionRef: uid('ref'),
      createdBy: 'test',
      createdAt: at,
      expiresAt: '2099-01-01T00:00:00.000Z',
      usedAt: at,
    });
    await t.db.insert(feedbackResponses).values({
      id: uid('rsp'),
      invitationId: inv,
      officerCode,
      period: '2026Q4',
      submittedAt: at,
      professionalism: 5,
      attitude: 5,
      efficiency: 5,
      integrity: 5,
      mean: 5,
    });
  }
}

/** A supervisor user (optionally acting as an officer record) with its token and user id. */
export async function supervisor(t: TestApp, name: string, officerCode?: string) {
  const token = await t.userToken('supervisor', { username: name, officerCode });
  const [u] = await t.db.select({ id: users.id }).from(users).where(sql`username = ${name}`);
  return { token, userId: u!.id, officerCode };
}

export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/**
 * A small queue for the supervisor pages (clock 2026-10-15): O1 (unit U1) bunches under 20,000
 * (12 just below, 2 just above, a few elsewhere in 0.8T..1.2T; panels O2 and S1), and O2 (unit U2,
 * county) has kept a taxpayer since 2019, so a rotation-due flag stands in another unit.
 */
export async function bunchingQueue(t: TestApp) {
  await officer(t, 'O1', { unit: 'U1' });
  await officer(t, 'O2', { unit: 'U2', peerGroup: 'county' });
  await officer(t, 'S1', { unit: 'U1' });
  await decisionsFor(t, [
    ...Array.from({ length: 12 }, (_, i) => ({ decider: 'O1', taxpayer: `TP${i}`, amount: 18_200 + i * 140, threshold: 20_000, decidedAt: `2026-0${1 + (i % 9)}-15`, reviewers: [{ officerCode: 'O2' }, { officerCode: 'S1' }] })),
    { decider: 'O1', amount: 20_300, threshold: 20_000, decidedAt: '2026-08-01' },
    { decider: 'O1', amount: 21_500, threshold: 20_000, decidedAt: '2026-08-02' },
    { decider: 'O1', amount: 16_500, threshold: 20_000, decidedAt: '2026-08-03' },
    { decider: 'O1', amount: 23_500, threshold: 20_000, decidedAt: '2026-08-04' },
  ]);
  await assign(t, 'TPX', 'O2', '2019-01-01');
}
