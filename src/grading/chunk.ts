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
