import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';
import { decisionsFor, officer, supervisor } from '../support/oversight.js';

async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1');
  await officer(t, 'S1');
  await decisionsFor(t, [
    ...Array.from({ length: 9 }, (_, i) => ({ decider: 'O1', amount: 18_050 + i * 200, threshold: 20_000, decidedAt: '2026-09-01' })),
    { decider: 'O1', amount: 20_000, threshold: 20_000, decidedAt: '2026-09-02' },
    { decider: 'O1', amount: 16_100, threshold: 20_000, decidedAt: '2026-09-03' },
  ]);
  const sup = await supervisor(t, 'sup-one', 'S1');
  const session = await signIn(t, sup.token);
  return { t, sup, session };
}

describe('supervisor console pages', () => {
  it('scans from the queue, filters, shows the chart with the right bins, and closes a flag through forms', async () => {
    const { t, session } = await world();
    // b = 9, a = 1: p = 0.0107, not flagged. Add one more below: b = 10, a = 1, p = 0.0059.
    await decisionsFor(t, [{ decider: 'O1', amount: 19_990, threshold: 20_000, decidedAt: '2026-09-04' }]);
    const scan = await pageRequest(t, 'POST', '/flags/scan', { session, form: {} });
    expect(scan.status).toBe(303);
    expect(scan.headers.get('location')).toMatch(/^\/flags\?scanned=\d+$/);
    const queue = await (await pageRequest(t, 'GET', '/flags?rule=threshold_bunching&status=&unit=U1&lang=en', { session })).text();
    const id = /href="\/flags\/(flg_[a-z0-9]+)"/.exec(queue)?.[1];
    expect(id).toBeTruthy();
    expect(queue).toContain('Threshold bunching');
    const empty = await (await pageRequest(t, 'GET', '/flags?rule=benford&lang=en', { session })).text();
    expect(empty).toContain('No flags match');

    const detail = await (await pageRequest(t, 'GET', `/flags/${id}?lang=en`, { session })).text();
    expect(detail).toContain('svg');
    const counts = [...detail.matchAll(/class="bin (below|above)" data-count="(\d+)"/g)].map((m) => Number(m[2]));
    expect(counts).toHaveLength(20);
    // 16,100 -> bin 0; 18,050..19,650 step 200 -> bins 5..9; 19,990 -> bin 9; 20,000 (= T) -> bin 10.
    expect(counts[0]).toBe(1);
    expect(counts[10]).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(detail).toContain('class="threshold"');
    expect(detail).toContain('P(X ≥ 10 | n = 11, p = 0.5)');

    const bad = await followRedirect(t, await pageRequest(t, 'POST', `/flags/${id}/transition`, { session, form: { to: 'in_review', reason: '' } }), session);
    expect(bad.status).toBe(400);
    const start = await pageRequest(t, 'POST', `/flags/${id}/transition`, { session, form: { to: 'in_review', reason: 'Opening the files.' } });
    expect(start.status).toBe(303);
    const close = await pageRequest(t, 'POST', `/flags/${id}/transition`, { session, form: { to: 'closed', outcome: 'confirmed', reason: 'Amounts steered below the threshold.', earlyReason: 'The files are conclusive.' } });
    expect(close.status).toBe(303);
    const after = await (await pageRequest(t, 'GET', `/flags/${id}?lang=en`, { session })).text();
    expect(after).toContain('Confirmed');
    expect(after).toContain('Amounts steered below the threshold.');
  });

  it('sends officers away (403 page) and anonymous visitors to sign in', async () => {
    const { t } = await world();
    const anon = await pageRequest(t, 'GET', '/flags');
    expect(anon.status).toBe(303);
    const officerSession = await signIn(t, await t.userToken('officer', { officerCode: 'O1' }));
    expect((await pageRequest(t, 'GET', '/flags', { session: officerSession })).status).toBe(403);
  });

  it('hides a flag from its own subject: not in their queue, not openable, not movable', async () => {
    const { t, session } = await world();
    await decisionsFor(t, [{ decider: 'O1', amount: 19_990, threshold: 20_000, decidedAt: '2026-09-04' }]);
    await pageRequest(t, 'POST', '/flags/scan', { session, form: {} });
    const queue = await (await pageRequest(t, 'GET', '/flags?rule=threshold_bunching', { session })).text();
    const id = /href="\/flags\/(flg_[a-z0-9]+)"/.exec(queue)![1];
    const subject = await signIn(t, (await supervisor(t, 'sup-o1', 'O1')).token);
    const own = await (await pageRequest(t, 'GET', '/flags?rule=threshold_bunching', { session: subject })).text();
    expect(own).not.toContain(`/flags/${id}`);
    // Refused as their own case (one refusal everywhere), in the page's language.
    const opened = await pageRequest(t, 'GET', `/flags/${id}?lang=en`, { session: subject });
    expect(opened.status).toBe(403);
    expect(await opened.text()).toContain('Nobody acts on or reads their own case');
    const openedZh = await pageRequest(t, 'GET', `/flags/${id}`, { session: subject });
    expect(await openedZh.text()).toContain('按照回避规定');
    const res = await followRedirect(t, await pageRequest(t, 'POST', `/flags/${id}/transition`, { session: subject, form: { to: 'in_review', reason: 'x' } }), subject);
    expect([403, 404]).toContain(res.status);
  });
});
