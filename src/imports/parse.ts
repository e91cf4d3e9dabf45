/**
 * Stage 1 of an import: from the request body to validated rows. Decodes strict UTF-8, turns a
 * CSV into rows of its kind, checks every row against its kind's schema and finds rows whose
 * key appears twice in the same import. Every problem is collected, none thrown early, so one
 * answer names every bad field.
 */
import type { z } from '@hono/zod-openapi';
import { badRequest, type FieldError } from '../core/errors.js';
import { badText } from '../core/text.js';
import { parseCsv } from './csv.js';
import { importKinds, isKind, rowSchemas, type ImportKind, type Problems, type Rows } from './rows.js';

/** Validated rows by kind, each with its position in the input (errors found later name it). */
export interface ParsedImport {
  body: Record<string, unknown>;
  rows: Rows;
  at: Record<ImportKind, number[]>;
  /** The kinds the input has an array for, in write order. */
  present: ImportKind[];
}

/**
 * Strict UTF-8: a spreadsheet saved in a legacy encoding (GBK is Excel's default for "CSV" on a
 * Chinese system) would otherwise import as garbled names without any error.
 */
export function decodeUtf8(bytes: Uint8Array | ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw badRequest('The body is not valid UTF-8. Save the file as "CSV UTF-8" (Excel) or UTF-8 text and send it again.', [
      { path: '(body)', message: 'not valid UTF-8' },
    ]).say('import_not_utf8');
  }
}

const numericFields = new Set(['count', 'raw', 'max', 'amount']);
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function csvRows(kind: ImportKind, text: string) {
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

/** Checks the shape of the body and every row against its schema; finds duplicate row keys. */
export function parseRows(raw: unknown, problems: Problems): ParsedImport {
  const { errors, locate, add } = problems;
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
      // A row that parses must also hold only well-formed, single-line text (core/text.ts): a
      // lone surrogate would be written as bytes that are not UTF-8 (ADR 0056).
      const bad = r.success ? badText(schema, r.data) : [];
      if (r.success && bad.length === 0) {
        (rows[kind] as unknown[]).push(r.data);
        at[kind].push(i);
      } else if (r.success) {
        for (const issue of bad) add(kind, i, issue.path.map(String).join('.') || null, issue.message);
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
    throw badRequest('The import contains no rows.', [{ path: '(body)', message: `expected rows in any of ${importKinds.join(', ')}` }]).say('import_empty');
  }

  const rowErr = rowProblem({ body, rows, at, present }, problems);
  const where = rowPlace({ body, rows, at, present }, problems);

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
  return { body, rows, at, present };
}

/** Reports a problem on the `i`-th valid row of a kind, at that row's place in the input. */
export function rowProblem(parsed: ParsedImport, problems: Problems) {
  return (kind: ImportKind, i: number, field: string | null, message: string) => problems.add(kind, parsed.at[kind][i]!, field, message);
}

/** Names the `i`-th valid row of a kind as the input does (`units[3]`, `line 12`). */
export function rowPlace(parsed: ParsedImport, problems: Problems) {
  return (kind: ImportKind, i: number) => problems.locate(kind, parsed.at[kind][i]!, null);
}
