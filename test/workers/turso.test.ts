/**
 * The Worker on Turso over HTTP: no D1 binding, `DATABASE_URL` + `DATABASE_AUTH_TOKEN`, the
 * libsql web client in workerd talking Hrana to a local stand-in server (./hrana-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Miniflare } from 'miniflare';
import { sql } from 'drizzle-orm';
import { openDb, migrateDb } from '../../db/client.js';
import { ADMIN_TOKEN, SIGNING_KEY, startWorker } from './support.js';
import { startHranaServer, type HranaServer } from './hrana-server.js';

let mf: Miniflare;
let server: HranaServer;
let file: string;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'tgo-turso-')), 'turso.db');
  // Migrated as `drizzle-kit migrate` / the Node entry would migrate a Turso database.
  const { db, client } = await openDb({ url: `file:${file}` });
  await migrateDb(db);
  client.close();
  server = await startHranaServer(file);
  mf = await startWorker(
    { DATABASE_URL: server.url, DATABASE_AUTH_TOKEN: 'turso-token-for-tests', ADMIN_TOKEN, AUDIT_SIGNING_KEY: SIGNING_KEY, PUBLIC_URL: 'https://grading.test' },
    { d1: false },
  );
});
afterAll(async () => {
  await mf?.dispose();
  await server?.close();
});

const call = (method: string, path: string, o: { token?: string; json?: unknown } = {}) =>
  mf.dispatchFetch(`https://grading.test${path}`, {
    method,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: o.json === undefined ? undefined : JSON.stringify(o.json),
  });

describe('the Worker on Turso over HTTP', () => {
  it('serves, creates users, imports in one atomic batch and reads back', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    const created = await call('POST', '/api/v1/users', { token: ADMIN_TOKEN, json: { username: 'hr-turso', role: 'hr' } });
    expect(created.status, await created.clone().text()).toBe(201);
    const hr = ((await created.json()) as { token: string }).token;

    const res = await call('POST', '/api/v1/import', {
      token: hr,
      json: {
        units: [{ code: 'TU1', name: '城区分局', peerGroup: 'urban' }],
        officers: Array.from({ length: 30 }, (_, i) => ({ code: `TO${i}`, name: `干部${i}`, unitCode: 'TU1', team: 'service', hireDate: '2019-01-01', positionStartDate: '2019-01-01' })),
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const bad = await call('POST', '/api/v1/import', { token: hr, json: { officers: [{ code: 'TO99', name: 'x', unitCode: 'NOPE', team: 't', hireDate: '2019-01-01', positionStartDate: '2019-01-01' }] } });
    expect(bad.status).toBe(400);

    const list = (await (await call('GET', '/api/v1/officers?limit=5', { token: hr })).json()) as { items: { code: string }[]; nextCursor: string | null };
    expect(list.items.map((o) => o.code)).toEqual(['TO0', 'TO1', 'TO10', 'TO11', 'TO12']);
    expect(list.nextCursor).not.toBeNull();

    // The rows and the audit entries are in the file behind the server, gap-free.
    const { db, client } = await openDb({ url: `file:${file}` });
    try {
      const seqs = await db.all<{ seq: number; action: string }>(sql`select seq, action from audit_entries order by seq`);
      expect(seqs.map((r) => r.seq)).toEqual(seqs.map((_, i) => i));
      expect(seqs.map((r) => r.action)).toContain('import.officers');
    } finally {
      client.close();
    }
    expect(server.seen.requests).toBeGreaterThan(0);
    expect([...server.seen.authorization]).toEqual(['Bearer turso-token-for-tests']);
  });
});
