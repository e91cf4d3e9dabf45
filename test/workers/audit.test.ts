import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ADMIN_TOKEN, workerOnD1 } from './support.js';

// The audit log on D1: aggregated reads (group_concat, cast as blob), INSERT OR IGNORE node
// batches and the signed checkpoint all have to work inside workerd, not only on libsql.
const worker = workerOnD1();
const call = (path: string, token?: string) => worker.call('GET', path, { token });

describe('the audit log on D1', () => {
  it('signs checkpoints, serves proofs and verifies the log', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await worker.call('POST', '/api/v1/users', { token: ADMIN_TOKEN, json: { username: `audit-w${i}`, role: 'hr' } });
      expect(res.status).toBe(201);
    }
    const key = (await (await call('/api/v1/audit/key')).json()) as { publicKey: string };
    const cp = (await (await call('/api/v1/audit/checkpoint')).json()) as { size: number; rootHash: string; checkpoint: string };
    expect(cp.size).toBeGreaterThanOrEqual(40);
    const body = new TextEncoder().encode(cp.checkpoint.slice(0, cp.checkpoint.indexOf('\n\n') + 1));
    const sig = Buffer.from(cp.checkpoint.trimEnd().split(' ').at(-1)!, 'base64').subarray(4);
    expect(ed25519.verify(sig, body, Buffer.from(key.publicKey, 'base64'))).toBe(true);

    const proof = await call(`/api/v1/audit/proofs/inclusion?index=3&size=${cp.size}`);
    expect(proof.status).toBe(200);
    const receipt = (await (await call(`/api/v1/audit/receipts/verify?index=3&hash=${((await proof.json()) as { leafHash: string }).leafHash}`)).json()) as { included: boolean };
    expect(receipt.included).toBe(true);

    const report = (await (await call('/api/v1/audit/verify', ADMIN_TOKEN)).json()) as { ok: boolean; size: number; nodes: number; checkpoints: number };
    expect(report).toMatchObject({ ok: true, checkpoints: 1 });
    expect(report.nodes).toBeGreaterThan(0);
  });
});
