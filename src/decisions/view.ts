/**
 * What a reader sees of a decision: its status, the proposed and the decided amount, the panel the
 * service drew and how its members voted. While the review is open, how each member voted is
 * shown only to that member and to oversight (HR, supervisors) outside the case; the decider sees
 * who has voted, and how only once the review is closed (DESIGN section 4).
 */
import { inArray } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisionInvestigators, decisionReviewers, decisionReviews, decisions, decisionVotes, reviewStatuses } from '../../db/schema.js';
import { actingOfficer, isOwnCase, type Ctx } from '../core/context.js';
import { createSelectSchema, int, num } from '../core/rows.js';
import { redrawPanel, type PanelDraw } from './panel.js';

export const decisionStatuses = ['effective', ...reviewStatuses] as const;
export type DecisionStatus = (typeof decisionStatuses)[number];

export const panelMemberSchema = z
  .object({
    officerCode: z.string(),
    /** The member cast a vote (themselves). */
    voted: z.boolean(),
    vote: z.enum(['approve', 'reject']).optional(),
    reason: z.string().optional(),
    votedAt: z.string().optional(),
    /** Records from before the service drew panels: the vote the decider typed for this member. Never counted. */
    claimedVote: z.enum(['approve', 'reject']).optional(),
    /** Records from before: the decider marked this member as an investigator. */
    investigated: z.boolean().optional(),
  })
  .openapi('PanelMember');

export const reviewSchema = z
  .object({
    panelSize: z.number().int(),
    quorum: z.number().int(),
    openedAt: z.string(),
    dueAt: z.string(),
    closedAt: z.string().nullable(),
    /** Tallies: shown once closed (and to oversight outside the case). */
    approvals: z.number().int().optional(),
    rejections: z.number().int().optional(),
    voted: z.number().int(),
  });

/** A decision as listed (never the salt of its leaf's taxpayer commitment): the row, with `amount` the decided amount and `proposedAmount` the decider's. */
export const decisionSchema = createSelectSchema(decisions, { threshold: num, auditIndex: int })
  .omit({ amount: true, taxpayerNonce: true })
  .extend({
    status: z.enum(decisionStatuses),
    /** What the decider proposed (recorded, never edited). */
    proposedAmount: z.number().nullable(),
    /** What was decided: the proposal once effective or approved; null while under review, or when rejected or lapsed. */
    amount: z.number().nullable(),
    investigators: z.array(z.string()),
    panel: z.array(panelMemberSchema),
    review: reviewSchema.nullable(),
  })
  .openapi('Decision');
export type DecisionView = z.infer<typeof decisionSchema>;

export const drawSchema = z
  .object({
    seedInputs: z.object({ decisionId: z.string(), auditSize: z.number().int(), auditHeadHash: z.string() }),
    seed: z.string(),
    eligible: z.array(z.string()),
    fill: z.object({ peerGroup: z.string(), candidates: z.array(z.string()) }).optional(),
    size: z.number().int(),
    picked: z.array(z.string()),
    excluded: z.object({ decider: z.string(), managing: z.array(z.string()), investigators: z.array(z.string()) }),
    inheritedFrom: z.string().optional(),
    note: z.string().optional(),
    /** The draw re-run now from what it stores gives the same seed and members. */
    verified: z.boolean(),
  })
  .openapi('PanelDrawRecord');

type Row = typeof decisions.$inferSelect;
type Review = typeof decisionReviews.$inferSelect;

/** Whether the actor may see how each member voted on this review now. */
function seesVotes(ctx: Ctx, d: Row, review: Review | undefined): boolean {
  if (!review || review.status !== 'pending_review') return true;
  const a = ctx.actor;
  if (a.kind !== 'user' || (a.role !== 'hr' && a.role !== 'supervisor')) return false;
  return !isOwnCase(a, d.deciderCode) && !isOwnCase(a, d.subjectOfficerCode);
}

/** The views of decision rows, with panels, votes, investigators and reviews in four chunked reads. */
export async function decisionViews(ctx: Ctx, rows: readonly Row[]): Promise<(DecisionView & { draw: PanelDraw | null })[]> {
  const ids = rows.map((r) => r.id);
  const [seats, votes, investigators, reviews] = ids.length
    ? await Promise.all([
        ctx.db.select().from(decisionReviewers).where(inArray(decisionReviewers.decisionId, ids)).orderBy(decisionReviewers.officerCode),
        ctx.db.select().from(decisionVotes).where(inArray(decisionVotes.decisionId, ids)),
        ctx.db.select().from(decisionInvestigators).where(inArray(decisionInvestigators.decisionId, ids)).orderBy(decisionInvestigators.officerCode),
        ctx.db.select().from(decisionReviews).where(inArray(decisionReviews.decisionId, ids)),
      ])
    : [[], [], [], []];
  const group = <T extends { decisionId: string }>(xs: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(x.decisionId, [...(m.get(x.decisionId) ?? []), x]);
    return m;
  };
  const seatsBy = group(seats);
  const votesBy = group(votes);
  const invBy = group(investigators);
  const reviewBy = new Map(reviews.map((r) => [r.decisionId, r]));
  const me = actingOfficer(ctx.actor);
  return rows.map((r) => {
    const review = reviewBy.get(r.id);
    const all = seesVotes(ctx, r, review);
    const cast = new Map((votesBy.get(r.id) ?? []).map((v) => [v.officerCode, v]));
    const panel = (seatsBy.get(r.id) ?? []).map((s) => {
      const v = cast.get(s.officerCode);
      const show = v && (all || s.officerCode === me);
      return {
        officerCode: s.officerCode,
        voted: !!v,
        ...(show ? { vote: v.vote, reason: v.reason, votedAt: v.castAt } : {}),
        ...(s.vote ? { claimedVote: s.vote } : {}),
        ...(s.investigated ? { investigated: true } : {}),
      };
    });
    const status: DecisionStatus = review ? review.status : 'effective';
    const { amount: proposed, taxpayerNonce: _salt, ...row } = r;
    return {
      ...row,
      status,
      proposedAmount: proposed,
      amount: review ? (review.status === 'approved' ? review.decidedAmount : null) : proposed,
      investigators: (invBy.get(r.id) ?? []).map((i) => i.officerCode),
      panel,
      review: review
        ? {
            panelSize: review.panelSize,
            quorum: review.quorum,
            openedAt: review.openedAt,
            dueAt: review.dueAt,
            closedAt: review.closedAt,
            ...(all ? { approvals: review.approvals, rejections: review.rejections } : {}),
            voted: cast.size,
          }
        : null,
      draw: review ? (review.draw as PanelDraw) : null,
    };
  });
}

/** The stored draw with its re-run: `verified` when the seed and members are what its inputs give. */
export function verifiedDraw(draw: PanelDraw | null): (PanelDraw & { verified: boolean }) | null {
  if (!draw) return null;
  return { ...draw, verified: redrawPanel(draw).ok };
}
