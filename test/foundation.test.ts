import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auditEntries } from '../db/schema.js';
import { makeTestApp } from './support/app.js';
import { leafHash } from '../src/audit/append.js';
import { newId, randomBytes, randomToken, sha256Hex, toHex } from '../src/core/ids.js';
import { sha256HexSync } from '../src/core/sha256.js';

describe('HTTP surface', () => {
  it('answers /healthz', async () => {
    const t = await makeTestApp();
    const res = await t.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves an OpenAPI 3.1 document generated from the routes', async () => {
    const t = await makeTestApp();
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/users');
  });

  it('answers unknown paths with 404 and wrong methods with 405, as problem+json', async () => {
    const t = await makeTestApp();
    const nf = await t.call('GET', '/api/v1/nope');
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toContain('application/problem+json');
    const na = await t.call('DELETE', '/api/v1/users', { token: t.adminToken });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toContain('POST');
    expect(((await na.json()) as { status: number }).status).toBe(405);
  });
});

describe('tokens and roles', () => {
  it('creates a user whose token works once shown, and stores only its hash', async () => {
    const t = await makeTestApp();
    const res = await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'hr1', role: 'hr' } });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect(token.length).toBeGreaterThanOrEqual(22 + 4);
    const me = await t.call('GET', '/api/v1/me', { token });
    expect(((await me.json()) as { role: string }).role).toBe('hr');
    const stored = await t.db.all<{ hash: string }>(sql`select hash from tokens`);
    expect(stored.some((r) => r.hash === token)).toBe(false);
  });

  it('rejects unknown, expired and revoked tokens with 401, wrong roles with 403', async () => {
    const t = await makeTestApp();
    expect((await t.call('GET', '/api/v1/me', { token: 'tgo_nope' })).status).toBe(401);
    const hr = await t.userToken('hr');
    const forbidden = await t.call('POST', '/api/v1/users', { token: hr, json: { username: 'x', role: 'hr' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');

    const created = (await (await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'short', role: 'intake', tokenTtlDays: 1 } })).json()) as { token: string; tokenId: string };
    expect((await t.call('GET', '/api/v1/me', { token: created.token })).status).toBe(200);
    t.clock.advance(2 * 86_400_000);
    expect((await t.call('GET', '/api/v1/me', { token: created.token })).status).toBe(401);

    const sup = (await (await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'sup', role: 'supervisor' } })).json()) as { token: string; tokenId: string };
    const rev = await t.call('POST', `/api/v1/tokens/${sup.tokenId}/revoke`, { token: t.adminToken });
    expect(rev.status).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token: sup.token })).status).toBe(401);
  });

  it('names the bad field in a 400', async () => {
    const t = await makeTestApp();
    const res = await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'a b', role: 'boss' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['role', 'username']);
  });
});

describe('audit append', () => {
  it('appends one gap-free entry per write, with the RFC 9162 leaf hash', async () => {
    const t = await makeTestApp();
    const before = await t.db.select().from(auditEntries);
    await t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'hr2', role: 'hr' } });
    const after = await t.db.select().from(auditEntries).orderBy(auditEntries.seq);
    expect(after.length).toBe(before.length + 2); // user.create + token.issue
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i));
    for (const e of after) expect(e.leafHash).toBe(toHex(await leafHash(e.leaf)));
    const last = after.at(-1)!;
    expect(JSON.parse(last.leaf)).toMatchObject({ action: 'token.issue', actor: 'user:admin' });
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    const t = await makeTestApp();
    const cause = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await cause(t.db.run(sql`update audit_entries set actor = 'mallory'`))).toMatch(/append-only/);
    expect(await cause(t.db.run(sql`delete from audit_entries`))).toMatch(/append-only/);
  });

  it('replays an Idempotency-Key instead of writing twice', async () => {
    const t = await makeTestApp();
    const send = () => t.call('POST', '/api/v1/users', { token: t.adminToken, json: { username: 'idem', role: 'hr' }, headers: { 'idempotency-key': 'k1' } });
    const a = await send();
    const b = await send();
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());
    const n = await t.db.all<{ n: number }>(sql`select count(*) as n from users where username = 'idem'`);
    expect(n[0]!.n).toBe(1);
  });
});

describe('ids and random secrets', () => {
  it('hands out each pooled random byte once, as independent copies, across pool refills', () => {
    const seen = new Set<string>();
    const chunks: Uint8Array[] = [];
    // 3,000 draws of 16 bytes cross the 4 KiB pool many times.
    for (let i = 0; i < 3000; i++) {
      const b = randomBytes(16);
      chunks.push(b);
      seen.add(toHex(b));
    }
    expect(seen.size).toBe(3000);
    const first = toHex(chunks[0]!);
    chunks[1]!.fill(0);
    expect(toHex(chunks[0]!)).toBe(first);
    expect(randomBytes(10_000).length).toBe(10_000);
    expect(newId('fbr', new Date(0))).toMatch(/^fbr_0[0-9a-f]{16}$/);
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('hashing text', () => {
  it('gives the same SHA-256 hex at once as through WebCrypto', async () => {
    for (const text of ['', 'abc', '纳税人评价 ✓', 'x'.repeat(10_000)]) expect(sha256HexSync(text)).toBe(await sha256Hex(text));
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
