import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema.js';

/**
 * The database handle every service verb uses. On Workers the D1 driver is typed the same way
 * (`src/worker.ts`): both are drizzle's async SQLite dialect and both have `batch`, which is the
 * only way this code writes more than one statement. (Its own module so that db/prepared.ts can
 * name it without importing db/client.ts, which imports db/prepared.ts.)
 */
export type Db = LibSQLDatabase<typeof schema>;
