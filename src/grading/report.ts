/**
 * Read models for the HR console and the officer report, each one SQL aggregate: the histogram
 * of composites, the use of each tier's cap, and per-dimension feedback averages.
 */
import { and, eq, sql } from 'drizzle-orm';
import { feedbackResponses, gradingResults } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { jsonParam } from '../../db/json-param.js';
import { levelCap } from '../../scoring/index.js';
import type { Policy } from '../../scoring/policy.js';
import type { RunRow } from './run-model.js';

/** Below this many responses per-dimension averages are withheld (too few to be fair or anonymous). */
export const MIN_RESPONSES_FOR_AVERAGES = 5;

/** Counts of graded composites per bin [k*width, (k+1)*width), the last bin closed at 100. */
export async function runHistogram(ctx: Ctx, runId: string, width = 5): Promise<number[]> {
  const bins = Math.ceil(100 / width);
  const rows = await ctx.db.all<{ b: number; n: number }>(sql`
    select min(cast(composite / ${width} as integer), ${bins - 1}) as b, count(*) as n
    from grading_results where run_id = ${runId} and status = 'graded'
    group by b`);
  const out = Array.from({ length: bins }, () => 0);
  for (const r of rows) out[Math.max(0, Number(r.b))]! += Number(r.n);
  return out;
}

export interface TierUsage {
  level: number;
  minScore: number;
  cap: number | null;
  used: number;
}

/**
 * Officers per tier as stored now (after approved adjustments), against each level's cap
 * `floor(maxShare * graded)` from the run's policy.
 */
export async function tierUsage(ctx: Ctx, run: RunRow, policy: Policy): Promise<{ graded: number; notGraded: number; tiers: TierUsage[] }> {
  const rows = await ctx.db
    .select({ status: gradingResults.status, tier: gradingResults.tier, n: sql<number>`count(*)` })
    .from(gradingResults)
    .where(eq(gradingResults.runId, run.id))
    .groupBy(gradingResults.status, gradingResults.tier);
  let graded = 0;
  let notGraded = 0;
  const used = new Map<number, number>();
  for (const r of rows) {
    if (r.status === 'graded') graded += r.n;
    else notGraded += r.n;
    if (r.tier !== null) used.set(r.tier, (used.get(r.tier) ?? 0) + r.n);
  }
  const tiers = [...policy.tiers]
    .sort((a, b) => b.level - a.level)
    .map((t) => ({ level: t.level, minScore: t.minScore, cap: levelCap(t.maxShare, graded), used: used.get(t.level) ?? 0 }));
  return { graded, notGraded, tiers };
}

export interface FeedbackAverages {
  n: number;
  /** Present only from MIN_RESPONSES_FOR_AVERAGES responses up. */
  means: { professionalism: number; attitude: number; efficiency: number; integrity: number } | null;
}

/** Per-dimension means of an officer's accepted responses of a period (one aggregate row). */
export async function feedbackAverages(ctx: Ctx, officerCode: string, period: string): Promise<FeedbackAverages> {
  return (await feedbackAveragesByOfficer(ctx, period, [officerCode])).get(officerCode)!;
}

/** Per-dimension means for many officers of one period at once (the bulk print; one officer: `feedbackAverages`), one grouped aggregate. */
export async function feedbackAveragesByOfficer(ctx: Ctx, period: string, officerCodes: string[]): Promise<Map<string, FeedbackAverages>> {
  const out = new Map<string, FeedbackAverages>(officerCodes.map((code) => [code, { n: 0, means: null }]));
  if (officerCodes.length === 0) return out;
  const rows = await ctx.db
    .select({
      code: feedbackResponses.officerCode,
      n: sql<number>`count(*)`,
      professionalism: sql<number>`avg(${feedbackResponses.professionalism})`,
      attitude: sql<number>`avg(${feedbackResponses.attitude})`,
      efficiency: sql<number>`avg(${feedbackResponses.efficiency})`,
      integrity: sql<number>`avg(${feedbackResponses.integrity})`,
    })
    .from(feedbackResponses)
    .where(and(eq(feedbackResponses.period, period), eq(feedbackResponses.status, 'accepted'), sql`${feedbackResponses.officerCode} in (select value from json_each(${jsonParam(officerCodes)}))`))
    .groupBy(feedbackResponses.officerCode);
  for (const r of rows) {
    const n = Number(r.n);
    out.set(r.code, n < MIN_RESPONSES_FOR_AVERAGES ? { n, means: null } : { n, means: { professionalism: r.professionalism, attitude: r.attitude, efficiency: r.efficiency, integrity: r.integrity } });
  }
  return out;
}
