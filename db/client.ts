import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as schema from './schema.js';
import Database from 'libsql';
import { coalescingSyncer, registerSyncer } from './durable.js';
import { forgetPreparingConnection, registerPreparingConnection } from './prepared.js';
import type { Db } from './handle.js';

export type { Db } from './handle.js';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenOptions {
  url: string;
  authToken?: string;
}

/** Opens a libsql database (`file:`, `:memory:`, `libsql://`) with the pragmas we rely on. */
export async function openDb({ url, authToken }: OpenOptions): Promise<{ db: Db; client: Client }> {
  // The database file, for `file:` URLs that name one (not `file::memory:`).
  const fileUrl = url.startsWith('file:') ? url.slice('file:'.length).split('?')[0]! : '';
  const file = fileUrl && !fileUrl.startsWith(':') ? fileUrl : null;
  if (file) mkdirSync(dirname(file), { recursive: true });
  // One connection for a local database. @libsql/client 0.18 pools connections and opens another
  // whenever two calls overlap (every call awaits before it runs); a pooled connection would come
  // without the pragmas below (busy_timeout 0, synchronous FULL). The embedded driver runs each
  // call synchronously, so a second connection never ran anything in parallel anyway.
  const local = url.startsWith('file:') || url === ':memory:';
  const client = createClient({ url, authToken, ...(local ? { concurrency: 1 } : {}) });
  let walPath: string | null = null;
  if (local) {
    // WAL lets readers run beside the one writer. NORMAL: a commit writes the WAL without an fsync
    // (the embedded driver is synchronous, so an fsync inside the commit would stop the event
    // loop); every write path then awaits `durable(db)`, which fsyncs the WAL on the thread pool
    // before the verb answers, so an acknowledged write is on disk exactly as with FULL.
    // Checkpoints and WAL restarts still sync in NORMAL (db/durable.ts, ADR 0023).
    const mode = await client.execute('PRAGMA journal_mode = WAL');
    const wal = String(Object.values(mode.rows[0] ?? {})[0] ?? '').toLowerCase() === 'wal';
    if (wal && file) walPath = `${file}-wal`;
    // Where we cannot fsync the WAL ourselves (no WAL, or no file), SQLite keeps syncing inside
    // every commit.
    await client.execute(`PRAGMA synchronous = ${walPath ? 'NORMAL' : 'FULL'}`);
    await client.execute('PRAGMA foreign_keys = ON');
    await client.execute('PRAGMA busy_timeout = 5000');
  }
  const db = drizzle(client, { schema });
  if (walPath && file) {
    registerWalSyncer(db, client, walPath);
    registerHotPathConnection(db, client, file);
  }
  return { db, client };
}

/**
 * A second connection to the same file for the statements that run on every form submission,
 * kept prepared (db/prepared.ts). Opened on first use, so processes that never take a submission
 * (the CLI jobs, most tests) never open it; same pragmas as the client's connection.
 */
function registerHotPathConnection(db: Db, client: Client, file: string): void {
  let conn: Database.Database | null = null;
  registerPreparingConnection(db, () => {
    conn = new Database(file);
    conn.exec('PRAGMA busy_timeout = 5000');
    conn.exec('PRAGMA synchronous = NORMAL');
    conn.exec('PRAGMA foreign_keys = ON');
    return conn;
  });
  const close = client.close.bind(client);
  client.close = () => {
    close();
    conn?.close();
    forgetPreparingConnection(db);
  };
}

/**
 * fsyncs the database's WAL file on libuv's thread pool. The handle is opened on first use (the
 * WAL exists once anything was committed) and kept: SQLite reuses the same file (same inode)
 * after a checkpoint restarts the log, and our connection keeps it from being deleted. No locks
 * are taken on it, so our descriptor cannot disturb SQLite's POSIX locks (which live on the
 * database and -shm files).
 */
function registerWalSyncer(db: Db, client: Client, walPath: string): void {
  let handle: Promise<FileHandle> | null = null;
  registerSyncer(
    db,
    coalescingSyncer(async () => {
      handle ??= open(walPath, 'r').catch((err: unknown) => {
        handle = null;
        throw err;
      });
      await (await handle).datasync();
    }),
  );
  const close = client.close.bind(client);
  client.close = () => {
    close();
    void handle?.then((h) => h.close()).catch(() => {});
  };
}

/** Applies the committed drizzle-kit migrations. */
export async function migrateDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
