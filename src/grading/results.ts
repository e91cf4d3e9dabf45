/**
 * Reading results: a run's results by officer code (the API) or sorted by any column (the HR
 * console), one officer's result with its breakdown, and the caller's own published results.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { gradingResults, gradingRuns, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { forbidden, notFound } from '../core/errors.js';
import { keyset } from '../core/pagination.js';
import { findRun, resultDetail, resultItem, visibleRun, type CorrectionRow, type ResultDetail, type ResultRow, type RunRow } from './run-model.js';
import { officerCorrections, runCorrections } from './corrections.js';
import { effectiveColumn, resultFilterSchema, resultFilterWhere, resultUnit, type ResultFilter } from './result-filters.js';
import { parseInput } from '../core/validate.js';

const resultsByOfficer = keyset('asc', [gradingResults.officerCode], (r: { officerCode: string }) => [r.officerCode]);

/**
 * HR lists a run's results by officer code, paginated (cursor: the last officer code), optionally
 * filtered (result-filters.ts: unit, team, effective tier, status, search).
 */
export async function listResults({ ctx, input }: { ctx: Ctx; input: { id: string; limit?: number; cursor?: string } & Partial<Record<keyof ResultFilter, unknown>> }) {
  requireRole(ctx.actor, 'hr', 'officer');
  if (ctx.actor.role !== 'hr') throw forbidden('Officers read only their own result: /api/v1/grading-runs/{id}/results/{officerCode}.').say('own_result_only');
  const run = await findRun(ctx, input.id);
  const filter = parseFilter(input);
  const limit = input.limit ?? 100;
  const rows = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(resultFilterWhere(run.id, filter), resultsByOfficer.after(input.cursor)))
    .orderBy(asc(gradingResults.officerCode))
    .limit(limit + 1);
  const { items, nextCursor } = resultsByOfficer.page(rows, limit);
  const fixes = await runCorrections(ctx, run.id);
  return { items: items.map((r) => resultItem(r, undefined, fixes.get(run.id, r.officerCode))), nextCursor };
}

/**
 * One officer's result. HR: any. An officer: only their own, only of a published run; another
 * officer's result is answered exactly as a missing one (404), since a 403 would say it exists.
 */
export async function getResult({ ctx, input }: { ctx: Ctx; input: { id: string; officerCode: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  const run = await visibleRun(ctx, input.id);
  const noResult = () => notFound(`Officer ${input.officerCode} has no result in run ${run.id}.`);
  if (ctx.actor.role === 'officer' && ctx.actor.officerCode !== input.officerCode) throw noResult();
  const [row] = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, input.officerCode)));
  if (!row) throw noResult();
  const detail = resultDetail(row);
  const [[unit], fixes] = await Promise.all([
    ctx.db.select({ name: units.name }).from(units).where(eq(units.code, detail.unitCode)),
    runCorrections(ctx, run.id, [row.officerCode]),
  ]);
  return fullResult(run, row, detail, unit?.name ?? null, fixes.get(run.id, row.officerCode));
}

/** One result as the officer page and the report read it: the public item, its run, unit name, breakdown and correction. */
function fullResult(run: RunRow, row: ResultRow, detail: ResultDetail, unitName: string | null, correction: CorrectionRow | undefined) {
  return { runId: run.id, period: run.period, runStatus: run.status, publishedAt: run.publishedAt, ...resultItem(row, detail, correction), unitName, detail, correctionDetail: correction ?? null };
}

/** The most reports one printable document holds; a larger run is printed in parts (`offset`). */
export const REPORTS_PER_DOCUMENT = 500;

/**
 * Every officer's result of a run as `getResult` reads one (HR only: the bulk print of reports),
 * by unit then officer code, optionally filtered like the results table; `REPORTS_PER_DOCUMENT`
 * at a time from `offset`, with the count of all that match.
 */
export async function runResultsForReports({ ctx, input }: { ctx: Ctx; input: { id: string; offset?: number } & Partial<Record<keyof ResultFilter, unknown>> }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  const where = resultFilterWhere(run.id, parseFilter(input));
  const offset = Math.max(0, Math.floor(input.offset ?? 0));
  const [rows, [total], fixes] = await Promise.all([
    ctx.db
      .select({ r: gradingResults, unitName: units.name })
      .from(gradingResults)
      .leftJoin(units, sql`${units.code} = ${resultUnit}`)
      .where(where)
      .orderBy(resultUnit, asc(gradingResults.officerCode))
      .limit(REPORTS_PER_DOCUMENT)
      .offset(offset),
    ctx.db.select({ n: sql<number>`count(*)` }).from(gradingResults).where(where),
    runCorrections(ctx, run.id),
  ]);
  const items = rows.map(({ r, unitName }) => fullResult(run, r, resultDetail(r), unitName, fixes.get(run.id, r.officerCode)));
  return { run, items, total: Number(total!.n), offset };
}

/**
 * The caller's own results in published runs, newest first. Supervisors are graded like any
 * officer, so a supervisor linked to an officer record reads theirs here too.
 */
export async function myGrades({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const code = ctx.actor.officerCode;
  if (!code) return { items: [] };
  const rows = await ctx.db
    .select({ result: gradingResults, period: gradingRuns.period, publishedAt: gradingRuns.publishedAt })
    .from(gradingResults)
    .innerJoin(gradingRuns, eq(gradingRuns.id, gradingResults.runId))
    .where(and(eq(gradingResults.officerCode, code), eq(gradingRuns.status, 'published')))
    .orderBy(desc(gradingRuns.period), desc(gradingRuns.id));
  const fixes = await officerCorrections(ctx, code);
  return { items: rows.map((r) => ({ runId: r.result.runId, period: r.period, publishedAt: r.publishedAt, ...resultItem(r.result, undefined, fixes.get(r.result.runId, code)) })) };
}

/** The filter fields of an input, checked by the one schema (400 naming the field). */
function parseFilter(input: Partial<Record<keyof ResultFilter, unknown>>): ResultFilter {
  const { unit, team, tier, status, q } = input;
  return parseInput(resultFilterSchema, { unit, team, tier, status, q });
}

const sortColumns = {
  code: gradingResults.officerCode,
  rank: gradingResults.rank,
  composite: gradingResults.composite,
  workload: gradingResults.workload,
  assessment: gradingResults.assessment,
  feedback: gradingResults.feedback,
  tenure: gradingResults.tenure,
  penalty: gradingResults.penalty,
  tier: effectiveColumn('to_tier', gradingResults.tier),
  payout: effectiveColumn('payout', gradingResults.payout),
} as const;
export type ResultSort = keyof typeof sortColumns;
export const resultSorts = Object.keys(sortColumns) as ResultSort[];

/** A page of results sorted by any column and filtered (the HR console's table), with the count of matches. */
export async function browseResults({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; sort: ResultSort; dir: 'asc' | 'desc'; offset: number; limit: number } & Partial<Record<keyof ResultFilter, unknown>>;
}) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  const where = resultFilterWhere(run.id, parseFilter(input));
  const col = sortColumns[input.sort] ?? gradingResults.officerCode;
  // Nulls (not graded) always last, whatever the direction; officer code breaks ties.
  const order = input.dir === 'desc' ? [sql`${col} is null`, desc(col), asc(gradingResults.officerCode)] : [sql`${col} is null`, asc(col), asc(gradingResults.officerCode)];
  const [rows, [total]] = await Promise.all([
    ctx.db.select().from(gradingResults).where(where).orderBy(...order).limit(input.limit).offset(input.offset),
    ctx.db.select({ n: sql<number>`count(*)` }).from(gradingResults).where(where),
  ]);
  const fixes = await runCorrections(ctx, run.id);
  return {
    run,
    rows: rows.map((r) => {
      const detail = resultDetail(r);
      return { ...resultItem(r, detail, fixes.get(run.id, r.officerCode)), detail };
    }),
    total: total!.n,
  };
}
