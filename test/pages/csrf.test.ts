import { describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';

describe('CSRF on page forms', () => {
  it('refuses a signed-in form post without _csrf, or with a wrong one, as a 403 page', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    for (const form of [{}, { _csrf: 'x'.repeat(43) }, { _csrf: '' }] as Record<string, string>[]) {
      const res = await pageRequest(t, 'POST', '/logout', { session: s, form, csrf: false });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('表单已过期或来自其他网站');
    }
    // Nothing happened: the session is still there.
    expect(await t.db.select().from(sessions)).toHaveLength(1);
    expect((await pageRequest(t, 'POST', '/logout', { session: s, form: {} })).status).toBe(303);
  });

  it('accepts the token in an X-CSRF-Token header too', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const res = await pageRequest(t, 'POST', '/logout', { session: s, headers: { 'x-csrf-token': s.csrf, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(303);
  });

  it('binds the token to the session: another session’s token does not work', async () => {
    const t = await makeTestApp();
    const a = await signIn(t, t.adminToken);
    const b = await signIn(t, await t.userToken('hr'));
    expect(a.csrf).not.toBe(b.csrf);
    const res = await pageRequest(t, 'POST', '/logout', { session: a, form: { _csrf: b.csrf } });
    expect(res.status).toBe(403);
  });

  it('refuses form posts from a foreign Origin, with or without a session', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const foreign = { origin: 'https://evil.example' };
    const signedIn = await pageRequest(t, 'POST', '/logout', { session: s, form: {}, headers: foreign });
    expect(signedIn.status).toBe(403);
    expect(signedIn.headers.get('content-type')).toContain('text/html');
    const anon = await pageRequest(t, 'POST', '/login', { form: { token: t.adminToken }, headers: foreign });
    expect(anon.status).toBe(403);
    expect(anon.headers.get('set-cookie')).toBeNull();
    // A cross-site request that carries no Origin but says so in Sec-Fetch-Site is refused too.
    const res = await t.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ token: t.adminToken }),
    });
    expect(res.status).toBe(403);
  });

  it('accepts the configured public origin (behind a proxy) and same-origin Sec-Fetch-Site', async () => {
    const t = await makeTestApp({ config: { publicUrl: 'https://grading.example.gov.cn' } });
    const viaProxy = await pageRequest(t, 'POST', '/login', { form: { token: t.adminToken }, headers: { origin: 'https://grading.example.gov.cn' } });
    expect(viaProxy.status).toBe(303);
    const res = await t.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: t.adminToken }),
    });
    expect(res.status).toBe(303);
  });

  it('leaves the API to its bearer token: JSON posts need no Origin and no _csrf', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const res = await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'api-made', role: 'hr' }, headers: { cookie: s.cookie, origin: 'https://evil.example' } });
    expect(res.status).toBe(201);
  });
});
