/**
 * Appeals against a published result. The officer files within 15 days of publication; an HR
 * user who neither graded the run (started or published it) nor adjusted that officer (proposed
 * or decided an adjustment) decides. The run stays frozen: an upheld appeal records a corrected
 * tier on the appeal, a `grade_adjustment` decision and a correction record (corrections.ts) that
 * every payroll figure follows, never a change to the published result.
 */
import { and, eq, or } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { adjustments, appeals, decisions, gradingResults } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { forbidden } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { findRun, runPolicy } from './run-model.js';
import { tierOf } from './adjustment.js';
import { nextLeafSeq } from '../audit/append.js';
import { appealCorrection } from './corrections.js';
import { commitFiling, correctionOf, decisionInput, decisionVerb, decisionWrite, filingInput, listAppealRows, newAppeal, openDeciding, openFiling, refuseGrader, runAppealStore, viewOf, type AppealStatus } from './appeal-core.js';

// The window and its day count are the appeal mechanism's (appeal-core.ts); kept importable from here.
export { APPEAL_WINDOW_DAYS, daysBetween } from './appeal-core.js';

export const fileAppealInput = filingInput('FileAppeal');

/** `correctedTier`, required when upheld: the tier the officer should have had. */
export const decideAppealInput = decisionInput('DecideAppeal', { correctedTier: z.number().int().optional() });

export type AppealRow = typeof appeals.$inferSelect;

/** The officer appeals their own result of a published run, once, within the window. */
export async function fileAppeal({ ctx, input: given }: { ctx: Ctx; input: { runId: string } & Unchecked<z.input<typeof fileAppealInput>> }) {
  requireRole(ctx.actor, 'officer');
  const input = { runId: given.runId, ...parseInput(fileAppealInput, given) };
  const { code, now, parent: run, result } = await openFiling(ctx, runAppealStore, {
    load: () => findRun(ctx, input.runId),
    missing: `No grading run ${input.runId}.`,
    result: async (r, officer) => (await ctx.db.select({ tier: gradingResults.tier }).from(gradingResults).where(and(eq(gradingResults.runId, r.id), eq(gradingResults.officerCode, officer))))[0],
    noResult: (r, officer) => `Officer ${officer} has no result in run ${r.id}.`,
  });
  const id = newId('apl', now);
  const row: AppealRow = { ...newAppeal(ctx, id, now, code, input.reason), runId: run.id, outcome: null, correctedTier: null };
  await commitFiling(ctx, runAppealStore, row, run.id, { action: 'appeal.file', entity: 'appeal', entityId: id, payload: { runId: run.id, officerCode: code, tier: result.tier, reason: input.reason } });
  return appealView(row);
}

/**
 * An HR user decides a pending appeal. Refused (403) to whoever started or published the run,
 * proposed or decided an adjustment for that officer in it, or is the officer.
 */
export async function decideAppeal({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof decideAppealInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(decideAppealInput, given) };
  const appeal = await openDeciding<AppealRow>(ctx, runAppealStore, input.id, `No appeal ${input.id}.`, 'deciding your own appeal');
  const run = await findRun(ctx, appeal.runId);
  const me = ctx.actor.userId;
  refuseGrader(ctx, run, () => forbidden('You graded this run (started or published it); another HR user decides the appeal.').say('appeal_grader'));
  const [adjusted] = await ctx.db
    .select({ id: adjustments.id })
    .from(adjustments)
    .where(and(eq(adjustments.runId, run.id), eq(adjustments.officerCode, appeal.officerCode), or(eq(adjustments.requestedBy, me), eq(adjustments.decidedBy, me))))
    .limit(1);
  if (adjusted) throw forbidden(`You took part in adjustment ${adjusted.id} for this officer; another HR user decides the appeal.`).say('appeal_adjuster', { id: adjusted.id });

  const correctedTier = correctionOf(input.outcome, input.correctedTier, 'correctedTier', 'tier');
  if (correctedTier !== null) tierOf(await runPolicy(ctx, run), correctedTier);

  const now = ctx.clock.now();
  const at = now.toISOString();
  const decided = { status: input.outcome, outcome: input.outcome, decidedBy: me, decidedAt: at, decisionReason: input.reason, correctedTier };
  const decision = decisionWrite(ctx, runAppealStore, appeal.id, input.outcome, decided);
  const appealEvent = { action: `appeal.${decisionVerb(input.outcome)}`, entity: 'appeal', entityId: appeal.id, payload: { runId: run.id, officerCode: appeal.officerCode, outcome: input.outcome, correctedTier, reason: input.reason } };
  if (correctedTier === null) {
    await decision.commit([], [appealEvent]);
  } else {
    const decisionId = newId('dec', now);
    const justification = `Appeal ${appeal.id} upheld for run ${run.id} (${run.period}): corrected tier ${correctedTier}. ${input.reason}`;
    // The correction record pay follows from now on, in the same batch (DESIGN 3, corrections).
    const fix = await appealCorrection(ctx, run, { appealId: appeal.id, officerCode: appeal.officerCode, toTier: correctedTier, decisionId, reason: input.reason, at, by: me });
    await decision.commit(
      [
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
    );
  }
  return appealView({ ...appeal, ...decided });
}

export function appealView(a: AppealRow) {
  return viewOf(a, ['id', 'runId', 'officerCode', 'reason', 'filedAt', 'status', 'decidedBy', 'decidedAt', 'decisionReason', 'correctedTier']);
}

/** Appeals (HR: all; an officer: their own), oldest first, paginated by id. */
export async function listAppeals({ ctx, input }: { ctx: Ctx; input: { status?: AppealStatus; runId?: string; limit?: number; cursor?: string } }) {
  const { items, nextCursor } = await listAppealRows<AppealRow>(ctx, runAppealStore, { ...input, parentId: input.runId });
  return { items: items.map(appealView), nextCursor };
}
