/**
 * "A 200 means it is on disk", without stopping the event loop for the disk.
 *
 * A file database runs WAL with `synchronous = NORMAL`: a commit writes its WAL frames (a write()
 * into the page cache) but does not fsync them. Before a verb answers, `durable(db)` fsyncs the
 * WAL file on libuv's thread pool, so the event loop keeps parsing and serving other requests
 * while the disk syncs. Every commit that finished before an fsync STARTED is on disk when that
 * fsync returns, so concurrent callers share fsyncs (group commit for every verb, not only the
 * feedback form). For acknowledged writes this is the durability of `synchronous = FULL` (which
 * fsyncs the WAL inside every commit); see
 * docs/adr/0023-a-write-is-acknowledged-after-an-fsync-of-the-wal-off-the-event-loop.md.
 *
 * This module is runtime-neutral (no Node imports): the Node entry registers a syncer for its
 * libsql file handles (db/client.ts); D1 and remote libsql have none, their durability is the
 * server's, and `durable` is a no-op for them.
 */

/** Makes every commit that completed before the call durable. */
export type Syncer = () => Promise<void>;

const syncers = new WeakMap<object, Syncer>();

/** Registers how to make a database handle's finished commits durable. */
export function registerSyncer(db: object, syncer: Syncer): void {
  syncers.set(db, syncer);
}

/** The syncer registered for a handle, if any (tests wrap it to observe that it is awaited). */
export function syncerOf(db: object): Syncer | undefined {
  return syncers.get(db);
}

/**
 * Resolves once every commit this handle finished before the call is on disk. Call it after a
 * write's `db.batch` and before answering; a no-op where the database is not a local file.
 */
export function durable(db: object): Promise<void> {
  const s = syncers.get(db);
  return s ? s() : Promise.resolve();
}

/**
 * Shares fsyncs between callers without ever letting one ride on an fsync that started before it
 * was called (that fsync may not cover the caller's commit). Up to `maxRunning` fsyncs run at
 * once (a caller need not wait for a running one to finish before its own starts, so its wait is
 * one fsync, not up to two); beyond that, callers share one fsync that starts as soon as a running
 * one ends.
 */
export function coalescingSyncer(fsync: () => Promise<void>, maxRunning = 4): Syncer {
  let running = 0;
  let queued: Promise<void> | null = null;
  let release: (() => void) | null = null;
  const start = (): Promise<void> => {
    running++;
    return fsync().finally(() => {
      running--;
      if (release) {
        const go = release;
        release = null;
        queued = null;
        go();
      }
    });
  };
  return () => {
    if (running < maxRunning) return start();
    if (!queued) {
      queued = new Promise<void>((r) => {
        release = r;
      }).then(start);
    }
    return queued;
  };
}
