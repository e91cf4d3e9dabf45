/**
 * Running a job: its steps one after the other inside the invocation that started it, for as long
 * as the invocation has statements left, then the rest handed to the runtime (`ctx.invocation`,
 * a Workflow instance on the Worker), which calls `continueJob` once per step. Where the runtime
 * sets no limit (Node) every step runs here and nothing is handed over.
 */
import { and, eq, sql } from 'drizzle-orm';
import { jobs } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { actorLabel, type Ctx, type JobHandOver } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { JobFailed, RESERVE, statementsLeft, type JobDefinition, type Progress, type StepResult } from './job.js';

export type JobOutcome<O, S = unknown> =
  | { status: 'done'; jobId: string | null; output: O; progress: Progress }
  | { status: 'running'; jobId: string; progress: Progress; state: S };

/**
 * Starts a job and runs its steps while the invocation allows. Resolves with the output when it
 * finished here, or with `running` once the rest is handed over. `first` replaces the job's own
 * step for the first step, for a verb that has already done part of the work (computed a run's
 * results) and should not do it twice. A step that throws abandons the job (its `abandon`) and
 * the error reaches the caller.
 *
 * Where jobs can be handed over, a row in `jobs` tracks the job from its start, and at most one
 * job of a kind and key runs at a time (409 `job_running` for a second one).
 */
export async function runJob<S, O>(
  ctx: Ctx,
  def: JobDefinition<S, O>,
  start: { key: string; state: S; first?: (job: { id: string }) => Promise<StepResult<S, O>> },
): Promise<JobOutcome<O, S>> {
  const id = newId('job', ctx.clock.now());
  const tracked = ctx.invocation !== undefined;
  if (tracked) await openJob(ctx, def.kind, id, start.key);
  let state = start.state;
  let progress: Progress = { done: 0, total: null };
  let steps = 0;
  try {
    for (;;) {
      if (steps > 0 && statementsLeft(ctx) - RESERVE < def.minStatements) {
        await recordStep(ctx, id, { progress, steps });
        await ctx.invocation!.continueJob({ id, kind: def.kind, key: start.key, state, actor: ctx.actor });
        return { status: 'running', jobId: id, progress, state };
      }
      const r = steps === 0 && start.first ? await start.first({ id }) : await def.step(ctx, state, { id });
      steps++;
      progress = r.progress;
      if (r.done) {
        if (tracked) await recordStep(ctx, id, { progress, steps, output: r.output });
        return { status: 'done', jobId: tracked ? id : null, output: r.output, progress };
      }
      state = r.state;
    }
  } catch (err) {
    await abandon(ctx, def, { id, state, tracked }, err);
    throw err;
  }
}

/**
 * One step of a handed-over job, in its own invocation (the Workflow calls this once per
 * `step.do`). Returns the next state, or `done` (also when the step failed for good: the job is
 * then abandoned and `failed` says why). Any other error is thrown for the runtime to retry the
 * step; once it gives up it calls `abandonJob`.
 */
export async function continueJob<S, O>(ctx: Ctx, def: JobDefinition<S, O>, job: JobHandOver): Promise<{ done: false; state: S } | { done: true; failed?: string }> {
  try {
    const r = await def.step(ctx, job.state as S, { id: job.id });
    await recordStep(ctx, job.id, { progress: r.progress, increment: true, ...(r.done ? { output: r.output } : {}) });
    return r.done ? { done: true } : { done: false, state: r.state };
  } catch (err) {
    if (!(err instanceof JobFailed)) throw err;
    await abandonJob(ctx, def, job, err.message);
    return { done: true, failed: err.message };
  }
}

/** Gives a handed-over job up: its `abandon`, and the job marked failed with the reason. */
export async function abandonJob<S, O>(ctx: Ctx, def: JobDefinition<S, O>, job: JobHandOver, reason: string): Promise<void> {
  await abandon(ctx, def, { id: job.id, state: job.state as S, tracked: true }, new JobFailed(reason));
}

async function abandon<S, O>(ctx: Ctx, def: JobDefinition<S, O>, job: { id: string; state: S; tracked: boolean }, err: unknown) {
  const reason = err instanceof Error ? err.message : String(err);
  // Best effort: the error that got us here is what the caller must see, not a second one.
  try {
    await def.abandon?.(ctx, job.state, reason, { id: job.id });
  } catch {
    /* the job row below still says it failed */
  }
  if (!job.tracked) return;
  try {
    const now = ctx.clock.now().toISOString();
    await ctx.db.update(jobs).set({ status: 'failed', error: reason.slice(0, 2000), updatedAt: now }).where(and(eq(jobs.id, job.id), eq(jobs.status, 'running')));
  } catch {
    /* nothing more to do */
  }
}

async function openJob(ctx: Ctx, kind: string, id: string, key: string) {
  const now = ctx.clock.now().toISOString();
  try {
    await ctx.db.insert(jobs).values({ id, kind, key, status: 'running', done: 0, total: null, steps: 0, createdBy: actorLabel(ctx.actor), createdAt: now, updatedAt: now });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const [running] = await ctx.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.kind, kind), eq(jobs.key, key), eq(jobs.status, 'running')));
    throw conflict(`A ${kind} job is already running (${running?.id ?? 'unknown'}); wait for it to finish.`, 'job_running');
  }
}

async function recordStep(ctx: Ctx, id: string, r: { progress: Progress; steps?: number; increment?: boolean; output?: unknown }) {
  const now = ctx.clock.now().toISOString();
  const finished = 'output' in r;
  await ctx.db
    .update(jobs)
    .set({
      done: r.progress.done,
      total: r.progress.total,
      steps: r.increment ? sql`${jobs.steps} + 1` : r.steps!,
      updatedAt: now,
      ...(finished ? { status: 'done' as const, output: r.output ?? null } : {}),
    })
    .where(and(eq(jobs.id, id), eq(jobs.status, 'running')));
}
