/**
 * Stage 2 of an import: references and history. Every code a row refers to must exist in the
 * import or the database; reporting lines must not loop (through stored officers too);
 * assignment periods of a taxpayer and threshold ranges of a decision type must not overlap,
 * stored rows included. Fast enough for 100,000 rows: the database is read with a few
 * set-based queries (`json_each` over a JSON array of codes), never one SELECT per row.
 */
import { sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { assignments, officers, taxpayers, thresholds, units } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { jsonParam } from '../../db/json-param.js';
import type { ImportKind, Problems, AssignmentRow, ThresholdRow } from './rows.js';
import { rowPlace, rowProblem, type ParsedImport } from './parse.js';

/** Adds a problem for every dangling reference, reporting loop and overlapping history. */
export async function checkReferences(db: Db, parsed: ParsedImport, problems: Problems): Promise<void> {
  const { body, rows } = parsed;
  const { errors, locate, add } = problems;
  const rowErr = rowProblem(parsed, problems);
  const where = rowPlace(parsed, problems);
  // References: to rows of this import, or to rows already in the database (set-based lookups).
  // They are checked on every row, rejected ones included, so one answer names every bad field.
  // Codes of rejected rows count as present: their row is reported already, and naming every
  // row that refers to it too would bury the one error that matters.
  const rawRows = (kind: ImportKind) => (Array.isArray(body[kind]) ? (body[kind] as unknown[]) : []);
  const textOf = (r: unknown, field: string): string | undefined => {
    const v = r !== null && typeof r === 'object' ? (r as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const refs: { kind: ImportKind; field: string; target: 'unit' | 'officer' | 'taxpayer' }[] = [
    { kind: 'officers', field: 'unitCode', target: 'unit' },
    { kind: 'officers', field: 'supervisorCode', target: 'officer' },
    { kind: 'assignments', field: 'taxpayerCode', target: 'taxpayer' },
    { kind: 'assignments', field: 'officerCode', target: 'officer' },
    { kind: 'workload', field: 'officerCode', target: 'officer' },
    { kind: 'assessments', field: 'officerCode', target: 'officer' },
  ];
  // Only kinds that something refers to (a taxpayer list alone needs no set of its codes).
  const referring = (target: 'unit' | 'officer' | 'taxpayer') => refs.some((ref) => ref.target === target && rawRows(ref.kind).length > 0);
  const codesIn = (kind: ImportKind, target: 'unit' | 'officer' | 'taxpayer') =>
    referring(target) ? new Set(rawRows(kind).flatMap((r) => textOf(r, 'code') ?? [])) : new Set<string>();
  const inImport = { unit: codesIn('units', 'unit'), officer: codesIn('officers', 'officer'), taxpayer: codesIn('taxpayers', 'taxpayer') };
  const wanted = { unit: new Set<string>(), officer: new Set<string>(), taxpayer: new Set<string>() };
  for (const ref of refs) {
    for (const r of rawRows(ref.kind)) {
      const c = textOf(r, ref.field);
      if (c !== undefined && !inImport[ref.target].has(c)) wanted[ref.target].add(c);
    }
  }
  // Reporting lines run through stored officers too, from the supervisors this import names
  // outside itself upward.
  const officerLinks = rawRows('officers').map((r) => ({ code: textOf(r, 'code'), supervisorCode: textOf(r, 'supervisorCode') }));
  const linkedCodes = new Set(officerLinks.flatMap((l) => l.code ?? []));
  const supervisorsOutside = new Set(officerLinks.flatMap((l) => (l.supervisorCode !== undefined && !linkedCodes.has(l.supervisorCode) ? [l.supervisorCode] : [])));
  const [dbUnits, dbOfficers, dbTaxpayers, dbAssignments, dbSupervisors, dbThresholds] = await Promise.all([
    existingCodes(db, units, units.code, [...wanted.unit]),
    existingCodes(db, officers, officers.code, [...wanted.officer]),
    existingCodes(db, taxpayers, taxpayers.code, [...wanted.taxpayer]),
    existingAssignments(db, [...new Set(rows.assignments.map((r) => r.taxpayerCode))]),
    storedSupervisors(db, [...supervisorsOutside]),
    existingThresholds(db, [...new Set(rows.thresholds.map((r) => r.decisionType))]),
  ]);
  const inDb = { unit: dbUnits, officer: dbOfficers, taxpayer: dbTaxpayers };
  const reported = new Set(errors.map((e) => e.path));
  for (const ref of refs) {
    rawRows(ref.kind).forEach((r, i) => {
      const c = textOf(r, ref.field);
      if (c === undefined || inImport[ref.target].has(c) || inDb[ref.target].has(c)) return;
      if (reported.has(locate(ref.kind, i, ref.field))) return;
      add(ref.kind, i, ref.field, `no ${ref.target} ${c} in the database or in this import`);
    });
  }

  // Like references, on every row: a row rejected for another field still names its loop.
  checkReportingLines(officerLinks, dbSupervisors, (i, message) => {
    if (!reported.has(locate('officers', i, 'supervisorCode'))) add('officers', i, 'supervisorCode', message);
  });

  checkAssignmentHistory(rows.assignments, dbAssignments, (i, field, message) => rowErr('assignments', i, field, message), (i) => where('assignments', i));
  checkThresholdRanges(rows.thresholds, dbThresholds, (i, field, message) => rowErr('thresholds', i, field, message), (i) => where('thresholds', i));
}

/** One bound JSON array per lookup: a few tens of kilobytes, under D1's statement limits. */
const LOOKUP_CHUNK = 2000;

/**
 * Rows found for `keys`, looked up LOOKUP_CHUNK keys at a time: `query` gets each chunk as one
 * JSON array text, for `... in (select value from json_each(?))`.
 */
async function lookUpInChunks<T>(keys: string[], query: (list: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) out.push(...(await query(jsonParam(keys.slice(i, i + LOOKUP_CHUNK)))));
  return out;
}

/** Codes of `codes` that exist in `table`. */
async function existingCodes(db: Db, table: SQLiteTable, column: SQLiteColumn, codes: string[]): Promise<Set<string>> {
  const found = await lookUpInChunks(codes, (list) => db.select({ v: column }).from(table).where(sql`${column} in (select value from json_each(${list}))`));
  return new Set(found.map((r) => r.v as string));
}

type StoredAssignment = { taxpayerCode: string; officerCode: string; from: string; to: string | null };

function existingAssignments(db: Db, taxpayerCodes: string[]): Promise<StoredAssignment[]> {
  return lookUpInChunks(taxpayerCodes, (list) =>
    db
      .select({ taxpayerCode: assignments.taxpayerCode, officerCode: assignments.officerCode, from: assignments.from, to: assignments.to })
      .from(assignments)
      .where(sql`${assignments.taxpayerCode} in (select value from json_each(${list}))`),
  );
}

/**
 * Assignment history is never overwritten (docs/import.md): an imported row with the key of a
 * stored one may only close it (give an open assignment its `to`) or repeat it unchanged. Per
 * taxpayer, the stored and imported assignments together must not overlap, and at most one is
 * open. `to` is the last day (the readers query `to_date >= day`); the next assignment may start
 * on that same handover day, but not before it.
 */
function checkAssignmentHistory(
  imported: AssignmentRow[],
  stored: StoredAssignment[],
  fail: (i: number, field: string | null, message: string) => void,
  where: (i: number) => string,
) {
  type Entry = { from: string; to: string | null; officerCode: string; i: number | null };
  const byTaxpayer = new Map<string, Map<string, Entry>>();
  const slot = (tp: string) => {
    let m = byTaxpayer.get(tp);
    if (!m) byTaxpayer.set(tp, (m = new Map()));
    return m;
  };
  for (const s of stored) slot(s.taxpayerCode).set(s.from, { from: s.from, to: s.to, officerCode: s.officerCode, i: null });
  const rejected = new Set<number>();
  imported.forEach((r, i) => {
    const m = slot(r.taxpayerCode);
    const old = m.get(r.from);
    if (old && old.i === null) {
      if (old.officerCode !== r.officerCode) {
        fail(i, 'officerCode', `the assignment of ${r.taxpayerCode} from ${r.from} is recorded with officer ${old.officerCode}; history is never overwritten (close it with "to" and import a new assignment)`);
        rejected.add(i);
        return;
      }
      if (old.to !== null && old.to !== (r.to ?? null)) {
        fail(i, 'to', `the assignment of ${r.taxpayerCode} from ${r.from} was closed on ${old.to}; history is never overwritten`);
        rejected.add(i);
        return;
      }
    }
    // A duplicate key inside the import was reported already; the first row stands.
    if (old && old.i !== null) return;
    m.set(r.from, { from: r.from, to: r.to ?? null, officerCode: r.officerCode, i });
  });
  for (const [tp, m] of byTaxpayer) {
    const list = [...m.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (let k = 1; k < list.length; k++) {
      const prev = list[k - 1]!;
      const cur = list[k]!;
      if (prev.to !== null && prev.to <= cur.from) continue;
      // Blame the imported row (the later one when both are imported).
      const blame = cur.i !== null ? cur : prev;
      const other = blame === cur ? prev : cur;
      if (blame.i === null || rejected.has(blame.i)) continue;
      const otherName = other.i === null ? `the stored assignment from ${other.from} (officer ${other.officerCode})` : `${where(other.i)} (from ${other.from}, officer ${other.officerCode})`;
      if (prev.to === null && cur.to === null) {
        fail(blame.i, 'to', `taxpayer ${tp} would have two open assignments: this one and ${otherName}; close the earlier one with "to" in the same import`);
      } else {
        fail(blame.i, 'from', `overlaps ${otherName} for taxpayer ${tp}`);
      }
    }
  }
}

/**
 * The stored supervisor links reachable upward from `codes` (code -> supervisorCode): one
 * recursive query per few thousand codes, usually one in all (an import names few supervisors
 * outside itself), rather than the whole table or a query per row.
 */
async function storedSupervisors(db: Db, codes: string[]): Promise<Map<string, string>> {
  // UNION, not UNION ALL: a row seen before is dropped, so even a loop already stored ends.
  const found = await lookUpInChunks(codes, (list) =>
    db.all<{ code: string; supervisorCode: string }>(sql`
      with recursive line(code, supervisor_code) as (
        select code, supervisor_code from officers where code in (select value from json_each(${list}))
        union
        select o.code, o.supervisor_code from officers o join line on o.code = line.supervisor_code
      )
      select code, supervisor_code as supervisorCode from line where supervisor_code is not null`),
  );
  return new Map(found.map((r) => [r.code, r.supervisorCode]));
}

/**
 * A reporting line must end at someone who reports to nobody: in a loop (A reports to B and B
 * to A, or longer) nobody is at the top, and the reviewer draw, which walks the line upward to
 * keep an officer's own supervisors off their cases (src/flags/draw.ts), would follow it to its
 * depth limit. An imported row replaces the stored one of its code (the first row of a code
 * stands; a duplicate was reported). Every officer has at most one supervisor, so each walk up
 * ends, joins an earlier walk, or closes a loop: each officer is walked once.
 */
function checkReportingLines(
  imported: { code: string | undefined; supervisorCode: string | undefined }[],
  stored: Map<string, string>,
  fail: (i: number, message: string) => void,
) {
  const rowOf = new Map<string, number>();
  const supervisorOf = new Map(stored);
  imported.forEach((r, i) => {
    if (r.code === undefined || rowOf.has(r.code)) return;
    rowOf.set(r.code, i);
    if (r.supervisorCode === undefined) supervisorOf.delete(r.code);
    else supervisorOf.set(r.code, r.supervisorCode);
  });

  type Loop = { members: string[]; stored: string };
  const onLoop = new Map<string, { loop: Loop; at: number }>();
  const walked = new Set<string>();
  for (const start of rowOf.keys()) {
    const path: string[] = [];
    const step = new Map<string, number>();
    let c: string | undefined = start;
    while (c !== undefined && !walked.has(c) && !step.has(c)) {
      step.set(c, path.length);
      path.push(c);
      c = supervisorOf.get(c);
    }
    for (const p of path) walked.add(p);
    if (c === undefined || !step.has(c)) continue;
    const members = path.slice(step.get(c));
    // The fix may be a stored row: say which links of the loop the import did not bring.
    const fromDb = members.filter((m) => !rowOf.has(m));
    const listed = fromDb.length > 4 ? `${fromDb.slice(0, 4).join(', ')} and ${fromDb.length - 4} more` : fromDb.join(', ');
    const loop = { members, stored: fromDb.length ? ` (the supervisor${fromDb.length === 1 ? '' : 's'} of ${listed} as stored)` : '' };
    members.forEach((m, at) => onLoop.set(m, { loop, at }));
  }

  for (const [code, i] of rowOf) {
    const hit = onLoop.get(code);
    if (!hit) continue;
    const { members, stored: note } = hit.loop;
    const n = members.length;
    // The row schema says this too, but only of a row whose other fields are valid.
    if (n === 1) {
      fail(i, 'an officer cannot be their own supervisor');
      continue;
    }
    const nth = (k: number) => members[(hit.at + k) % n]!;
    // Long loops are shortened: 10,000 rows each naming 10,000 codes would be 100 million characters.
    const names = n <= 6 ? Array.from({ length: n + 1 }, (_, k) => nth(k)) : [nth(0), nth(1), nth(2), nth(3), '…', nth(n - 1), nth(0)];
    fail(i, `reporting line loops: ${names.join(' → ')}${n > 6 ? ` (${n} officers)` : ''}${note}`);
  }
}

type StoredThreshold = { decisionType: string; validFrom: string; validTo: string | null };

function existingThresholds(db: Db, decisionTypes: string[]): Promise<StoredThreshold[]> {
  return lookUpInChunks(decisionTypes, (list) =>
    db
      .select({ decisionType: thresholds.decisionType, validFrom: thresholds.validFrom, validTo: thresholds.validTo })
      .from(thresholds)
      .where(sql`${thresholds.decisionType} in (select value from json_each(${list}))`),
  );
}

/**
 * Per decision type, the stored and imported thresholds together must not overlap: a decision
 * takes the amount in force on its day (`validFrom <= day <= validTo`, src/decisions/record.ts),
 * and two in force would leave the amount to whichever started later, with nobody having said
 * so. `validTo` is the last day in force, so the next range may start the day after it. An
 * imported row replaces the stored one of its key. The later range is reported, or the imported
 * one when the later is stored; each row once.
 */
function checkThresholdRanges(
  imported: ThresholdRow[],
  stored: StoredThreshold[],
  fail: (i: number, field: string, message: string) => void,
  where: (i: number) => string,
) {
  type Entry = { decisionType: string; from: string; to: string | null; i: number | null };
  const byType = new Map<string, Map<string, Entry>>();
  const slot = (type: string) => {
    let m = byType.get(type);
    if (!m) byType.set(type, (m = new Map()));
    return m;
  };
  for (const s of stored) slot(s.decisionType).set(s.validFrom, { decisionType: s.decisionType, from: s.validFrom, to: s.validTo, i: null });
  imported.forEach((r, i) => {
    const m = slot(r.decisionType);
    // A duplicate key inside the import was reported already; the first row stands.
    if (m.get(r.validFrom)?.i != null) return;
    m.set(r.validFrom, { decisionType: r.decisionType, from: r.validFrom, to: r.validTo ?? null, i });
  });
  const span = (e: Entry) => (e.to === null ? 'open-ended' : `to ${e.to}`);
  const name = (e: Entry) =>
    e.i === null ? `the stored ${e.decisionType} threshold from ${e.from} (${span(e)})` : `${where(e.i)} (from ${e.from}${e.to === null ? ', open-ended' : ` to ${e.to}`})`;
  const blamed = new Set<number>();
  for (const m of byType.values()) {
    const list = [...m.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    // Of the ranges so far, the one that ends last: a later range overlaps some earlier one
    // exactly when it overlaps this one (not only the range just before it).
    let reach: Entry | undefined;
    for (const cur of list) {
      if (reach && (reach.to === null || reach.to >= cur.from)) {
        const blame = cur.i !== null ? cur : reach;
        const other = blame === cur ? reach : cur;
        if (blame.i !== null && !blamed.has(blame.i)) {
          blamed.add(blame.i);
          fail(blame.i, blame === cur ? 'validFrom' : 'validTo', `overlaps ${name(other)}; one ${cur.decisionType} threshold is in force per day, so end the earlier one (validTo) before the later one starts, in the same import if both are new`);
        }
      }
      if (!reach || (reach.to !== null && (cur.to === null || cur.to > reach.to))) reach = cur;
    }
  }
}
