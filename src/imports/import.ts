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
import { sql } from 'drizzle-orm';
import { actingOfficer, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { csvRows, decodeUtf8, parseRows, type ParsedImport } from './parse.js';
import { checkReferences } from './references.js';
import { writeImport } from './write.js';
import {
  MAX_JSON_CHARS,
  importErrors,
  importKinds,
  isKind,
  jsonLocate,
  problems as collect,
  type ImportInput,
  type ImportKind,
  type ImportOptions,
  type ImportResult,
  type Locate,
  type Problems,
} from './rows.js';
import { jsonParam } from '../../db/json-param.js';

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
    throw badRequest(`Unknown import kind "${kind}".`, [{ path: 'kind', message: `expected one of ${importKinds.join(', ')}` }]).say('import_kind');
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
    throw badRequest(`Imports are UTF-8; this body says charset=${charset}.`, [{ path: 'content-type', message: 'expected charset=utf-8 (or none)' }]).say('import_not_utf8');
  }
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (type === 'text/csv') {
    if (!kind) throw badRequest('A CSV import names its kind with ?kind=.', [{ path: 'kind', message: `required; one of ${importKinds.join(', ')}` }]).say('import_kind');
    return importCsv({ ctx, kind, text });
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    let input: unknown;
    try {
      input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      throw badRequest(`The request body is not valid JSON: ${(err as Error).message}`).say('import_bad_json');
    }
    return importData({ ctx, input: input as ImportInput });
  }
  throw badRequest(`Unsupported content type "${type || '(none)'}"; send application/json or text/csv with ?kind=.`, [
    { path: 'content-type', message: 'expected application/json or text/csv' },
  ]).say('import_type');
}

/** The three stages in order: parse, check references and history, write (only when clean). */
async function runImport(
  ctx: Ctx,
  raw: unknown,
  locate: Locate,
  source: 'json' | 'csv',
  options?: ImportOptions,
  earlier: FieldError[] = [],
): Promise<ImportResult> {
  const problems = collect(locate, earlier);
  const parsed = parseRows(raw, problems);
  refuseOwnRows(ctx, parsed, locate);
  await checkReferences(ctx.db, parsed, problems);
  await refuseErased(ctx, parsed, problems);
  const { errors } = problems;
  if (errors.length) throw importErrors(inFileOrder(errors, source), errors.length);
  return writeImport(ctx, parsed.rows, parsed.present, source, options?.maxParams ?? 100, options?.maxJsonChars ?? MAX_JSON_CHARS);
}

/** The officer each kind's rows are about, where a kind is about one. */
const subjectField = { officers: 'code', workload: 'officerCode', assessments: 'officerCode', assignments: 'officerCode' } as const;

/**
 * Nobody acts on their own case (DESIGN 1): an HR user linked to an officer record is that
 * officer, and that officer's record (tenure), workload, test results and taxpayers are the inputs
 * of their own grade. Rows about the importing user are refused with 403 \`own_case\`, each named;
 * nothing is written, and another HR user imports them.
 */
function refuseOwnRows(ctx: Ctx, parsed: ParsedImport, locate: Locate) {
  const me = actingOfficer(ctx.actor);
  if (!me) return;
  const own: FieldError[] = [];
  for (const [kind, field] of Object.entries(subjectField) as [keyof typeof subjectField, string][]) {
    (parsed.rows[kind] as Record<string, unknown>[]).forEach((row, i) => {
      if (row[field] === me) own.push({ path: locate(kind, parsed.at[kind][i]!, field), message: 'about yourself; another HR user imports it' });
    });
  }
  if (own.length) {
    throw new ApiError(403, 'own_case', `Nobody acts on their own case: ${own.length} row(s) of this import are about you (${me}); another HR user imports them.`, own).say('own_case_import', { n: own.length });
  }
}

/**
 * A taxpayer erased on their request (src/retention/erase-taxpayer.ts) is never brought back by an
 * import: a row for that code is a problem of the import, naming the row.
 */
async function refuseErased(ctx: Ctx, parsed: ParsedImport, problems: Problems) {
  if (!parsed.rows.taxpayers.length) return;
  const codes = jsonParam(parsed.rows.taxpayers.map((r) => r.code));
  const erased = await ctx.db.all<{ code: string; erased_at: string }>(
    sql`select code, erased_at from taxpayers where erased_at is not null and code in (select value from json_each(${codes}))`,
  );
  if (!erased.length) return;
  const when = new Map(erased.map((e) => [e.code, e.erased_at]));
  parsed.rows.taxpayers.forEach((r, i) => {
    const at = when.get(r.code);
    if (at) problems.add('taxpayers', parsed.at.taxpayers[i]!, 'code', `erased on the taxpayer's request on ${at.slice(0, 10)}; not imported again`);
  });
}

/** The problems in file order: CSV by line, JSON by kind and row (stable, so fields keep their order). */
function inFileOrder(errors: FieldError[], source: 'json' | 'csv'): FieldError[] {
  if (source === 'csv') {
    const lineOf = (e: FieldError) => Number(/^line (\d+)/.exec(e.path)?.[1] ?? 0);
    return errors.sort((a, b) => lineOf(a) - lineOf(b));
  }
  const keyOf = (e: FieldError) => {
    const m = /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(e.path);
    return [importKinds.indexOf(m?.[1] as ImportKind), Number(m?.[2] ?? -1)] as const;
  };
  return errors.sort((a, b) => {
    const [ka, ia] = keyOf(a);
    const [kb, ib] = keyOf(b);
    return ka - kb || ia - ib;
  });
}
