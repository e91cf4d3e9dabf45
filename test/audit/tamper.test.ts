import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { appendEntries, dropAuditTriggers } from '../support/audit.js';
import { verifyLog } from '../../src/audit/verify.js';
import { makeCheckpoint } from '../../src/audit/checkpoint.js';
import { hashLeaf, hashToHex } from '../../src/audit/merkle.js';
import { syncTree } from '../../src/audit/tree-store.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
  );

async function leafOf(t: TestApp, seq: number) {
  const rows = await t.db.all<{ leaf: string; leaf_hash: string }>(sql`select leaf, leaf_hash from audit_entries where seq = ${seq}`);
  return rows[0]!;
}

/** Rewrites an entry's payload; with `rehash`, also its leaf_hash (a careful forger). */
async function rewrite(t: TestApp, seq: number, rehash: boolean) {
  const { leaf } = await leafOf(t, seq);
  const forged = leaf.replace('"note":"entry', '"note":"forged');
  expect(forged).not.toBe(leaf);
  if (rehash) await t.db.run(sql`update audit_entries set leaf = ${forged}, leaf_hash = ${hashToHex(hashLeaf(forged))} where seq = ${seq}`);
  else await t.db.run(sql`update audit_entries set leaf = ${forged} where seq = ${seq}`);
}

const verify = (t: TestApp) => verifyLog(t.db, t.deps.signer.publicKey, { pageSize: 7 });

describe('the database refuses to rewrite the log', () => {
  it('refuses UPDATE and DELETE on entries, nodes and checkpoints', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 40);
    await makeCheckpoint(t.ctx());
    for (const table of ['audit_entries', 'audit_nodes', 'audit_checkpoints']) {
      expect(await errorOf(t.db.run(sql.raw(`delete from ${table}`)))).toMatch(/append-only/);
    }
    expect(await errorOf(t.db.run(sql`update audit_entries set leaf = 'x' where seq = 3`))).toMatch(/append-only/);
    expect(await errorOf(t.db.run(sql`update audit_nodes set hash = 'x'`))).toMatch(/append-only/);
    expect(await errorOf(t.db.run(sql`update audit_checkpoints set root_hash = 'x'`))).toMatch(/append-only/);
    expect((await verify(t)).ok).toBe(true);
  });
});

describe('with the triggers dropped, the verifier names the first bad index', () => {
  it('finds one edited entry at exactly its index', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 60);
    await makeCheckpoint(t.ctx());
    await dropAuditTriggers(t.db);
    await rewrite(t, indices[33]!, false);
    const r = await verify(t);
    expect(r).toMatchObject({ ok: false, firstBadIndex: indices[33] });
    expect(r.problem).toMatch(/leaf hash/);
  });

  it('finds a deleted entry as a gap', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 60);
    await dropAuditTriggers(t.db);
    await t.db.run(sql`delete from audit_entries where seq = ${indices[21]!}`);
    const r = await verify(t);
    expect(r).toMatchObject({ ok: false, firstBadIndex: indices[21] });
    expect(r.problem).toMatch(/missing/);
  });

  it('finds a deleted last entry through the checkpoint that covered it', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 20);
    const cp = await makeCheckpoint(t.ctx());
    await dropAuditTriggers(t.db);
    await t.db.run(sql`delete from audit_entries where seq = ${indices[19]!}`);
    const r = await verify(t);
    expect(r).toMatchObject({ ok: false, firstBadIndex: cp.size - 1 });
  });

  it('finds a reordered pair at the first of them', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 60);
    await dropAuditTriggers(t.db);
    const [i, j] = [indices[12]!, indices[40]!];
    const a = await leafOf(t, i);
    const b = await leafOf(t, j);
    await t.db.run(sql`update audit_entries set leaf = ${b.leaf} where seq = ${i}`);
    await t.db.run(sql`update audit_entries set leaf = ${a.leaf} where seq = ${j}`);
    expect(await verify(t)).toMatchObject({ ok: false, firstBadIndex: i });
  });

  it('finds an entry rewritten with its leaf hash through the node cache, at the start of the smallest stored subtree', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 64);
    await syncTree(t.db);
    await dropAuditTriggers(t.db);
    const seq = indices[37]!;
    await rewrite(t, seq, true);
    const r = await verify(t);
    expect(r.ok).toBe(false);
    expect(r.firstBadIndex).toBe(Math.floor(seq / 16) * 16);
    expect(r.problem).toMatch(/node/);
  });

  it('finds a rewrite with a recomputed cache through the signed checkpoints', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 20);
    const first = await makeCheckpoint(t.ctx());
    await appendEntries(t.ctx(), 20);
    await makeCheckpoint(t.ctx());
    await dropAuditTriggers(t.db);
    await rewrite(t, indices[19]! + 5, true);
    await t.db.run(sql`delete from audit_nodes`);
    await syncTree(t.db);
    const r = await verify(t);
    expect(r).toMatchObject({ ok: false, firstBadIndex: first.size });
    expect(r.problem).toMatch(/differ from those signed/);
  });

  it('finds an edited node and an edited checkpoint row', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 70);
    await makeCheckpoint(t.ctx());
    await dropAuditTriggers(t.db);
    await t.db.run(sql`update audit_nodes set hash = ${'00'.repeat(32)} where level = 4 and idx = 2`);
    expect(await verify(t)).toMatchObject({ ok: false, firstBadIndex: 32 });
    const t2 = await makeTestApp();
    await appendEntries(t2.ctx(), 10);
    await makeCheckpoint(t2.ctx());
    await dropAuditTriggers(t2.db);
    await t2.db.run(sql`update audit_checkpoints set root_hash = ${'00'.repeat(32)}`);
    expect((await verify(t2)).problem).toMatch(/disagrees with its signed text/);
  });

  it('refuses a checkpoint signed by another key', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 10);
    await makeCheckpoint({ ...t.ctx(), signer: signerFromSeed(randomSeed()) });
    const r = await verify(t);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/valid signature/);
  });
});

describe('the service refuses to sign an inconsistent checkpoint', () => {
  it('after a stored node on the old tree was changed', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 40);
    const before = (await (await t.call('GET', '/api/v1/audit/checkpoint')).json()) as { size: number };
    await dropAuditTriggers(t.db);
    await t.db.run(sql`update audit_nodes set hash = ${'11'.repeat(32)} where level = 5 and idx = 0`);
    await appendEntries(t.ctx(), 3);
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const res = await t.call('GET', '/api/v1/audit/checkpoint');
      expect(res.status).toBe(500);
      expect(((await res.json()) as { code: string }).code).toBe('audit_log_inconsistent');
    } finally {
      console.error = orig;
    }
    expect(errors.length).toBeGreaterThan(0);
    const rows = await t.db.all<{ size: number }>(sql`select size from audit_checkpoints`);
    expect(rows.map((r) => Number(r.size))).toEqual([before.size]);
  });

  it('after a signed entry was rewritten with its leaf hash', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 40);
    await makeCheckpoint(t.ctx());
    await dropAuditTriggers(t.db);
    // The last entries are not yet under a cached node: a grown tree would be built from the forgery.
    await rewrite(t, indices[39]!, true);
    await appendEntries(t.ctx(), 30);
    const orig = console.error;
    console.error = () => {};
    try {
      await expect(makeCheckpoint(t.ctx())).rejects.toMatchObject({ status: 500, code: 'audit_log_inconsistent' });
    } finally {
      console.error = orig;
    }
  });

  it('after a new entry was edited without its hash', async () => {
    const t = await makeTestApp();
    const { indices } = await appendEntries(t.ctx(), 40);
    await makeCheckpoint(t.ctx());
    const more = await appendEntries(t.ctx(), 5);
    await dropAuditTriggers(t.db);
    await rewrite(t, more.indices[2]!, false);
    const orig = console.error;
    console.error = () => {};
    try {
      await expect(makeCheckpoint(t.ctx())).rejects.toMatchObject({ status: 500 });
    } finally {
      console.error = orig;
    }
    expect(indices.length).toBe(40);
  });
});
