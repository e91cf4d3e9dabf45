/**
 * What the annual review's verbs share (DESIGN 3b): the row types, reading a review (and who may
 * see it), its policy, the stored form of a result and its public shape with the effective grade.
 * A review stores the policy (by hash), the runs it used with their digests, the digest of its
 * input, and one result per officer: the engine's figures without the explanation, which is
 * rendered on read from the figures and the review's basis (as quarterly results are, ADR 0013).
 */
import { eq } from 'drizzle-orm';
import { annualAppeals, annualResults, annualReviews, policies } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict, notFound } from '../core/errors.js';
import { policySchema, type Policy } from '../../scoring/policy.js';
import { explainAnnual, type AnnualExplainBasis, type AnnualFigures, type AnnualGrade, type AnnualQuarterUsed } from '../../scoring/index.js';

export type ReviewRow = typeof annualReviews.$inferSelect;
export type AnnualResultRow = typeof annualResults.$inferSelect;
export type AnnualAppealRow = typeof annualAppeals.$inferSelect;

/**
 * The stored figures of one annual result (the row's columns hold status, score, rank and grade):
 * quarters used as [period, composite, active days, effective tier], quarters not graded as
 * [period, active days], the tie-break count, the placement and the reason for not rating.
 */
export interface StoredAnnual {
  name?: string;
  unit?: string;
  q: [string, number, number, number][];
  ng: [string, number][];
  t5: number;
  p?: { q: AnnualGrade; b: [string, string, string][]; o: boolean };
  r?: string;
}

export function packAnnual(r: AnnualFigures): StoredAnnual {
  const d: StoredAnnual = { q: r.quarters.map((q) => [q.period, q.composite, q.activeDays, q.tier]), ng: r.notGraded.map((q) => [q.period, q.activeDays]), t5: r.tieBreakQuarters };
  if (r.name !== undefined) d.name = r.name;
  if (r.unitCode !== undefined) d.unit = r.unitCode;
  if (r.placement) d.p = { q: r.placement.qualifiedFor, b: r.placement.barredBy.map((f) => [f.flagId, f.rule, f.severity]), o: r.placement.overQuota };
  if (r.reason !== undefined) d.r = r.reason;
  return d;
}

/** The engine's figures back from a row, key for key as `gradeYear` returned them. */
export function unpackAnnual(row: AnnualResultRow): AnnualFigures {
  const d = row.detail as StoredAnnual;
  let days = 0;
  for (const q of d.q) days += q[2];
  const quarters: AnnualQuarterUsed[] = d.q.map(([period, composite, activeDays, tier]) => ({ period, composite, activeDays, tier, weight: days > 0 ? activeDays / days : 0 }));
  return {
    officerCode: row.officerCode,
    ...(d.name === undefined ? {} : { name: d.name }),
    ...(d.unit === undefined ? {} : { unitCode: d.unit }),
    status: row.status,
    ...(d.r === undefined ? {} : { reason: d.r }),
    score: row.score,
    quarters,
    notGraded: d.ng.map(([period, activeDays]) => ({ period, activeDays })),
    activeDays: days,
    tieBreakQuarters: d.t5,
    rank: row.rank,
    grade: row.grade,
    placement: d.p ? { qualifiedFor: d.p.q, barredBy: d.p.b.map(([flagId, rule, severity]) => ({ flagId, rule, severity: severity as 'high' })), overQuota: d.p.o } : null,
  };
}

/** Reads a review, or 404. */
export async function findReview(ctx: Ctx, id: string): Promise<ReviewRow> {
  const [r] = await ctx.db.select().from(annualReviews).where(eq(annualReviews.id, id));
  if (!r) throw notFound(`No annual review ${id}.`);
  return r;
}

/** HR sees every review; an officer only published ones (404 otherwise, as if it did not exist). */
export async function visibleReview(ctx: Ctx, id: string): Promise<ReviewRow> {
  requireRole(ctx.actor, 'hr', 'officer', 'supervisor');
  const r = await findReview(ctx, id);
  if (ctx.actor.role !== 'hr' && r.status !== 'published') throw notFound(`No annual review ${id}.`);
  return r;
}

export async function reviewPolicy(ctx: Ctx, r: ReviewRow): Promise<Policy> {
  const [p] = await ctx.db.select({ document: policies.document }).from(policies).where(eq(policies.hash, r.policyHash));
  return policySchema.parse(JSON.parse(p!.document));
}

/** Refuses a change to a published review (409). */
export function assertReviewMutable(r: ReviewRow, what: string) {
  if (r.status === 'published') throw conflict(`Annual review ${r.id} is published and frozen; ${what} is not possible.`, 'review_published');
  if (r.status === 'discarded') throw conflict(`Annual review ${r.id} was discarded; ${what} is not possible.`, 'review_discarded');
}

export function reviewView(r: ReviewRow) {
  return {
    id: r.id,
    year: r.year,
    status: r.status,
    whatIf: r.whatIf,
    policyHash: r.policyHash,
    inputDigest: r.inputDigest,
    resultsDigest: r.resultsDigest,
    runs: r.runs.map((x) => x.runId),
    runDigests: r.runs,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt,
  };
}

/** The grade as it stands: an upheld appeal's corrected grade, else the computed one. */
export interface EffectiveGrade {
  grade: AnnualGrade | null;
  correction: string | null;
}

export function effectiveGrade(row: { grade: AnnualGrade | null }, upheld: AnnualAppealRow | undefined): EffectiveGrade {
  return upheld && upheld.correctedGrade ? { grade: upheld.correctedGrade, correction: upheld.id } : { grade: row.grade, correction: null };
}

/**
 * The public shape of one annual result (API.md "The year"): officer, status, score, the quarters
 * used, rank, grade and explanation, plus the active days, the tie-break count, why (placement),
 * the reason for not rating, and `effective` (the grade after an upheld appeal).
 */
export function annualItem(row: AnnualResultRow & { name?: string | null }, basis: AnnualExplainBasis, upheld?: AnnualAppealRow) {
  const f = unpackAnnual(row);
  return {
    officerCode: row.officerCode,
    name: row.name ?? f.name ?? null,
    unitCode: f.unitCode ?? null,
    status: row.status,
    reason: f.reason ?? null,
    score: row.score,
    quarters: f.quarters.map(({ period, composite, activeDays, tier }) => ({ period, composite, activeDays, tier })),
    activeDays: f.activeDays,
    tieBreakQuarters: f.tieBreakQuarters,
    rank: row.rank,
    grade: row.grade,
    placement: f.placement,
    effective: effectiveGrade(row, upheld),
    explanation: explainAnnual(f, basis),
  };
}
