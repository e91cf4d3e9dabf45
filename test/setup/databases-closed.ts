/**
 * The guard that keeps the test run free of leaked databases (vitest `setupFiles`, both suites).
 * After each test file it closes what the factories opened outside a test (test/support/cleanup.ts),
 * then fails the file if
 * - the process still has a database file open after a garbage collection (/proc/self/fd: a
 *   client nobody closed and the file still holds), or
 * - Node warned that it closed a file descriptor on garbage collection during the file (a client
 *   nobody closed and nobody holds: the collection above makes this show up in its own file).
 * Its own test is test/setup/databases-closed.test.ts, which runs leaking fixtures and expects this
 * to fail them.
 */
import { afterAll } from 'vitest';
import { closeFileLevel, openDatabaseFiles } from '../support/cleanup.js';

const gcWarnings: string[] = [];
const onWarning = (w: Error & { code?: string }) => {
  if (w.code === 'DEP0137' || /on garbage collection/.test(w.message)) gcWarnings.push(w.message);
};
process.on('warning', onWarning);

// The configs start the workers with --expose-gc.
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

afterAll(async () => {
  await closeFileLevel();
  // A closed libsql connection keeps its files open until its statements are collected, and
  // client.close() closes the WAL's FileHandle asynchronously (db/client.ts). Collecting makes
  // both deterministic, and makes Node warn now about any unreachable FileHandle nobody closed.
  let open: string[] | null = null;
  for (let i = 0; i < 25; i++) {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 20));
    open = openDatabaseFiles();
    if (!open?.length) break;
  }
  process.off('warning', onWarning);
  if (open?.length) {
    throw new Error(`this test file left ${open.length} database file(s) open (close the client, or open it through test/support):\n${[...new Set(open)].join('\n')}`);
  }
  if (gcWarnings.length) {
    throw new Error(`Node closed ${gcWarnings.length} file handle(s) on garbage collection during this file:\n${gcWarnings.join('\n')}`);
  }
});
