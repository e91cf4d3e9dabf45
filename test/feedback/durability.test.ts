/**
 * What "a 200 means it is on disk" rests on (db/durable.ts, ADR 0023):
 * commits run with synchronous=NORMAL, and nothing answers before an fsync of the WAL that started
 * after its commit has finished.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeDb, makeTestApp } from '../support/app.js';
import { goodForm, invite, postForm, seedFeedbackWorld } from '../support/feedback.js';
import { coalescingSyncer, durable, registerSyncer, syncerOf } from '../../db/durable.js';
import { commit } from '../../src/audit/append.js';
import type { Db } from '../../db/client.js';

/** Replaces a handle's fsync with one that waits for `open()`; counts the fsyncs started. */
function gateSyncer(db: Db) {
  const real = syncerOf(db);
  if (!real) throw new Error('a file database must have a WAL syncer');
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const state = { started: 0, open: () => open() };
  registerSyncer(db, async () => {
    state.started++;
    await gate;
    await real();
  });
  return state;
}

/** Resolves to 'pending' if `p` has not settled after a few turns of the event loop. */
async function stillPending(p: Promise<unknown>, ms = 60): Promise<boolean> {
  const marker = Symbol('pending');
  const r = await Promise.race([p, new Promise((res) => setTimeout(() => res(marker), ms))]);
  return r === marker;
}

describe('durable commits', () => {
  it('a file database runs WAL with synchronous=NORMAL and has a WAL syncer that really fsyncs', async () => {
    const { db, close } = await makeDb();
    const [mode] = await db.all<{ journal_mode: string }>(sql`pragma journal_mode`);
    const [sync] = await db.all<{ synchronous: number }>(sql`pragma synchronous`);
    expect(mode!.journal_mode).toBe('wal');
    expect(sync!.synchronous).toBe(1); // NORMAL: the fsync is ours, off the event loop
    expect(syncerOf(db)).toBeTypeOf('function');
    await db.run(sql`create table t (x)`);
    await db.run(sql`insert into t values (1)`);
    await expect(durable(db)).resolves.toBeUndefined();
    close();
  });

  it('POST /f/{token} answers only after the fsync that follows its commit has finished', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    const fsync = gateSyncer(t.db);
    const res = postForm(t, inv.token, goodForm);
    expect(await stillPending(res)).toBe(true);
    // The response is committed (visible) but not yet acknowledged: the fsync has started, not ended.
    expect(fsync.started).toBeGreaterThanOrEqual(1);
    const [{ n }] = (await t.db.all<{ n: number }>(sql`select count(*) as n from feedback_responses`)) as [{ n: number }];
    expect(n).toBe(1);
    fsync.open();
    const done = await res;
    expect(done.status).toBe(200);
  });

  it('every commit() (any verb) waits for the fsync as well', async () => {
    const t = await makeTestApp();
    const fsync = gateSyncer(t.db);
    const p = commit(t.ctx(), [], [{ action: 'test.durable', entity: 'test', entityId: 'x', payload: null }]);
    expect(await stillPending(p)).toBe(true);
    fsync.open();
    const out = await p;
    expect(out.auditIndices).toHaveLength(1);
  });

  it('a failed fsync fails the submission: no 200 for what may not be on disk', async () => {
    const t = await makeTestApp();
    const w = await seedFeedbackWorld(t);
    const inv = await invite(t, w);
    registerSyncer(t.db, async () => {
      throw new Error('EIO: fsync failed');
    });
    const res = await postForm(t, inv.token, goodForm);
    expect(res.status).toBe(500);
  });
});

describe('coalescingSyncer', () => {
  /** An fsync whose calls are resolved by hand, in order. */
  function manualFsync() {
    const calls: (() => void)[] = [];
    return {
      calls,
      fsync: () => new Promise<void>((r) => calls.push(r)),
    };
  }

  it('never lets a caller ride on an fsync that started before its call', async () => {
    const m = manualFsync();
    const sync = coalescingSyncer(m.fsync, 1);
    let aDone = false;
    let bDone = false;
    let cDone = false;
    void sync().then(() => (aDone = true));
    expect(m.calls).toHaveLength(1);
    // b and c commit while a's fsync runs: they share the NEXT fsync, which starts after it.
    void sync().then(() => (bDone = true));
    void sync().then(() => (cDone = true));
    expect(m.calls).toHaveLength(1);
    m.calls[0]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(aDone).toBe(true);
    expect(bDone).toBe(false);
    expect(cDone).toBe(false);
    expect(m.calls).toHaveLength(2);
    m.calls[1]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(bDone && cDone).toBe(true);
    expect(m.calls).toHaveLength(2);
  });

  it('runs up to maxRunning fsyncs at once, each started after its callers', async () => {
    const m = manualFsync();
    const sync = coalescingSyncer(m.fsync, 2);
    const done: string[] = [];
    void sync().then(() => done.push('a'));
    void sync().then(() => done.push('b'));
    expect(m.calls).toHaveLength(2);
    void sync().then(() => done.push('c'));
    expect(m.calls).toHaveLength(2);
    m.calls[1]!(); // b's fsync ends first: b is durable, a is not yet; c's fsync starts now
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toEqual(['b']);
    expect(m.calls).toHaveLength(3);
    m.calls[0]!();
    m.calls[2]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(done.sort()).toEqual(['a', 'b', 'c']);
  });

  it('a failed fsync rejects its callers and the next one starts fresh', async () => {
    let n = 0;
    const sync = coalescingSyncer(async () => {
      if (++n === 1) throw new Error('EIO');
    }, 1);
    await expect(sync()).rejects.toThrow('EIO');
    await expect(sync()).resolves.toBeUndefined();
  });
});
