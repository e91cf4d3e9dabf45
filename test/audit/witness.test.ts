/**
 * Witnesses over real HTTP: a witness of its own (test/support/witness-server.ts, another process,
 * its own key and state) cosigns checkpoints that extend what it saw, and refuses a rewound log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../db/client.js';
import { createApp } from '../../src/app.js';
import type { Ctx } from '../../src/core/context.js';
import { makeCheckpoint } from '../../src/audit/checkpoint.js';
import { noteBody, parseWitnessKey, parseWitnesses, verifyCosignature, witnessCheckpoint } from '../../src/audit/witness.js';
import { backupDatabase } from '../../src/ops/backup.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { appendEntries } from '../support/audit.js';
import { startWitness, type RunningWitness } from '../support/witness.js';
import { fileUrlOf } from '../ops/support.js';

const ORIGIN = 'witness.test/audit';
let t: TestApp;
let witness: RunningWitness;
let ctx: () => Ctx;

beforeAll(async () => {
  t = await makeTestApp({ config: { logOrigin: ORIGIN } });
  witness = await startWitness({ name: 'witness.test/w1', logOrigin: ORIGIN, logPublicKey: t.deps.signer.publicKey });
  const config = { publicUrl: 'http://localhost', bureauName: 'b', logOrigin: ORIGIN, witnesses: parseWitnesses(witness.entry) };
  ctx = () => ({ ...t.ctx(), config });
});
afterAll(async () => {
  await witness?.stop();
});

/** An older copy of the log, as a restore of a backup would bring back, on a database of its own. */
async function copyOf(db: Db): Promise<{ db: Db; close: () => void }> {
  const file = join(mkdtempSync(join(tmpdir(), 'tgo-rewound-')), 'old.db');
  await backupDatabase({ databaseUrl: await fileUrlOf(db), file, publicKey: t.deps.signer.publicKey });
  const { db: copy, client } = await openDb({ url: `file:${file}` });
  return { db: copy, close: () => client.close() };
}

describe('witnesses (C2SP tlog-witness)', () => {
  it('parses WITNESSES and refuses a key that does not match its id', () => {
    const [w] = parseWitnesses(`${witness.entry}\n`);
    expect(parseWitnessKey(w!.url, w!.verifierKey).name).toBe('witness.test/w1');
    const [, name, id, key] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(witness.verifierKey)!;
    expect(() => parseWitnesses(`${witness.url} ${name}+${id!.replace(/^./, id![0] === '0' ? '1' : '0')}+${key}`)).toThrow(/key id/);
    expect(() => parseWitnesses(witness.url)).toThrow(/WITNESSES/);
  });

  let old: { db: Db; close: () => void };

  it('cosigns a first checkpoint and every consistent one after it; the cosignature is served with the checkpoint', async () => {
    await appendEntries(ctx(), 20);
    const first = await makeCheckpoint(ctx());
    expect(await witnessCheckpoint(ctx(), first)).toEqual([{ witness: 'witness.test/w1', outcome: 'cosigned', oldSize: 0 }]);
    expect(witness.state(ORIGIN)?.size).toBe(first.size);
    old = await copyOf(t.db); // taken now: the witness has seen exactly this copy's log

    await appendEntries(ctx(), 13);
    const second = await makeCheckpoint(ctx());
    expect(await witnessCheckpoint(ctx(), second)).toEqual([{ witness: 'witness.test/w1', outcome: 'cosigned', oldSize: first.size }]);
    expect(witness.state(ORIGIN)?.size).toBe(second.size);

    const app = createApp({ ...t.deps, config: ctx().config });
    const res = await app.request('/api/v1/audit/checkpoint');
    const cp = (await res.json()) as { size: number; rootHash: string; timestamp: string; checkpoint: string; cosignatures: Array<{ witness: string }> };
    expect(cp).toMatchObject({ size: second.size, rootHash: second.rootHash, timestamp: second.timestamp });
    expect(cp.cosignatures.map((c) => c.witness)).toEqual(['witness.test/w1']);
    const lines = cp.checkpoint.slice(cp.checkpoint.indexOf('\n\n') + 2).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\u2014 ${ORIGIN} `));
    const key = parseWitnessKey(witness.url, witness.verifierKey);
    expect(verifyCosignature(lines[1]!, noteBody(cp.checkpoint), key)).toBeGreaterThan(1_700_000_000);
    // Signed for this body only.
    expect(verifyCosignature(lines[1]!, noteBody(first.checkpoint), key)).toBeNull();
    const text = await (await app.request('/api/v1/audit/checkpoint', { headers: { accept: 'text/plain' } })).text();
    expect(text).toBe(cp.checkpoint);
  });

  it('refuses a rewound log: a restored older copy that grew another way, longer or shorter than what it saw', async () => {
    const seen = witness.state(ORIGIN)!;
    const oldCtx = (): Ctx => ({ ...ctx(), db: old.db });
    // Shorter than what the witness cosigned: the witness answers with its larger size.
    await appendEntries(oldCtx(), 5);
    const shorter = await makeCheckpoint(oldCtx());
    expect(shorter.size).toBeLessThan(seen.size);
    const [r1] = await witnessCheckpoint(oldCtx(), shorter);
    expect(r1).toMatchObject({ outcome: 'refused' });
    expect(r1!.problem).toMatch(new RegExp(`${seen.size} entries.*${shorter.size}.*rewound`));

    // Longer: our proof from the witness's size does not reach the root it cosigned.
    await appendEntries(oldCtx(), 20);
    const longer = await makeCheckpoint(oldCtx());
    expect(longer.size).toBeGreaterThan(seen.size);
    const [r2] = await witnessCheckpoint(oldCtx(), longer);
    expect(r2).toMatchObject({ outcome: 'refused' });
    expect(r2!.problem).toMatch(/no consistency/);
    expect(witness.state(ORIGIN)).toEqual(seen); // it still holds the true log
    old.close();

    // ...and still cosigns the true log as it goes on.
    await appendEntries(ctx(), 3);
    const next = await makeCheckpoint(ctx());
    expect((await witnessCheckpoint(ctx(), next))[0]).toMatchObject({ outcome: 'cosigned', oldSize: seen.size });
  });

  it('/verify shows which witnesses have seen the log up to a receipt', async () => {
    const app = createApp({ ...t.deps, config: ctx().config });
    const size = witness.state(ORIGIN)!.size;
    const { indices, leafHashes } = await appendEntries(ctx(), 1);
    const early = await app.request(`/api/v1/audit/receipts/verify?index=0&hash=${(await (await app.request('/api/v1/audit/proofs/inclusion?index=0')).json() as { leafHash: string }).leafHash}`);
    expect(((await early.json()) as { witnesses: unknown[] }).witnesses).toEqual([
      { witness: 'witness.test/w1', size, time: expect.any(String), configured: true, holdsReceipt: true },
    ]);
    const page = await app.request(`/verify?lang=en&index=${indices[0]}&hash=${leafHashes[0]}`);
    const html = await page.text();
    expect(html).toContain('data-holds-receipt="false"');
    expect(html).toContain(`has seen the log up to ${size} entries`);
    const zh = await (await app.request(`/verify?index=0&hash=${leafHashes[0]}`)).text();
    expect(zh).toContain('见证方');
  });
});
