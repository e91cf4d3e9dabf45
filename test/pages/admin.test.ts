import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tokens, users } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { followRedirect, pageRequest, signIn } from '../support/pages.js';

describe('/admin', () => {
  it('lists users with role and active token count', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    await t.userToken('hr', { username: 'hr-wang' });
    const html = await (await pageRequest(t, 'GET', '/admin', { session: s, headers: { 'accept-language': 'en' } })).text();
    expect(html).toMatch(/hr-wang<\/a><\/td><td>HR<\/td><td><\/td><td class="num">1<\/td>/);
    expect(html).toMatch(/admin<\/a><\/td><td>administrator<\/td>/);
  });

  it('creates a user and shows the token once; the token works', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const posted = await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'sup-zhao', role: 'supervisor', officerCode: '', tokenTtlDays: '30' } });
    // Post, redirect, get: a refresh of the page shown next does not create the user again.
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toMatch(/^\/admin\/users\/usr_/);
    expect(posted.headers.get('set-cookie')).not.toContain('tgo_'); // the token travels sealed
    const res = await followRedirect(t, posted, s);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const token = /data-testid="new-token">([^<]+)</.exec(html)?.[1];
    expect(token).toMatch(/^tgo_/);
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
    // Not shown again: a refresh (the flash was cleared) or another session holding the cookie.
    expect(await (await pageRequest(t, 'GET', posted.headers.get('location')!, { session: s })).text()).not.toContain(token!);
    const other = await signIn(t, t.adminToken);
    expect(await (await followRedirect(t, posted, other)).text()).not.toContain(token!);
    expect(await (await pageRequest(t, 'GET', '/admin', { session: s })).text()).not.toContain(token!);
  });

  it('re-renders the form with field errors and the typed values', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const posted = await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'a b', role: 'officer', officerCode: '' } });
    expect(posted.headers.get('location')).toBe('/admin#username');
    const bad = await followRedirect(t, posted, s, { 'accept-language': 'en' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('value="a b"');
    // Both errors at once, each beside its field and tied to it.
    expect(html).toMatch(/<p class="error field-error" id="username-error">Use letters, digits/);
    expect(html).toMatch(/id="username"[^>]*aria-describedby="username-error" aria-invalid="true"/);
    expect(html).toMatch(/id="officerCode"[^>]*aria-describedby="officerCode-hint officerCode-error" aria-invalid="true"/);
    expect(html).toContain('<a href="#officerCode">Officer code: An officer user needs its officer code</a>');
    await t.userToken('hr', { username: 'taken' });
    const dup = await followRedirect(t, await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'taken', role: 'hr' } }), s);
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain('用户名 taken 已被使用');
    expect(await t.db.select().from(users).where(eq(users.username, 'a b'))).toHaveLength(0);
  });

  it('revokes a token from the page, which ends that user’s session', async () => {
    const t = await makeTestApp();
    const admin = await signIn(t, t.adminToken);
    const hr = await signIn(t, await t.userToken('hr', { username: 'hr-zhou' }));
    const [u] = await t.db.select().from(users).where(eq(users.username, 'hr-zhou'));
    const [tok] = await t.db.select().from(tokens).where(eq(tokens.userId, u!.id));
    const detail = await (await pageRequest(t, 'GET', `/admin/users/${u!.id}`, { session: admin })).text();
    expect(detail).toContain(tok!.id);
    // Without the confirmation nothing is revoked: the post goes to the page that asks.
    const ask = await pageRequest(t, 'POST', '/admin/tokens/revoke', { session: admin, form: { tokenId: tok!.id, back: `/admin/users/${u!.id}` } });
    expect(ask.headers.get('location')).toBe(`/admin/tokens/revoke?tokenId=${tok!.id}&back=${encodeURIComponent(`/admin/users/${u!.id}`)}`);
    const confirm = await (await pageRequest(t, 'GET', ask.headers.get('location')!, { session: admin })).text();
    expect(confirm).toContain('name="confirm" value="yes"');
    expect((await t.db.select().from(tokens).where(eq(tokens.id, tok!.id)))[0]!.revokedAt).toBeNull();
    const res = await pageRequest(t, 'POST', '/admin/tokens/revoke', { session: admin, form: { tokenId: tok!.id, back: `/admin/users/${u!.id}`, confirm: 'yes' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/users/${u!.id}?revoked=${tok!.id}`);
    expect(await (await pageRequest(t, 'GET', '/', { session: hr })).text()).not.toContain('hr-zhou');
    const missing = await pageRequest(t, 'POST', '/admin/tokens/revoke', { session: admin, form: { tokenId: 'tok_nope', confirm: 'yes' } });
    expect(missing.headers.get('location')).toBe('/admin#tokenId');
    const shown = await followRedirect(t, missing, admin);
    expect(shown.status).toBe(404);
    expect(await shown.text()).toMatch(/id="tokenId-error">没有编号为 tok_nope 的令牌/);
  });

  it('issues another token for a user', async () => {
    const t = await makeTestApp();
    const admin = await signIn(t, t.adminToken);
    await t.userToken('hr', { username: 'hr-sun' });
    const [u] = await t.db.select().from(users).where(eq(users.username, 'hr-sun'));
    const posted = await pageRequest(t, 'POST', `/admin/users/${u!.id}/tokens`, { session: admin, form: {} });
    expect(posted.headers.get('location')).toBe(`/admin/users/${u!.id}`);
    const token = /data-testid="new-token">([^<]+)</.exec(await (await followRedirect(t, posted, admin)).text())?.[1];
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
  });

  it('is for admins only', async () => {
    const t = await makeTestApp();
    const hr = await signIn(t, await t.userToken('hr'));
    expect((await pageRequest(t, 'GET', '/admin', { session: hr })).status).toBe(403);
    expect((await pageRequest(t, 'POST', '/admin/users', { session: hr, form: { username: 'x', role: 'hr' } })).status).toBe(403);
    expect(await t.db.select().from(users).where(eq(users.username, 'x'))).toHaveLength(0);
  });
});
