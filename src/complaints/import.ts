/**
 * Importing a 12366 hotline export: a CSV of tickets, each a complaint of channel
 * `hotline_12366`. All or nothing (as every import, ADR 0005): every row is checked first and
 * every problem is answered at once, `line N: column`; only a clean file is written, in one batch
 * through the one complaint write path (planComplaints). Each row's receipt is answered once, so
 * the hotline can pass it on with its callback.
 */
import { z } from '@hono/zod-openapi';
import { isOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { decodeUtf8 } from '../imports/parse.js';
import { parseCsv } from '../imports/csv.js';
import { checkReceivedAt, checkReferences, commitComplaints, complaintTextField, loadReferences, planComplaints, receivedAtField, refuseKnownSourceRefs, type ComplaintDraft } from './file.js';
import { complaintCategories, IMPORT_MAX_ROWS, type ComplaintCategory } from './policy.js';
import { complaintMessages } from './messages.js';

/** The columns of the export: our names, and the hotline system's Chinese headers for them. */
export const importColumns = {
  ticket: ['ticket', '工单号'],
  receivedAt: ['receivedAt', '受理时间'],
  category: ['category', '类别'],
  text: ['text', '投诉内容'],
  officerCode: ['officerCode', '被投诉人工号'],
  unitCode: ['unitCode', '单位代码'],
  taxpayerCode: ['taxpayerCode', '纳税人识别号'],
} as const;
type Column = keyof typeof importColumns;
const required: Column[] = ['ticket', 'receivedAt', 'category', 'text'];

/** A category as the code or as its name in either language (the hotline exports names). */
function categoryOf(cell: string): ComplaintCategory | null {
  const v = cell.trim().toLowerCase();
  for (const c of complaintCategories) {
    const names = complaintMessages[`category.${c}`];
    if (v === c || v === names['zh-CN'].toLowerCase() || v === names.en.toLowerCase()) return c;
  }
  return null;
}

const cellSchemas = {
  ticket: z.string().trim().min(1, 'required').max(100),
  receivedAt: receivedAtField,
  text: complaintTextField,
  code: z.string().trim().max(64),
};

export const importOutput = z
  .object({
    imported: z.number().int(),
    items: z.array(z.object({ line: z.number().int(), ticket: z.string(), id: z.string(), receipt: z.string(), trackingUrl: z.string() })),
  })
  .openapi('ComplaintImport');

/** Intake or HR imports a hotline export (CSV bytes, UTF-8 with or without BOM). */
export async function importComplaints({ ctx, input }: { ctx: Ctx; input: { csv: Uint8Array | ArrayBuffer | string } }) {
  requireRole(ctx.actor, 'intake', 'hr');
  const text = typeof input.csv === 'string' ? input.csv : decodeUtf8(input.csv);
  const { records, errors: parseErrors } = parseCsv(text);
  const errors: FieldError[] = parseErrors.map((e) => ({ path: `line ${e.line}`, message: e.message }));
  const header = records[0];
  if (!header) throw badRequest('The file is empty.', [{ path: 'line 1', message: 'expected a header row' }]);
  const at = new Map<Column, number>();
  header.cells.forEach((cell, i) => {
    const name = cell.trim();
    const col = (Object.keys(importColumns) as Column[]).find((k) => (importColumns[k] as readonly string[]).includes(name));
    if (!col) errors.push({ path: `line ${header.line}: ${name || '(empty)'}`, message: `unknown column; expected ${Object.values(importColumns).map((n) => n.join(' / ')).join(', ')}` });
    else if (at.has(col)) errors.push({ path: `line ${header.line}: ${name}`, message: 'column appears twice' });
    else at.set(col, i);
  });
  for (const col of required) if (!at.has(col)) errors.push({ path: `line ${header.line}: ${col}`, message: 'required column is missing' });
  if (errors.length) throw badRequest('The file cannot be read as a hotline export.', errors).say('complaint_import');
  const rows = records.slice(1);
  if (rows.length === 0) throw badRequest('The file has no tickets.', [{ path: 'line 2', message: 'no rows after the header' }]);
  if (rows.length > IMPORT_MAX_ROWS) throw badRequest(`At most ${IMPORT_MAX_ROWS} tickets per import.`, [{ path: '(body)', message: `${rows.length} rows` }]);

  // Every cell first, then the references of all rows in a few queries, then the drafts.
  const cells: { line: number; ticket?: string; receivedAt?: string; text?: string; category: ComplaintCategory | null; refs: { officerCode?: string; unitCode?: string; taxpayerCode?: string } }[] = [];
  const tickets = new Map<string, number>();
  const own: FieldError[] = [];
  for (const rec of rows) {
    const path = (col: string) => `line ${rec.line}: ${col}`;
    const cell = (col: Column) => (at.has(col) ? (rec.cells[at.get(col)!] ?? '') : '');
    const take = <T>(col: Column, schema: z.ZodType<T>): T | undefined => {
      const r = schema.safeParse(cell(col));
      if (r.success) return r.data;
      errors.push({ path: path(col), message: r.error.issues[0]!.message });
      return undefined;
    };
    const ticket = take('ticket', cellSchemas.ticket);
    const receivedAt = take('receivedAt', cellSchemas.receivedAt);
    const complaintText = take('text', cellSchemas.text);
    const category = categoryOf(cell('category'));
    if (!category) errors.push({ path: path('category'), message: `one of ${complaintCategories.join(', ')} (or its name)` });
    const optional = (col: Column) => take(col, cellSchemas.code) || undefined;
    const refs = { officerCode: optional('officerCode'), unitCode: optional('unitCode'), taxpayerCode: optional('taxpayerCode') };
    if (ticket !== undefined) {
      if (tickets.has(ticket)) errors.push({ path: path('ticket'), message: `${ticket} also on line ${tickets.get(ticket)}` });
      else tickets.set(ticket, rec.line);
    }
    if (receivedAt) {
      const future = checkReceivedAt(ctx, receivedAt, path('receivedAt'));
      if (future) errors.push(future);
    }
    if (isOwnCase(ctx.actor, refs.officerCode)) own.push({ path: path('officerCode'), message: 'nobody enters a complaint about themselves' });
    cells.push({ line: rec.line, ticket, receivedAt, text: complaintText, category, refs });
  }
  // Nobody enters a complaint about themselves (DESIGN 1), in a file as one at a time (fileComplaint):
  // 403 `own_case` naming each such line, as the workload import does; nothing is written.
  if (own.length) {
    throw new ApiError(403, 'own_case', `Nobody acts on their own case: ${own.length} line(s) of this file are complaints about you; another user imports them.`, own);
  }
  const known = await loadReferences(ctx, cells.map((c) => c.refs));
  const drafts: { line: number; ticket: string; draft: ComplaintDraft & { unitCode: string | null; sourceRef: string } }[] = [];
  for (const c of cells) {
    const resolved = checkReferences(known, c.refs, (col) => `line ${c.line}: ${col}`);
    errors.push(...resolved.errors);
    if (c.ticket && c.receivedAt && c.text && c.category && !resolved.errors.length) {
      drafts.push({ line: c.line, ticket: c.ticket, draft: { channel: 'hotline_12366', category: c.category, text: c.text, receivedAt: c.receivedAt, sourceRef: `12366:${c.ticket}`, ...c.refs, unitCode: resolved.unitCode } });
    }
  }
  // In file order, so HR works down the file once (a stable sort keeps each line's columns in order).
  const lineOf = (e: FieldError) => Number(/^line (\d+)/.exec(e.path)?.[1] ?? 0);
  if (errors.length) throw badRequest('Nothing was imported: the file has errors.', errors.sort((a, b) => lineOf(a) - lineOf(b))).say('complaint_import');
  await refuseKnownSourceRefs(ctx, drafts.map((d) => d.draft.sourceRef), (ref) => `line ${tickets.get(ref.slice('12366:'.length))}: ticket`);
  const plans = await planComplaints(ctx, drafts.map((d) => d.draft));
  await commitComplaints(ctx, plans.flatMap((p) => p.writes), plans.flatMap((p) => p.events));
  return {
    imported: plans.length,
    items: plans.map((p, i) => ({ line: drafts[i]!.line, ticket: drafts[i]!.ticket, id: p.id, receipt: p.receipt, trackingUrl: p.trackingUrl })),
  };
}
