/**
 * Publishing an annual review (DESIGN 3b: "published ... like a quarterly run"): it becomes
 * immutable and visible to officers. Maker-checker: the HR user who computed it cannot publish
 * it (403). A what-if review is never published; a year has at most one published review.
 */
import { and, eq, sql } from 'drizzle-orm';
import { annualReviews } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, conflict } from '../core/errors.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { assertReviewMutable, findReview, reviewView } from './annual-model.js';

export async function publishAnnualReview({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const review = await findReview(ctx, input.id);
  assertReviewMutable(review, 'publishing it again');
  if (review.createdBy === ctx.actor.userId) throw new ApiError(403, 'maker_checker', 'You computed this annual review; another HR user publishes it.');
  if (review.whatIf) throw conflict(`Annual review ${review.id} uses a candidate policy (a what-if) and is never published.`, 'what_if_review');
  const [other] = await ctx.db
    .select({ id: annualReviews.id })
    .from(annualReviews)
    .where(and(eq(annualReviews.year, review.year), eq(annualReviews.status, 'published')));
  if (other) throw conflict(`${review.year} already has a published annual review (${other.id}).`, 'year_published');
  const at = ctx.clock.now().toISOString();
  const stillPublishable = sql`(select status from annual_reviews where id = ${review.id}) = 'computed'
    and not exists (select 1 from annual_reviews where year = ${review.year} and status = 'published')`;
  await commitGuarded(
    ctx,
    [ctx.db.update(annualReviews).set({ status: guarded('published', stillPublishable) as never, publishedBy: ctx.actor.userId, publishedAt: at }).where(eq(annualReviews.id, review.id))],
    [{ action: 'annual_review.publish', entity: 'annual_review', entityId: review.id, payload: { year: review.year, inputDigest: review.inputDigest, resultsDigest: review.resultsDigest, policyHash: review.policyHash } }],
    'review_changed',
    `Annual review ${review.id} changed while it was being published; reload and try again.`,
  );
  return reviewView({ ...review, status: 'published', publishedBy: ctx.actor.userId, publishedAt: at });
}
