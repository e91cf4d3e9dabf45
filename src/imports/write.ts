/**
 * Stage 3 of an import: the write. Only a clean import gets here; its rows go in as upserts in
 * one `commit()` batch together with one audit entry per kind, so it is all-or-nothing.
 */
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { assessments, assignments, importCommitments, officers, periods, taxpayers, thresholds, units, workload } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { jsonParamText } from '../../db/json-param.js';
import type { Ctx } from '../core/context.js';
import { newId, sha256Hex } from '../core/ids.js';
import { parsePeriod } from '../core/period.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { commitmentOf, newNonce } from '../audit/commitment.js';
import { AUDIT_INLINE_ROWS, rowSchemas, type ImportKind, type ImportResult, type Rows } from './rows.js';

export async function writeImport(ctx: Ctx, rows: Rows, present: ImportKind[], source: 'json' | 'csv', maxParams: number, maxJsonChars: number): Promise<ImportResult> {
  const db = ctx.db;
  const writes: Write[] = [];
  // The validated rows go in as they are: their fields are the tables' property names, and an
  // absent optional field is written as null (upserts), so a re-import clears it.

  writes.push(...upserts(db, units, [units.code], rows.units, maxJsonChars));
  writes.push(...upserts(db, officers, [officers.code], rows.officers, maxJsonChars));
  writes.push(...upserts(db, taxpayers, [taxpayers.code], rows.taxpayers, maxJsonChars));

  // Closing rows first: the database allows one open assignment per taxpayer at any moment,
  // and a multi-row INSERT checks that row by row.
  const closedFirst = [...rows.assignments].sort((a, b) => (a.to === undefined ? 1 : 0) - (b.to === undefined ? 1 : 0));
  writes.push(...upserts(db, assignments, [assignments.taxpayerCode, assignments.from], closedFirst, maxJsonChars));

  const periodCodes = [...new Set(rows.workload.map((r) => r.period))].sort();
  const periodRows = periodCodes.map((c) => {
    const p = parsePeriod(c)!;
    return { code: c, startDate: p.start, endDate: p.end };
  });
  for (const chunk of chunks(periodRows, Math.max(1, Math.floor(maxParams / 3)))) {
    writes.push(db.insert(periods).values(chunk).onConflictDoNothing());
  }
  writes.push(...upserts(db, workload, [workload.period, workload.officerCode, workload.kind], rows.workload, maxJsonChars));
  writes.push(...upserts(db, assessments, [assessments.officerCode, assessments.category, assessments.takenOn], rows.assessments, maxJsonChars));
  writes.push(...upserts(db, thresholds, [thresholds.decisionType, thresholds.validFrom], rows.thresholds, maxJsonChars));

  const importId = newId('imp', ctx.clock.now());
  const imported: Record<string, number> = {};
  const events: AuditEvent[] = [];
  for (const kind of present) {
    const list = rows[kind] as unknown[];
    imported[kind] = list.length;
    if (list.length === 0) continue;
    const digest = await sha256Hex(canonicalRows(list as Record<string, unknown>[], Object.keys(rowSchemas[kind].shape)));
    if (NAMES_TAXPAYERS.has(kind)) {
      // Rows that name taxpayers: the leaf holds a salted commitment to them (a plain digest of a
      // few rows could be matched against guesses), the nonce is kept beside (DESIGN 5).
      const nonce = newNonce();
      writes.push(db.insert(importCommitments).values({ importId, kind, nonce }));
      events.push({ action: `import.${kind}`, entity: 'import', entityId: importId, payload: { kind, source, count: list.length, commitment: importCommitment(kind, digest, nonce) } });
      continue;
    }
    events.push({
      action: `import.${kind}`,
      entity: 'import',
      entityId: importId,
      payload: {
        kind,
        source,
        count: list.length,
        digest,
        ...(kind === 'workload' ? { periods: periodCodes } : {}),
        ...(list.length <= AUDIT_INLINE_ROWS ? { rows: list } : {}),
      },
    });
  }
  await commit(ctx, writes, events);
  return { importId, imported };
}

/** Kinds whose rows name taxpayers (codes, names): never in a leaf, not even as a plain digest. */
export const NAMES_TAXPAYERS: ReadonlySet<string> = new Set(['taxpayers', 'assignments']);

/**
 * The commitment an import leaf holds for rows that name taxpayers: to the kind and the SHA-256
 * of the rows' canonical JSON (`canonicalRows`), salted with the nonce kept in
 * import_commitments. Given the imported file's rows and the nonce, anyone recomputes it.
 */
export function importCommitment(kind: string, rowsSha256: string, nonce: string): string {
  return commitmentOf({ kind, rowsSha256 }, nonce);
}

/**
 * `canonicalJson(rows)` for validated rows, in one pass: each row's known fields in sorted
 * order, absent (undefined) ones left out, exactly as canonicalJson does. Falls back to
 * canonicalJson for any value that is not a string or a finite number, and for a field outside
 * the list, so the bytes (and the audited digest) never depend on which path ran.
 */
export function canonicalRows(rows: Record<string, unknown>[], fields: string[]): string {
  const sorted = [...fields].sort();
  // Sorted-key copies and one native JSON.stringify: V8 writes same-shaped objects far faster
  // than string building per value (the property order is insertion order; no key is an index).
  const copies: Record<string, unknown>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const o: Record<string, unknown> = {};
    let n = 0;
    for (let k = 0; k < sorted.length; k++) {
      const f = sorted[k]!;
      const v = r[f];
      if (v === undefined) continue;
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return canonicalJson(rows);
      o[f] = v;
      n++;
    }
    if (Object.keys(r).length !== n) {
      // Another key: harmless if undefined (canonicalJson drops it), else off the known shape.
      let present = 0;
      for (const key in r) if (r[key] !== undefined) present++;
      if (present !== n) return canonicalJson(rows);
    }
    copies[i] = o;
  }
  return JSON.stringify(copies);
}

function* chunks<T>(list: T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/**
 * `INSERT ... SELECT ... FROM json_each(?) ON CONFLICT (key) DO UPDATE SET col = excluded.col`
 * statements: the rows of a chunk travel as ONE bound parameter, a JSON array of row arrays in
 * column order, of at most `maxJsonChars` characters.
 *
 * Why not multi-row VALUES: D1 allows only 100 bound parameters per statement, so 100,000 rows
 * were 1,000+ statements and 300,000 parameters, each walked through drizzle's query builder,
 * which cost more than SQLite itself; SQLite also reads one JSON text faster than it binds its
 * values one by one (docs/import.md, Performance). Values stay bound data, never SQL text;
 * column and table names come from the schema, never from the input. JSON keeps the types the
 * rows were validated to: strings stay TEXT, numbers REAL/INTEGER, absent fields NULL.
 */
function upserts(db: Db, table: SQLiteTable, target: SQLiteColumn[], rows: Record<string, unknown>[], maxJsonChars: number): Write[] {
  if (rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(table));
  const keys = new Set(target.map((c) => c.name));
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const updated = columns.filter(([, c]) => !keys.has(c.name));
  const statement = (json: string) =>
    sql`insert into ${sql.raw(q(getTableName(table)))} (${sql.raw(columns.map(([, c]) => q(c.name)).join(', '))}) select ${sql.raw(
      columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', '),
    )} from json_each(${json}) where true on conflict (${sql.raw(target.map((c) => q(c.name)).join(', '))}) do ${sql.raw(
      updated.length ? `update set ${updated.map(([, c]) => `${q(c.name)} = excluded.${q(c.name)}`).join(', ')}` : 'nothing',
    )}`;
  const props = columns.map(([prop]) => prop);
  const out: Write[] = [];
  let parts: string[] = [];
  let size = 2;
  for (const r of rows) {
    // undefined has no JSON form inside an array (it would become null anyway); say null.
    const one = JSON.stringify(props.map((p) => r[p] ?? null));
    if (parts.length && size + one.length + 1 > maxJsonChars) {
      out.push(db.run(statement(jsonParamText(`[${parts.join(',')}]`))) as unknown as Write);
      parts = [];
      size = 2;
    }
    parts.push(one);
    size += one.length + 1;
  }
  if (parts.length) out.push(db.run(statement(jsonParamText(`[${parts.join(',')}]`))) as unknown as Write);
  return out;
}
