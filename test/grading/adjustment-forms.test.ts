/**
 * Deciding a tier adjustment on the run page: a rejection ends the proposal for good, so the page
 * asks once more before making it (without JavaScript), keeping the reason typed; the decision is
 * then confirmed after the redirect (post, redirect, get, ADR 0086).
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';

const statusOfAdjustment = async (t: Awaited<ReturnType<typeof makeTestApp>>) => (await t.db.all<{ status: string }>(sql`select status from adjustments`))[0]!.status;

describe('rejecting a tier adjustment on the run page', () => {
  it('asks for confirmation with the reason kept; only the confirmed rejection is made, and it is confirmed', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    const hr1 = await signIn(t, await t.userToken('hr', { username: 'hr1' }));
    const hr2 = await signIn(t, await t.userToken('hr', { username: 'hr2' }));
    const run = (await pageRequest(t, 'POST', '/hr/runs', { session: hr1, form: { period: '2026Q3' } })).headers.get('location')!;
    expect((await pageRequest(t, 'POST', `${run}/adjustments`, { session: hr1, form: { officerCode: 'O004', toTier: '1', reason: '长期病假' } })).status).toBe(303);
    const [adj] = await t.db.all<{ id: string }>(sql`select id from adjustments`);
    const action = `/hr/adjustments/${adj!.id}/decision`;

    // Reject pressed: nothing is decided yet; the page asks, in zh-CN, with the reason as typed.
    const ask = await pageRequest(t, 'POST', action, { session: hr2, form: { decision: 'reject', reason: '病假证明不全' } });
    expect(ask.status).toBe(303);
    expect(ask.headers.get('location')).toBe(`${run}#adj-${adj!.id}`);
    expect(await statusOfAdjustment(t)).toBe('pending');
    const asked = await followRedirect(t, ask, hr2);
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('data-testid="reject-confirm"');
    expect(html).toContain('确定驳回 O004 从');
    expect(html).toMatch(/name="confirm" value="yes"/);
    expect(html).toMatch(/name="reason" type="text" required="" maxlength="2000" value="病假证明不全"/);
    // Asked once: a refresh shows the ordinary form again.
    const again = await (await pageRequest(t, 'GET', run, { session: hr2 })).text();
    expect(again).not.toContain('data-testid="reject-confirm"');
    expect(again).toContain(`action="${action}"`);

    // Confirmed: the rejection is made, and said after the redirect.
    const confirmed = await pageRequest(t, 'POST', action, { session: hr2, form: { decision: 'reject', reason: '病假证明不全', confirm: 'yes' } });
    expect(confirmed.status).toBe(303);
    expect(await statusOfAdjustment(t)).toBe('rejected');
    const done = await (await followRedirect(t, confirmed, hr2)).text();
    expect(done).toContain('调整申请已驳回。');
  });
});
