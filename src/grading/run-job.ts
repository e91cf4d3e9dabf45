/**
 * Writing a run's results: the one step both computing verbs (startRun, recomputeRun) end with.
 * The run is opened `computing`, its results are written in order and the batch that writes the
 * last of them makes it `computed` and appends the run's audit entry (a staged record,
 * src/jobs/staged.ts). On Node, and for a bureau small enough on D1, that is all one batch, as
 * it always was; a province on D1 takes two or three invocations, the later ones in a Workflow
 * step that computes the same results again and checks their digest (docs/adr/0076).
 */
import { eq, sql } from 'drizzle-orm';
import { gradingResults, gradingRuns } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import type { AuditEvent } from '../audit/append.js';
import { commit } from '../audit/append.js';
import { guarded } from '../audit/guarded.js';
import { JobFailed } from '../jobs/job.js';
import { startStaged, stagedJob, type Batch, type StagedOutcome, type StagedSpec } from '../jobs/staged.js';
import { findRun, parseRunPeriod, runPolicy } from './run-model.js';
import { computeResults } from './compute-run.js';

interface RunJobState {
  runId: string;
  /** The run's audit entry (`grading_run.compute`, `.what_if` or `.recompute`), appended when it is final. */
  event: AuditEvent;
}

const spec: StagedSpec<RunJobState> = {
  kind: 'grading-run',
  table: gradingResults,
  async compute(ctx, s) {
    const run = await findRun(ctx, s.runId, { unfinished: true });
    if (run.status !== 'computing') throw new JobFailed(`run ${run.id} is ${run.status}, no longer being computed`);
    const c = await computeResults(ctx, run.id, parseRunPeriod(run.period), await runPolicy(ctx, run));
    return { rows: c.rows, fingerprint: c.resultsDigest };
  },
  async written(ctx, s) {
    const [row] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from grading_results where run_id = ${s.runId}`);
    return Number(row!.n);
  },
  finish(ctx, s, total) {
    // Final only if every result is there and nobody touched the run meanwhile.
    const complete = sql`(select status from grading_runs where id = ${s.runId}) = 'computing'
      and (select count(*) from grading_results where run_id = ${s.runId}) = ${total}`;
    return {
      writes: [ctx.db.update(gradingRuns).set({ status: guarded('computed', complete) as never }).where(eq(gradingRuns.id, s.runId))],
      events: [s.event],
    };
  },
  async abandon(ctx, s, reason) {
    const [run] = await ctx.db.select({ status: gradingRuns.status }).from(gradingRuns).where(eq(gradingRuns.id, s.runId));
    if (run?.status !== 'computing') return;
    // The partial results go; the run stays, `failed`, with an entry saying why.
    await commit(
      ctx,
      [
        ctx.db.delete(gradingResults).where(eq(gradingResults.runId, s.runId)),
        ctx.db.update(gradingRuns).set({ status: guarded('failed', sql`(select status from grading_runs where id = ${s.runId}) = 'computing'`) as never }).where(eq(gradingRuns.id, s.runId)),
      ],
      [{ action: 'grading_run.fail', entity: 'grading_run', entityId: s.runId, payload: { reason, event: s.event.action } }],
    );
  },
};

/** The grading-run job, for the Worker's job registry (src/job-kinds.ts). */
export const gradingRunJob = stagedJob(spec);

/**
 * Writes a computed run: `open` holds whatever opens it (the policy document if new, the run row
 * inserted as `computing`, or for a recompute the guarded switch back to `computing` and the
 * deletion of the old results), `rows` the results in officer-code order, `event` the run's entry.
 * Resolves with `computed` when the run is final, or `computing` once the rest is handed over.
 */
export async function writeRun(
  ctx: Ctx,
  input: { runId: string; open: Batch; rows: readonly Record<string, unknown>[]; resultsDigest: string; event: AuditEvent },
): Promise<{ status: 'computed' | 'computing'; jobId: string | null }> {
  const out: StagedOutcome = await startStaged(ctx, spec, {
    key: input.runId,
    state: { runId: input.runId, event: input.event },
    staging: { rows: input.rows, fingerprint: input.resultsDigest },
    open: input.open,
  });
  return { status: out.status === 'done' ? 'computed' : 'computing', jobId: out.jobId };
}
