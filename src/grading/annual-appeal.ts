/**
 * Appeals against an annual result, by the quarterly rules (DESIGN 3b: "appealed ... like a
 * quarterly run"), through the one appeal mechanism (appeal-core.ts, ADR 0092): the officer files
 * within 15 days of publication, once per result; an HR user who neither computed nor published
 * the review, and is not the officer, decides. The review stays frozen: an upheld appeal records
 * the corrected grade, which is the effective grade from then on (results, export, the officer's
 * page and report), audited on the review (its history).
 */
import { and, eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { annualResults } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import type { AuditEvent } from '../audit/append.js';
import { annualGrades } from '../../scoring/index.js';
import { findReview, type AnnualAppealRow } from './annual-model.js';
import { annualAppealStore, commitFiling, correctionOf, decisionInput, decisionVerb, decisionWrite, filingInput, listAppealRows, newAppeal, openDeciding, openFiling, refuseGrader, viewOf, type AppealStatus } from './appeal-core.js';

export const fileAnnualAppealInput = filingInput('FileAnnualAppeal');

/** `correctedGrade`, required when upheld: the grade the officer should have had. */
export const decideAnnualAppealInput = decisionInput('DecideAnnualAppeal', { correctedGrade: z.enum(annualGrades).optional() });

export function annualAppealView(a: AnnualAppealRow) {
  return viewOf(a, ['id', 'reviewId', 'officerCode', 'reason', 'filedAt', 'status', 'decidedBy', 'decidedAt', 'decisionReason', 'correctedGrade']);
}

const gradeOf = async (ctx: Ctx, reviewId: string, officerCode: string) =>
  (await ctx.db.select({ grade: annualResults.grade }).from(annualResults).where(and(eq(annualResults.reviewId, reviewId), eq(annualResults.officerCode, officerCode))))[0];

/** The officer appeals their own result of a published annual review, once, within the window. */
export async function fileAnnualAppeal({ ctx, input: given }: { ctx: Ctx; input: { reviewId: string } & Unchecked<z.input<typeof fileAnnualAppealInput>> }) {
  requireRole(ctx.actor, 'officer');
  const input = { reviewId: given.reviewId, ...parseInput(fileAnnualAppealInput, given) };
  const { code, now, parent: review, result } = await openFiling(ctx, annualAppealStore, {
    load: () => findReview(ctx, input.reviewId),
    missing: `No annual review ${input.reviewId}.`,
    result: (r, officer) => gradeOf(ctx, r.id, officer),
    noResult: (r, officer) => `Officer ${officer} has no result in annual review ${r.id}.`,
  });
  const row: AnnualAppealRow = { ...newAppeal(ctx, newId('aap', now), now, code, input.reason), reviewId: review.id, correctedGrade: null };
  await commitFiling(ctx, annualAppealStore, row, review.id, { action: 'annual_appeal.file', entity: 'annual_appeal', entityId: row.id, payload: { reviewId: review.id, officerCode: code, grade: result.grade, reason: input.reason } });
  return annualAppealView(row);
}

/** An HR user who neither computed nor published the review, and is not the officer, decides. */
export async function decideAnnualAppeal({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof decideAnnualAppealInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(decideAnnualAppealInput, given) };
  const appeal = await openDeciding<AnnualAppealRow>(ctx, annualAppealStore, input.id, `No annual appeal ${input.id}.`, 'deciding an appeal about yourself');
  const review = await findReview(ctx, appeal.reviewId);
  refuseGrader(ctx, review, () => new ApiError(403, 'review_grader', 'You graded this annual review (computed or published it); another HR user decides the appeal.'));
  const correctedGrade: AnnualAppealRow['correctedGrade'] = correctionOf(input.outcome, input.correctedGrade, 'correctedGrade', 'grade');
  const result = await gradeOf(ctx, review.id, appeal.officerCode);
  const decided = { status: input.outcome, decidedBy: ctx.actor.userId, decidedAt: ctx.clock.now().toISOString(), decisionReason: input.reason, correctedGrade };
  const events: AuditEvent[] = [
    { action: `annual_appeal.${decisionVerb(input.outcome)}`, entity: 'annual_appeal', entityId: appeal.id, payload: { reviewId: review.id, officerCode: appeal.officerCode, outcome: input.outcome, correctedGrade, reason: input.reason } },
  ];
  // An upheld appeal is the review's correction: in its history, with what it was and what it is.
  if (correctedGrade) events.push({ action: 'annual_review.correct', entity: 'annual_review', entityId: review.id, payload: { appealId: appeal.id, officerCode: appeal.officerCode, fromGrade: result?.grade ?? null, toGrade: correctedGrade, reason: input.reason } });
  await decisionWrite(ctx, annualAppealStore, appeal.id, input.outcome, decided).commit([], events);
  return annualAppealView({ ...appeal, ...decided });
}

/** Annual appeals (HR: all; an officer: their own), oldest first. */
export async function listAnnualAppeals({ ctx, input }: { ctx: Ctx; input: { status?: AppealStatus; reviewId?: string; limit?: number; cursor?: string } }) {
  const { items, nextCursor } = await listAppealRows<AnnualAppealRow>(ctx, annualAppealStore, { ...input, parentId: input.reviewId });
  return { items: items.map(annualAppealView), nextCursor };
}
