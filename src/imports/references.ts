/**
 * Bulk import of master data and grading inputs (`POST /api/v1/import`, docs/import.md).
 *
 * All-or-nothing: every row is checked first (fields, dates, references to the database or to
 * the same import, duplicates, assignment history), every bad row is reported, and only a clean
 * import is written, in one `commit()` batch together with one audit entry per kind.
 *
 * Fast enough for 100,000 rows: references are resolved with a few set-based queries
 * (`json_each` over a JSON array of codes), never one SELECT per row, and writes are
 * `INSERT ... SELECT ... FROM json_each(?) ON CONFLICT DO UPDATE` statements whose rows travel
 * as one JSON parameter (under D1's 100-parameter and 1 MB-per-value limits; see upserts).
 */
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from '@hono/zod-openapi';
import {
  assessments,
  assignments,
  officers,
  periods,
  taxpayerCategories,
  taxpayers,
  thresholds,
  units,
  workload,
} from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../core/context.js';
import { badRequest, type FieldError } from '../core/errors.js';
import { newId, sha256Hex } from '../core/ids.js';
import { isValidDate, parsePeriod, periodPattern } from '../core/period.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { requireRole } from '../auth/tokens.js';
import { assessmentCategories, workloadKinds } from '../../scoring/policy.js';
import { parseCsv } from './csv.js';

// ---------------------------------------------------------------------------------------------
// Row schemas (exported: the demo generator, benchmarks and the OpenAPI document use them)

const required = (what: string) => (iss: { input: unknown }) =>
  iss.input === undefined || iss.input === null ? 'required' : `expected ${what}`;

const text = (max = 200) => z.string({ error: required('text') }).trim().min(1, 'required').max(max, `at most ${max} characters`);
const code = () => text(64);
const date = () =>
  z.string({ error: required('a date YYYY-MM-DD') }).refine(isValidDate, 'expected a real date YYYY-MM-DD');
const num = () => z.number({ error: required('a number') }).finite('expected a finite number');
const period = () =>
  z.string({ error: required('a period YYYYQn') }).regex(periodPattern, 'expected a period YYYYQn, e.g. 2026Q3');

export const unitRow = z.strictObject({ code: code(), name: text(), peerGroup: text(64) }).openapi('ImportUnit');

export const officerRow = z
  .strictObject({
    code: code(),
    name: text(),
    unitCode: code(),
    team: text(64),
    hireDate: date(),
    positionStartDate: date(),
    leaveDate: date().optional(),
    supervisorCode: code().optional(),
  })
  .superRefine((o, ctx) => {
    // Only real dates compare (a bad one is reported by its own field).
    if (!isValidDate(o.hireDate)) return;
    // Tenure counts time in the position at this bureau, which cannot start before the hire.
    if (isValidDate(o.positionStartDate) && o.positionStartDate < o.hireDate) {
      ctx.addIssue({ code: 'custom', path: ['positionStartDate'], message: `must be on or after hireDate (${o.hireDate})` });
    }
    if (o.leaveDate !== undefined && isValidDate(o.leaveDate) && o.leaveDate < o.hireDate) {
      ctx.addIssue({ code: 'custom', path: ['leaveDate'], message: `must be on or after hireDate (${o.hireDate})` });
    }
    if (o.supervisorCode !== undefined && o.supervisorCode === o.code) {
      ctx.addIssue({ code: 'custom', path: ['supervisorCode'], message: 'an officer cannot be their own supervisor' });
    }
  })
  .openapi('ImportOfficer');

export const taxpayerRow = z
  .strictObject({
    code: code(),
    name: text(),
    category: z.enum(taxpayerCategories, { error: `expected one of ${taxpayerCategories.join(', ')}` }),
  })
  .openapi('ImportTaxpayer');

export const assignmentRow = z
  .strictObject({ taxpayerCode: code(), officerCode: code(), from: date(), to: date().optional() })
  .superRefine((a, ctx) => {
    if (a.to !== undefined && isValidDate(a.to) && isValidDate(a.from) && a.to <= a.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${a.from})` });
    }
  })
  .openapi('ImportAssignment');

const known = (what: string, list: () => string[]) =>
  z.string({ error: required(what) }).superRefine((v, ctx) => {
    const names = list();
    if (!names.includes(v)) ctx.addIssue({ code: 'custom', message: `unknown ${what} "${v}"; the policy knows ${names.join(', ')}` });
  });

export const workloadRow = z
  .strictObject({
    officerCode: code(),
    period: period(),
    kind: known('workload kind', workloadKinds),
    count: num().nonnegative('must be 0 or more'),
  })
  .openapi('ImportWorkload');

export const assessmentRow = z
  .strictObject({
    officerCode: code(),
    category: known('assessment category', assessmentCategories),
    raw: num().nonnegative('must be 0 or more'),
    max: num().positive('must be more than 0'),
    takenOn: date(),
  })
  .superRefine((a, ctx) => {
    if (Number.isFinite(a.raw) && Number.isFinite(a.max) && a.raw > a.max) ctx.addIssue({ code: 'custom', path: ['raw'], message: `must not exceed max (${a.max})` });
  })
  .openapi('ImportAssessment');

export const thresholdRow = z
  .strictObject({
    decisionType: code(),
    amount: num().positive('must be more than 0'),
    validFrom: date(),
    validTo: date().optional(),
  })
  .superRefine((t, ctx) => {
    // validTo is the last day in force (decisions look thresholds up with validTo >= date).
    if (t.validTo !== undefined && isValidDate(t.validTo) && isValidDate(t.validFrom) && t.validTo < t.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: `must be on or after validFrom (${t.validFrom})` });
    }
  })
  .openapi('ImportThreshold');

export const rowSchemas = {
  units: unitRow,
  officers: officerRow,
  taxpayers: taxpayerRow,
  assignments: assignmentRow,
  workload: workloadRow,
  assessments: assessmentRow,
  thresholds: thresholdRow,
} as const;

export type ImportKind = keyof typeof rowSchemas;
/** In write order: referenced rows before the rows that reference them. */
export const importKinds = ['units', 'officers', 'taxpayers', 'assignments', 'workload', 'assessments', 'thresholds'] as const satisfies readonly ImportKind[];

export const importInput = z
  .strictObject({
    units: z.array(unitRow).optional(),
    officers: z.array(officerRow).optional(),
    taxpayers: z.array(taxpayerRow).optional(),
    assignments: z.array(assignmentRow).optional(),
    workload: z.array(workloadRow).optional(),
    assessments: z.array(assessmentRow).optional(),
    thresholds: z.array(thresholdRow).optional(),
  })
  .openapi('ImportInput');

export type ImportInput = z.input<typeof importInput>;
export type UnitRow = z.output<typeof unitRow>;
export type OfficerRow = z.output<typeof officerRow>;
export type TaxpayerRow = z.output<typeof taxpayerRow>;
export type AssignmentRow = z.output<typeof assignmentRow>;
export type WorkloadRow = z.output<typeof workloadRow>;
export type AssessmentRow = z.output<typeof assessmentRow>;
export type ThresholdRow = z.output<typeof thresholdRow>;

interface Rows {
  units: UnitRow[];
  officers: OfficerRow[];
  taxpayers: TaxpayerRow[];
  assignments: AssignmentRow[];
  workload: WorkloadRow[];
  assessments: AssessmentRow[];
  thresholds: ThresholdRow[];
}

export const importResult = z
  .object({
    importId: z.string(),
    imported: z.record(z.string(), z.number().int()),
  })
  .openapi('ImportResult');

export type ImportResult = z.infer<typeof importResult>;

export interface ImportOptions {
  /**
   * Most bound parameters in one statement. Default 100 (Cloudflare D1's limit); a libsql-only
   * caller such as a benchmark may raise it (SQLite allows 32,766) for fewer, larger statements.
   */
  maxParams?: number;
  /**
   * Most characters of the one JSON parameter that carries a statement's rows. Default
   * {@link MAX_JSON_CHARS}; tests lower it to see rows split over many statements.
   */
  maxJsonChars?: number;
}

/**
 * 300,000 UTF-16 units are at most 900,000 bytes of UTF-8 (3 bytes per unit at worst, names in
 * Chinese), under D1's 1,000,000-byte limit for one string; libsql has no practical limit.
 */
export const MAX_JSON_CHARS = 300_000;

/** Rows whose audit entry carries the rows themselves; bigger imports carry the digest only. */
export const AUDIT_INLINE_ROWS = 1000;
/** At most this many row errors go into one response (the detail says how many there were). */
export const MAX_REPORTED_ERRORS = 10_000;

// ---------------------------------------------------------------------------------------------
// Verbs

/** Where a bad row is: JSON paths (`officers[3].hireDate`) or CSV lines (`line 12: hireDate`). */
type Locate = (kind: string, index: number | null, field: string | null) => string;

const jsonLocate: Locate = (kind, index, field) =>
  `${kind}${index === null ? '' : `[${index}]`}${field ? `.${field}` : ''}`;

/**
 * Imports any of the kinds in one all-or-nothing batch (role hr). Rows upsert by their key:
 * units, officers, taxpayers by code; assignments by (taxpayerCode, from); workload by
 * (officerCode, period, kind); assessments by (officerCode, category, takenOn); thresholds by
 * (decisionType, validFrom). An upsert replaces the whole row: an absent optional field is
 * stored as null. Throws 400 naming every bad row; nothing is written then.
 */
export async function importData({ ctx, input, options }: { ctx: Ctx; input: ImportInput; options?: ImportOptions }): Promise<ImportResult> {
  requireRole(ctx.actor, 'hr');
  return runImport(ctx, input as unknown, jsonLocate, 'json', options);
}

/**
 * Imports one kind from CSV text (role hr): a header row with the field names of that kind,
 * then one record per row; empty cells are absent fields. Errors name physical lines.
 */
export async function importCsv({ ctx, kind, text, options }: { ctx: Ctx; kind: string; text: string; options?: ImportOptions }): Promise<ImportResult> {
  requireRole(ctx.actor, 'hr');
  if (!isKind(kind)) {
    throw badRequest(`Unknown import kind "${kind}".`, [{ path: 'kind', message: `expected one of ${importKinds.join(', ')}` }]);
  }
  const { rows, lines, headerErrors, recordErrors } = csvRows(kind, text);
  // A bad header makes every row look bad: report the header alone.
  if (headerErrors.length) throw importErrors(headerErrors, headerErrors.length);
  const locate: Locate = (_kind, index, field) =>
    index === null ? (field ? `line 1: ${field}` : 'line 1') : `line ${lines[index]}${field ? `: ${field}` : ''}`;
  return runImport(ctx, { [kind]: rows }, locate, 'csv', options, recordErrors);
}

/**
 * The route's entry: a raw request body, JSON or CSV by content type. The role is checked
 * before the body is read, so a caller without the role learns nothing from parse errors.
 */
export async function importBody({
  ctx,
  contentType,
  kind,
  body,
}: {
  ctx: Ctx;
  contentType: string;
  kind?: string;
  body: string | Uint8Array | ArrayBuffer;
}): Promise<ImportResult> {
  requireRole(ctx.actor, 'hr');
  const [typePart, ...params] = contentType.split(';');
  const type = typePart!.trim().toLowerCase();
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1]?.toLowerCase()).find(Boolean);
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw badRequest(`Imports are UTF-8; this body says charset=${charset}.`, [{ path: 'content-type', message: 'expected charset=utf-8 (or none)' }]);
  }
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (type === 'text/csv') {
    if (!kind) throw badRequest('A CSV import names its kind with ?kind=.', [{ path: 'kind', message: `required; one of ${importKinds.join(', ')}` }]);
    return importCsv({ ctx, kind, text });
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    let input: unknown;
    try {
      input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`);
    }
    return importData({ ctx, input: input as ImportInput });
  }
  throw badRequest(`Unsupported content type "${type || '(none)'}"; send application/json or text/csv with ?kind=.`, [
    { path: 'content-type', message: 'expected application/json or text/csv' },
  ]);
}

/**
 * Strict UTF-8: a spreadsheet saved in a legacy encoding (GBK is Excel's default for "CSV" on a
 * Chinese system) would otherwise import as garbled names without any error.
 */
function decodeUtf8(bytes: Uint8Array | ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw badRequest('The body is not valid UTF-8. Save the file as "CSV UTF-8" (Excel) or UTF-8 text and send it again.', [
      { path: '(body)', message: 'not valid UTF-8' },
    ]);
  }
}

function isKind(kind: string): kind is ImportKind {
  return (importKinds as readonly string[]).includes(kind);
}

function importErrors(errors: FieldError[], total: number) {
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  const more = total > shown.length ? ` (the first ${shown.length} are listed)` : '';
  return badRequest(`The import has ${total} problem${total === 1 ? '' : 's'}${more}; nothing was written.`, shown);
}

// ---------------------------------------------------------------------------------------------
// CSV -> rows

const numericFields = new Set(['count', 'raw', 'max', 'amount']);
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function csvRows(kind: ImportKind, text: string) {
  const { records, errors: parseErrors } = parseCsv(text);
  const recordErrors: FieldError[] = parseErrors.map((e) => ({ path: `line ${e.line}`, message: e.message }));
  const errors: FieldError[] = [];
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  const header = records[0];
  if (!header) return { rows, lines, recordErrors, headerErrors: [{ path: 'line 1', message: 'the CSV is empty; expected a header row' }] };
  const shape = rowSchemas[kind].shape as Record<string, z.ZodType>;
  const fields = Object.keys(shape);
  const columns = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  for (const col of columns) {
    if (!fields.includes(col)) errors.push({ path: `line ${header.line}: ${col || '(empty)'}`, message: `unknown column for ${kind}; expected ${fields.join(', ')}` });
    else if (seen.has(col)) errors.push({ path: `line ${header.line}: ${col}`, message: 'column appears twice' });
    seen.add(col);
  }
  for (const f of fields) {
    if (!seen.has(f) && !shape[f]!.safeParse(undefined).success) {
      errors.push({ path: `line ${header.line}: ${f}`, message: 'required column is missing' });
    }
  }
  for (const rec of records.slice(1)) {
    if (rec.cells.length !== columns.length) {
      recordErrors.push({ path: `line ${rec.line}`, message: `has ${rec.cells.length} cells; the header has ${columns.length}` });
      continue;
    }
    const row: Record<string, unknown> = {};
    rec.cells.forEach((cell, i) => {
      if (cell.trim() === '') return; // empty cell = absent field
      const col = columns[i]!;
      row[col] = numericFields.has(col) && numberPattern.test(cell.trim()) ? Number(cell.trim()) : cell;
    });
    rows.push(row);
    lines.push(rec.line);
  }
  return { rows, lines, recordErrors, headerErrors: errors };
}

// ---------------------------------------------------------------------------------------------
// Validation

async function runImport(
  ctx: Ctx,
  raw: unknown,
  locate: Locate,
  source: 'json' | 'csv',
  options?: ImportOptions,
  earlier: FieldError[] = [],
): Promise<ImportResult> {
  const errors: FieldError[] = [...earlier];
  const add = (kind: string, index: number | null, field: string | null, message: string) =>
    errors.push({ path: locate(kind, index, field), message });

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('An import is a JSON object with arrays of rows.', [
      { path: '(body)', message: `expected an object with any of ${importKinds.join(', ')}` },
    ]);
  }
  const body = raw as Record<string, unknown>;
  const rows: Rows = { units: [], officers: [], taxpayers: [], assignments: [], workload: [], assessments: [], thresholds: [] };
  // Parsed rows keep their position in the input so that errors found later still name it.
  const at: Record<ImportKind, number[]> = { units: [], officers: [], taxpayers: [], assignments: [], workload: [], assessments: [], thresholds: [] };
  const present: ImportKind[] = [];

  for (const key of Object.keys(body)) {
    if (!isKind(key)) add(key, null, null, `unknown kind; expected any of ${importKinds.join(', ')}`);
  }
  for (const kind of importKinds) {
    const list = body[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      add(kind, null, null, 'expected an array of rows');
      continue;
    }
    present.push(kind);
    const schema = rowSchemas[kind];
    for (let i = 0; i < list.length; i++) {
      const r = schema.safeParse(list[i]);
      if (r.success) {
        (rows[kind] as unknown[]).push(r.data);
        at[kind].push(i);
      } else {
        for (const issue of r.error.issues) {
          const field = issue.path.length ? issue.path.map(String).join('.') : null;
          add(kind, i, field, issue.message);
        }
      }
    }
  }
  const total = importKinds.reduce((n, k) => n + (Array.isArray(body[k]) ? (body[k] as unknown[]).length : 0), 0);
  if (errors.length === 0 && total === 0) {
    // (A CSV with a header and no records lands here too.)
    throw badRequest('The import contains no rows.', [{ path: '(body)', message: `expected rows in any of ${importKinds.join(', ')}` }]);
  }

  const rowErr = (kind: ImportKind, i: number, field: string | null, message: string) => add(kind, at[kind][i]!, field, message);
  const where = (kind: ImportKind, i: number) => locate(kind, at[kind][i]!, null);

  // Duplicates inside the import: the later row is the bad one.
  const keyOf: { [K in ImportKind]: (r: Rows[K][number]) => string } = {
    units: (r) => r.code,
    officers: (r) => r.code,
    taxpayers: (r) => r.code,
    assignments: (r) => `${r.taxpayerCode}\u0000${r.from}`,
    workload: (r) => `${r.officerCode}\u0000${r.period}\u0000${r.kind}`,
    assessments: (r) => `${r.officerCode}\u0000${r.category}\u0000${r.takenOn}`,
    thresholds: (r) => `${r.decisionType}\u0000${r.validFrom}`,
  };
  const keyFields: Record<ImportKind, string> = {
    units: 'code',
    officers: 'code',
    taxpayers: 'code',
    assignments: 'from',
    workload: 'kind',
    assessments: 'takenOn',
    thresholds: 'validFrom',
  };
  for (const kind of importKinds) {
    const first = new Map<string, number>();
    const list = rows[kind] as Rows[ImportKind][number][];
    list.forEach((r, i) => {
      const k = (keyOf[kind] as (r: unknown) => string)(r);
      const j = first.get(k);
      if (j === undefined) first.set(k, i);
      else rowErr(kind, i, keyFields[kind], `duplicate of ${where(kind, j)} (the same row key twice in one import)`);
    });
  }

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
    existingCodes(ctx.db, units, units.code, [...wanted.unit]),
    existingCodes(ctx.db, officers, officers.code, [...wanted.officer]),
    existingCodes(ctx.db, taxpayers, taxpayers.code, [...wanted.taxpayer]),
    existingAssignments(ctx.db, [...new Set(rows.assignments.map((r) => r.taxpayerCode))]),
    storedSupervisors(ctx.db, [...supervisorsOutside]),
    existingThresholds(ctx.db, [...new Set(rows.thresholds.map((r) => r.decisionType))]),
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

  if (errors.length) {
    // In file order: CSV by line, JSON by kind and row (stable, so fields keep their order).
    if (source === 'csv') {
      const lineOf = (e: FieldError) => Number(/^line (\d+)/.exec(e.path)?.[1] ?? 0);
      errors.sort((a, b) => lineOf(a) - lineOf(b));
    } else {
      const keyOf = (e: FieldError) => {
        const m = /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(e.path);
        return [importKinds.indexOf(m?.[1] as ImportKind), Number(m?.[2] ?? -1)] as const;
      };
      errors.sort((a, b) => {
        const [ka, ia] = keyOf(a);
        const [kb, ib] = keyOf(b);
        return ka - kb || ia - ib;
      });
    }
    throw importErrors(errors, errors.length);
  }
  return write(ctx, rows, present, source, options?.maxParams ?? 100, options?.maxJsonChars ?? MAX_JSON_CHARS);
}

/** One bound JSON array per lookup: a few tens of kilobytes, under D1's statement limits. */
const LOOKUP_CHUNK = 2000;

/**
 * Rows found for `keys`, looked up LOOKUP_CHUNK keys at a time: `query` gets each chunk as one
 * JSON array text, for `... in (select value from json_each(?))`.
 */
async function lookUpInChunks<T>(keys: string[], query: (list: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) out.push(...(await query(JSON.stringify(keys.slice(i, i + LOOKUP_CHUNK)))));
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

// ---------------------------------------------------------------------------------------------
// Writing

async function write(ctx: Ctx, rows: Rows, present: ImportKind[], source: 'json' | 'csv', maxParams: number, maxJsonChars: number): Promise<ImportResult> {
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
    events.push({
      action: `import.${kind}`,
      entity: 'import',
      entityId: importId,
      payload: {
        kind,
        source,
        count: list.length,
        digest: await sha256Hex(canonicalRows(list as Record<string, unknown>[], Object.keys(rowSchemas[kind].shape))),
        ...(kind === 'workload' ? { periods: periodCodes } : {}),
        ...(list.length <= AUDIT_INLINE_ROWS ? { rows: list } : {}),
      },
    });
  }
  await commit(ctx, writes, events);
  return { importId, imported };
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
      out.push(db.run(statement(`[${parts.join(',')}]`)) as unknown as Write);
      parts = [];
      size = 2;
    }
    parts.push(one);
    size += one.length + 1;
  }
  if (parts.length) out.push(db.run(statement(`[${parts.join(',')}]`)) as unknown as Write);
  return out;
}
