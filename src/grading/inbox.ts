/**
 * What waits for an HR user (the "waiting for me" of /hr and the count on the console's link):
 * the adjustments, quarterly and annual appeals they may decide, and the runs and annual reviews
 * another HR user computed that they may publish. Each list applies the same refusals as the verb
 * that acts on it (decideAdjustment, decideAppeal, decideAnnualAppeal, publishRun,
 * publishAnnualReview), so nothing is listed that the verb would refuse to this user: not their
 * own proposals, not runs they computed, never their own case (docs/adr/0080).
 */
import { and, asc, eq, inArray, isNull, ne, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { adjustments, annualAppeals, annualReviews, appeals, gradingRuns, officers, users } from '../../db/schema.js';
import { actingOfficer, requireRole, type Ctx } from '../core/context.js';
import { policyInEffect } from './policies.js';

/** Items of each list shown at most (the count says how many there are in all). */
export const INBOX_LIMIT = 50;

export interface HrInbox {
  adjustments: { id: string; runId: string; period: string; officerCode: string; officerName: string | null; fromTier: number; toTier: number; reason: string; requestedBy: string; requestedAt: string }[];
  appeals: { id: string; runId: string; period: string; officerCode: string; officerName: string | null; reason: string; filedAt: string }[];
  annualAppeals: { id: string; reviewId: string; year: number; officerCode: string; officerName: string | null; reason: string; filedAt: string }[];
  runs: { id: string; period: string; createdBy: string; createdAt: string; pendingAdjustments: number }[];
  reviews: { id: string; year: number; createdBy: string; createdAt: string }[];
  /** Everything waiting, over all lists (what the navigation shows). */
  total: number;
}

const maker = alias(users, 'maker');
const otherRun = alias(gradingRuns, 'other_run');
const otherReview = alias(annualReviews, 'other_review');

/** A subject that is not the actor's own officer record (refuseOwnCase), as a condition. */
function notOwn(column: SQLiteColumn, me: string | null): SQL | undefined {
  return me === null ? undefined : ne(column, me);
}

/**
 * An appeal this HR user may decide, as a condition, for quarterly and annual appeals alike (the
 * rules of appeal-core.ts: openDeciding, refuseGrader): pending, not about them, against a run or
 * review they neither computed nor published; `more` adds a kind's own refusals.
 */
function decidable(appeal: { status: SQLiteColumn; officerCode: SQLiteColumn }, parent: { createdBy: SQLiteColumn; publishedBy: SQLiteColumn }, me: string, myCode: string | null, ...more: SQL[]): SQL | undefined {
  return and(eq(appeal.status, 'pending'), notOwn(appeal.officerCode, myCode), ne(parent.createdBy, me), or(isNull(parent.publishedBy), ne(parent.publishedBy, me)), ...more);
}

/** The HR user's inbox: every list, oldest first, each cut at INBOX_LIMIT. */
export async function hrInbox({ ctx }: { ctx: Ctx }): Promise<HrInbox> {
  requireRole(ctx.actor, 'hr');
  const me = ctx.actor.userId;
  const myCode = actingOfficer(ctx.actor);

  // decideAdjustment: pending, its run still computed, proposed by someone else, not about me.
  const adj = await ctx.db
    .select({
      id: adjustments.id,
      runId: adjustments.runId,
      period: gradingRuns.period,
      officerCode: adjustments.officerCode,
      officerName: officers.name,
      fromTier: adjustments.fromTier,
      toTier: adjustments.toTier,
      reason: adjustments.reason,
      requestedBy: sql<string>`coalesce(${maker.username}, ${adjustments.requestedBy})`,
      requestedAt: adjustments.requestedAt,
    })
    .from(adjustments)
    .innerJoin(gradingRuns, eq(gradingRuns.id, adjustments.runId))
    .leftJoin(officers, eq(officers.code, adjustments.officerCode))
    .leftJoin(maker, eq(maker.id, adjustments.requestedBy))
    .where(and(eq(adjustments.status, 'pending'), eq(gradingRuns.status, 'computed'), ne(adjustments.requestedBy, me), notOwn(adjustments.officerCode, myCode)))
    .orderBy(asc(adjustments.requestedAt), asc(adjustments.id));

  // decideAppeal: pending, not about me, a run I neither started nor published, and no adjustment
  // of that officer in that run that I proposed or decided.
  const tookPart = ctx.db
    .select({ one: sql`1` })
    .from(adjustments)
    .where(and(eq(adjustments.runId, appeals.runId), eq(adjustments.officerCode, appeals.officerCode), or(eq(adjustments.requestedBy, me), eq(adjustments.decidedBy, me))));
  const apl = await ctx.db
    .select({ id: appeals.id, runId: appeals.runId, period: gradingRuns.period, officerCode: appeals.officerCode, officerName: officers.name, reason: appeals.reason, filedAt: appeals.filedAt })
    .from(appeals)
    .innerJoin(gradingRuns, eq(gradingRuns.id, appeals.runId))
    .leftJoin(officers, eq(officers.code, appeals.officerCode))
    .where(decidable(appeals, gradingRuns, me, myCode, notExists(tookPart)))
    .orderBy(asc(appeals.filedAt), asc(appeals.id));

  // decideAnnualAppeal: pending, not about me, a review I neither computed nor published.
  const annual = await ctx.db
    .select({ id: annualAppeals.id, reviewId: annualAppeals.reviewId, year: annualReviews.year, officerCode: annualAppeals.officerCode, officerName: officers.name, reason: annualAppeals.reason, filedAt: annualAppeals.filedAt })
    .from(annualAppeals)
    .innerJoin(annualReviews, eq(annualReviews.id, annualAppeals.reviewId))
    .leftJoin(officers, eq(officers.code, annualAppeals.officerCode))
    .where(decidable(annualAppeals, annualReviews, me, myCode))
    .orderBy(asc(annualAppeals.filedAt), asc(annualAppeals.id));

  // publishRun: computed by someone else, neither provisional nor what-if, its period not yet
  // published, its policy the one in effect for the period (else it can never be published).
  const published = ctx.db.select({ one: sql`1` }).from(otherRun).where(and(eq(otherRun.period, gradingRuns.period), eq(otherRun.status, 'published')));
  const candidates = await ctx.db
    .select({ id: gradingRuns.id, period: gradingRuns.period, policyHash: gradingRuns.policyHash, createdBy: sql<string>`coalesce(${maker.username}, ${gradingRuns.createdBy})`, createdAt: gradingRuns.createdAt })
    .from(gradingRuns)
    .leftJoin(maker, eq(maker.id, gradingRuns.createdBy))
    .where(and(eq(gradingRuns.status, 'computed'), eq(gradingRuns.provisional, false), eq(gradingRuns.whatIf, false), ne(gradingRuns.createdBy, me), notExists(published)))
    .orderBy(asc(gradingRuns.createdAt), asc(gradingRuns.id));
  const inEffect = new Map<string, string>();
  for (const p of new Set(candidates.map((r) => r.period))) inEffect.set(p, (await policyInEffect(ctx, p)).hash);
  const runs = candidates.filter((r) => inEffect.get(r.period) === r.policyHash);
  const pendingBy = new Map<string, number>();
  if (runs.length) {
    const rows = await ctx.db
      .select({ runId: adjustments.runId, n: sql<number>`count(*)` })
      .from(adjustments)
      .where(and(inArray(adjustments.runId, runs.map((r) => r.id)), eq(adjustments.status, 'pending')))
      .groupBy(adjustments.runId);
    for (const r of rows) pendingBy.set(r.runId, Number(r.n));
  }

  // publishAnnualReview: computed by someone else, not a what-if, its year not yet published.
  const yearPublished = ctx.db.select({ one: sql`1` }).from(otherReview).where(and(eq(otherReview.year, annualReviews.year), eq(otherReview.status, 'published')));
  const reviews = await ctx.db
    .select({ id: annualReviews.id, year: annualReviews.year, createdBy: sql<string>`coalesce(${maker.username}, ${annualReviews.createdBy})`, createdAt: annualReviews.createdAt })
    .from(annualReviews)
    .leftJoin(maker, eq(maker.id, annualReviews.createdBy))
    .where(and(eq(annualReviews.status, 'computed'), eq(annualReviews.whatIf, false), ne(annualReviews.createdBy, me), notExists(yearPublished)))
    .orderBy(asc(annualReviews.createdAt), asc(annualReviews.id));

  const total = adj.length + apl.length + annual.length + runs.length + reviews.length;
  return {
    adjustments: adj.slice(0, INBOX_LIMIT),
    appeals: apl.slice(0, INBOX_LIMIT),
    annualAppeals: annual.slice(0, INBOX_LIMIT),
    runs: runs.slice(0, INBOX_LIMIT).map(({ policyHash: _p, ...r }) => ({ ...r, pendingAdjustments: pendingBy.get(r.id) ?? 0 })),
    reviews: reviews.slice(0, INBOX_LIMIT),
    total,
  };
}
