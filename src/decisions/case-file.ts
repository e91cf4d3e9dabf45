/**
 * The panels a member sits on, each with its case file (DESIGN section 4: panel members must
 * know the case, not follow the decider's proposal): the taxpayer, the proposal against its
 * threshold, the justification, and the taxpayer's history of decisions.
 */
import { and, asc, desc, eq, gt, inArray, ne, notExists, sql } from 'drizzle-orm';
import { decisionReviewers, decisionReviews, decisions, decisionVotes, taxpayers } from '../../db/schema.js';
import { actingOfficer, requireRole, type Ctx } from '../core/context.js';
import { forbidden } from '../core/errors.js';
import { decisionViews, verifiedDraw, type DecisionView } from './view.js';
import type { PanelDraw } from './panel.js';

/** Decisions shown in a case file's history; the newest first. */
export const HISTORY_LIMIT = 20;
/** Closed panels shown below the open ones. */
export const RECENT_CLOSED = 20;

export interface HistoryItem {
  id: string;
  type: string;
  decidedAt: string;
  proposedAmount: number | null;
  threshold: number | null;
  deciderCode: string | null;
  status: string;
}

export interface CaseFile {
  decision: DecisionView & { draw: (PanelDraw & { verified: boolean }) | null };
  taxpayer: { code: string; name: string; category: string } | null;
  history: HistoryItem[];
  myVote: { vote: 'approve' | 'reject'; reason: string; castAt: string } | null;
}

/** The taxpayer's other decisions, newest first, with each one's review status. */
async function historyOf(ctx: Ctx, taxpayerCode: string, except: string): Promise<HistoryItem[]> {
  const rows = await ctx.db
    .select({
      id: decisions.id,
      type: decisions.type,
      decidedAt: decisions.decidedAt,
      proposedAmount: decisions.amount,
      threshold: decisions.threshold,
      deciderCode: decisions.deciderCode,
      status: sql<string>`coalesce(${decisionReviews.status}, 'effective')`,
    })
    .from(decisions)
    .leftJoin(decisionReviews, eq(decisionReviews.decisionId, decisions.id))
    .where(and(eq(decisions.taxpayerCode, taxpayerCode), ne(decisions.id, except)))
    .orderBy(desc(decisions.decidedAt), desc(decisions.id))
    .limit(HISTORY_LIMIT);
  return rows;
}

/**
 * The caller's panels: those still waiting for votes (oldest due first), then the latest closed
 * ones. Officers and supervisors linked to an officer record; the code is the caller's own.
 */
export async function myPanels({ ctx }: { ctx: Ctx }): Promise<{ pending: CaseFile[]; closed: CaseFile[] }> {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const me = actingOfficer(ctx.actor);
  if (!me) throw forbidden('This user is not linked to an officer record, so it sits on no panel.').say('not_officer');
  const seats = await ctx.db
    .select({ id: decisionReviewers.decisionId, status: decisionReviews.status, dueAt: decisionReviews.dueAt, closedAt: decisionReviews.closedAt })
    .from(decisionReviewers)
    .innerJoin(decisionReviews, eq(decisionReviews.decisionId, decisionReviewers.decisionId))
    .where(eq(decisionReviewers.officerCode, me));
  const pendingIds = seats.filter((s) => s.status === 'pending_review' && s.dueAt > ctx.clock.now().toISOString()).sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1)).map((s) => s.id);
  const closedIds = seats
    .filter((s) => !pendingIds.includes(s.id) && s.status !== 'superseded')
    .sort((a, b) => ((a.closedAt ?? a.dueAt) > (b.closedAt ?? b.dueAt) ? -1 : 1))
    .slice(0, RECENT_CLOSED)
    .map((s) => s.id);
  const ids = [...pendingIds, ...closedIds];
  if (!ids.length) return { pending: [], closed: [] };
  const rows = await ctx.db.select().from(decisions).where(inArray(decisions.id, ids));
  const views = new Map((await decisionViews(ctx, rows)).map((v) => [v.id, v]));
  const tps = await ctx.db.select().from(taxpayers).where(inArray(taxpayers.code, rows.map((r) => r.taxpayerCode ?? '')));
  const tpBy = new Map(tps.map((t) => [t.code, t]));
  const mine = await ctx.db.select().from(decisionVotes).where(and(inArray(decisionVotes.decisionId, ids), eq(decisionVotes.officerCode, me)));
  const mineBy = new Map(mine.map((v) => [v.decisionId, v]));
  const file = async (id: string): Promise<CaseFile> => {
    const v = views.get(id)!;
    const tp = v.taxpayerCode ? tpBy.get(v.taxpayerCode) : undefined;
    const my = mineBy.get(id);
    return {
      decision: { ...v, draw: verifiedDraw(v.draw) },
      taxpayer: tp ? { code: tp.code, name: tp.name, category: tp.category } : null,
      history: v.taxpayerCode ? await historyOf(ctx, v.taxpayerCode, id) : [],
      myVote: my ? { vote: my.vote, reason: my.reason, castAt: my.castAt } : null,
    };
  };
  return { pending: await Promise.all(pendingIds.map(file)), closed: await Promise.all(closedIds.map(file)) };
}

/**
 * The caller's open seats without their vote, soonest due first: what /me counts as "panels to
 * vote on" (the same open panels myPanels lists, less those the caller has voted on).
 */
export async function panelsAwaitingVote({ ctx }: { ctx: Ctx }): Promise<{ decisionId: string; dueAt: string }[]> {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const me = actingOfficer(ctx.actor);
  if (!me) throw forbidden('This user is not linked to an officer record, so it sits on no panel.');
  const voted = ctx.db
    .select({ one: sql`1` })
    .from(decisionVotes)
    .where(and(eq(decisionVotes.decisionId, decisionReviewers.decisionId), eq(decisionVotes.officerCode, me)));
  return ctx.db
    .select({ decisionId: decisionReviewers.decisionId, dueAt: decisionReviews.dueAt })
    .from(decisionReviewers)
    .innerJoin(decisionReviews, eq(decisionReviews.decisionId, decisionReviewers.decisionId))
    .where(and(eq(decisionReviewers.officerCode, me), eq(decisionReviews.status, 'pending_review'), gt(decisionReviews.dueAt, ctx.clock.now().toISOString()), notExists(voted)))
    .orderBy(asc(decisionReviews.dueAt), asc(decisionReviewers.decisionId));
}
