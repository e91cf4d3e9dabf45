/**
 * Statements that run thousands of times a second, kept prepared.
 *
 * `@libsql/client` prepares every statement anew on each call: it keeps no statement cache. For
 * the feedback form's hot path (one token look-up and one three-statement group write per group
 * of submissions) preparing cost more than executing: about 200 µs per statement, so some 650 µs
 * per group, which at 10 clients (groups of a handful) was most of a submission's database time.
 *
 * On a Node file database `db/client.ts` therefore opens a second connection to the same file
 * with the driver underneath the client (`libsql`, better-sqlite3's API) and registers it here;
 * `runStatements` keeps each statement text prepared on it. Everywhere else (D1, Turso,
 * `:memory:`, which a second connection could not see) the same statements run through drizzle's
 * `batch`, so one piece of SQL serves every driver. Nothing here imports Node modules: the Worker
 * bundle includes this file.
 *
 * Two connections in one process do not change what a transaction sees: SQLite serialises
 * writers by its lock, every embedded call is synchronous (neither connection can be left
 * mid-transaction while the other runs), and durability is the same: the WAL file that
 * `durable(db)` fsyncs is shared by both (db/durable.ts).
 */
import { SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './handle.js';

/** One statement: its text with `?` placeholders and the values; `rows` when it returns rows. */
export interface Statement {
  sql: string;
  args: unknown[];
  rows?: boolean;
}

/** The part of a `libsql` (better-sqlite3 style) connection used here. */
export interface PreparingConnection {
  prepare(sql: string): { run(...args: unknown[]): unknown; all(...args: unknown[]): unknown[]; readonly reader: boolean };
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

interface Prepared {
  open: () => PreparingConnection;
  conn: PreparingConnection | null;
  cache: Map<string, ReturnType<PreparingConnection['prepare']>>;
}

const connections = new WeakMap<object, Prepared>();

/** Called by db/client.ts for Node file databases; `open` runs on first use. */
export function registerPreparingConnection(db: object, open: () => PreparingConnection): void {
  connections.set(db, { open, conn: null, cache: new Map() });
}

/**
 * Called by db/client.ts when the client closes: drops the kept statements with the connection.
 * A closed `libsql` connection keeps its files open for as long as any of its statements lives.
 */
export function forgetPreparingConnection(db: object): void {
  connections.delete(db);
}

/** Statement texts kept per connection. The hot paths use a handful; this only bounds mistakes. */
const MAX_CACHED = 64;

/**
 * Runs `statements` in one transaction (a single statement runs on its own) and returns, per
 * statement, its rows when `rows` is set (objects keyed by column name) and otherwise undefined.
 */
export async function runStatements(db: Db, statements: Statement[]): Promise<(Record<string, unknown>[] | undefined)[]> {
  const p = connections.get(db);
  if (!p) return viaDrizzle(db, statements);
  const conn = (p.conn ??= p.open());
  const run = (s: Statement) => {
    let stmt = p.cache.get(s.sql);
    if (!stmt) {
      if (p.cache.size >= MAX_CACHED) p.cache.clear();
      p.cache.set(s.sql, (stmt = conn.prepare(s.sql)));
    }
    // A statement that returns rows (RETURNING included) is stepped to its end even when its rows
    // are not wanted: left half-stepped, a cached statement would hold its transaction open.
    if (s.rows) return stmt.all(...s.args) as Record<string, unknown>[];
    if (stmt.reader) stmt.all(...s.args);
    else stmt.run(...s.args);
    return undefined;
  };
  if (statements.length === 1) return [run(statements[0]!)];
  conn.exec('BEGIN IMMEDIATE');
  try {
    const out = statements.map(run);
    conn.exec('COMMIT');
    return out;
  } catch (err) {
    // Some errors (a full disk, for one) end the transaction inside SQLite already.
    if (conn.inTransaction) conn.exec('ROLLBACK');
    throw err;
  }
}

async function viaDrizzle(db: Db, statements: Statement[]) {
  const items = statements.map((s) => asBatchItem(db, s));
  const results = (await db.batch(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])) as unknown[];
  return statements.map((s, i) => (s.rows ? (results[i] as Record<string, unknown>[]) : undefined));
}

/**
 * A statement as an item of drizzle's `db.batch` (so it can share a transaction with a verb's
 * other writes in `commit()`): its rows when `rows` is set, else its run result.
 */
export function asBatchItem(db: Db, s: Statement): BatchItem<'sqlite'> {
  return s.rows ? db.all(prebuilt(s.sql, s.args)) : db.run(prebuilt(s.sql, s.args));
}

/**
 * A statement whose text and parameters are already built. drizzle's dialect asks an `SQL` for
 * its query through `toQuery`; this one returns it as it is, so `db.run(prebuilt(...))` is an
 * ordinary batch item on libsql and D1 alike, without drizzle inspecting every parameter.
 */
class PrebuiltSql extends SQL {
  constructor(private readonly query: { sql: string; params: unknown[] }) {
    super([]);
  }

  override toQuery() {
    return { ...this.query, typings: undefined };
  }
}

export function prebuilt(sql: string, params: unknown[]): SQL {
  return new PrebuiltSql({ sql, params });
}
