/**
 * Issue 11, limits before reading: an anonymous POST with an Idempotency-Key and a body of about
 * 150 MB crashed Node (the idempotency middleware spread the whole body into an array before any
 * limit or authentication). Every route now has a limit enforced before anything reads the body
 * (1 MiB, 64 MiB for /api/v1/import), and a budget bounds the bytes of bodies in flight.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decisions, idempotencyKeys } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, officer, taxpayer } from '../support/oversight.js';

const MiB = 1024 * 1024;

/** A body of `total` bytes made on demand, counting how many bytes anyone pulled from it. */
function lazyBody(total: number, chunk = 64 * 1024) {
  const state = { pulled: 0 };
  const piece = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) return controller.close();
      const n = Math.min(chunk, total - state.pulled);
      state.pulled += n;
      controller.enqueue(n === chunk ? piece : piece.slice(0, n));
    },
  });
  return { stream, state };
}

async function post(t: TestApp, path: string, body: ReadableStream<Uint8Array> | string, headers: Record<string, string>) {
  return t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
}

async function expectProblem(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const p = (await res.json()) as { status: number; code: string };
  expect(p.status).toBe(status);
  if (code) expect(p.code).toBe(code);
  return p;
}

describe('body limits before reading', () => {
  it('refuses an anonymous 150 MB POST with an Idempotency-Key by its Content-Length, reading nothing, storing nothing', async () => {
    const t = await makeTestApp();
    const { stream, state } = lazyBody(150 * 1000 * 1000);
    const res = await post(t, '/api/v1/decisions', stream, { 'content-length': String(150 * 1000 * 1000), 'idempotency-key': 'k-anon-150' });
    await expectProblem(res, 413, 'too_large');
    // The stream may have been primed with a chunk or two; nothing like the body was read.
    expect(state.pulled).toBeLessThanOrEqual(256 * 1024);
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from idempotency_keys`);
    expect(n).toBe(0);
  });

  it('refuses a streamed (chunked) body at the limit, having read only just past it, with or without a key', async () => {
    const t = await makeTestApp();
    await officer(t, 'O1');
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    const cases: Record<string, string>[] = [{ authorization: `Bearer ${o1}` }, { authorization: `Bearer ${o1}`, 'idempotency-key': 'k-big' }, { 'idempotency-key': 'k-anon' }, {}];
    for (const headers of cases) {
      const { stream, state } = lazyBody(150 * MiB);
      const res = await post(t, '/api/v1/decisions', stream, headers);
      // Anonymous: 401 without reading; signed in: 413 once the read passes 1 MiB.
      if (headers.authorization) await expectProblem(res, 413, 'too_large');
      else await expectProblem(res, 401);
      expect(state.pulled, JSON.stringify(headers)).toBeLessThanOrEqual(1 * MiB + 256 * 1024);
    }
    expect((await t.db.select().from(idempotencyKeys)).length).toBe(0);
    expect((await t.db.select().from(decisions)).length).toBe(0);
  });

  it('takes up to 1 MiB on an ordinary JSON route and up to 64 MiB on the import, refusing one byte more', async () => {
    const t = await makeTestApp();
    await officer(t, 'O1');
    await taxpayer(t, 'TP1');
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    const hr = await t.userToken('hr');
    const decision = { type: 'deferral', taxpayerCode: 'TP1', justification: 'x', decidedAt: '2026-09-30' };
    const padded = (size: number) => {
      const text = JSON.stringify(decision);
      return text.slice(0, -1) + ' '.repeat(size - text.length) + '}';
    };
    const atLimit = await t.call('POST', '/api/v1/decisions', { token: o1, body: padded(MiB), headers: { 'content-type': 'application/json' } });
    expect(atLimit.status).toBe(201);
    await expectProblem(await t.call('POST', '/api/v1/decisions', { token: o1, body: padded(MiB + 1), headers: { 'content-type': 'application/json' } }), 413);
    // The import declares 64 MiB in the document and is held to it.
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.paths['/api/v1/import']!.post!['x-max-body-bytes']).toBe(64 * MiB);
    const twoMiB = await post(t, '/api/v1/import', JSON.stringify({ units: [{ code: 'U1', name: 'n'.repeat(10), peerGroup: 'urban' }] }).padEnd(2 * MiB, ' '), { authorization: `Bearer ${hr}` });
    expect(twoMiB.status).toBe(200);
    const { stream } = lazyBody(64 * MiB + 1);
    await expectProblem(await post(t, '/api/v1/import', stream, { authorization: `Bearer ${hr}`, 'content-length': String(64 * MiB + 1) }), 413);
  });

  it('answers 429 with Retry-After, reading nothing, while the budget of bodies in flight is taken', async () => {
    const t = await makeTestApp({ bodyBudgetBytes: 4 * MiB });
    await officer(t, 'O1');
    await taxpayer(t, 'TP1');
    const hr = await t.userToken('hr');
    const o1 = await t.userToken('officer', { officerCode: 'O1' });
    // A streamed import reserves its route's whole limit (64 MiB) until it is done: admitted alone.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const text = JSON.stringify({ units: [{ code: 'U-SLOW', name: 'Slow', peerGroup: 'urban' }] });
    let sent = false;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent) {
          await gate;
          return controller.close();
        }
        sent = true;
        controller.enqueue(new TextEncoder().encode(text));
      },
    });
    const first = post(t, '/api/v1/import', slow, { authorization: `Bearer ${hr}` });
    await new Promise((r) => setTimeout(r, 50));
    const decision = { type: 'deferral', taxpayerCode: 'TP1', justification: 'x', decidedAt: '2026-09-30' };
    const { stream, state } = lazyBody(MiB);
    const refused = await post(t, '/api/v1/decisions', stream, { authorization: `Bearer ${o1}`, 'content-length': String(MiB) });
    await expectProblem(refused, 429, 'busy');
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(state.pulled).toBeLessThanOrEqual(256 * 1024);
    // A request without a body is not held back.
    expect((await t.call('GET', '/api/v1/me', { token: o1 })).status).toBe(200);
    release();
    expect((await first).status).toBe(200);
    const after = await t.call('POST', '/api/v1/decisions', { token: o1, json: decision });
    expect(after.status).toBe(201);
    expect(await json(after)).toHaveProperty('id');
  });
});
