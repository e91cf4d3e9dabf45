import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEntries, sessions } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { PAGE_ORIGIN, pageRequest, signIn } from '../support/pages.js';
import { sha256Hex } from '../../src/core/ids.js';

const login = (t: Awaited<ReturnType<typeof makeTestApp>>, token: string, next?: string) =>
  pageRequest(t, 'POST', '/login', { form: next ? { token, next } : { token } });

describe('staff sign-in', () => {
  it('turns a good token into a session cookie, stores only its hash, and audits session.start', async () => {
    const t = await makeTestApp();
    const token = await t.userToken('hr', { username: 'hr-li' });
    const res = await login(t, token, '/hr?period=2026Q3');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/hr?period=2026Q3');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Max-Age=43200');
    expect(cookie).not.toContain('Secure');
    const sid = /^sid=([^;]+)/.exec(cookie)![1]!;

    const rows = await t.db.select().from(sessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(await sha256Hex(sid));
    expect(rows[0]!.expiresAt).toBe('2026-10-15T20:00:00.000Z');

    const [entry] = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'session.start'));
    expect(entry!.entityId).toBe(rows[0]!.tokenId);
    expect(entry!.actor).toBe('user:hr-li');
    expect(entry!.leaf).not.toContain(sid);
    expect(entry!.leaf).not.toContain(token);
    expect(entry!.leaf).not.toContain(rows[0]!.hash);

    const home = await (await t.call('GET', '/', { headers: { cookie: `sid=${sid}` } })).text();
    expect(home).toContain('hr-li');
    expect(home).toContain('href="/hr"');
    expect(home).not.toContain('href="/admin"');
  });

  it('marks the cookie Secure on https', async () => {
    const t = await makeTestApp();
    const token = await t.userToken('supervisor');
    const res = await t.app.request('https://grading.example/login', {
      method: 'POST',
      headers: { origin: 'https://grading.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('refuses unknown, expired and revoked tokens with the same message and no cookie', async () => {
    const t = await makeTestApp();
    const created = (await (await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'short', role: 'hr', tokenTtlDays: 1 } })).json()) as { token: string; tokenId: string };
    const sup = (await (await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'sup', role: 'supervisor' } })).json()) as { token: string; tokenId: string };
    await t.call('POST', `/api/v1/tokens/${sup.tokenId}/revoke`, { token: t.adminToken });
    t.clock.advance(2 * 86_400_000);
    for (const token of ['tgo_not_a_token', created.token, sup.token]) {
      const res = await login(t, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('令牌无效、已过期或已被吊销');
    }
    expect((await login(t, '')).status).toBe(400);
    expect(await t.db.select().from(sessions)).toHaveLength(0);
  });

  it('does not let the intake system sign in to pages', async () => {
    const t = await makeTestApp();
    const res = await login(t, await t.userToken('intake'));
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('only follows a same-site relative next', async () => {
    const t = await makeTestApp();
    const token = await t.userToken('hr');
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const res = await login(t, token, next);
      expect(res.headers.get('location')).toBe('/hr');
    }
  });

  it('ends the session when its token is revoked, and when 12 hours have passed', async () => {
    const t = await makeTestApp();
    const created = (await (await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'hr2', role: 'hr' } })).json()) as { token: string; tokenId: string };
    const s = await signIn(t, created.token);
    const asHtml = { accept: 'text/html', cookie: s.cookie };
    expect(await (await t.call('GET', '/', { headers: asHtml })).text()).toContain('hr2');
    await t.call('POST', `/api/v1/tokens/${created.tokenId}/revoke`, { token: t.adminToken });
    const after = await t.call('GET', '/', { headers: asHtml });
    const html = await after.text();
    expect(html).not.toContain('hr2');
    expect(html).toContain('href="/login"');
    expect(after.headers.get('set-cookie')).toMatch(/^sid=;/);

    const s2 = await signIn(t, await t.userToken('hr', { username: 'hr3' }));
    t.clock.advance(12 * 3_600_000 - 1000);
    expect(await (await t.call('GET', '/', { headers: { cookie: s2.cookie } })).text()).toContain('hr3');
    t.clock.advance(1000);
    expect(await (await t.call('GET', '/', { headers: { cookie: s2.cookie } })).text()).not.toContain('hr3');
  });

  it('ends the session when the user is disabled', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, await t.userToken('hr', { username: 'hr-off' }));
    await t.db.run(sql`update users set disabled_at = '2026-10-15T08:00:00.000Z' where username = 'hr-off'`);
    expect(await (await t.call('GET', '/', { headers: { cookie: s.cookie } })).text()).not.toContain('hr-off');
  });

  it('signs out: the row is gone, the cookie cleared, session.end audited', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, await t.userToken('supervisor', { username: 'off1' }));
    const res = await pageRequest(t, 'POST', '/logout', { session: s, form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?bye=1');
    expect(res.headers.get('set-cookie')).toMatch(/^sid=;/);
    expect(await t.db.select().from(sessions)).toHaveLength(0);
    const ends = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'session.end'));
    expect(ends).toHaveLength(1);
    expect(await (await t.call('GET', '/', { headers: { cookie: s.cookie } })).text()).not.toContain('off1');
  });

  it('offers a sign-out button on GET /logout instead of signing out on a GET', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const res = await pageRequest(t, 'GET', '/logout', { session: s });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`name="_csrf" value="${s.csrf}"`);
    expect(await t.db.select().from(sessions)).toHaveLength(1);
  });

  it('gives taxpayer pages (/f/...) no staff session', async () => {
    const t = await makeTestApp();
    t.app.get('/f/probe/a/b', (c) => c.text(c.get('ctx').actor.kind));
    t.app.get('/probe', (c) => c.text(c.get('ctx').actor.kind));
    const s = await signIn(t, t.adminToken);
    expect(await (await t.call('GET', '/probe', { headers: { cookie: s.cookie } })).text()).toBe('user');
    expect(await (await t.call('GET', '/f/probe/a/b', { headers: { cookie: s.cookie } })).text()).toBe('system');
  });

  it('never lets a session cookie authenticate the API', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const res = await t.call('GET', '/api/v1/me', { headers: { cookie: s.cookie, origin: PAGE_ORIGIN } });
    expect(res.status).toBe(401);
  });
});
