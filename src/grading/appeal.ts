/**
 * Appeals against a published result. The officer files within 15 days of publication; an HR
 * user who neither graded the run (started or published it) nor adjusted that officer (proposed
 * or decided an adjustment) decides. The run stays frozen: an upheld appeal records a corrected
 * tier on the appeal, a `grade_adjustment` decision and a correction record (corrections.ts) that
 * every payroll figure follows, never a change to the published result.
 */
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { adjustments, appeals, decisions, gradingResults } from '../../db/schema.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isoDate } from '../core/clock.js';
import { keyset } from '../core/pagination.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { findRun, runPolicy } from './run-model.js';
import { tierOf } from './adjustment.js';
import { nextLeafSeq } from '../audit/append.js';
import { freeText } from '../core/text.js';
import { appealCorrection } from './corrections.js';

/** Days after publication on which an appeal may still be filed (publication day is day 0). */
export const APPEAL_WINDOW_DAYS = 15;

export const fileAppealInput = z.object({ reason: freeText(z.string().trim().min(1).max(4000)) }).openapi('FileAppeal');

export const decideAppealInput = z
  .object({
    outcome: z.enum(['upheld', 'dismissed']),
    reason: freeText(z.string().trim().min(1).max(4000)),
    /** Required when upheld: the tier the officer should have had. */
    correctedTier: z.number().int().optional(),
  })
  .openapi('DecideAppeal');

export type AppealRow = typeof appeals.$inferSelect;

/** Whole UTC calendar days from `fromIso` to `toIso`. */
export function daysBetween(fromIso: string, toIso: string): number {
  const a = Date.parse(`${fromIso.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${toIso.slice(0, 10)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/** The officer appeals their own result of a published run, once, within the window. */
export async function fileAppeal({ ctx, input: given }: { ctx: Ctx; input: { runId: string } & Unchecked<z.input<typeof fileAppealInput>> }) {
  requireRole(ctx.actor, 'officer');
  const input = { runId: given.runId, ...parseInput(fileAppealInput, given) };
  const code = ctx.actor.officerCode;
  if (!code) throw forbidden('This user does not act as an officer.').say('not_officer');
  const run = await findRun(ctx, input.runId);
  if (run.status !== 'published') throw notFound(`No grading run ${input.runId}.`);
  const now = ctx.clock.now();
  const days = daysBetween(run.publishedAt!, now.toISOString());
  if (days > APPEAL_WINDOW_DAYS) {
    throw conflict(`The appeal window closed ${APPEAL_WINDOW_DAYS} days after publication (${isoDate(new Date(run.publishedAt!))}).`, 'appeal_window_closed').say('appeal_window_closed', { days: APPEAL_WINDOW_DAYS });
  }
  const [result] = await ctx.db
    .select({ tier: gradingResults.tier })
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, code)));
  if (!result) throw notFound(`Officer ${code} has no result in run ${run.id}.`);
  const [existing] = await ctx.db.select({ id: appeals.id }).from(appeals).where(and(eq(appeals.runId, run.id), eq(appeals.officerCode, code)));
  if (existing) throw conflict(`Appeal ${existing.id} against this result exists; one appeal per result.`, 'appeal_exists');

  const id = newId('apl', now);
  const row: AppealRow = {
    id,
    runId: run.id,
    officerCode: code,
    reason: input.reason,
    filedBy: ctx.actor.userId,
    filedAt: now.toISOString(),
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    outcome: null,
    decisionReason: null,
    correctedTier: null,
  };
  const first = sql`not exists (select 1 from appeals where run_id = ${run.id} and officer_code = ${code})`;
  await commitGuarded(
    ctx,
    [ctx.db.insert(appeals).values({ ...row, status: guarded('pending', first) as never })],
    [{ action: 'appeal.file', entity: 'appeal', entityId: id, payload: { runId: run.id, officerCode: code, tier: result.tier, reason: input.reason } }],
    'appeal_exists',
    'An appeal against this result was filed meanwhile; one appeal per result.',
  );
  return appealView(row);
}

/**
 * An HR user decides a pending appeal. Refused (403) to whoever started or published the run,
 * proposed or decided an adjustment for that officer in it, or is the officer.
 */
export async function decideAppeal({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof decideAppealInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(decideAppealInput, given) };
  const [appeal] = await ctx.db.select().from(appeals).where(eq(appeals.id, input.id));
  if (!appeal) throw notFound(`No appeal ${input.id}.`);
  refuseOwnCase(ctx.actor, appeal.officerCode, 'deciding your own appeal');
  if (appeal.status !== 'pending') throw conflict(`Appeal ${appeal.id} was already ${appeal.status}.`, 'appeal_decided');
  const run = await findRun(ctx, appeal.runId);
  const me = ctx.actor.userId;
  if (run.createdBy === me || run.publishedBy === me) throw forbidden('You graded this run (started or published it); another HR user decides the appeal.').say('appeal_grader');
  const [adjusted] = await ctx.db
    .select({ id: adjustments.id })
    .from(adjustments)
    .where(and(eq(adjustments.runId, run.id), eq(adjustments.officerCode, appeal.officerCode), or(eq(adjustments.requestedBy, me), eq(adjustments.decidedBy, me))))
    .limit(1);
  if (adjusted) throw forbidden(`You took part in adjustment ${adjusted.id} for this officer; another HR user decides the appeal.`).say('appeal_adjuster', { id: adjusted.id });

  let correctedTier: number | null = null;
  if (input.outcome === 'upheld') {
    if (input.correctedTier === undefined) throw badRequest('An upheld appeal names the corrected tier.', [{ path: 'correctedTier', message: 'required when upheld' }]);
    tierOf(await runPolicy(ctx, run), input.correctedTier);
    correctedTier = input.correctedTier;
  } else if (input.correctedTier !== undefined) {
    throw badRequest('A dismissed appeal keeps the published tier.', [{ path: 'correctedTier', message: 'only when upheld' }]);
  }

  const now = ctx.clock.now();
  const at = now.toISOString();
  const decided = { status: input.outcome, outcome: input.outcome, decidedBy: me, decidedAt: at, decisionReason: input.reason, correctedTier };
  // First write of the batch, guarded on "still pending": a second decider racing this one fails whole.
  const stillPending = sql`(select status from appeals where id = ${appeal.id}) = 'pending'`;
  const update = ctx.db.update(appeals).set({ ...decided, status: guarded(input.outcome, stillPending) as never }).where(eq(appeals.id, appeal.id));
  const raced = `Appeal ${appeal.id} was decided meanwhile.`;
  const appealEvent = { action: `appeal.${input.outcome === 'upheld' ? 'uphold' : 'dismiss'}`, entity: 'appeal', entityId: appeal.id, payload: { runId: run.id, officerCode: appeal.officerCode, outcome: input.outcome, correctedTier, reason: input.reason } };
  if (correctedTier === null) {
    await commitGuarded(ctx, [update], [appealEvent], 'appeal_decided', raced);
  } else {
    const decisionId = newId('dec', now);
    const justification = `Appeal ${appeal.id} upheld for run ${run.id} (${run.period}): corrected tier ${correctedTier}. ${input.reason}`;
    // The correction record pay follows from now on, in the same batch (DESIGN 3, corrections).
    const fix = await appealCorrection(ctx, run, { appealId: appeal.id, officerCode: appeal.officerCode, toTier: correctedTier, decisionId, reason: input.reason, at, by: me });
    await commitGuarded(
      ctx,
      [
        update,
        fix.write,
        ctx.db.insert(decisions).values({
          id: decisionId,
          type: 'grade_adjustment',
          deciderUserId: me,
          deciderCode: ctx.actor.officerCode ?? null,
          subjectOfficerCode: appeal.officerCode,
          taxpayerCode: null,
          amount: correctedTier,
          threshold: null,
          justification,
          decidedAt: at,
          recordedAt: at,
          auditIndex: nextLeafSeq(),
        }),
      ],
      [
        { action: 'decision.record', entity: 'decision', entityId: decisionId, payload: { type: 'grade_adjustment', deciderUserId: me, deciderCode: ctx.actor.officerCode ?? null, subjectOfficerCode: appeal.officerCode, amount: correctedTier, threshold: null, justification, decidedAt: at } },
        appealEvent,
        fix.event,
      ],
      'appeal_decided',
      raced,
    );
  }
  return appealView({ ...appeal, ...decided });
}

export function appealView(a: AppealRow) {
  return {
    id: a.id,
    runId: a.runId,
    officerCode: a.officerCode,
    reason: a.reason,
    filedAt: a.filedAt,
    status: a.status,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    decisionReason: a.decisionReason,
    correctedTier: a.correctedTier,
  };
}

const oldestFirst = keyset('asc', [appeals.id], (a: { id: string }) => [a.id]);

/** Appeals (HR: all; an officer: their own), oldest first, paginated by id. */
export async function listAppeals({ ctx, input }: { ctx: Ctx; input: { status?: AppealRow['status']; runId?: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  const limit = input.limit ?? 100;
  const conds: SQL[] = [];
  if (input.status) conds.push(eq(appeals.status, input.status));
  if (input.runId) conds.push(eq(appeals.runId, input.runId));
  if (ctx.actor.role === 'officer') conds.push(ctx.actor.officerCode ? eq(appeals.officerCode, ctx.actor.officerCode) : sql`0`);
  const after = oldestFirst.after(input.cursor);
  if (after) conds.push(after);
  const rows = await ctx.db
    .select()
    .from(appeals)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(appeals.id))
    .limit(limit + 1);
  const { items, nextCursor } = oldestFirst.page(rows, limit);
  return { items: items.map(appealView), nextCursor };
}
