import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema.js';

/**
 * The database handle every service verb uses. On Workers the D1 driver is typed the same way
 * (`src/worker.ts`): both are drizzle's async SQLite dialect and both have `batch`, which is the
 * only way this code writes more than one statement.
 */
export type Db = LibSQLDatabase<typeof schema>;

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenOptions {
  url: string;
  authToken?: string;
}

/** Opens a libsql database (`file:`, `:memory:`, `libsql://`) with the pragmas we rely on. */
export async function openDb({ url, authToken }: OpenOptions): Promise<{ db: Db; client: Client }> {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    if (path && !path.startsWith(':')) mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({ url, authToken });
  if (url.startsWith('file:') || url === ':memory:') {
    // WAL lets readers run beside the one writer; NORMAL sync is durable at every commit in WAL
    // for application crashes, and FULL is used where a 200 must mean "on disk" (see ADR 0002).
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = FULL');
    await client.execute('PRAGMA foreign_keys = ON');
    await client.execute('PRAGMA busy_timeout = 5000');
  }
  const db = drizzle(client, { schema });
  return { db, client };
}

/** Applies the committed drizzle-kit migrations. */
export async function migrateDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
