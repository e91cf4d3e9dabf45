import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { PAGE_ORIGIN, followRedirect, pageRequest, refusedRoundTrip, signIn, type PageSession } from '../support/pages.js';
import type { TestApp } from '../support/app.js';

/** A browser's multipart upload of one file, with the session's _csrf. */
function upload(t: TestApp, session: PageSession, kind: string, content: BlobPart, opts: { csrf?: boolean } = {}) {
  const form = new FormData();
  if (opts.csrf !== false) form.set('_csrf', session.csrf);
  form.set('kind', kind);
  form.set('file', new File([content], `${kind}.csv`, { type: 'text/csv' }));
  return t.app.request('/hr/import', { method: 'POST', headers: { accept: 'text/html', origin: PAGE_ORIGIN, cookie: session.cookie }, body: form });
}

const count = async (t: TestApp, table: string) => (await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0]!.n;

describe('the HR import page', () => {
  it('uploads a CSV of units, then of officers, and shows what was loaded', async () => {
    const t = await makeTestApp();
    const session = await signIn(t, await t.userToken('hr'));
    const page = await pageRequest(t, 'GET', '/hr/import', { session });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('code,name,unitCode,team,hireDate,positionStartDate,leaveDate,supervisorCode');

    // Post, redirect, get: the upload answers 303 and the page it leads to confirms it, once.
    const posted = await upload(t, session, 'units', '\uFEFFcode,name,peerGroup\r\nU1,第一税务分局,urban\r\n');
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/hr/import');
    const units = await followRedirect(t, posted, session);
    expect(units.status).toBe(200);
    const done = await units.text();
    expect(done).toMatch(/导入完成：单位（units） 1 行/);
    expect(done).toMatch(/<option value="units" selected="">/);
    expect(await (await pageRequest(t, 'GET', '/hr/import', { session })).text()).not.toMatch(/导入完成/);
    const officers = await followRedirect(t, await upload(t, session, 'officers', 'code,name,unitCode,team,hireDate,positionStartDate\nO1,张伟,U1,service,2020-01-01,2020-01-01\nO2,李娜,U1,risk,2021-01-01,2021-03-01\n'), session);
    expect(officers.status).toBe(200);
    expect(await count(t, 'officers')).toBe(2);
  });

  it('lists every bad line and writes nothing', async () => {
    const t = await makeTestApp();
    const session = await signIn(t, await t.userToken('hr'));
    const posted = await upload(t, session, 'officers', 'code,name,unitCode,team,hireDate,positionStartDate\nO1,张伟,U404,service,2020-02-30,2020-01-01\n');
    expect(posted.status).toBe(303);
    // Back to the form (not left at the POST URL), the refusal shown once, the kind as chosen.
    const back = await refusedRoundTrip(t, posted, session);
    expect(back.location).toBe('/hr/import');
    expect(back.status).toBe(400);
    const html = back.html;
    expect(html).toContain('<code>line 2: hireDate</code>');
    expect(html).toContain('<code>line 2: unitCode</code>');
    expect(html).toMatch(/未导入/);
    expect(html).toMatch(/<option value="officers" selected="">/);
    expect(back.cleared).toBe(true);
    expect(back.refreshStatus).toBe(200);
    expect(back.refresh).not.toMatch(/未导入/);
    expect(await count(t, 'officers')).toBe(0);
  });

  it('asks for a file, and refuses a form without the session _csrf', async () => {
    const t = await makeTestApp();
    const session = await signIn(t, await t.userToken('hr'));
    const empty = await refusedRoundTrip(t, await upload(t, session, 'units', ''), session);
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<p class="error field-error" id="file-error">请选择要上传的文件。</p>');
    expect(empty.html).toMatch(/<option value="units" selected="">/);
    expect(empty.refresh).not.toContain('id="file-error"');
    expect((await upload(t, session, 'units', 'code,name,peerGroup\nU1,a,urban\n', { csrf: false })).status).toBe(403);
    expect(await count(t, 'units')).toBe(0);
  });

  it('is for HR only: other roles get 403, and no session goes to sign-in', async () => {
    const t = await makeTestApp();
    const sup = await signIn(t, await t.userToken('supervisor'));
    expect((await pageRequest(t, 'GET', '/hr/import', { session: sup })).status).toBe(403);
    expect((await upload(t, sup, 'units', 'code,name,peerGroup\nU1,a,urban\n')).status).toBe(403);
    const anon = await pageRequest(t, 'GET', '/hr/import');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/^\/login\?next=/);
    expect(await count(t, 'units')).toBe(0);
  });
});
