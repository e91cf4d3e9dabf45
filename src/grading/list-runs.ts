/** Reading runs: one run with its counts, and the list of runs (officers: published only). */
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { gradingResults, gradingRuns } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest } from '../core/errors.js';
import { readPeriod } from '../core/period.js';
import { keyset } from '../core/pagination.js';
import { runView, visibleRun } from './run-model.js';
import { latestJobOn } from '../jobs/status.js';

/**
 * One run with its counts per status and tier (SQL aggregates); a run still `computing` (or
 * `failed`) also has the progress of the job writing its results (src/jobs).
 */
export async function getRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  const run = await visibleRun(ctx, input.id, { unfinished: true });
  const counts = await ctx.db
    .select({ status: gradingResults.status, tier: gradingResults.tier, n: sql<number>`count(*)` })
    .from(gradingResults)
    .where(eq(gradingResults.runId, run.id))
    .groupBy(gradingResults.status, gradingResults.tier);
  const tierCounts: Record<string, number> = {};
  let graded = 0;
  let notGraded = 0;
  for (const c of counts) {
    if (c.status === 'graded') graded += c.n;
    else notGraded += c.n;
    if (c.tier !== null) tierCounts[String(c.tier)] = (tierCounts[String(c.tier)] ?? 0) + c.n;
  }
  const job = run.status === 'computing' || run.status === 'failed' ? await latestJobOn(ctx, run.id) : null;
  const progress = job ? { jobId: job.id, status: job.status, done: job.done, total: job.total, error: job.error } : undefined;
  return { ...runView(run), counts: { graded, notGraded }, tierCounts, ...(progress ? { progress } : {}) };
}

const runsNewestFirst = keyset('desc', [gradingRuns.id], (r: { id: string }) => [r.id]);

/** Runs, newest first; officers see only published ones. Cursor: the last run id. */
export async function listRuns({ ctx, input }: { ctx: Ctx; input: { period?: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  const period = input.period === undefined ? undefined : readPeriod(input.period);
  if (period === null) throw badRequest('The period must be a quarter like 2026Q3.', [{ path: 'period', message: 'expected YYYYQn' }]);
  const limit = input.limit ?? 100;
  const conds: SQL[] = [];
  if (period) conds.push(eq(gradingRuns.period, period));
  if (ctx.actor.role === 'officer') conds.push(eq(gradingRuns.status, 'published'));
  const after = runsNewestFirst.after(input.cursor);
  if (after) conds.push(after);
  const rows = await ctx.db
    .select()
    .from(gradingRuns)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(gradingRuns.id))
    .limit(limit + 1);
  const { items, nextCursor } = runsNewestFirst.page(rows, limit);
  return { items: items.map(runView), nextCursor };
}
