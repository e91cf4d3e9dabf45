/**
 * The complaint page forms post, redirect, get (ADR 0086): entering a complaint, importing a
 * hotline export and working a complaint each answer a 303. A refusal goes back to the form's
 * page, shown once in zh-CN with the fields marked and what was typed; a success shows its
 * confirmation (the receipts, shown exactly once) after the redirect.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { complaintWorld, fileVia } from '../support/complaints.js';
import { json } from '../support/oversight.js';
import { followRedirect, pageRequest, pageUpload, refusedRoundTrip, signIn } from '../support/pages.js';

const count = async (t: Awaited<ReturnType<typeof makeTestApp>>) => (await t.db.all<{ n: number }>(sql`select count(*) as n from complaints`))[0]!.n;

describe('complaint forms (post, redirect, get)', () => {
  it('a refused new complaint comes back to /complaints/new with every field marked and the values as typed, once; the receipt is shown once after the redirect', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const w = await complaintWorld(t);
    const session = await signIn(t, w.hr);
    const typed = { channel: 'letter', category: 'other', text: '窗口人员态度生硬', receivedAt: '2026-10-13', officerCode: 'NOPE', unitCode: 'U404', taxpayerCode: '' };
    const res = await pageRequest(t, 'POST', '/complaints/new', { session, form: typed });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe('/complaints/new');
    expect(back.status).toBe(400);
    expect(back.html).toContain('请修改以下问题');
    // Both unknown codes at once, each beside its field.
    expect(back.html).toContain('<p class="error field-error" id="officerCode-error">没有这个代码：NOPE</p>');
    expect(back.html).toContain('<p class="error field-error" id="unitCode-error">');
    expect(back.html).toMatch(/id="officerCode" name="officerCode" type="text" value="NOPE" autocomplete="off" aria-describedby="officerCode-error" aria-invalid="true"/);
    expect(back.html).toContain('窗口人员态度生硬</textarea>');
    expect(back.html).toMatch(/<option value="letter" selected="">/);
    expect(back.cleared).toBe(true);
    expect(back.refreshStatus).toBe(200);
    expect(back.refresh).not.toContain('NOPE');
    expect(await count(t)).toBe(0);

    const ok = await pageRequest(t, 'POST', '/complaints/new', { session, form: { ...typed, officerCode: 'O1', unitCode: '' } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/complaints/new');
    const done = await followRedirect(t, ok, session);
    const html = await done.text();
    const receipt = /data-testid="receipt">([0-9A-Z-]+)</.exec(html)?.[1];
    expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(html).toContain('投诉已登记。');
    expect(await count(t)).toBe(1);
    // Shown this once: a refresh neither shows it again nor records the complaint again.
    const again = await (await pageRequest(t, 'GET', '/complaints/new', { session })).text();
    expect(again).not.toContain(receipt!);
    expect(await count(t)).toBe(1);
  });

  it('a refused import comes back to /complaints/import with its lines, once; a clean one shows each receipt once', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const w = await complaintWorld(t);
    const session = await signIn(t, w.hr);
    const header = '\uFEFF工单号,受理时间,类别,投诉内容,被投诉人工号,单位代码\r\n';
    const bad = await pageUpload(t, '/complaints/import', session, { name: 'h.csv', content: header + 'H-001,2026-10-10,服务态度,态度生硬,NOPE,\r\n' });
    expect(bad.status).toBe(303);
    const back = await refusedRoundTrip(t, bad, session);
    expect(back.location).toBe('/complaints/import');
    expect(back.status).toBe(400);
    expect(back.html).toContain('文件未导入');
    expect(back.html).toContain('NOPE');
    expect(back.refresh).not.toContain('文件未导入');
    expect(await count(t)).toBe(0);

    const good = await pageUpload(t, '/complaints/import', session, { name: 'h.csv', content: header + 'H-001,2026-10-10,服务态度,态度生硬,O1,\r\nH-002,2026-10-11,efficiency,等候两个小时,,U2\r\n' });
    expect(good.status).toBe(303);
    const done = await (await followRedirect(t, good, session)).text();
    expect(done).toContain('已导入 2 件投诉');
    expect(done).toContain('H-002');
    expect([...done.matchAll(/class="receipt">([0-9A-Z-]{24})</g)]).toHaveLength(2);
    expect(await (await pageRequest(t, 'GET', '/complaints/import', { session })).text()).not.toContain('已导入 2 件投诉');
    expect(await count(t)).toBe(2);
  });

  it('a refused move on a complaint comes back to its page with the refusal in zh-CN, once; a done move is confirmed', async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const w = await complaintWorld(t);
    const filed = await json(await fileVia(t, w.intake, {}));
    const session = await signIn(t, w.sup.token);
    // Closing without an outcome is refused; nothing moves.
    const res = await pageRequest(t, 'POST', `/complaints/${filed.id}`, { session, form: { to: 'closed' } });
    expect(res.status).toBe(303);
    const back = await refusedRoundTrip(t, res, session);
    expect(back.location).toBe(`/complaints/${filed.id}`);
    expect(back.status).toBe(400);
    expect(back.html).toContain('id="outcome-error"');
    expect(back.html).toContain('class="notice error"');
    expect(back.refresh).not.toContain('id="outcome-error"');
    expect((await t.db.all<{ status: string }>(sql`select status from complaints`))[0]!.status).toBe('received');

    const start = await pageRequest(t, 'POST', `/complaints/${filed.id}`, { session, form: { to: 'in_review' } });
    expect(start.status).toBe(303);
    expect(await (await followRedirect(t, start, session)).text()).toContain('data-testid="status">核查中');
  });
});
