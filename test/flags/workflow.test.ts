import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEntries, flags, flagTransitions } from '../../db/schema.js';
import { redraw, type Draw } from '../../src/flags/draw.js';
import { guardedTransitionInsert, planRaise, planRaises } from '../../src/flags/raise.js';
import { commit } from '../../src/audit/append.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, json, officer, supervisor } from '../support/oversight.js';

/** O1 bunches under 20,000; its panel member is R1. Supervisors: S-chain (O1's supervisor), S-free, S-R1 (acts as R1). */
async function bunchingWorld() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'SC'); // O1's supervisor
  await officer(t, 'O1', { supervisorCode: 'SC' });
  await officer(t, 'R1');
  await officer(t, 'SF');
  const ids = await decisionsFor(
    t,
    Array.from({ length: 10 }, (_, i) => ({ decider: 'O1', amount: 18_100 + i * 100, threshold: 20_000, reviewers: i === 0 ? [{ officerCode: 'R1' }] : [] })),
  );
  const chain = await supervisor(t, 'sup-chain', 'SC');
  const free = await supervisor(t, 'sup-free', 'SF');
  const involved = await supervisor(t, 'sup-r1', 'R1');
  const subject = await supervisor(t, 'sup-o1', 'O1');
  return { t, ids, chain, free, involved, subject };
}

const scan = async (t: TestApp, token: string) => json<{ raised: number; byRule: Record<string, number> }>(await t.call('POST', '/api/v1/flags/scan', { token }));

async function onlyFlag(t: TestApp, token: string, rule = 'threshold_bunching') {
  const list = await json(await t.call('GET', `/api/v1/flags?rule=${rule}`, { token }));
  expect(list.items).toHaveLength(1);
  return json(await t.call('GET', `/api/v1/flags/${list.items[0].id}`, { token }));
}

describe('scan and draw', () => {
  it('raises once, draws an eligible reviewer reproducibly, and never duplicates an open flag', async () => {
    const { t, free, chain, ids } = await bunchingWorld();
    const first = await scan(t, free.token);
    expect(first.byRule.threshold_bunching).toBe(1);
    const second = await scan(t, free.token);
    expect(second.raised).toBe(0);
    const flag = await onlyFlag(t, free.token);
    expect(flag.status).toBe('open');
    expect(flag.evidence.decisionIds).toHaveLength(10);
    expect(new Set(flag.evidence.decisionIds)).toEqual(new Set(ids));
    const draw = flag.draw as Draw;
    // Only sup-free is eligible: sup-chain supervises O1, sup-r1 reviewed one of the decisions, sup-o1 is the subject.
    expect(draw.candidates).toEqual([free.userId]);
    expect(draw.picked).toBe(free.userId);
    expect(flag.reviewerUserId).toBe(free.userId);
    expect((await redraw(draw)).ok).toBe(true);
    expect((await redraw({ ...draw, picked: chain.userId })).ok).toBe(false);
    // The seed inputs name a real head of the log: the entry at auditSize - 1 has that hash.
    const [head] = await t.db.select().from(auditEntries).where(eq(auditEntries.seq, draw.seedInputs.auditSize - 1));
    expect(head!.leafHash).toBe(draw.seedInputs.auditHeadHash);
    expect(flag.transitions).toEqual([expect.objectContaining({ from: null, to: 'open' })]);
    const raised = await t.db.select().from(auditEntries).where(sql`action = 'flag.raise' and entity_id = ${flag.id}`);
    expect(raised).toHaveLength(1);
  });

  it('leaves a flag unassigned, with a note, when no supervisor is eligible', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    const hr = await t.userToken('hr');
    expect((await scan(t, hr)).byRule.threshold_bunching).toBe(1);
    const flag = await onlyFlag(t, hr);
    expect(flag.reviewerUserId).toBeNull();
    expect(flag.draw.picked).toBeNull();
    expect(flag.draw.note).toMatch(/No eligible supervisor/);
  });

  it('refuses the scan to officers and anonymous callers', async () => {
    const { t } = await bunchingWorld();
    expect((await t.call('POST', '/api/v1/flags/scan', { token: await t.userToken('officer', { officerCode: 'O1' }) })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/flags/scan')).status).toBe(401);
  });
});

describe('workflow', () => {
  it('moves open -> in_review -> closed with reasons, audited; closed_at set; illegal moves refused', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    const move = (body: unknown, token = free.token) => t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token, json: body });
    expect((await move({ to: 'closed', outcome: 'confirmed', reason: 'skip' })).status).toBe(409);
    expect((await move({ to: 'in_review', reason: '' })).status).toBe(400);
    expect((await move({ to: 'in_review', outcome: 'confirmed', reason: 'x' })).status).toBe(400);
    expect((await move({ to: 'in_review', reason: 'Pulling the files.' })).status).toBe(200);
    expect((await move({ to: 'closed', reason: 'no outcome' })).status).toBe(400);
    t.clock.advance(3_600_000);
    // Due process: the subject was told when the review started and has 7 days to answer.
    const unheard = await move({ to: 'closed', outcome: 'confirmed', reason: 'Amounts were set to avoid tax.' });
    expect(unheard.status).toBe(400);
    expect((await json(unheard)).errors).toEqual([{ path: 'earlyReason', message: expect.stringContaining('2026-10-22T08:00:00.000Z') }]);
    const closed = await move({ to: 'closed', outcome: 'confirmed', reason: 'Amounts were set to avoid tax.', earlyReason: 'The officer has left the service.' });
    expect(closed.status).toBe(200);
    expect((await move({ to: 'in_review', reason: 'again' })).status).toBe(409);
    const after = await onlyFlag(t, free.token);
    expect(after).toMatchObject({ status: 'closed', outcome: 'confirmed', closedAt: '2026-10-15T09:00:00.000Z', severity: 'high' });
    expect(after.transitions.map((x: { to: string; reason: string; earlyReason: string | null }) => [x.to, x.reason, x.earlyReason])).toEqual([
      ['open', 'Raised by rule threshold_bunching.', null],
      ['in_review', 'Pulling the files.', null],
      ['closed', 'Amounts were set to avoid tax.', 'The officer has left the service.'],
    ]);
    expect(after.notice).toEqual({ toldAt: '2026-10-15T08:00:00.000Z', answerDueAt: '2026-10-22T08:00:00.000Z' });
    const audited = await t.db.select().from(auditEntries).where(sql`action = 'flag.transition'`);
    expect(audited).toHaveLength(2);
  });

  it('separation of duties: the subject, the subject’s chain, involved people, non-drawn supervisors, hr and officers get 403', async () => {
    const { t, free, chain, involved, subject } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    const move = (token: string) => t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token, json: { to: 'in_review', reason: 'mine' } });
    expect((await move(subject.token)).status).toBe(403);
    expect((await move(chain.token)).status).toBe(403);
    expect((await move(involved.token)).status).toBe(403);
    const other = await supervisor(t, 'sup-other');
    expect((await move(other.token)).status).toBe(403); // drawn to sup-free
    expect((await move(await t.userToken('hr'))).status).toBe(403);
    expect((await move(await t.userToken('officer', { officerCode: 'R1' }))).status).toBe(403);
    expect((await t.call('GET', '/api/v1/flags', { token: await t.userToken('officer', { officerCode: 'R1' }) })).status).toBe(403);
    const rows = await t.db.select().from(flagTransitions).where(eq(flagTransitions.flagId, flag.id));
    expect(rows).toHaveLength(1);
  });

  it('two concurrent moves of one flag: one lands, the other is 409, and only one transition is written', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    const move = (reason: string) => t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token: free.token, json: { to: 'in_review', reason } });
    const statuses = (await Promise.all([move('a'), move('b')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const rows = await t.db.select().from(flagTransitions).where(eq(flagTransitions.flagId, flag.id));
    expect(rows.map((r) => r.to).sort()).toEqual(['in_review', 'open']);
  });

  it('a guarded transition insert fails its whole batch when the guard no longer holds', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    const row = { id: 'ftr_x', flagId: flag.id, from: 'open', to: 'in_review', outcome: null, reason: 'r', actor: 'a', at: '2026-10-15T08:00:00.000Z' };
    const stale = guardedTransitionInsert(t.ctx(), row, sql`exists (select 1 from flags where id = ${flag.id} and status = 'in_review')`);
    const sideEffect = t.db.update(flags).set({ updatedAt: 'changed' }).where(eq(flags.id, flag.id));
    await expect(t.db.batch([sideEffect, stale])).rejects.toThrow();
    const [after] = await t.db.select().from(flags).where(eq(flags.id, flag.id));
    expect(after!.updatedAt).not.toBe('changed'); // rolled back with the failed insert
    await t.db.batch([guardedTransitionInsert(t.ctx(), row, sql`exists (select 1 from flags where id = ${flag.id} and status = 'open')`)]);
    expect((await t.db.select().from(flagTransitions).where(eq(flagTransitions.id, 'ftr_x'))).length).toBe(1);
  });

  it('an unassigned flag can be taken up by any eligible supervisor, who becomes its reviewer', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1');
    await decisionsFor(t, Array.from({ length: 7 }, () => ({ decider: 'O1', amount: 19_000, threshold: 20_000 })));
    const hr = await t.userToken('hr');
    await scan(t, hr);
    const flag = await onlyFlag(t, hr);
    const late = await supervisor(t, 'sup-late');
    const res = await t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token: late.token, json: { to: 'in_review', reason: 'Taking it.' } });
    expect(res.status).toBe(200);
    expect((await onlyFlag(t, hr)).reviewerUserId).toBe(late.userId);
  });

  it('a closed false positive reopens only when new evidence appears', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    const move = (body: unknown) => t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token: free.token, json: body });
    await move({ to: 'in_review', reason: 'look' });
    await move({ to: 'closed', outcome: 'false_positive', reason: 'Seasonal small shops; amounts verified.' });
    t.clock.advance(86_400_000); // the window moves; the same decisions are no new evidence
    expect((await scan(t, free.token)).byRule.threshold_bunching).toBeUndefined();
    await decisionsFor(t, [{ decider: 'O1', amount: 19_950, threshold: 20_000, decidedAt: '2026-10-16' }]);
    expect((await scan(t, free.token)).byRule.threshold_bunching).toBe(1);
    const again = await onlyFlag(t, free.token);
    expect(again.id).toBe(flag.id);
    expect(again).toMatchObject({ status: 'open', outcome: null, closedAt: null });
    expect(again.evidence.below).toBe(11);
    expect(again.transitions.map((x: { from: string | null; to: string }) => `${x.from}->${x.to}`)).toEqual(['null->open', 'open->in_review', 'in_review->closed', 'closed->open']);
  });

  it('a confirmed flag is not raised again for the same evidence', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const flag = await onlyFlag(t, free.token);
    await t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token: free.token, json: { to: 'in_review', reason: 'r' } });
    await t.call('POST', `/api/v1/flags/${flag.id}/transition`, { token: free.token, json: { to: 'closed', outcome: 'confirmed', reason: 'r' } });
    expect((await scan(t, free.token)).byRule.threshold_bunching).toBeUndefined();
  });

  it('the database refuses a second unclosed flag for one condition', async () => {
    const { t } = await bunchingWorld();
    const ctx = t.ctx();
    const cand = { rule: 'threshold_bunching', subjectCode: 'O1', conditionKey: 'k', evidence: { x: 1 }, severity: 'high' as const };
    const a = (await planRaise(ctx, cand))!;
    const b = (await planRaise(ctx, cand))!; // planned before a commits: a race
    await commit(ctx, a.writes, a.events);
    await expect(commit(ctx, b.writes, b.events)).rejects.toThrow();
    expect(await t.db.select().from(flags)).toHaveLength(1);
    expect(await planRaise(ctx, cand)).toBeNull();
    const twice = { ...cand, conditionKey: 'k2' };
    expect(await planRaises(ctx, [twice, twice])).toHaveLength(1);
  });

  it('lists with filters: status, rule, officer, unit, age, overdue', async () => {
    const { t, free } = await bunchingWorld();
    await scan(t, free.token);
    const q = async (qs: string) => (await json(await t.call('GET', `/api/v1/flags?rule=threshold_bunching&${qs}`, { token: free.token }))).items.length;
    expect(await q('status=open')).toBe(1);
    expect(await q('status=closed')).toBe(0);
    expect(await q('officerCode=O1')).toBe(1);
    expect(await q('officerCode=R1')).toBe(0);
    expect(await q('unit=U1')).toBe(1);
    expect(await q('unit=U9')).toBe(0);
    expect(await q('overdue=true')).toBe(0);
    t.clock.advance(15 * 86_400_000);
    expect(await q('overdue=true')).toBe(1);
    expect(await q('minAgeDays=16')).toBe(0);
    expect(await q('minAgeDays=15')).toBe(1);
    const item = (await json(await t.call('GET', '/api/v1/flags?rule=threshold_bunching', { token: free.token }))).items[0];
    expect(item.overdue).toBe(true);
    expect((await t.call('GET', '/api/v1/flags?status=bogus', { token: free.token })).status).toBe(400);
    expect((await t.call('GET', '/api/v1/flags/flg_nope', { token: free.token })).status).toBe(404);
  });
});
