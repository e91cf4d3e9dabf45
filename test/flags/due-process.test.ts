/**
 * Due process for a flagged officer and escalation (DESIGN section 4): the subject is told when
 * the review of a penalty-carrying flag starts, may answer once within 7 days, the answer is on
 * the flag's record; confirming earlier needs a reason. An escalated flag goes to a drawn
 * supervisor outside the subject's unit and stays open for them. The clock is 2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auditEntries, users } from '../../db/schema.js';
import { commit } from '../../src/audit/append.js';
import { planRaise } from '../../src/flags/raise.js';
import { redraw, type Draw } from '../../src/flags/draw.js';
import { answerCommitment } from '../../src/flags/due-process.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, json, officer, supervisor } from '../support/oversight.js';
import { pageRequest, signIn } from '../support/pages.js';

/** O1 (unit U1) bunches under 20,000. Supervisors: SA (an officer of U1), SB (of U2), SC (no officer record). */
async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1', { unit: 'U1' });
  await officer(t, 'SA', { unit: 'U1' });
  await officer(t, 'SB', { unit: 'U2' });
  await decisionsFor(t, Array.from({ length: 10 }, (_, i) => ({ decider: 'O1', amount: 18_100 + i * 100, threshold: 20_000 })));
  const sups = { SA: await supervisor(t, 'sup-a', 'SA'), SB: await supervisor(t, 'sup-b', 'SB'), SC: await supervisor(t, 'sup-c') };
  const o1 = await t.userToken('officer', { username: 'officer-o1', officerCode: 'O1' });
  expect((await t.call('POST', '/api/v1/flags/scan', { token: sups.SC.token })).status).toBe(200);
  const [flag] = await t.db.all<{ id: string; reviewer_user_id: string }>(sql`select id, reviewer_user_id from flags where rule = 'threshold_bunching'`);
  const byUser = Object.fromEntries(Object.values(sups).map((s) => [s.userId, s]));
  return { t, sups, o1, flagId: flag!.id, reviewer: byUser[flag!.reviewer_user_id]!, byUser };
}

const move = (t: TestApp, token: string, id: string, body: unknown) => t.call('POST', `/api/v1/flags/${id}/transition`, { token, json: body });
const answer = (t: TestApp, token: string, id: string, text = 'The taxpayers in question are market stalls with seasonal turnover; site visit notes are in the files.') =>
  t.call('POST', `/api/v1/flags/${id}/answer`, { token, json: { text } });

describe('due process', () => {
  it('tells the subject when the review starts; they answer once within 7 days; the answer is on the record', async () => {
    const { t, o1, reviewer, flagId } = await world();
    // Not yet told: the flag is not theirs to answer (nothing to learn: 404).
    expect((await answer(t, o1, flagId)).status).toBe(404);
    expect((await json(await t.call('GET', `/api/v1/flags/${flagId}`, { token: reviewer.token }))).notice).toBeNull();

    expect((await move(t, reviewer.token, flagId, { to: 'in_review', reason: 'Opening the files.' })).status).toBe(200);
    const told = await json(await t.call('GET', `/api/v1/flags/${flagId}`, { token: reviewer.token }));
    expect(told.notice).toEqual({ toldAt: '2026-10-15T08:00:00.000Z', answerDueAt: '2026-10-22T08:00:00.000Z' });
    const session = await signIn(t, o1);
    const me = await (await pageRequest(t, 'GET', '/me?lang=en', { session })).text();
    expect(me).toContain(`data-id="${flagId}"`);
    expect(me).toContain('Threshold bunching');
    expect(me).toContain(`action="/me/flags/${flagId}/answer"`);

    // Confirming now, unheard, needs a reason for not waiting.
    const early = await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'Steered.' });
    expect(early.status).toBe(400);
    expect((await json(early)).errors[0].path).toBe('earlyReason');

    // Only the subject answers; through the page form, as the API.
    expect((await answer(t, reviewer.token, flagId)).status).toBe(404);
    expect((await answer(t, await t.userToken('hr'), flagId)).status).toBe(403);
    expect((await t.call('POST', `/api/v1/flags/${flagId}/answer`, { token: o1, json: { text: '   ' } })).status).toBe(400);
    t.clock.set('2026-10-15T18:00:00.000Z');
    const posted = await pageRequest(t, 'POST', `/me/flags/${flagId}/answer`, { session, form: { text: 'Seasonal stalls; see the site notes.' } });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/me?answered=${flagId}#flags`);
    const again = await answer(t, o1, flagId);
    expect(again.status).toBe(409);
    expect((await json(again)).code).toBe('already_answered');

    const record = await json(await t.call('GET', `/api/v1/flags/${flagId}`, { token: reviewer.token }));
    expect(record.answer).toEqual({ text: 'Seasonal stalls; see the site notes.', answeredAt: '2026-10-15T18:00:00.000Z' });
    const page = await (await pageRequest(t, 'GET', `/flags/${flagId}?lang=en`, { session: await signIn(t, reviewer.token) })).text();
    expect(page).toContain('Seasonal stalls; see the site notes.');
    // The log holds a salted commitment to the answer, not its text.
    const [entry] = await t.db.select().from(auditEntries).where(sql`action = 'flag.answer'`);
    expect(entry!.leaf).not.toContain('Seasonal');
    const [row] = await t.db.all<{ nonce: string }>(sql`select nonce from flag_answers where flag_id = ${flagId}`);
    expect(JSON.parse(entry!.leaf).payload.commitment).toBe(answerCommitment({ flagId, nonce: row!.nonce, text: 'Seasonal stalls; see the site notes.' }));

    // Heard: confirming needs no early reason (and refuses one).
    expect((await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'Steered.', earlyReason: 'x' })).status).toBe(400);
    expect((await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'Steered despite the answer.' })).status).toBe(200);
    expect((await answer(t, o1, flagId)).status).toBe(409);
  });

  it('closes the answer window after 7 days; then confirming needs no early reason', async () => {
    const { t, o1, reviewer, flagId } = await world();
    await move(t, reviewer.token, flagId, { to: 'in_review', reason: 'Opening the files.' });
    t.clock.set('2026-10-22T07:59:59.000Z');
    expect((await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'r' })).status).toBe(400);
    t.clock.set('2026-10-22T08:00:01.000Z');
    const late = await answer(t, o1, flagId);
    expect(late.status).toBe(409);
    expect((await json(late)).code).toBe('answer_window_closed');
    expect((await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'No answer came.' })).status).toBe(200);
  });

  it('a flag without a grading penalty is not put to its subject; dismissing needs no wait', async () => {
    const { t, o1, reviewer, flagId } = await world();
    await t.db.run(sql`update flags set severity = 'low' where id = ${flagId}`);
    await move(t, reviewer.token, flagId, { to: 'in_review', reason: 'r' });
    expect((await json(await t.call('GET', `/api/v1/flags/${flagId}`, { token: reviewer.token }))).notice).toBeNull();
    expect((await answer(t, o1, flagId)).status).toBe(404);
    expect((await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'r' })).status).toBe(200);
  });

  it('a complaint flag tells its subject the category and quarter, never the text or the time', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1', { unit: 'U1' });
    await officer(t, 'SB', { unit: 'U2' });
    const sb = await supervisor(t, 'sup-b', 'SB');
    const ctx = t.ctx({ kind: 'system', name: 'test' });
    const plan = await planRaise(ctx, {
      rule: 'complaint',
      subjectCode: 'O1',
      conditionKey: 'complaint:cmp_1',
      severity: 'medium',
      evidence: { complaintId: 'cmp_1', period: '2026Q4', category: 'attitude', text: 'SECRET-COMPLAINT-TEXT from Mrs Chen at 09:41' },
    });
    await commit(ctx, plan!.writes, plan!.events);
    expect((await move(t, sb.token, plan!.flagId, { to: 'in_review', reason: 'Calling the hall.' })).status).toBe(200);
    const session = await signIn(t, await t.userToken('officer', { username: 'o1', officerCode: 'O1' }));
    const html = await (await pageRequest(t, 'GET', '/me?lang=en', { session })).text();
    expect(html).toContain('A taxpayer complaint in 2026Q4 (category: attitude)');
    expect(html).not.toContain('SECRET-COMPLAINT-TEXT');
    expect(html).not.toContain('cmp_1');
    expect(html).not.toContain('Mrs Chen');
    const zh = await (await pageRequest(t, 'GET', '/me', { session })).text();
    expect(zh).toContain('2026Q4 的纳税人投诉（类别：服务态度）');
  });
});

describe('escalation', () => {
  it('hands the flag to a drawn supervisor outside the subject’s unit; it stays open for them', async () => {
    const { t, reviewer, flagId, sups, byUser } = await world();
    await move(t, reviewer.token, flagId, { to: 'in_review', reason: 'Opening the files.' });
    const res = await move(t, reviewer.token, flagId, { to: 'closed', outcome: 'escalated', reason: 'Needs someone outside the branch.' });
    expect(res.status).toBe(200);
    const out = await json(res);
    expect(out).toMatchObject({ status: 'open', outcome: null });

    const flag = await json(await t.call('GET', `/api/v1/flags/${flagId}`, { token: sups.SC.token === reviewer.token ? sups.SB.token : sups.SC.token }));
    expect(flag).toMatchObject({ status: 'open', outcome: null, closedAt: null });
    const [esc] = flag.escalations;
    const draw = esc.draw as Draw;
    // Outside U1 (not SA), and not the supervisor who escalated.
    const expected = [sups.SB.userId, sups.SC.userId].filter((u) => u !== reviewer.userId).sort();
    expect(draw.candidates).toEqual(expected);
    expect(draw.seedInputs.flagId).toBe(`${flagId}/escalation/1`);
    expect((await redraw(draw)).ok).toBe(true);
    expect(esc).toMatchObject({ level: 1, escalatedBy: reviewer.userId, reason: 'Needs someone outside the branch.' });
    expect(flag.reviewerUserId).toBe(draw.picked);
    expect(out.escalatedTo).toBe(draw.picked);
    expect(flag.transitions.at(-1)).toMatchObject({ from: 'in_review', to: 'open', outcome: 'escalated' });

    // The one who escalated is done with it; the higher reviewer takes it from here.
    expect((await move(t, reviewer.token, flagId, { to: 'in_review', reason: 'mine again' })).status).toBe(403);
    const higher = byUser[draw.picked!]!;
    expect((await move(t, higher.token, flagId, { to: 'in_review', reason: 'Reviewing the escalation.' })).status).toBe(200);
    // The subject was told when the first review started; the window runs from then.
    const closed = await move(t, higher.token, flagId, { to: 'closed', outcome: 'false_positive', reason: 'Seasonal trade explains it.' });
    expect(closed.status).toBe(200);
    expect(await json(closed)).toMatchObject({ status: 'closed', outcome: 'false_positive' });
  });

  it('with nobody eligible outside the unit the flag stays open, unassigned, with a note', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await officer(t, 'O1', { unit: 'U1' });
    await officer(t, 'SA', { unit: 'U1' });
    await decisionsFor(t, Array.from({ length: 10 }, (_, i) => ({ decider: 'O1', amount: 18_100 + i * 100, threshold: 20_000 })));
    const sa = await supervisor(t, 'sup-a', 'SA');
    await t.call('POST', '/api/v1/flags/scan', { token: sa.token });
    const [{ id }] = await t.db.all<{ id: string }>(sql`select id from flags`);
    await move(t, sa.token, id, { to: 'in_review', reason: 'r' });
    const out = await json(await move(t, sa.token, id, { to: 'closed', outcome: 'escalated', reason: 'Above my pay grade.' }));
    expect(out).toMatchObject({ status: 'open', escalatedTo: null });
    const flag = await json(await t.call('GET', `/api/v1/flags/${id}`, { token: sa.token }));
    expect(flag.reviewerUserId).toBeNull();
    expect(flag.escalations[0].draw.note).toMatch(/outside the subject/);
    expect((await move(t, sa.token, id, { to: 'in_review', reason: 'r' })).status).toBe(403);
    // A supervisor from another unit who joins later may take it up.
    await officer(t, 'SB', { unit: 'U2' });
    const sb = await supervisor(t, 'sup-b', 'SB');
    expect((await move(t, sb.token, id, { to: 'in_review', reason: 'Taking it up.' })).status).toBe(200);
    const [row] = await t.db.select({ id: users.id }).from(users).where(sql`username = 'sup-b'`);
    expect((await json(await t.call('GET', `/api/v1/flags/${id}`, { token: sb.token }))).reviewerUserId).toBe(row!.id);
  });
});
