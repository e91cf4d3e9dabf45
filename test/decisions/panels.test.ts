/**
 * Collective review (DESIGN section 4): the panel the service draws, and the votes its members
 * cast with their own tokens. The clock is 2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEntries, decisionReviews, decisionVotes, officers } from '../../db/schema.js';
import { drawPanel, redrawPanel, type PanelDraw } from '../../src/decisions/panel.js';
import { lapseReviews } from '../../src/decisions/lapse.js';
import { sha256Hex } from '../../src/core/ids.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { assign, json, officer, taxpayer } from '../support/oversight.js';

/**
 * Unit U1 (urban): decider D; M1-M4 officers with users; S a supervisor's officer record; X without
 * a user; L left last year; MG manages TP1; IV investigated. U2 (urban): P1, P2. U3 (county): Q1.
 */
async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  for (const c of ['D', 'M1', 'M2', 'M3', 'M4', 'S', 'X', 'L', 'MG', 'IV']) await officer(t, c, { unit: 'U1' });
  await t.db.update(officers).set({ leaveDate: '2025-12-31' }).where(eq(officers.code, 'L'));
  for (const c of ['P1', 'P2']) await officer(t, c, { unit: 'U2' });
  await officer(t, 'Q1', { unit: 'U3', peerGroup: 'county' });
  await assign(t, 'TP1', 'MG', '2020-01-01');
  await taxpayer(t, 'TP2');
  const tokens: Record<string, string> = {};
  for (const c of ['D', 'M1', 'M2', 'M3', 'M4', 'L', 'MG', 'IV', 'P1', 'P2', 'Q1']) tokens[c] = await t.userToken('officer', { username: `u-${c}`, officerCode: c });
  tokens.S = await t.userToken('supervisor', { username: 'u-S', officerCode: 'S' });
  return { t, tokens };
}

const proposal = { type: 'assessed_turnover', taxpayerCode: 'TP1', amount: 19_400, threshold: 20_000, justification: 'Ledger incomplete; turnover assessed from invoices.', decidedAt: '2026-10-14', investigators: ['IV'] };

async function record(t: TestApp, token: string, body: Record<string, unknown> = proposal) {
  const res = await t.call('POST', '/api/v1/decisions', { token, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ id: string; status: string; auditIndex: number }>(res);
}

const get = async (t: TestApp, token: string, id: string) => json(await t.call('GET', `/api/v1/decisions/${id}`, { token }));
const vote = (t: TestApp, token: string, id: string, v: 'approve' | 'reject', reason = 'Checked the invoices myself.') =>
  t.call('POST', `/api/v1/decisions/${id}/votes`, { token, json: { vote: v, reason } });

describe('the panel draw', () => {
  it('draws only eligible officers of the unit, and anyone can re-run it from what it stores', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    expect(out.status).toBe('pending_review');
    const hr = await t.userToken('hr');
    const d = await get(t, hr, out.id);
    const draw = d.draw as PanelDraw & { verified: boolean };
    // Not the decider, the managing officer, the investigator, someone without a user, someone who left.
    expect(draw.eligible).toEqual(['M1', 'M2', 'M3', 'M4', 'S']);
    expect(draw.excluded).toEqual({ decider: 'D', managing: ['MG'], investigators: ['IV'] });
    expect(draw.fill).toBeUndefined();
    expect(draw.picked).toHaveLength(3);
    expect(new Set(draw.picked).size).toBe(3);
    expect(d.panel.map((p: { officerCode: string }) => p.officerCode).sort()).toEqual([...draw.picked].sort());
    expect(d.review).toMatchObject({ panelSize: 3, quorum: 2, voted: 0, dueAt: '2026-10-29T08:00:00.000Z' });
    expect(draw.verified).toBe(true);

    // The seed is SHA-256 of the decision id and a real head of the log, taken before the record.
    expect(draw.seedInputs.decisionId).toBe(out.id);
    expect(draw.seed).toBe(await sha256Hex(`${out.id}\n${draw.seedInputs.auditSize}\n${draw.seedInputs.auditHeadHash}`));
    expect(draw.seedInputs.auditSize).toBe(out.auditIndex);
    const [head] = await t.db.select().from(auditEntries).where(eq(auditEntries.seq, draw.seedInputs.auditSize - 1));
    expect(head!.leafHash).toBe(draw.seedInputs.auditHeadHash);
    // The same inputs give the same panel; other inputs, or another pick, do not pass the re-run.
    const again = drawPanel(draw.seedInputs, { unit: [...draw.eligible].reverse(), peerGroup: 'urban', peers: [] }, draw.excluded);
    expect(again.picked).toEqual(draw.picked);
    expect(redrawPanel({ ...draw, picked: [...draw.picked].reverse() }).ok).toBe(false);
    expect(redrawPanel({ ...draw, seedInputs: { ...draw.seedInputs, auditSize: draw.seedInputs.auditSize + 1 } }).ok).toBe(false);
    // The draw is in the audit log, beside the decision.
    const logged = await t.db.select().from(auditEntries).where(sql`action = 'decision.panel' and entity_id = ${out.id}`);
    expect(JSON.parse(logged[0]!.leaf).payload.draw.picked).toEqual(draw.picked);
  });

  it('fills from the peer group when the unit has too few, never from another peer group', async () => {
    const { t, tokens } = await world();
    // Leaves only M1 eligible in U1: the others become investigators.
    const out = await record(t, tokens.D!, { ...proposal, investigators: ['IV', 'M2', 'M3', 'M4', 'S'] });
    const d = await get(t, await t.userToken('hr'), out.id);
    expect(d.draw.eligible).toEqual(['M1']);
    expect(d.draw.fill).toEqual({ peerGroup: 'urban', candidates: ['P1', 'P2'] });
    expect(d.draw.picked).toEqual(['M1', ...d.draw.picked.slice(1)]);
    expect(d.draw.picked.slice(1).sort()).toEqual(['P1', 'P2']);
    expect(d.draw.verified).toBe(true);
  });

  it('does not draw a panel for a type without collective review', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!, { type: 'deferral', taxpayerCode: 'TP2', justification: 'Hardship.', decidedAt: '2026-10-14' });
    expect(out.status).toBe('effective');
    const d = await get(t, tokens.D!, out.id);
    expect(d).toMatchObject({ status: 'effective', panel: [], review: null, draw: null });
  });
});

describe('votes', () => {
  it('a member votes once; not a member 403; the decider 403; quorum of 2 approves; then closed 409', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    const hr = await t.userToken('hr');
    const picked = ((await get(t, hr, out.id)).draw as PanelDraw).picked;
    const outsider = ['M1', 'M2', 'M3', 'M4', 'S'].find((c) => !picked.includes(c))!;
    const [first, second, third] = picked.map((c) => tokens[c]!);

    expect((await vote(t, tokens[outsider]!, out.id, 'approve')).status).toBe(403);
    expect((await vote(t, tokens.MG!, out.id, 'approve')).status).toBe(403);
    const own = await vote(t, tokens.D!, out.id, 'approve');
    expect(own.status).toBe(403);
    expect((await json(own)).code).toBe('own_case');
    expect((await vote(t, await t.userToken('hr'), out.id, 'approve')).status).toBe(403);
    expect((await t.call('POST', `/api/v1/decisions/${out.id}/votes`, { token: first, json: { vote: 'approve' } })).status).toBe(400);
    expect((await t.call('POST', `/api/v1/decisions/dec_none/votes`, { token: first, json: { vote: 'approve', reason: 'x' } })).status).toBe(404);

    const v1 = await vote(t, first!, out.id, 'approve');
    expect(v1.status).toBe(201);
    expect(await json(v1)).toMatchObject({ status: 'pending_review', closed: false });
    expect((await vote(t, first!, out.id, 'reject')).status).toBe(409);

    // The decider sees who voted, not how, while the review is open; oversight sees the vote.
    const byDecider = await get(t, tokens.D!, out.id);
    const seat = byDecider.panel.find((p: { officerCode: string }) => p.officerCode === picked[0]);
    expect(seat).toEqual({ officerCode: picked[0], voted: true });
    expect(byDecider.review.approvals).toBeUndefined();
    expect((await get(t, hr, out.id)).panel.find((p: { officerCode: string }) => p.officerCode === picked[0]).vote).toBe('approve');
    // The member sees their own vote, not the others'.
    expect((await get(t, first!, out.id)).panel.find((p: { officerCode: string }) => p.officerCode === picked[0]).vote).toBe('approve');

    const v2 = await vote(t, second!, out.id, 'approve');
    expect(await json(v2)).toMatchObject({ status: 'approved', closed: true });
    const closed = await vote(t, third!, out.id, 'approve');
    expect(closed.status).toBe(409);
    expect((await json(closed)).code).toBe('review_closed');

    const after = await get(t, tokens.D!, out.id);
    expect(after).toMatchObject({ status: 'approved', proposedAmount: 19_400, amount: 19_400 });
    expect(after.review).toMatchObject({ approvals: 2, rejections: 0, voted: 2, closedAt: '2026-10-15T08:00:00.000Z' });
    expect(after.panel.filter((p: { vote?: string }) => p.vote === 'approve').map((p: { reason: string }) => p.reason)).toEqual(['Checked the invoices myself.', 'Checked the invoices myself.']);
    const actions = await t.db.select({ action: auditEntries.action }).from(auditEntries).where(eq(auditEntries.entityId, out.id));
    expect(actions.map((a) => a.action)).toEqual(['decision.record', 'decision.panel', 'decision.vote', 'decision.vote', 'decision.review.close']);
  });

  it('rejects with as many rejections as approvals, and keeps no decided amount', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    const picked = ((await get(t, await t.userToken('hr'), out.id)).draw as PanelDraw).picked;
    expect((await vote(t, tokens[picked[0]!]!, out.id, 'approve')).status).toBe(201);
    expect(await json(await vote(t, tokens[picked[1]!]!, out.id, 'reject', 'The invoices support more than 20,000.'))).toMatchObject({ status: 'rejected', closed: true });
    expect(await get(t, tokens.D!, out.id)).toMatchObject({ status: 'rejected', proposedAmount: 19_400, amount: null });
  });

  it('a supervisor votes as the officer they are; two members voting at once both count', async () => {
    const { t, tokens } = await world();
    // Only S and M1 are left in the unit: the third member comes from U2.
    const out = await record(t, tokens.D!, { ...proposal, investigators: ['IV', 'M2', 'M3', 'M4'] });
    const picked = ((await get(t, await t.userToken('hr'), out.id)).draw as PanelDraw).picked;
    expect(picked.slice(0, 2).sort()).toEqual(['M1', 'S']);
    const [a, b] = await Promise.all([vote(t, tokens.S!, out.id, 'reject'), vote(t, tokens.M1!, out.id, 'reject')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const [review] = await t.db.select().from(decisionReviews).where(eq(decisionReviews.decisionId, out.id));
    expect(review).toMatchObject({ status: 'rejected', approvals: 0, rejections: 2 });
    expect(await t.db.select().from(decisionVotes).where(eq(decisionVotes.decisionId, out.id))).toHaveLength(2);
  });

  it('lapses after 14 days without quorum: no vote after the due time, the job closes it', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    const picked = ((await get(t, await t.userToken('hr'), out.id)).draw as PanelDraw).picked;
    expect((await vote(t, tokens[picked[0]!]!, out.id, 'approve')).status).toBe(201);
    // Not yet due: nothing lapses.
    t.clock.set('2026-10-29T07:59:59.000Z');
    expect(await lapseReviews({ ctx: t.ctx({ kind: 'system', name: 'review-lapse' }) })).toEqual({ lapsed: 0 });
    t.clock.set('2026-10-29T08:00:00.000Z');
    const late = await vote(t, tokens[picked[1]!]!, out.id, 'approve');
    expect(late.status).toBe(409);
    expect(await lapseReviews({ ctx: t.ctx({ kind: 'system', name: 'review-lapse' }) })).toEqual({ lapsed: 1 });
    expect(await lapseReviews({ ctx: t.ctx({ kind: 'system', name: 'review-lapse' }) })).toEqual({ lapsed: 0 });
    const d = await get(t, tokens.D!, out.id);
    expect(d).toMatchObject({ status: 'lapsed', amount: null });
    // Closed: the decider now sees the one vote cast.
    expect(d.panel.find((p: { officerCode: string }) => p.officerCode === picked[0]).vote).toBe('approve');
    const [entry] = await t.db.select().from(auditEntries).where(sql`action = 'decision.review.lapse' and entity_id = ${out.id}`);
    expect(JSON.parse(entry!.leaf).payload).toMatchObject({ votes: 1, quorum: 2, panelSize: 3 });
    // Nobody lapses reviews by hand but oversight.
    await expect(lapseReviews({ ctx: t.ctx({ kind: 'system', name: 'anonymous' }) })).rejects.toThrow();
  });

  it('the database itself takes a vote only from a seated member, once, and never changes it', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    const picked = ((await get(t, await t.userToken('hr'), out.id)).draw as PanelDraw).picked;
    const outsider = ['M1', 'M2', 'M3', 'M4', 'S'].find((c) => !picked.includes(c))!;
    const row = (code: string) => sql`insert into decision_votes (decision_id, officer_code, vote, reason, user_id, cast_at) values (${out.id}, ${code}, 'approve', 'r', 'u', 'now')`;
    await expect(t.db.run(row(outsider))).rejects.toThrow();
    await t.db.run(row(picked[0]!));
    await expect(t.db.run(sql`update decision_votes set vote = 'reject'`)).rejects.toThrow();
    await expect(t.db.run(sql`delete from decision_votes`)).rejects.toThrow();
    expect(await t.db.select().from(decisionVotes).where(eq(decisionVotes.decisionId, out.id))).toHaveLength(1);
  });

  it('an amendment keeps the panel (no new draw to shop for) and ends the review it replaces', async () => {
    const { t, tokens } = await world();
    const out = await record(t, tokens.D!);
    const hr = await t.userToken('hr');
    const orig = await get(t, hr, out.id);
    const am = await record(t, tokens.D!, { ...proposal, amount: 19_900, amends: out.id, amendReason: 'Two more invoices found.' });
    const amended = await get(t, hr, am.id);
    expect(amended.status).toBe('pending_review');
    expect(amended.draw).toMatchObject({ picked: orig.draw.picked, seed: orig.draw.seed, inheritedFrom: out.id, verified: true });
    expect((await get(t, hr, out.id)).status).toBe('superseded');
    const member = tokens[orig.draw.picked[0]]!;
    expect((await vote(t, member, out.id, 'approve')).status).toBe(409);
    expect((await vote(t, member, am.id, 'approve')).status).toBe(201);
  });
});
