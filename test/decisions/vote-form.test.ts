/**
 * The panel member's vote form posts, redirects, gets (ADR 0086): a refused vote goes back to
 * /me/reviews, on its case, shown once in zh-CN with the field marked and the reason as typed;
 * a cast vote is confirmed after the redirect. The clock is 2026-10-15.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { json, officer, taxpayer, threshold } from '../support/oversight.js';
import { followRedirect, pageRequest, refusedRoundTrip, signIn } from '../support/pages.js';

async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  // The decider and exactly three colleagues who can vote: all three are drawn.
  for (const c of ['D1', 'M1', 'M2', 'M3']) await officer(t, c, { unit: 'U1' });
  await taxpayer(t, 'TP-9');
  await threshold(t, 'assessed_turnover', 20_000, '2020-01-01');
  const d1 = await t.userToken('officer', { username: 'user-d1', officerCode: 'D1' });
  const m1 = await t.userToken('officer', { username: 'user-m1', officerCode: 'M1' });
  const res = await t.call('POST', '/api/v1/decisions', {
    token: d1,
    json: { type: 'assessed_turnover', taxpayerCode: 'TP-9', amount: 19_800, justification: 'Turnover assessed from invoices and a site visit.', decidedAt: '2026-10-14' },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { t, m1, id: (await json<{ id: string }>(res)).id };
}

describe('the vote form (post, redirect, get)', () => {
  it('a refused vote comes back on its case with the reason as typed, once; a cast vote is confirmed', async () => {
    const { t, m1, id } = await world();
    const session = await signIn(t, m1);
    // No vote chosen: refused, the reason kept.
    const res = await pageRequest(t, 'POST', `/me/reviews/${id}/vote`, { session, form: { reason: '发票与实地核查记录相符。' } });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe(`/me/reviews#d-${id}`);
    expect(back.status).toBe(400);
    const card = back.html.slice(back.html.indexOf(`id="d-${id}"`));
    expect(card).toContain('class="notice error"');
    expect(card).toContain(`id="vote-${id}-error"`);
    expect(card).toContain('发票与实地核查记录相符。</textarea>');
    expect(back.cleared).toBe(true);
    expect(back.refreshStatus).toBe(200);
    expect(back.refresh).not.toContain('发票与实地核查记录相符。');
    expect(await t.db.all(sql`select decision_id from decision_votes`)).toEqual([]);

    const ok = await pageRequest(t, 'POST', `/me/reviews/${id}/vote`, { session, form: { vote: 'approve', reason: '发票与实地核查记录相符。' } });
    expect(ok.status).toBe(303);
    const done = await (await followRedirect(t, ok, session)).text();
    expect(done).toContain('表决已记录。');
    expect(done).toContain('data-testid="my-vote"');
    expect(await t.db.all(sql`select decision_id from decision_votes`)).toHaveLength(1);
  });
});
