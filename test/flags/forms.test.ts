/**
 * The flag page forms post, redirect, get (ADR 0086): a refused move goes back to /flags/:id and a
 * refused answer (申辩) to /me/flags/:id, each shown once in zh-CN with the field marked and the
 * text as typed; a success redirects with its confirmation. The clock is 2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { decisionsFor, officer, supervisor } from '../support/oversight.js';
import { pageRequest, refusedRoundTrip, signIn } from '../support/pages.js';

/** O1 bunches under 20,000; the scan raises a flag drawn to one of the supervisors SB, SC. */
async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1', { unit: 'U1' });
  await officer(t, 'SB', { unit: 'U2' });
  await decisionsFor(t, Array.from({ length: 10 }, (_, i) => ({ decider: 'O1', amount: 18_100 + i * 100, threshold: 20_000 })));
  const sups = [await supervisor(t, 'sup-b', 'SB'), await supervisor(t, 'sup-c')];
  const o1 = await t.userToken('officer', { username: 'officer-o1', officerCode: 'O1' });
  expect((await t.call('POST', '/api/v1/flags/scan', { token: sups[1]!.token })).status).toBe(200);
  const [flag] = await t.db.all<{ id: string; reviewer_user_id: string }>(sql`select id, reviewer_user_id from flags where rule = 'threshold_bunching'`);
  const reviewer = sups.find((s) => s.userId === flag!.reviewer_user_id)!;
  return { t, o1, flagId: flag!.id, reviewer };
}

const statusOf = async (t: Awaited<ReturnType<typeof world>>['t'], id: string) => (await t.db.all<{ status: string }>(sql`select status from flags where id = ${id}`))[0]!.status;

describe('flag forms (post, redirect, get)', () => {
  it('a refused move comes back to the flag page with the field marked and what was typed, once; a done move is confirmed', async () => {
    const { t, flagId, reviewer } = await world();
    const session = await signIn(t, reviewer.token);
    const action = `/flags/${flagId}/transition`;

    const empty = await pageRequest(t, 'POST', action, { session, form: { to: 'in_review', reason: '' } });
    expect(empty.status).toBe(303);
    const refused = await refusedRoundTrip(t, empty, session);
    expect(refused.location).toBe(`/flags/${flagId}#actions`);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<p class="error field-error" id="reason-start-error">请填写理由</p>');
    expect(refused.html).toMatch(/id="reason-start" name="reason" required="" aria-describedby="reason-start-hint reason-start-error" aria-invalid="true"/);
    expect(refused.cleared).toBe(true);
    expect(refused.refreshStatus).toBe(200);
    expect(refused.refresh).not.toContain('id="reason-start-error"');
    expect(refused.refresh).not.toContain('aria-invalid="true"');
    expect(await statusOf(t, flagId)).toBe('open');

    const start = await pageRequest(t, 'POST', action, { session, form: { to: 'in_review', reason: '调阅案卷。' } });
    expect(start.status).toBe(303);
    expect(start.headers.get('location')).toBe(`/flags/${flagId}?done=1`);
    expect(await (await pageRequest(t, 'GET', start.headers.get('location')!, { session })).text()).toContain('已记录。');

    // Confirming while the subject may still answer needs a reason for not waiting: refused, all kept.
    const early = await pageRequest(t, 'POST', action, { session, form: { to: 'closed', outcome: 'confirmed', reason: '金额被有意压在临界值以下。' } });
    const back = await refusedRoundTrip(t, early, session);
    expect(back.status).toBe(400);
    expect(back.html).toContain('金额被有意压在临界值以下。</textarea>');
    expect(back.html).toMatch(/value="confirmed" required="" checked=""/);
    expect(back.html).toMatch(/id="early-reason-error"/);
    expect(back.html).toMatch(/id="early-reason" name="earlyReason" aria-describedby="early-reason-hint early-reason-error" aria-invalid="true"/);
    expect(back.html).not.toMatch(/[A-Z][a-z]+ [a-z]+ [a-z]+\./); // no English sentence on the zh-CN page
    expect(back.refresh).not.toContain('金额被有意压在临界值以下。');
    expect(await statusOf(t, flagId)).toBe('in_review');
  });

  it('a refused answer (申辩) comes back to /me/flags/:id with the text as typed, once; a submitted one is confirmed on /me', async () => {
    const { t, o1, flagId, reviewer } = await world();
    expect((await t.call('POST', `/api/v1/flags/${flagId}/transition`, { token: reviewer.token, json: { to: 'in_review', reason: 'Opening the files.' } })).status).toBe(200);
    const session = await signIn(t, o1);
    const action = `/me/flags/${flagId}/answer`;
    // A control character is refused (docs/limits.md); the words around it come back.
    const res = await pageRequest(t, 'POST', action, { session, form: { text: '请看现场记录\u0001' } });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe(`/me/flags/${flagId}`);
    expect(back.status).toBe(400);
    expect(back.html).toContain('class="notice error"');
    expect(back.html).toContain(`id="answer-${flagId}-error"`);
    expect(back.html).toContain('请看现场记录');
    expect(back.cleared).toBe(true);
    expect(back.refreshStatus).toBe(200);
    expect(back.refresh).not.toContain('请看现场记录');
    expect(await t.db.all(sql`select flag_id from flag_answers`)).toEqual([]);

    const ok = await pageRequest(t, 'POST', action, { session, form: { text: '这些纳税人是季节性摊位，现场记录在案卷中。' } });
    expect(ok.status).toBe(303);
    expect(await (await pageRequest(t, 'GET', ok.headers.get('location')!, { session })).text()).toContain('申辩已提交。');
  });
});
