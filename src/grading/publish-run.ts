/** Publishing a run: it becomes immutable and visible to officers. */
import { and, eq, sql } from 'drizzle-orm';
import { gradingRuns } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, conflict } from '../core/errors.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { assertMutable, findRun, runView } from './run-model.js';
import { inEffectHashSql, policyInEffect } from './policies.js';

/**
 * HR publishes a computed run: it becomes immutable and visible to officers. Maker-checker: the
 * HR user who computed the run cannot publish it (403 `maker_checker`). What-if runs, and runs
 * whose policy is not the one in effect for their quarter, are never publishable (409); a run
 * with pending adjustments waits until they are decided; a period has at most one published run.
 */
export async function publishRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.createdBy === ctx.actor.userId) {
    throw new ApiError(403, 'maker_checker', `You computed run ${run.id}; a different HR user publishes it (four eyes).`);
  }
  assertMutable(run, 'publishing it again');
  if (run.provisional) throw conflict(`Run ${run.id} is provisional (computed while ${run.period} was in progress) and is never published; grade the quarter once it has ended.`, 'provisional_run');
  if (run.whatIf) throw conflict(`Run ${run.id} is a what-if run and is never published.`, 'what_if_run');
  const inEffect = await policyInEffect(ctx, run.period);
  if (run.policyHash !== inEffect.hash) {
    throw conflict(`Run ${run.id} was computed with a policy that is not the one in effect for ${run.period} (${inEffect.hash.slice(0, 12)}); compute a new run.`, 'policy_not_in_effect');
  }
  const [pending] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from adjustments where run_id = ${run.id} and status = 'pending'`);
  if (pending!.n > 0) throw conflict(`Run ${run.id} has ${pending!.n} pending adjustment(s); decide them first.`, 'adjustments_pending');
  const [other] = await ctx.db
    .select({ id: gradingRuns.id })
    .from(gradingRuns)
    .where(and(eq(gradingRuns.period, run.period), eq(gradingRuns.status, 'published')));
  if (other) throw conflict(`Period ${run.period} already has a published run (${other.id}).`, 'period_published');
  const at = ctx.clock.now().toISOString();
  // The checks above, again inside the batch: a publish racing another publish or an adjustment
  // fails whole (guard.ts) instead of freezing a run that changed under it.
  const stillPublishable = sql`(select status from grading_runs where id = ${run.id}) = 'computed'
    and not exists (select 1 from adjustments where run_id = ${run.id} and status = 'pending')
    and not exists (select 1 from grading_runs where period = ${run.period} and status = 'published')
    and ${await inEffectHashSql(run.period)} = ${run.policyHash}`;
  await commitGuarded(
    ctx,
    [ctx.db.update(gradingRuns).set({ status: guarded('published', stillPublishable) as never, publishedBy: ctx.actor.userId, publishedAt: at }).where(eq(gradingRuns.id, run.id))],
    [{ action: 'grading_run.publish', entity: 'grading_run', entityId: run.id, payload: { period: run.period, inputDigest: run.inputDigest, policyHash: run.policyHash } }],
    'run_changed',
    `Run ${run.id} changed while it was being published (published or adjusted meanwhile, or another policy approved); reload and try again.`,
  );
  return { ...runView({ ...run, status: 'published', publishedBy: ctx.actor.userId, publishedAt: at }) };
}
