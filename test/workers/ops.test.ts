/**
 * Operations on Workers: one JSON line per request and per job through console.log (what Workers
 * Logs collect), with no token in them; the cron trigger starts the bureau's periodic jobs in a
 * Workflow instance, which sends the checkpoint to a witness (the test witness, over real HTTP)
 * and the cosignature is served; no /metrics on Workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Miniflare } from 'miniflare';
import { signerFromSeed } from '../../src/audit/signer.js';
import { startWitness, type RunningWitness } from '../support/witness.js';
import { ADMIN_TOKEN, eventually, migrate, SIGNING_KEY, startWorker } from './support.js';

const ORIGIN = 'workers.test/audit';
let mf: Miniflare;
let witness: RunningWitness;
let out = '';

beforeAll(async () => {
  witness = await startWitness({ name: 'witness.test/workers', logOrigin: ORIGIN, logPublicKey: signerFromSeed(Buffer.from(SIGNING_KEY, 'base64')).publicKey });
  mf = await startWorker(
    { ADMIN_TOKEN, AUDIT_SIGNING_KEY: SIGNING_KEY, PUBLIC_URL: 'https://grading.test', LOG_ORIGIN: ORIGIN, WITNESSES: witness.entry, METRICS_TOKEN: 'not-on-workers-0123456789' },
    { onStdout: (text) => (out += text) },
  );
  await migrate(mf);
});
afterAll(async () => {
  await mf?.dispose();
  await witness?.stop();
});

const call = (method: string, path: string, token?: string, json?: unknown) =>
  mf.dispatchFetch(`https://grading.test${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });

describe('operations on Workers', () => {
  const tokens: string[] = [ADMIN_TOKEN];

  it('the cron trigger checkpoints and the witness cosigns; the checkpoint is served with its cosignature', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', '/api/v1/users', ADMIN_TOKEN, { username: `ops-w${i}`, role: 'hr' });
      expect(res.status).toBe(201);
      tokens.push(((await res.json()) as { token: string }).token);
    }
    const worker = await mf.getWorker();
    expect((await worker.scheduled({ cron: '*/15 * * * *' })).outcome).toBe('ok');
    type Cp = { size: number; checkpoint: string; cosignatures: Array<{ witness: string }> };
    const cp = await eventually(async () => {
      const c = (await (await call('GET', '/api/v1/audit/checkpoint')).json()) as Cp;
      return c.cosignatures.length ? c : undefined;
    }, "the cron's Workflow to checkpoint and have it cosigned");
    expect(cp.cosignatures.map((c) => c.witness)).toEqual(['witness.test/workers']);
    expect(cp.checkpoint).toContain('\u2014 witness.test/workers ');
    expect(witness.state(ORIGIN)!.size).toBe(cp.size);
    expect((await call('GET', '/metrics', 'not-on-workers-0123456789')).status).toBe(404);
  });

  it('writes one JSON line per request and per job, without tokens', async () => {
    await new Promise((r) => setTimeout(r, 200)); // let workerd's stdout drain
    const lines = out.split('\n').filter((l) => l.trim().startsWith('{'));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'request', method: 'POST', route: '/api/v1/users', status: 201, actorKind: 'user', role: 'admin', reqId: expect.any(String), durationMs: expect.any(Number) }));
    for (const job of ['scan', 'checkpoint', 'witness']) expect(records).toContainEqual(expect.objectContaining({ msg: 'job', job, outcome: 'ok' }));
    expect(records).toContainEqual(expect.objectContaining({ msg: 'job', job: 'witness', cosigned: 1 }));
    for (const t of tokens) expect(out).not.toContain(t);
  });
});
