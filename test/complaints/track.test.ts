/**
 * Following a complaint by its receipt (issue 15): /c/{receipt} in plain words, no names; the
 * state follows the flag or the supervisor's own closing; the guessing limit of the form's tokens.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json } from '../support/oversight.js';
import { complaintWorld, fileVia } from '../support/complaints.js';
import { GUESS_LIMIT } from '../../src/core/guessing.js';

const page = async (t: TestApp, receipt: string, opts: { lang?: string; ip?: string } = {}) => {
  const res = await t.call('GET', `/c/${receipt}${opts.lang ? `?lang=${opts.lang}` : ''}`, { headers: { 'cf-connecting-ip': opts.ip ?? '203.0.113.7' } });
  return { status: res.status, html: await res.text(), res };
};
const statusOf = (html: string) => /data-testid="status">([^<]+)</.exec(html)?.[1];
const outcomeOf = (html: string) => /data-testid="outcome">([^<]+)</.exec(html)?.[1];

const flagMove = (t: TestApp, token: string, id: string, json: unknown) => t.call('POST', `/api/v1/flags/${id}/transition`, { token, json });
const complaintMove = (t: TestApp, token: string, id: string, json: unknown) => t.call('POST', `/api/v1/complaints/${id}/transition`, { token, json });

describe('the tracking page', () => {
  it('follows a complaint naming an officer through its flag, in zh-CN and English, naming nobody', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const filed = await json(await fileVia(t, w.intake, { officerCode: 'O1', text: '窗口人员说话难听', category: 'attitude' }));
    let p = await page(t, filed.receipt);
    expect(p.status).toBe(200);
    expect(p.html).toContain('<html lang="zh-CN"');
    expect(statusOf(p.html)).toBe('已受理');
    expect(p.html).toContain('服务态度');
    expect(p.html).toContain('12366 热线');
    expect(p.res.headers.get('cache-control')).toBe('no-store');
    for (const secret of ['O1', 'Officer O1', 'U1', 'Unit U1', '说话难听', filed.id]) expect(p.html).not.toContain(secret);

    const flagId = (await json(await t.call('GET', `/api/v1/complaints/${filed.id}`, { token: w.sup.token }))).flagId;
    expect((await flagMove(t, w.sup.token, flagId, { to: 'in_review', reason: 'calling the complainant' })).status).toBe(200);
    p = await page(t, filed.receipt);
    expect(statusOf(p.html)).toBe('核查中');
    expect((await flagMove(t, w.sup.token, flagId, { to: 'closed', outcome: 'confirmed', reason: 'O1 admitted it', earlyReason: 'O1 admitted it in writing' })).status).toBe(200);
    p = await page(t, filed.receipt);
    expect(statusOf(p.html)).toBe('已办结');
    expect(outcomeOf(p.html)).toBe('经核查，您反映的问题属实，已依规处理。');
    expect(p.html).not.toContain('admitted'); // the flag's reason is internal
    const en = await page(t, filed.receipt.toLowerCase(), { lang: 'en' });
    expect(en.html).toContain('<html lang="en"');
    expect(statusOf(en.html)).toBe('Closed');
    expect(outcomeOf(en.html)).toBe('We looked into it: what you reported happened, and it has been dealt with under the rules.');
    // The API says the same.
    expect(await json(await t.call('GET', `/api/v1/complaints/${filed.id}`, { token: w.hr }))).toMatchObject({ status: 'closed', outcome: 'upheld', flagStatus: 'closed' });
  });

  it('shows the outcome a supervisor closes a complaint with; an escalated flag reads as referred', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const plain = await json(await fileVia(t, w.hr, { channel: 'letter', category: 'system', unitCode: 'U2' }));
    expect((await complaintMove(t, w.sup.token, plain.id, { to: 'closed' })).status).toBe(400);
    expect((await complaintMove(t, w.sup.token, plain.id, { to: 'in_review', outcome: 'resolved' })).status).toBe(400);
    expect((await complaintMove(t, w.hr, plain.id, { to: 'in_review' })).status).toBe(403);
    expect((await complaintMove(t, w.sup.token, plain.id, { to: 'in_review' })).status).toBe(200);
    expect(statusOf((await page(t, plain.receipt)).html)).toBe('核查中');
    const closed = await complaintMove(t, w.sup.token, plain.id, { to: 'closed', outcome: 'resolved' });
    expect(closed.status).toBe(200);
    expect(outcomeOf((await page(t, plain.receipt)).html)).toBe('您反映的问题已经解决。');
    const again = await complaintMove(t, w.sup.token, plain.id, { to: 'closed', outcome: 'upheld' });
    expect(again.status).toBe(409);

    const named = await json(await fileVia(t, w.intake, { officerCode: 'O1' }));
    const flagId = (await json(await t.call('GET', `/api/v1/complaints/${named.id}`, { token: w.sup.token }))).flagId;
    // Only whoever may review the flag works the complaint: a second eligible supervisor was not drawn.
    const other = await t.userToken('supervisor', { username: 'sup-other' });
    const refused = await complaintMove(t, other, named.id, { to: 'in_review' });
    expect(refused.status).toBe(403);
    await flagMove(t, w.sup.token, flagId, { to: 'in_review', reason: 'r' });
    const escalated = await json(await flagMove(t, w.sup.token, flagId, { to: 'closed', outcome: 'escalated', reason: 'to the bureau' }));
    const p = await page(t, named.receipt, { lang: 'en' });
    expect(statusOf(p.html)).toBe('In review');
    expect(p.html).toContain('Your complaint has been passed to a higher reviewer.');
    // The escalation went to a drawn supervisor outside O1's unit (the only one here: sup-other);
    // the supervisor who escalated no longer works it. The higher reviewer closes the complaint itself.
    const [higher] = await t.db.all<{ username: string }>(sql`select username from users where id = ${escalated.escalatedTo}`);
    expect(higher?.username).toBe('sup-other');
    expect((await complaintMove(t, w.sup.token, named.id, { to: 'closed', outcome: 'partly_upheld' })).status).toBe(403);
    expect((await complaintMove(t, other, named.id, { to: 'closed', outcome: 'partly_upheld' })).status).toBe(200);
    expect(outcomeOf((await page(t, named.receipt)).html)).toBe('经核查，您反映的问题部分属实，属实部分已依规处理。');
  });

  it('counts unknown receipts against the guessing limit; real receipts always answer', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const filed = await json(await fileVia(t, w.intake, {}));
    for (let i = 0; i < GUESS_LIMIT; i++) {
      const bad = await page(t, i % 2 ? 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ' : 'not-a-receipt', { ip: '198.51.100.9' });
      expect(bad.status).toBe(404);
    }
    const limited = await page(t, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', { ip: '198.51.100.9' });
    expect(limited.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('600');
    expect((await page(t, filed.receipt, { ip: '198.51.100.9' })).status).toBe(200);
    expect((await page(t, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', { ip: '198.51.100.10' })).status).toBe(404);
  });

  it('the lookup form sends a typed receipt to its page', async () => {
    const t = await makeTestApp();
    const w = await complaintWorld(t);
    const filed = await json(await fileVia(t, w.intake, {}));
    const form = await t.call('GET', '/c');
    expect(await form.text()).toContain('name="receipt"');
    const res = await t.call('GET', `/c?receipt=${encodeURIComponent(` ${filed.receipt.toLowerCase().replace(/-/g, ' ')} `)}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/c/${filed.receipt}`);
  });
});
