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
