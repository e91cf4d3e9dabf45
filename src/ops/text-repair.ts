/**
 * Repair of text an older version stored as bytes that are not UTF-8 (issue 11; ADR 0056).
 *
 * Up to wave 1, a JSON import carrying a lone surrogate (`{"units":[{"code":"UZ\ud800"}]}`) was
 * written through `json_each(?)`, and SQLite's JSON functions decoded the escape into the bytes
 * ED A0 80. libsql aborts the whole process (a Rust panic on `Utf8Error`) whenever such a row is
 * read, so one bad row kept the service down across restarts. New writes can no longer produce
 * them (src/core/text.ts refuses the text, db/json-param.ts neutralises it); this finds the rows
 * written before and repairs them once, before the Node entry serves a request.
 *
 * - Where: the text columns of the tables imports write through JSON (the only path that ever
 *   stored such bytes). Rows are found with `instr(cast(col as blob), X'ED')` (every encoded
 *   surrogate starts with ED; ordinary Chinese text does not) and read as `hex(col)`, which is
 *   ASCII and safe to read; the bytes are then judged in JavaScript.
 * - How: each encoded surrogate (ED A0-BF 80-BF) becomes U+FFFD, what a bound parameter would
 *   have stored for the same string, and any other invalid byte U+FFFD too. Every column of every
 *   table is repaired by the same rule, so a unit code and the officers' references to it stay
 *   equal (foreign keys are checked at commit: `defer_foreign_keys`).
 * - Audited: one `text.repair` entry per table, naming each cell with its bytes before and its
 *   text after, in the same batch as the repair.
 *
 * D1 reads such bytes as U+FFFD instead of failing, so the Worker does not need this.
 */
import { getTableColumns, getTableName, sql, type Column } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { assessments, assignments, officers, taxpayers, thresholds, units, workload } from '../../db/schema.js';
import type { Clock } from '../core/clock.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';

/** The tables an import writes through `json_each(?)` (src/imports/write.ts). */
const JSON_WRITTEN_TABLES: SQLiteTable[] = [units, officers, taxpayers, assignments, workload, assessments, thresholds];

export interface RepairedCell {
  table: string;
  column: string;
  rowid: number;
  /** The stored bytes, hex. */
  before: string;
  after: string;
}

const fatal = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

function bytesOf(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The text `bytes` should have been, or null when they are valid UTF-8 already: an encoded
 * surrogate (ED A0-BF 80-BF, three bytes) is one U+FFFD, as a bound parameter stores a lone
 * surrogate; any other invalid sequence is U+FFFD as the WHATWG decoder replaces it.
 */
export function repairedText(bytes: Uint8Array): string | null {
  try {
    fatal.decode(bytes);
    return null;
  } catch {
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0xed && i + 2 < bytes.length && bytes[i + 1]! >= 0xa0 && bytes[i + 1]! <= 0xbf && bytes[i + 2]! >= 0x80 && bytes[i + 2]! <= 0xbf) {
        out.push(0xef, 0xbf, 0xbd);
        i += 2;
      } else out.push(bytes[i]!);
    }
    return lossy.decode(new Uint8Array(out));
  }
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The cells of `table` whose text is not UTF-8, read safely (as hex). */
async function badCells(db: Db, table: SQLiteTable): Promise<RepairedCell[]> {
  const name = getTableName(table);
  const columns = (Object.values(getTableColumns(table)) as Column[]).filter((c) => c.dataType === 'string').map((c) => c.name);
  if (!columns.length) return [];
  const select = columns.map((c, i) => `hex(${q(c)}) as h${i}`).join(', ');
  const where = columns.map((c) => `instr(cast(${q(c)} as blob), X'ED') > 0`).join(' or ');
  const rows = await db.all<Record<string, string | number>>(sql.raw(`select rowid as r, ${select} from ${q(name)} where ${where}`));
  const out: RepairedCell[] = [];
  for (const row of rows) {
    columns.forEach((column, i) => {
      const hex = String(row[`h${i}`] ?? '');
      const after = hex ? repairedText(bytesOf(hex)) : null;
      if (after !== null) out.push({ table: name, column, rowid: Number(row.r), before: hex, after });
    });
  }
  return out;
}

/**
 * Finds and repairs every stored text that is not UTF-8 in the tables imports write; returns the
 * cells repaired (none on a database written only by this version). One batch, audited.
 */
export async function repairStoredText(deps: { db: Db; clock: Clock }): Promise<RepairedCell[]> {
  const cells: RepairedCell[] = [];
  for (const table of JSON_WRITTEN_TABLES) cells.push(...(await badCells(deps.db, table)));
  if (!cells.length) return cells;
  const writes: Write[] = [deps.db.run(sql`pragma defer_foreign_keys = on`) as unknown as Write];
  for (const c of cells) {
    writes.push(deps.db.run(sql`update ${sql.raw(q(c.table))} set ${sql.raw(q(c.column))} = ${c.after} where rowid = ${c.rowid}`) as unknown as Write);
  }
  const byTable = new Map<string, RepairedCell[]>();
  for (const c of cells) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const events: AuditEvent[] = [...byTable].map(([table, list]) => ({
    action: 'text.repair',
    entity: 'table',
    entityId: table,
    payload: { reason: 'stored text was not UTF-8 (written through json_each by an older version)', cells: list.map(({ column, rowid, before, after }) => ({ column, rowid, before, after })) },
  }));
  await commit({ db: deps.db, clock: deps.clock, actor: { kind: 'system', name: 'text-repair' } }, writes, events);
  return cells;
}
