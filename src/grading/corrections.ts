/**
 * Corrections (DESIGN 3): a published run is frozen, but pay follows what was decided after it.
 * An upheld appeal's corrected tier is a correction record of one result; the latest correction
 * of a result gives its effective tier, coefficient and payout, and every payroll figure (the
 * results API, the CSV export, the console, the officer's page, the report) shows the effective
 * figures with the original beside them. `corrections.csv?since=` lists the changes since a day
 * so payroll can pay the difference.
 */
import { and, asc, eq, gte, inArray, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { corrections, gradingResults, officers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isValidDate, parsePeriod } from '../core/period.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { payoutOf } from '../../scoring/components.js';
import { effectiveOf, findRun, resultDetail, runPolicy, type CorrectionRow, type RunRow } from './run-model.js';

export { effectiveOf, type CorrectionRow, type Effective } from './run-model.js';
import { tierOf } from './adjustment.js';
import { csvDocument, numeral } from '../core/csv.js';

const key = (runId: string, officerCode: string) => `${runId}\u0000${officerCode}`;

/**
 * The latest correction of each result matching `where` (oldest first, so a later one overrides),
 * keyed by run and officer: `latest.get(runId, officerCode)`.
 */
async function latestWhere(ctx: Pick<Ctx, 'db'>, where: SQL | undefined) {
  const rows = await ctx.db.select().from(corrections).where(where).orderBy(asc(corrections.createdAt), asc(corrections.id));
  const map = new Map<string, CorrectionRow>();
  for (const r of rows) map.set(key(r.runId, r.officerCode), r);
  return { get: (runId: string, officerCode: string) => map.get(key(runId, officerCode)), size: map.size, rows };
}

/**
 * Latest corrections of one run, or of a few officers of it. Lists read the whole run's (a run has
 * a handful): a page of officer codes would pass D1's 100 bound parameters.
 */
export function runCorrections(ctx: Pick<Ctx, 'db'>, runId: string, officerCodes?: string[]) {
  if (officerCodes && officerCodes.length === 0) return latestWhere(ctx, eq(corrections.runId, '\u0000none'));
  return latestWhere(ctx, officerCodes ? and(eq(corrections.runId, runId), inArray(corrections.officerCode, officerCodes)) : eq(corrections.runId, runId));
}

/** Latest corrections of one officer across runs. */
export function officerCorrections(ctx: Pick<Ctx, 'db'>, officerCode: string) {
  return latestWhere(ctx, eq(corrections.officerCode, officerCode));
}

/**
 * The correction an upheld appeal makes, to be committed in the appeal decision's own batch: the
 * row and its audit entry on the run (so it appears in the run's history). Coefficient and payout
 * come from the run's policy, the payout prorated by the officer's active days as the run's
 * policy says (payoutOf).
 */
export async function appealCorrection(
  ctx: Ctx,
  run: RunRow,
  input: { appealId: string; officerCode: string; toTier: number; decisionId: string; reason: string; at: string; by: string },
): Promise<{ write: Write; event: AuditEvent; row: CorrectionRow }> {
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; corrections apply to published runs.`, 'run_not_published');
  const policy = await runPolicy(ctx, run);
  const tier = tierOf(policy, input.toTier);
  const [result] = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, input.officerCode)));
  if (!result) throw badRequest(`Officer ${input.officerCode} has no result in run ${run.id}.`, [{ path: 'officerCode', message: 'no result in this run' }]);
  const activeDays = resultDetail(result).activeDays;
  const before = (await runCorrections(ctx, run.id, [input.officerCode])).get(run.id, input.officerCode);
  const current = effectiveOf(result, before);
  const row: CorrectionRow = {
    id: newId('cor', new Date(input.at)),
    runId: run.id,
    officerCode: input.officerCode,
    source: 'appeal',
    sourceId: input.appealId,
    decisionId: input.decisionId,
    fromTier: current.tier,
    toTier: tier.level,
    coefficient: tier.coefficient,
    payout: payoutOf(policy, tier.coefficient, activeDays, parsePeriod(run.period)!),
    originalPayout: current.payout,
    reason: input.reason,
    createdBy: input.by,
    createdAt: input.at,
  };
  const { id, source, sourceId, decisionId, fromTier, toTier, coefficient, payout, originalPayout, officerCode, reason } = row;
  return {
    row,
    write: ctx.db.insert(corrections).values(row),
    event: {
      action: 'grading_run.correct',
      entity: 'grading_run',
      entityId: run.id,
      payload: { correctionId: id, officerCode, source, sourceId, decisionId, fromTier, toTier, coefficient, payout, originalPayout, activeDays, reason },
    },
  };
}

/** Public shape of a correction. */
export function correctionView(c: CorrectionRow) {
  return {
    id: c.id,
    runId: c.runId,
    officerCode: c.officerCode,
    source: c.source,
    appealId: c.source === 'appeal' ? c.sourceId : null,
    decisionId: c.decisionId,
    fromTier: c.fromTier,
    toTier: c.toTier,
    coefficient: c.coefficient,
    payout: c.payout,
    originalPayout: c.originalPayout,
    difference: c.originalPayout === null ? null : Math.round(c.payout * 100 - c.originalPayout * 100) / 100,
    reason: c.reason,
    createdAt: c.createdAt,
  };
}

export const correctionsQuery = z.object({
  since: z.string().optional().openapi({ description: 'YYYY-MM-DD: only corrections made on or after this day (UTC)', example: '2026-10-01' }),
});

export const correctionsHeader = ['工号 officer code', '姓名 name', '单位 unit', '原能级 original tier', '原系数 original coefficient', '原绩效 original payout', '能级 tier', '系数 coefficient', '绩效奖金 payout', '差额 difference', '更正 correction', '日期 date'];

/**
 * The corrections of a published run made on or after `since` (all of them without it), oldest
 * first: what payroll pays in addition (or takes back) after the run's export. UTF-8 with BOM,
 * CRLF, like the export. Each line's `original` is what was payable before that correction.
 */
export async function correctionsCsv({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof correctionsQuery>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(correctionsQuery, { since: given.since }) };
  if (input.since !== undefined && !isValidDate(input.since)) throw badRequest('since must be a date like 2026-10-01.', [{ path: 'since', message: 'expected YYYY-MM-DD' }]);
  const run = await findRun(ctx, input.id);
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; only published runs have corrections.`, 'run_not_published');
  const conds: SQL[] = [eq(corrections.runId, run.id)];
  if (input.since) conds.push(gte(corrections.createdAt, input.since));
  const policy = await runPolicy(ctx, run);
  const coefficientOf = new Map(policy.tiers.map((t) => [t.level, t.coefficient]));
  const rows = await ctx.db
    .select({ c: corrections, name: officers.name, unit: units.name })
    .from(corrections)
    .innerJoin(officers, eq(officers.code, corrections.officerCode))
    .innerJoin(units, eq(units.code, officers.unitCode))
    .where(and(...conds))
    .orderBy(asc(corrections.createdAt), asc(corrections.id));
  const lines = rows.map(({ c, name, unit }) => {
    const v = correctionView(c);
    const fromCoefficient = c.fromTier === null ? null : (coefficientOf.get(c.fromTier) ?? null);
    return [c.officerCode, name, unit, c.fromTier, numeral(fromCoefficient, 2), numeral(c.originalPayout, 2), c.toTier, numeral(c.coefficient, 2), numeral(c.payout, 2), numeral(v.difference, 2), c.sourceId, c.createdAt.slice(0, 10)];
  });
  return { filename: `corrections-${run.period}-${run.id}${input.since ? `-since-${input.since}` : ''}.csv`, body: csvDocument(correctionsHeader, lines) };
}

/** HR lists a run's corrections, oldest first, with the officer's name (the run page). */
export async function listCorrections({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  const rows = await ctx.db
    .select({ c: corrections, name: officers.name })
    .from(corrections)
    .innerJoin(officers, eq(officers.code, corrections.officerCode))
    .where(eq(corrections.runId, run.id))
    .orderBy(asc(corrections.createdAt), asc(corrections.id));
  return { items: rows.map((r) => ({ ...correctionView(r.c), name: r.name })) };
}
