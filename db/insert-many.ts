/**
 * Multi-row INSERTs for large writes (a grading run's 10,000 result rows), built without drizzle's
 * query builder. `db.insert(t).values(rows)` inspects every value through the `sql` tag (a dozen
 * `is()` checks and a few objects per value): for 10,000 rows of 14 columns that was about 250 ms
 * and a good share of the run's garbage, against some 120 ms for SQLite to execute the INSERTs.
 * Here each value goes through its column's own `mapToDriverValue` (what drizzle would apply) and
 * the SQL text is one string per chunk size (`prebuilt`, db/prepared.ts).
 */
import { getTableColumns, getTableName, type Column } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';
import { prebuilt } from './prepared.js';

/**
 * Splits rows for multi-row INSERTs so that no statement binds more than `maxParams` values.
 * D1 refuses statements with more than 100 bound parameters; libsql does not care, but the same
 * code runs on both.
 */
export function chunkRows<T>(rows: readonly T[], columnsPerRow: number, maxParams = 100): T[][] {
  const per = Math.max(1, Math.floor(maxParams / columnsPerRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

/**
 * Bound parameters per statement for this database: 100 on D1 (its documented limit), 32,766 on
 * libsql (SQLite's default SQLITE_MAX_VARIABLE_NUMBER), where fewer, larger statements are much
 * cheaper. A drizzle libsql database exposes its client, which has a `protocol`; D1's has none.
 */
export function maxParamsFor(db: unknown, libsqlMax = 7_000): number {
  const client = (db as { $client?: { protocol?: unknown } }).$client;
  return typeof client?.protocol === 'string' ? libsqlMax : 100;
}

/** Rows per statement that `insertMany` writes into `table` on this database (7 of 14 columns on D1). */
export function rowsPerInsert(db: unknown, table: SQLiteTable): number {
  return Math.max(1, Math.floor(maxParamsFor(db) / Object.keys(getTableColumns(table)).length));
}

/**
 * The INSERTs that write `rows` into `table`, as few statements as `maxParamsFor(db)` allows, in
 * row order. Every row must carry every column of the table (a missing key is an error, not a
 * silent default: this is for bulk writes whose rows are built in full).
 */
export function insertMany<T extends SQLiteTable>(db: Db, table: T, rows: readonly T['$inferInsert'][]) {
  const columns = Object.entries(getTableColumns(table)) as [string, Column][];
  const head = `insert into "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const texts = new Map<number, string>();
  return chunkRows(rows, columns.length, maxParamsFor(db)).map((chunk) => {
    let text = texts.get(chunk.length);
    if (text === undefined) texts.set(chunk.length, (text = head + Array.from({ length: chunk.length }, () => tuple).join(', ')));
    const params: unknown[] = [];
    for (const row of chunk as Record<string, unknown>[]) {
      for (const [key, column] of columns) {
        const value = row[key];
        if (value === undefined) throw new Error(`insertMany(${getTableName(table)}): row without ${key}`);
        params.push(value === null ? null : column.mapToDriverValue(value));
      }
    }
    return db.run(prebuilt(text, params));
  });
}
