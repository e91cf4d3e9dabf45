/**
 * Long-running jobs: work too large for one invocation of the runtime (a grading run over a
 * province, a full flag scan on D1), written as steps that each fit one. The same job code runs
 * everywhere: on Node the steps follow each other inside the call that started the job (no limit,
 * usually one step); on Workers each step spends what its invocation allows and the rest continues
 * in a Workflow instance, one step per `step.do` (docs/adr/0075).
 */
import type { Ctx } from '../core/context.js';

/** Units of work done and in all (result rows, flags), for the consoles. */
export interface Progress {
  done: number;
  total: number | null;
}

export type StepResult<S, O> = { done: false; state: S; progress: Progress } | { done: true; output: O; progress: Progress };

export interface JobDefinition<S, O> {
  /** The name a hand-over carries (`grading-run`, `flag-scan`); the Worker finds the job by it. */
  kind: string;
  /**
   * Statements one step needs at the least (its reads, one unit of work and the batch that
   * finishes the job). With fewer left in the invocation the job is handed over instead.
   */
  minStatements: number;
  /**
   * One step from `state`: at most `statementsLeft(ctx)` statements, then the next state (or the
   * output). A step may run again after a failure (Workflows retry steps), so it reads where the
   * work stands from the database, not from counters in its state, and each of its batches is
   * atomic.
   */
  step(ctx: Ctx, state: S, job: { id: string }): Promise<StepResult<S, O>>;
  /**
   * Called once when the job cannot finish (a step failed for good): undoes or marks what it
   * staged, with an audit entry if anything audited changes. Must tolerate having nothing to undo.
   */
  abandon?(ctx: Ctx, state: S, reason: string, job: { id: string }): Promise<void>;
}

/**
 * A failure no retry can mend (the inputs changed under a run, a staged record vanished): the job
 * is abandoned at once. Any other error is retried by the runtime first (Workflows) or, in the
 * request that started the job, abandons it and reaches the caller.
 */
export class JobFailed extends Error {
  override readonly name = 'JobFailed';
}

/** Statements the current invocation may still run: unlimited where the runtime sets no limit. */
export function statementsLeft(ctx: Pick<Ctx, 'invocation'>): number {
  return ctx.invocation ? ctx.invocation.statementsLeft() : Number.POSITIVE_INFINITY;
}

/**
 * Statements kept back for the request around a job step (the idempotency record, a session
 * touch): a step plans its batches with `statementsLeft(ctx) - RESERVE` at the most.
 */
export const RESERVE = 12;

/** What a step may spend on its own batches: what is left, less the reserve. */
export function budgetOf(ctx: Pick<Ctx, 'invocation'>): number {
  return statementsLeft(ctx) - RESERVE;
}
