/**
 * The spot-check page forms post, redirect, get (ADR 0086): a refused draw or outcome goes back to
 * /spot-checks, which shows the refusal once in zh-CN with what was typed; a success redirects
 * with its confirmation.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { decisionsFor, json, officer, supervisor } from '../support/oversight.js';
import { pageRequest, refusedRoundTrip, signIn } from '../support/pages.js';

async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'SB', { unit: 'U2' });
  for (const o of ['O1', 'O2']) await officer(t, o, { unit: 'U1' });
  await decisionsFor(t, Array.from({ length: 6 }, (_, i) => ({ decider: i % 2 ? 'O1' : 'O2', amount: 15_000 + i, threshold: 20_000, decidedAt: `2026-08-0${1 + i}` })));
  const sb = await supervisor(t, 'sup-b', 'SB');
  const hr = await t.userToken('hr');
  return { t, sb, hr };
}

describe('spot-check forms (post, redirect, get)', () => {
  it('a refused draw comes back to /spot-checks with the refusal in zh-CN and the period as typed, once', async () => {
    const { t, hr } = await world();
    const session = await signIn(t, hr);
    const res = await pageRequest(t, 'POST', '/spot-checks', { session, form: { period: '2026Q4' } });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe('/spot-checks#sc-period');
    expect(back.status).toBe(400);
    expect(back.html).toContain('该季度尚未结束。');
    expect(back.html).toContain('value="2026Q4"');
    expect(back.cleared).toBe(true);
    expect(back.refreshStatus).toBe(200);
    expect(back.refresh).not.toContain('该季度尚未结束。');
    expect(back.refresh).not.toContain('value="2026Q4"');
    expect(await t.db.all(sql`select id from spot_checks`)).toEqual([]);

    const ok = await pageRequest(t, 'POST', '/spot-checks', { session, form: { period: '2026Q3' } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/spot-checks\/[^/?]+\?drawn=1$/);
    expect(await (await pageRequest(t, 'GET', ok.headers.get('location')!, { session })).text()).toContain('已抽取本季度的抽查');
  });

  it('a refused outcome comes back to its item with the field marked and the note as typed; a recorded one is confirmed', async () => {
    const { t, sb, hr } = await world();
    const out = await json(await t.call('POST', '/api/v1/spot-checks', { token: hr, json: { period: '2026Q3' } }));
    const item = (out.items as { decisionId: string; reviewerUserId: string }[]).find((i) => i.reviewerUserId === sb.userId)!;
    expect(item).toBeDefined();
    const session = await signIn(t, sb.token);
    const action = `/spot-checks/${out.id}/items/${item.decisionId}`;
    // Only a finding raises a flag: refused, nothing written.
    const res = await pageRequest(t, 'POST', action, { session, form: { outcome: 'compliant', note: '发票与现场记录一致', raiseFlag: '1' } });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe(`/spot-checks#i-${item.decisionId}`);
    expect(back.status).toBe(400);
    const card = back.html.slice(back.html.indexOf(`id="i-${item.decisionId}"`));
    expect(card).toContain('class="notice error"');
    expect(card).toContain('发票与现场记录一致');
    expect(card).toMatch(/value="compliant" required="" checked=""/);
    // The field's own message beside it, the box marked invalid.
    expect(card).toContain(`<p class="error field-error" id="raise-${item.decisionId}-error">此时不需要填写</p>`);
    expect(card).toMatch(/name="raiseFlag" value="1" checked="" aria-describedby="raise-[^"]+-error" aria-invalid="true"/);
    expect(back.cleared).toBe(true);
    expect(back.refresh).not.toContain('发票与现场记录一致');
    expect(back.refresh).not.toContain('class="notice error"');
    expect((await t.db.all<{ outcome: string | null }>(sql`select outcome from spot_check_items where decision_id = ${item.decisionId}`))[0]!.outcome).toBeNull();

    const ok = await pageRequest(t, 'POST', action, { session, form: { outcome: 'compliant', note: '发票与现场记录一致' } });
    expect(ok.status).toBe(303);
    const done = await pageRequest(t, 'GET', ok.headers.get('location')!, { session });
    expect(await done.text()).toContain('核查结果已记录。');
  });
});
