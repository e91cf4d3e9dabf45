/**
 * A panel member's vote (DESIGN section 4, "Collective review"): cast by the member with their own
 * token (an officer or supervisor user linked to the officer on the panel), once, with a reason.
 * The vote that brings the panel to its quorum closes the review: approved with more approvals
 * than rejections, rejected otherwise. The decider never votes, whatever their role.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisionReviewers, decisionReviews, decisions, decisionVotes } from '../../db/schema.js';
import { commit, type AuditEvent } from '../audit/append.js';
import { isConstraintViolation } from '../../db/errors.js';
import { actingOfficer, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, conflict, notFound } from '../core/errors.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { freeText } from '../core/text.js';

export const voteInput = z
  .object({
    vote: z.enum(['approve', 'reject']),
    reason: freeText(z.string().trim().min(1, 'a reason is required').max(4000)),
  })
  .openapi('PanelVote');
export type VoteInput = z.infer<typeof voteInput>;

/** Roles that vote: the member's own officer or supervisor user. */
export const voterRoles = ['officer', 'supervisor'] as const;

const notMember = () => new ApiError(403, 'not_a_member', 'Only the members the service drew onto this panel vote on it.');

/** Whether the vote closes the review, and how, given the tally before it. */
export function tallyAfter(r: { quorum: number; approvals: number; rejections: number }, vote: 'approve' | 'reject') {
  const approvals = r.approvals + (vote === 'approve' ? 1 : 0);
  const rejections = r.rejections + (vote === 'reject' ? 1 : 0);
  const closes = approvals + rejections >= r.quorum;
  const status = !closes ? ('pending_review' as const) : approvals > rejections ? ('approved' as const) : ('rejected' as const);
  return { approvals, rejections, closes, status };
}

export async function castVote({ ctx, decisionId, input: given }: { ctx: Ctx; decisionId: string; input: Unchecked<VoteInput> }) {
  requireRole(ctx.actor, ...voterRoles);
  const input = parseInput(voteInput, given);
  // A concurrent vote on the same panel makes the guarded batch fail; read again and retry.
  for (let attempt = 0; ; attempt++) {
    const [d] = await ctx.db.select().from(decisions).where(eq(decisions.id, decisionId));
    if (!d) throw notFound(`No decision ${decisionId}.`);
    // The one rule about oneself: the decider (or the officer a decision is about) never votes on it.
    refuseOwnCase(ctx.actor, d.deciderCode, 'voting on a decision one took oneself');
    refuseOwnCase(ctx.actor, d.subjectOfficerCode, 'voting on a decision about oneself');
    const me = actingOfficer(ctx.actor);
    if (!me) throw notMember();
    const [seat] = await ctx.db
      .select({ officerCode: decisionReviewers.officerCode })
      .from(decisionReviewers)
      .where(and(eq(decisionReviewers.decisionId, decisionId), eq(decisionReviewers.officerCode, me)));
    if (!seat) throw notMember();
    const [review] = await ctx.db.select().from(decisionReviews).where(eq(decisionReviews.decisionId, decisionId));
    if (!review) throw conflict('This decision was recorded before panels were drawn by the service; it takes no votes.', 'not_under_review');
    const now = ctx.clock.now().toISOString();
    if (review.status !== 'pending_review') throw conflict(`The review is closed (${review.status}).`, 'review_closed');
    if (now >= review.dueAt) throw conflict(`The review lapsed at ${review.dueAt} without quorum.`, 'review_closed');
    const [mine] = await ctx.db
      .select({ castAt: decisionVotes.castAt })
      .from(decisionVotes)
      .where(and(eq(decisionVotes.decisionId, decisionId), eq(decisionVotes.officerCode, me)));
    if (mine) throw conflict(`You voted on this panel at ${mine.castAt}; a vote is cast once.`, 'already_voted');

    const after = tallyAfter(review, input.vote);
    const decidedAmount = after.status === 'approved' ? d.amount : null;
    const events: AuditEvent[] = [
      { action: 'decision.vote', entity: 'decision', entityId: decisionId, payload: { decisionId, officerCode: me, vote: input.vote, reason: input.reason } },
    ];
    if (after.closes) {
      events.push({
        action: 'decision.review.close',
        entity: 'decision',
        entityId: decisionId,
        payload: { decisionId, status: after.status, approvals: after.approvals, rejections: after.rejections, quorum: review.quorum, panelSize: review.panelSize, decidedAmount },
      });
    }
    try {
      const { auditIndices } = await commit(
        ctx,
        [
          // The primary key (decision, officer) refuses a second vote, even one racing this one.
          ctx.db.insert(decisionVotes).values({ decisionId, officerCode: me, vote: input.vote, reason: input.reason, userId: ctx.actor.userId, castAt: now }),
          // Only from the tally read above, on a review still open: otherwise NULL goes into the
          // NOT NULL status and the whole batch, vote and audit entries included, fails.
          ctx.db
            .update(decisionReviews)
            .set({
              status: sql`case when ${decisionReviews.status} = 'pending_review' and ${decisionReviews.dueAt} > ${now}
                and ${decisionReviews.approvals} = ${review.approvals} and ${decisionReviews.rejections} = ${review.rejections}
                then ${after.status} end`,
              approvals: after.approvals,
              rejections: after.rejections,
              closedAt: after.closes ? now : null,
              decidedAmount,
            })
            .where(eq(decisionReviews.decisionId, decisionId)),
        ],
        events,
      );
      return { auditIndex: auditIndices[0]!, status: after.status, closed: after.closes };
    } catch (e) {
      // Lost a race: the next round reads what won it (a vote of ours: 409; a closed review: 409).
      if (attempt < 3 && isConstraintViolation(e)) continue;
      throw e;
    }
  }
}
