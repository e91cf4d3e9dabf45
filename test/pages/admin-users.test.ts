/**
 * User administration (issue 17): search, deactivate, reactivate and change a role, through the
 * API and /admin, each audited and never about oneself.
 */
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';

type Json = Record<string, any>;
const userId = async (t: TestApp, username: string) => (await t.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;
/** The audit entries of an action, with the payload read from the leaf bytes. */
const audit = async (t: TestApp, action: string) =>
  (await t.db.all<{ entity_id: string; leaf: string }>(sql`select entity_id, leaf from audit_entries where action = ${action} order by seq`)).map((r) => ({ entity_id: r.entity_id, payload: JSON.stringify(JSON.parse(r.leaf).payload) }));

describe('user administration (API)', () => {
  it('searches users by part of the username or officer code, role and status', async () => {
    const t = await makeTestApp();
    await seedGrading(t.db, standardFixture('2026Q3'));
    await t.userToken('hr', { username: 'HR-Wang' });
    await t.userToken('hr', { username: 'hr-li' });
    await t.userToken('officer', { username: 'zhang', officerCode: 'O004' });
    const names = async (q: string) => ((await (await t.call('GET', `/api/v1/users${q}`, { token: t.adminToken })).json()) as Json).items.map((u: Json) => u.username);
    expect(await names('?q=hr-')).toEqual(['HR-Wang', 'hr-li']);
    expect(await names('?q=o004')).toEqual(['zhang']);
    expect(await names('?role=officer')).toEqual(['zhang']);
    await t.call('POST', `/api/v1/users/${await userId(t, 'hr-li')}/deactivate`, { token: t.adminToken, json: { reason: 'left the bureau' } });
    expect(await names('?q=hr&status=disabled')).toEqual(['hr-li']);
    expect(await names('?q=hr&status=active')).toEqual(['HR-Wang']);
    const bad = await t.call('GET', '/api/v1/users?role=boss', { token: t.adminToken });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['role']);
  });

  it('deactivates and reactivates a user: the tokens stop and start working, each step audited with its reason', async () => {
    const t = await makeTestApp();
    const token = await t.userToken('hr', { username: 'hr-zhou' });
    const id = await userId(t, 'hr-zhou');
    const off = await t.call('POST', `/api/v1/users/${id}/deactivate`, { token: t.adminToken, json: { reason: 'on leave' } });
    expect(off.status).toBe(200);
    expect(((await off.json()) as Json).disabledAt).toMatch(/^\d{4}-/);
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await t.call('POST', `/api/v1/users/${id}/deactivate`, { token: t.adminToken, json: { reason: 'again' } })).status).toBe(409);
    expect(JSON.parse((await audit(t, 'user.deactivate'))[0]!.payload)).toEqual({ username: 'hr-zhou', reason: 'on leave' });

    const on = await t.call('POST', `/api/v1/users/${id}/reactivate`, { token: t.adminToken, json: { reason: 'back' } });
    expect(on.status).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
    expect((await audit(t, 'user.reactivate')).map((a) => a.entity_id)).toEqual([id]);
    expect((await t.call('POST', `/api/v1/users/${id}/reactivate`, { token: t.adminToken, json: { reason: 'back' } })).status).toBe(409);

    const noReason = await t.call('POST', `/api/v1/users/${id}/deactivate`, { token: t.adminToken, json: {} });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['reason']);
    expect((await t.call('POST', '/api/v1/users/usr_nobody/deactivate', { token: t.adminToken, json: { reason: 'x' } })).status).toBe(404);
  });

  it('changes a role within the rules of linking, audited; the new role applies at once', async () => {
    const t = await makeTestApp();
    await seedGrading(t.db, standardFixture('2026Q3'));
    const token = await t.userToken('intake', { username: 'desk' });
    const id = await userId(t, 'desk');
    expect((await t.call('GET', '/api/v1/grading-runs', { token })).status).toBe(403);
    const res = await t.call('POST', `/api/v1/users/${id}/role`, { token: t.adminToken, json: { role: 'hr', reason: 'joined HR' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).role).toBe('hr');
    expect((await t.call('GET', '/api/v1/grading-runs', { token })).status).toBe(200);
    expect(JSON.parse((await audit(t, 'user.role_change'))[0]!.payload)).toEqual({ username: 'desk', from: 'intake', to: 'hr', reason: 'joined HR' });
    expect((await t.call('POST', `/api/v1/users/${id}/role`, { token: t.adminToken, json: { role: 'hr', reason: 'again' } })).status).toBe(409);

    // A linked user cannot become admin or intake; an unlinked one cannot become officer.
    await t.userToken('officer', { username: 'linked', officerCode: 'O004' });
    const linked = await t.call('POST', `/api/v1/users/${await userId(t, 'linked')}/role`, { token: t.adminToken, json: { role: 'admin', reason: 'no' } });
    expect(linked.status).toBe(400);
    expect(((await linked.json()) as Json).errors.map((e: Json) => e.path)).toEqual(['role']);
    expect((await t.call('POST', `/api/v1/users/${id}/role`, { token: t.adminToken, json: { role: 'officer', reason: 'no' } })).status).toBe(400);
    expect((await audit(t, 'user.role_change')).length).toBe(1);
  });

  it('an admin never acts on their own account, and only admins act at all', async () => {
    const t = await makeTestApp();
    const me = ((await (await t.call('GET', '/api/v1/me', { token: t.adminToken })).json()) as Json).userId;
    for (const [path, json] of [
      ['deactivate', { reason: 'me' }],
      ['role', { role: 'hr', reason: 'me' }],
    ] as const) {
      const res = await t.call('POST', `/api/v1/users/${me}/${path}`, { token: t.adminToken, json });
      expect(res.status).toBe(403);
      expect(((await res.json()) as Json).code).toBe('own_case');
    }
    // A second admin may act on the first.
    const admin2 = await t.userToken('admin', { username: 'admin2' });
    expect((await t.call('POST', `/api/v1/users/${me}/role`, { token: admin2, json: { role: 'hr', reason: 'rotation' } })).status).toBe(200);
    const hr = await t.userToken('hr', { username: 'hr-x' });
    expect((await t.call('POST', `/api/v1/users/${me}/deactivate`, { token: hr, json: { reason: 'coup' } })).status).toBe(403);
    expect((await t.db.select().from(users).where(eq(users.id, me)))[0]!.disabledAt).toBeNull();
  });
});

describe('user administration (/admin)', () => {
  it('searches, then deactivates with a confirmed reason (303), ending the user’s session; reactivates and changes the role', async () => {
    const t = await makeTestApp();
    const admin = await signIn(t, t.adminToken);
    const hrSession = await signIn(t, await t.userToken('hr', { username: 'hr-zhou' }));
    await t.userToken('hr', { username: 'hr-qian' });
    const list = await (await pageRequest(t, 'GET', '/admin?q=ZHOU', { session: admin, headers: { 'accept-language': 'en' } })).text();
    expect(list).toContain('>hr-zhou</a>');
    expect(list).not.toContain('>hr-qian</a>');

    const id = await userId(t, 'hr-zhou');
    const page = `/admin/users/${id}`;
    const unconfirmed = await pageRequest(t, 'POST', `${page}/deactivate`, { session: admin, form: { reason: 'left' } });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('<code>confirm</code>');
    expect((await t.db.select().from(users).where(eq(users.id, id)))[0]!.disabledAt).toBeNull();

    const done = await pageRequest(t, 'POST', `${page}/deactivate`, { session: admin, form: { reason: 'left', confirm: 'yes' } });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${page}?done=deactivated`);
    expect(await (await pageRequest(t, 'GET', '/', { session: hrSession })).text()).not.toContain('hr-zhou');
    const after = await (await pageRequest(t, 'GET', `${page}?done=deactivated`, { session: admin })).text();
    expect(after).toContain('用户已停用。');
    expect(after).toContain(`action="${page}/reactivate"`);

    expect((await pageRequest(t, 'POST', `${page}/reactivate`, { session: admin, form: { reason: 'back', confirm: 'yes' } })).status).toBe(303);
    const role = await pageRequest(t, 'POST', `${page}/role`, { session: admin, form: { role: 'supervisor', reason: 'moved', confirm: 'yes' } });
    expect(role.status).toBe(303);
    expect((await t.db.select().from(users).where(eq(users.id, id)))[0]!.role).toBe('supervisor');
  });

  it('offers no account actions on one’s own page, and refuses them if posted', async () => {
    const t = await makeTestApp();
    const admin = await signIn(t, t.adminToken);
    const me = ((await (await t.call('GET', '/api/v1/me', { token: t.adminToken })).json()) as Json).userId;
    const html = await (await pageRequest(t, 'GET', `/admin/users/${me}`, { session: admin })).text();
    expect(html).toContain('这是您本人的账户');
    expect(html).not.toContain('/deactivate"');
    const res = await pageRequest(t, 'POST', `/admin/users/${me}/deactivate`, { session: admin, form: { reason: 'me', confirm: 'yes' } });
    expect(res.status).toBe(403);
    expect((await t.db.select().from(users).where(eq(users.id, me)))[0]!.disabledAt).toBeNull();
  });
});
