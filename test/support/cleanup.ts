/**
 * Closing what a test opens. A libsql file database holds three kinds of descriptor: the client's
 * connection, the hot-path connection (db/prepared.ts) and the WAL's fsync FileHandle
 * (db/client.ts); `client.close()` closes all three. Left to the garbage collector, the FileHandle
 * prints "Closing file descriptor N on garbage collection" (DEP0137), which Node will one day
 * turn into an error, and the connections keep their files open for the rest of the run.
 *
 * The factories in test/support call `closeAfter` for everything they open, so a test never has
 * to: opened inside a test (or its beforeEach), it is closed when that test finishes; opened in a
 * beforeAll or at collection time, when the file finishes (test/setup/databases-closed.ts, which
 * then checks that nothing is left open).
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { onTestFinished, TestRunner } from 'vitest';

type Close = () => unknown;

const untilFileEnds: Close[] = [];

/** Runs `close` once, whoever calls it first (the test itself or the cleanup). */
export function once(close: Close): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= Promise.resolve().then(close).then(() => undefined));
}

/** Registers `close` to run when the current test finishes, or when the file finishes. */
export function closeAfter(close: Close): void {
  if (TestRunner.getCurrentTest()) onTestFinished(async () => void (await close()));
  else untilFileEnds.push(close);
}

/** Closes, newest first, what was opened outside a test. Called once per file by the setup file. */
export async function closeFileLevel(): Promise<void> {
  const errors: unknown[] = [];
  for (const close of untilFileEnds.splice(0).reverse()) {
    try {
      await close();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw new AggregateError(errors, 'closing the test databases failed');
}

// A database file and what SQLite keeps beside it.
const databaseFile = /\.(db|sqlite)(-wal|-shm|-journal)?$/;

/**
 * The database files this process still has open, read from /proc/self/fd (null where there is no
 * /proc, e.g. macOS: there only the garbage-collection warnings are checked). Unlike those warnings,
 * this does not depend on when the collector runs.
 */
export function openDatabaseFiles(): string[] | null {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return null;
  }
  const open: string[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the descriptor readdir itself used, already gone
    }
    if (databaseFile.test(target)) open.push(target);
  }
  return open;
}
