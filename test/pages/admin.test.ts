import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tokens, users } from '../../db/schema.js';
import { makeTestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';

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
    const res = await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'sup-zhao', role: 'supervisor', officerCode: '', tokenTtlDays: '30' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const token = /data-testid="new-token">([^<]+)</.exec(html)?.[1];
    expect(token).toMatch(/^tgo_/);
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
    // Not shown again.
    expect(await (await pageRequest(t, 'GET', '/admin', { session: s })).text()).not.toContain(token!);
  });

  it('re-renders the form with field errors and the typed values', async () => {
    const t = await makeTestApp();
    const s = await signIn(t, t.adminToken);
    const bad = await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'a b', role: 'officer', officerCode: '' } });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('<code>username</code>');
    expect(html).toContain('value="a b"');
    await t.userToken('hr', { username: 'taken' });
    const dup = await pageRequest(t, 'POST', '/admin/users', { session: s, form: { username: 'taken', role: 'hr' } });
    expect(dup.status).toBe(409);
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
    const res = await pageRequest(t, 'POST', '/admin/tokens/revoke', { session: admin, form: { tokenId: tok!.id, back: `/admin/users/${u!.id}` } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/users/${u!.id}?revoked=${tok!.id}`);
    expect(await (await pageRequest(t, 'GET', '/', { session: hr })).text()).not.toContain('hr-zhou');
    const missing = await pageRequest(t, 'POST', '/admin/tokens/revoke', { session: admin, form: { tokenId: 'tok_nope' } });
    expect(missing.status).toBe(404);
  });

  it('issues another token for a user', async () => {
    const t = await makeTestApp();
    const admin = await signIn(t, t.adminToken);
    await t.userToken('hr', { username: 'hr-sun' });
    const [u] = await t.db.select().from(users).where(eq(users.username, 'hr-sun'));
    const res = await pageRequest(t, 'POST', `/admin/users/${u!.id}/tokens`, { session: admin, form: {} });
    expect(res.status).toBe(201);
    const token = /data-testid="new-token">([^<]+)</.exec(await res.text())?.[1];
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
