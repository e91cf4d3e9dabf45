/**
 * What every grading verb shares about runs and results: the row types, reading a run (and who
 * may see it), its policy, the public shapes of a run and a result, and the frozen-run rule.
 * A run stores the exact policy document (by hash), a digest of its inputs and one result row
 * per officer with the engine's full breakdown. Published runs are frozen: every later change is
 * a 409.
 */
import { eq } from 'drizzle-orm';
import { corrections, gradingResults, gradingRuns, policies } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, notFound } from '../core/errors.js';
import { parsePeriod, readPeriod } from '../core/period.js';
import { zodErrors } from '../core/http.js';
import { policySchema, type Policy } from '../../scoring/policy.js';
import type { OfficerResult } from '../../scoring/index.js';
import { expandDetail } from './detail.js';

export type RunRow = typeof gradingRuns.$inferSelect;
export type ResultRow = typeof gradingResults.$inferSelect;
export type CorrectionRow = typeof corrections.$inferSelect;

/** Pay as it stands after corrections; `correction` names what decided it (the appeal id), null when none. */
export interface Effective {
  tier: number | null;
  coefficient: number | null;
  payout: number | null;
  correction: string | null;
}

/** The effective figures of a result row: its latest correction's (corrections.ts), or its own. */
export function effectiveOf(row: { tier: number | null; coefficient: number | null; payout: number | null }, c: CorrectionRow | undefined): Effective {
  return c ? { tier: c.toTier, coefficient: c.coefficient, payout: c.payout, correction: c.sourceId } : { tier: row.tier, coefficient: row.coefficient, payout: row.payout, correction: null };
}

/**
 * A result's detail as read (`resultDetail`): the engine's result exactly as computed (its tier,
 * coefficient and payout stay the engine's even after an adjustment), with its explanation, and
 * the approved adjustment. Stored compactly (detail.ts) and expanded on read.
 */
export interface ResultDetail extends OfficerResult {
  adjustment?: { adjustmentId: string; decisionId: string; fromTier: number; toTier: number; coefficient: number; payout: number; reason: string };
}

/** Validates a policy document; a bad one is a 400 naming each field as `policy.<path>`. */
export function parsePolicy(doc: unknown): Policy {
  const parsed = policySchema.safeParse(doc);
  if (!parsed.success) {
    const errors = zodErrors(parsed.error.issues).map((e) => ({ path: e.path === '(body)' ? 'policy' : `policy.${e.path}`, message: e.message }));
    throw badRequest('The policy document is not valid.', errors);
  }
  return parsed.data;
}

export function parseRunPeriod(code: unknown) {
  const period = readPeriod(code);
  const range = period ? parsePeriod(period) : null;
  if (!range) throw badRequest('The period must be a quarter like 2026Q3.', [{ path: 'period', message: 'expected YYYYQn' }]);
  return range;
}

/**
 * Reads a run, or 404. A run still `computing` (its results are being written, src/jobs/staged.ts)
 * or `failed` has no results to read or act on: 409 `run_not_ready`, unless `unfinished` (the
 * run's own view, which shows its progress).
 */
export async function findRun(ctx: Ctx, id: string, opts: { unfinished?: boolean } = {}): Promise<RunRow> {
  const [run] = await ctx.db.select().from(gradingRuns).where(eq(gradingRuns.id, id));
  if (!run) throw notFound(`No grading run ${id}.`);
  if (!opts.unfinished && (run.status === 'computing' || run.status === 'failed')) {
    throw conflict(`Run ${id} is ${run.status === 'computing' ? 'still being computed' : 'failed'}; it has no results.`, 'run_not_ready');
  }
  return run;
}

/**
 * HR sees every run; an officer sees only published runs (what-if runs are never published).
 * An unpublished run is invisible to officers: 404, as if it did not exist.
 */
export async function visibleRun(ctx: Ctx, id: string, opts: { unfinished?: boolean } = {}): Promise<RunRow> {
  requireRole(ctx.actor, 'hr', 'officer');
  const run = await findRun(ctx, id, opts);
  if (ctx.actor.role === 'officer' && run.status !== 'published') throw notFound(`No grading run ${id}.`);
  return run;
}

export async function runPolicy(ctx: Ctx, run: RunRow): Promise<Policy> {
  const [p] = await ctx.db.select({ document: policies.document }).from(policies).where(eq(policies.hash, run.policyHash));
  return policySchema.parse(JSON.parse(p!.document));
}

export function runView(run: RunRow) {
  return {
    id: run.id,
    period: run.period,
    status: run.status,
    whatIf: run.whatIf,
    provisional: run.provisional,
    policyHash: run.policyHash,
    inputDigest: run.inputDigest,
    createdBy: run.createdBy,
    createdAt: run.createdAt,
    publishedBy: run.publishedBy,
    publishedAt: run.publishedAt,
    discardedBy: run.discardedBy,
    discardedAt: run.discardedAt,
    discardReason: run.discardReason,
  };
}

/**
 * The public shape of one result (API.md "Grading"): the published figures (`tier`,
 * `coefficient`, `payout`; `incentive` is the payout again, its earlier name), the active days the
 * payout is prorated by, and `effective`: tier, coefficient and payout after corrections, with
 * the appeal that corrected them (`correction`, null when uncorrected).
 */
export function resultItem(row: ResultRow & { name?: string | null }, d: ResultDetail = resultDetail(row), correction?: CorrectionRow) {
  return {
    officerCode: row.officerCode,
    name: row.name ?? d.name ?? null,
    status: row.status,
    composite: row.composite,
    components: { workload: row.workload, assessment: row.assessment, feedback: row.feedback, tenure: row.tenure },
    penalty: row.penalty,
    rank: row.rank,
    tier: row.tier,
    coefficient: row.coefficient,
    incentive: row.payout,
    payout: row.payout,
    activeDays: d.activeDays,
    effective: effectiveOf(row, correction),
    incomplete: d.incomplete ?? false,
    reason: d.reason ?? null,
    adjusted: d.adjustment ? { fromTier: d.adjustment.fromTier, toTier: d.adjustment.toTier, adjustmentId: d.adjustment.adjustmentId } : null,
    explanation: d.explanation,
  };
}

/** A row's detail as the engine computed it, explanation rendered (detail.ts), plus its adjustment. */
export function resultDetail(row: ResultRow): ResultDetail {
  return expandDetail(row, row.detail) as ResultDetail;
}

/** Refuses any change to a published run or a discarded one (409). */
export function assertMutable(run: RunRow, what: string) {
  if (run.status === 'published') throw conflict(`Run ${run.id} is published and frozen; ${what} is not possible.`, 'run_published');
  if (run.status === 'discarded') throw conflict(`Run ${run.id} was discarded; ${what} is not possible. Start a new run.`, 'run_discarded');
}

/**
 * Where a period stands on a day (DESIGN 3, periods): `future` before its first day (a run is
 * refused, 422), `current` from its first to its last day (a provisional what-if only), `past`
 * after it. Days are UTC calendar days, like every date the service keeps.
 */
export function periodState(period: { start: string; end: string }, today: string): 'future' | 'current' | 'past' {
  if (today < period.start) return 'future';
  return today <= period.end ? 'current' : 'past';
}
