/**
 * Staged records: a record with more rows than one invocation can write (a grading run of 10,000
 * officers is 1,429 INSERTs of 7 rows on D1, whose limit is 1,000 statements per invocation) is
 * opened in an unfinished state (a run `computing`), its rows are written in order over as many
 * steps as it takes, and the batch that writes its last rows also makes it final and appends its
 * audit entry. Readers refuse unfinished records, so a record's rows and its audit entry still
 * appear together. Where everything fits one invocation (Node, a small bureau on D1) it is one
 * batch: the record is opened and finished in the same batch, as if there were no stages.
 *
 * Later steps do not carry the rows (a Workflow step's state is at most 1 MiB): they compute them
 * again from the stored state, check that the computation gives the same fingerprint (a digest
 * of the rows) and go on from the number of rows already written. docs/adr/0076.
 */
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { insertMany, rowsPerInsert } from '../../db/insert-many.js';
import { durable } from '../../db/durable.js';
import { isConstraintViolation } from '../../db/errors.js';
import type { Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { budgetOf, JobFailed, type JobDefinition, type StepResult } from './job.js';
import { runJob, type JobOutcome } from './run.js';

/** A computation of the record: its rows in writing order, and a digest that must not change. */
export interface Staging {
  rows: readonly Record<string, unknown>[];
  fingerprint: string;
}

/** Writes and audit events that go into one batch; `conflict` turns a guard that fails in it into a 409. */
export interface Batch {
  writes: Write[];
  events: AuditEvent[];
  conflict?: { code: string; detail: string };
}

export interface StagedSpec<S> {
  /** The job kind (the Worker finds the job by it when a Workflow step runs). */
  kind: string;
  /** The table the rows go to (written with `insertMany`). */
  table: SQLiteTable;
  /** Computes the rows again, from the state, in a later step. */
  compute(ctx: Ctx, state: S): Promise<Staging>;
  /** How many rows are written so far: they are written in order, so the next one is this index. */
  written(ctx: Ctx, state: S): Promise<number>;
  /** The batch that makes the record final (status and audit entry), written with its last rows. */
  finish(ctx: Ctx, state: S, total: number): Batch;
  /** Marks a record that cannot be finished (see JobDefinition.abandon). */
  abandon(ctx: Ctx, state: S, reason: string): Promise<void>;
}

export type StagedState<S> = S & { fingerprint: string; total: number };
export type StagedOutcome = JobOutcome<{ total: number }>;

/** Statements a later step needs at the least: its reads, a few rows, and the finishing batch. */
const MIN_STEP_STATEMENTS = 40;

/** The job that writes a staged record's remaining rows, one step per invocation. */
export function stagedJob<S>(spec: StagedSpec<S>): JobDefinition<StagedState<S>, { total: number }> {
  return {
    kind: spec.kind,
    minStatements: MIN_STEP_STATEMENTS,
    async step(ctx, state) {
      const staging = await spec.compute(ctx, state);
      if (staging.fingerprint !== state.fingerprint || staging.rows.length !== state.total) {
        throw new JobFailed('its inputs changed while it was being written (a new computation gives other rows); start it again');
      }
      return writeSome(ctx, spec, state, staging.rows, await spec.written(ctx, state), { writes: [], events: [] });
    },
    abandon: (ctx, state, reason) => spec.abandon(ctx, state, reason),
  };
}

/**
 * Opens a record and writes its rows: `open` (the record in its unfinished state, with any audit
 * entries of its own) goes into the first batch with as many rows as the invocation allows, and
 * the job writes the rest. When everything fits, `open`, the rows and `finish` are one batch.
 */
export function startStaged<S>(ctx: Ctx, spec: StagedSpec<S>, input: { key: string; state: S; staging: Staging; open: Batch }): Promise<StagedOutcome> {
  const state = { ...input.state, fingerprint: input.staging.fingerprint, total: input.staging.rows.length } as StagedState<S>;
  return runJob(ctx, stagedJob(spec), { key: input.key, state, first: () => writeSome(ctx, spec, state, input.staging.rows, 0, input.open) });
}

async function writeSome<S>(
  ctx: Ctx,
  spec: StagedSpec<S>,
  state: StagedState<S>,
  rows: readonly Record<string, unknown>[],
  from: number,
  lead: Batch,
): Promise<StepResult<StagedState<S>, { total: number }>> {
  const total = rows.length;
  const per = rowsPerInsert(ctx.db, spec.table);
  const finish = spec.finish(ctx, state, total);
  const budget = budgetOf(ctx) - lead.writes.length - lead.events.length;
  const table = spec.table as Parameters<typeof insertMany>[1];
  const left = rows.slice(from) as Parameters<typeof insertMany>[2];
  if (Math.ceil(left.length / per) + finish.writes.length + finish.events.length <= budget) {
    const writes = [...lead.writes, ...insertMany(ctx.db, table, left), ...finish.writes];
    const events = [...lead.events, ...finish.events];
    try {
      await commit(ctx, writes, events);
    } catch (err) {
      if (!isConstraintViolation(err)) throw err;
      // The verb's own guard (in `open`), or the finishing guard: the record is not as staged.
      if (lead.conflict) throw conflict(lead.conflict.detail, lead.conflict.code);
      throw new JobFailed('it was changed while it was being written (the final check of its rows failed)');
    }
    return { done: true, output: { total }, progress: { done: total, total } };
  }
  const n = Math.min(left.length, Math.max(1, budget) * per);
  const writes = [...lead.writes, ...insertMany(ctx.db, table, left.slice(0, n))];
  try {
    if (lead.events.length) await commit(ctx, writes, lead.events);
    else {
      await ctx.db.batch(writes as [Write, ...Write[]]);
      await durable(ctx.db);
    }
  } catch (err) {
    if (lead.conflict && isConstraintViolation(err)) throw conflict(lead.conflict.detail, lead.conflict.code);
    throw err;
  }
  return { done: false, state, progress: { done: from + n, total } };
}
