/**
 * Issue 11, Idempotency-Key: it was check-then-act (20 concurrent POSTs with one key wrote two
 * decisions; for invitations a losing request's 409 was stored as "the first response"), it ran
 * before authentication (anonymous requests stored their 401s), and nothing purged the table.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decisions, idempotencyKeys, invitations } from '../../db/schema.js';
import { sha256Hex } from '../../src/core/ids.js';
import { runScheduled } from '../../src/scheduled.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, officer, taxpayer } from '../support/oversight.js';

const decision = { type: 'deferral', taxpayerCode: 'TP1', justification: 'Hardship, documented.', decidedAt: '2026-09-30' };

async function setup() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1');
  await taxpayer(t, 'TP1');
  const o1 = await t.userToken('officer', { officerCode: 'O1' });
  return { t, o1 };
}

const count = async (t: TestApp, table: typeof decisions | typeof invitations | typeof idempotencyKeys) =>
  Number((await t.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n);

describe('Idempotency-Key', () => {
  it('20 concurrent POST /api/v1/decisions with one key write one decision, in each of 5 trials', async () => {
    const { t, o1 } = await setup();
    for (let trial = 0; trial < 5; trial++) {
      const before = await count(t, decisions);
      const key = `dec-${trial}`;
      const body = { ...decision, justification: `Trial ${trial}.` };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => t.call('POST', '/api/v1/decisions', { token: o1, json: body, headers: { 'idempotency-key': key } })),
      );
      expect(await count(t, decisions), `trial ${trial}`).toBe(before + 1);
      const written = answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
      expect(written).toHaveLength(1);
      const id = (await json(written[0]!)).id;
      for (const r of answers.filter((x) => x !== written[0])) {
        if (r.status === 201) expect((await json(r)).id).toBe(id);
        else {
          expect(r.status).toBe(409);
          expect((await json(r)).code).toBe('idempotency_key_in_use');
        }
      }
      // Afterwards, the same key and body replay the writer's answer.
      const again = await t.call('POST', '/api/v1/decisions', { token: o1, json: body, headers: { 'idempotency-key': key } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await json(again)).id).toBe(id);
    }
  });

  it("stores the invitation writer's response, never a losing request's, so a retry gets the token", async () => {
    const { t } = await setup();
    const intake = await t.userToken('intake');
    for (let trial = 0; trial < 5; trial++) {
      const body = { officerCode: 'O1', taxpayerCode: 'TP1', interactionRef: `visit-${trial}` };
      const key = `inv-${trial}`;
      const answers = await Promise.all(
        Array.from({ length: 15 }, () => t.call('POST', '/api/v1/invitations', { token: intake, json: body, headers: { 'idempotency-key': key } })),
      );
      const written = answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
      expect(written, `trial ${trial}`).toHaveLength(1);
      const token = (await json(written[0]!)).token;
      const retry = await t.call('POST', '/api/v1/invitations', { token: intake, json: body, headers: { 'idempotency-key': key } });
      expect(retry.status).toBe(201);
      expect((await json(retry)).token).toBe(token);
    }
    expect(await count(t, invitations)).toBe(5);
  });

  it('answers 409 idempotency_key_in_use while the first request runs, and 422 for another body', async () => {
    const { t, o1 } = await setup();
    const me = await json(await t.call('GET', '/api/v1/me', { token: o1 }));
    const body = JSON.stringify(decision);
    // A claim as the first request leaves it while its handler runs.
    await t.db.insert(idempotencyKeys).values({
      scope: me.userId,
      key: 'running',
      requestHash: await sha256Hex(`POST /api/v1/decisions\n${body}`),
      status: 0,
      contentType: '',
      body: '',
      createdAt: t.clock.now().toISOString(),
    });
    const busy = await t.call('POST', '/api/v1/decisions', { token: o1, body, headers: { 'content-type': 'application/json', 'idempotency-key': 'running' } });
    expect(busy.status).toBe(409);
    expect(busy.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(busy)).code).toBe('idempotency_key_in_use');
    const other = await t.call('POST', '/api/v1/decisions', { token: o1, json: { ...decision, justification: 'Else.' }, headers: { 'idempotency-key': 'running' } });
    expect(other.status).toBe(422);
    expect((await json(other)).code).toBe('idempotency_key_reused');
    expect(await count(t, decisions)).toBe(0);
  });

  it('stores nothing for unauthenticated requests, before or after their 401', async () => {
    const { t } = await setup();
    for (let i = 0; i < 5; i++) {
      const anon = await t.call('POST', '/api/v1/decisions', { json: decision, headers: { 'idempotency-key': `anon-${i}` } });
      expect(anon.status).toBe(401);
      const badToken = await t.call('POST', '/api/v1/decisions', { token: 'tgo_not_a_token', json: decision, headers: { 'idempotency-key': `bad-${i}` } });
      expect(badToken.status).toBe(401);
    }
    expect(await count(t, idempotencyKeys)).toBe(0);
  });

  it('refuses a key that is not 1-200 visible ASCII characters, naming the header', async () => {
    const { t, o1 } = await setup();
    for (const key of ['x'.repeat(201), 'caf\u00e9', 'a b', '']) {
      const res = await t.call('POST', '/api/v1/decisions', { token: o1, json: decision, headers: { 'idempotency-key': key } });
      expect(res.status, key).toBe(400);
      expect((await json(res)).errors[0].path).toBe('Idempotency-Key');
    }
    expect(await count(t, decisions)).toBe(0);
  });

  it('purges keys older than 24 hours in the scheduled jobs, and keeps the others', async () => {
    const { t } = await setup();
    const row = (key: string, createdAt: string) => ({ scope: 'usr_x', key, requestHash: 'h', status: 201, contentType: 'application/json', body: '{}', createdAt });
    await t.db.insert(idempotencyKeys).values([
      row('old', '2026-10-14T07:59:59.000Z'),
      row('older', '2026-10-01T00:00:00.000Z'),
      row('fresh', '2026-10-14T08:00:01.000Z'),
    ]);
    await runScheduled({ db: t.db, clock: t.clock, signer: t.deps.signer, config: t.deps.config! });
    const left = await t.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys);
    expect(left.map((r) => r.key)).toEqual(['fresh']);
  });
});
