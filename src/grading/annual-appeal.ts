/**
 * Appeals against an annual result, by the quarterly rules (DESIGN 3b: "appealed ... like a
 * quarterly run"): the officer files within 15 days of publication, once per result; an HR user
 * who neither computed nor published the review, and is not the officer, decides. The review
 * stays frozen: an upheld appeal records the corrected grade, which is the effective grade from
 * then on (results, export, the officer's page and report), audited on the review (its history).
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { annualAppeals, annualResults } from '../../db/schema.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isoDate } from '../core/clock.js';
import { keyset } from '../core/pagination.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { annualGrades } from '../../scoring/index.js';
import { APPEAL_WINDOW_DAYS, daysBetween } from './appeal.js';
import { findReview, type AnnualAppealRow } from './annual-model.js';
import { freeText } from '../core/text.js';

export const fileAnnualAppealInput = z.object({ reason: freeText(z.string().trim().min(1).max(4000)) }).openapi('FileAnnualAppeal');

export const decideAnnualAppealInput = z
  .object({
    outcome: z.enum(['upheld', 'dismissed']),
    reason: freeText(z.string().trim().min(1).max(4000)),
    /** Required when upheld: the grade the officer should have had. */
    correctedGrade: z.enum(annualGrades).optional(),
  })
  .openapi('DecideAnnualAppeal');

export function annualAppealView(a: AnnualAppealRow) {
  return {
    id: a.id,
    reviewId: a.reviewId,
    officerCode: a.officerCode,
    reason: a.reason,
    filedAt: a.filedAt,
    status: a.status,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    decisionReason: a.decisionReason,
    correctedGrade: a.correctedGrade,
  };
}

/** The officer appeals their own result of a published annual review, once, within the window. */
export async function fileAnnualAppeal({ ctx, input: given }: { ctx: Ctx; input: { reviewId: string } & Unchecked<z.input<typeof fileAnnualAppealInput>> }) {
  requireRole(ctx.actor, 'officer');
  const input = { reviewId: given.reviewId, ...parseInput(fileAnnualAppealInput, given) };
  const code = ctx.actor.officerCode;
  if (!code) throw forbidden('This user does not act as an officer.').say('not_officer');
  const review = await findReview(ctx, input.reviewId);
  if (review.status !== 'published') throw notFound(`No annual review ${input.reviewId}.`);
  const now = ctx.clock.now();
  if (daysBetween(review.publishedAt!, now.toISOString()) > APPEAL_WINDOW_DAYS) {
    throw conflict(`The appeal window closed ${APPEAL_WINDOW_DAYS} days after publication (${isoDate(new Date(review.publishedAt!))}).`, 'appeal_window_closed').say('appeal_window_closed', { days: APPEAL_WINDOW_DAYS });
  }
  const [result] = await ctx.db.select({ grade: annualResults.grade }).from(annualResults).where(and(eq(annualResults.reviewId, review.id), eq(annualResults.officerCode, code)));
  if (!result) throw notFound(`Officer ${code} has no result in annual review ${review.id}.`);
  const [existing] = await ctx.db.select({ id: annualAppeals.id }).from(annualAppeals).where(and(eq(annualAppeals.reviewId, review.id), eq(annualAppeals.officerCode, code)));
  if (existing) throw conflict(`Appeal ${existing.id} against this result exists; one appeal per result.`, 'appeal_exists');
  const row: AnnualAppealRow = {
    id: newId('aap', now),
    reviewId: review.id,
    officerCode: code,
    reason: input.reason,
    filedBy: ctx.actor.userId,
    filedAt: now.toISOString(),
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    correctedGrade: null,
  };
  const first = sql`not exists (select 1 from annual_appeals where review_id = ${review.id} and officer_code = ${code})`;
  await commitGuarded(
    ctx,
    [ctx.db.insert(annualAppeals).values({ ...row, status: guarded('pending', first) as never })],
    [{ action: 'annual_appeal.file', entity: 'annual_appeal', entityId: row.id, payload: { reviewId: review.id, officerCode: code, grade: result.grade, reason: input.reason } }],
    'appeal_exists',
    'An appeal against this result was filed meanwhile; one appeal per result.',
  );
  return annualAppealView(row);
}

/** An HR user who neither computed nor published the review, and is not the officer, decides. */
export async function decideAnnualAppeal({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof decideAnnualAppealInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(decideAnnualAppealInput, given) };
  const [appeal] = await ctx.db.select().from(annualAppeals).where(eq(annualAppeals.id, input.id));
  if (!appeal) throw notFound(`No annual appeal ${input.id}.`);
  refuseOwnCase(ctx.actor, appeal.officerCode, 'deciding an appeal about yourself');
  if (appeal.status !== 'pending') throw conflict(`Appeal ${appeal.id} was already ${appeal.status}.`, 'appeal_decided');
  const review = await findReview(ctx, appeal.reviewId);
  const me = ctx.actor.userId;
  if (review.createdBy === me || review.publishedBy === me) throw new ApiError(403, 'review_grader', 'You graded this annual review (computed or published it); another HR user decides the appeal.');
  let correctedGrade: AnnualAppealRow['correctedGrade'] = null;
  if (input.outcome === 'upheld') {
    if (input.correctedGrade === undefined) throw badRequest('An upheld appeal names the corrected grade.', [{ path: 'correctedGrade', message: 'required when upheld' }]);
    correctedGrade = input.correctedGrade;
  } else if (input.correctedGrade !== undefined) {
    throw badRequest('A dismissed appeal keeps the published grade.', [{ path: 'correctedGrade', message: 'only when upheld' }]);
  }
  const [result] = await ctx.db.select({ grade: annualResults.grade }).from(annualResults).where(and(eq(annualResults.reviewId, review.id), eq(annualResults.officerCode, appeal.officerCode)));
  const at = ctx.clock.now().toISOString();
  const decided = { status: input.outcome, decidedBy: me, decidedAt: at, decisionReason: input.reason, correctedGrade };
  const stillPending = sql`(select status from annual_appeals where id = ${appeal.id}) = 'pending'`;
  const events = [
    { action: `annual_appeal.${input.outcome === 'upheld' ? 'uphold' : 'dismiss'}`, entity: 'annual_appeal', entityId: appeal.id, payload: { reviewId: review.id, officerCode: appeal.officerCode, outcome: input.outcome, correctedGrade, reason: input.reason } },
  ];
  // An upheld appeal is the review's correction: in its history, with what it was and what it is.
  if (correctedGrade) events.push({ action: 'annual_review.correct', entity: 'annual_review', entityId: review.id, payload: { appealId: appeal.id, officerCode: appeal.officerCode, fromGrade: result?.grade ?? null, toGrade: correctedGrade, reason: input.reason } as never });
  await commitGuarded(
    ctx,
    [ctx.db.update(annualAppeals).set({ ...decided, status: guarded(input.outcome, stillPending) as never }).where(eq(annualAppeals.id, appeal.id))],
    events,
    'appeal_decided',
    `Appeal ${appeal.id} was decided meanwhile.`,
  );
  return annualAppealView({ ...appeal, ...decided });
}

const oldestFirst = keyset('asc', [annualAppeals.id], (a: { id: string }) => [a.id]);

/** Annual appeals (HR: all; an officer: their own), oldest first. */
export async function listAnnualAppeals({ ctx, input }: { ctx: Ctx; input: { status?: AnnualAppealRow['status']; reviewId?: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  const limit = input.limit ?? 100;
  const conds: SQL[] = [];
  if (input.status) conds.push(eq(annualAppeals.status, input.status));
  if (input.reviewId) conds.push(eq(annualAppeals.reviewId, input.reviewId));
  if (ctx.actor.role === 'officer') conds.push(ctx.actor.officerCode ? eq(annualAppeals.officerCode, ctx.actor.officerCode) : sql`0`);
  const after = oldestFirst.after(input.cursor);
  if (after) conds.push(after);
  const rows = await ctx.db.select().from(annualAppeals).where(conds.length ? and(...conds) : undefined).orderBy(asc(annualAppeals.id)).limit(limit + 1);
  const { items, nextCursor } = oldestFirst.page(rows, limit);
  return { items: items.map(annualAppealView), nextCursor };
}
