/**
 * Reading annual reviews: the list, one review with its quota and grade counts (effective grades
 * counted too), its results (API: by officer code; console: sorted by any column), one officer's
 * result, and the caller's own published annual results.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { annualAppeals, annualResults, annualReviews, officers } from '../../db/schema.js';
import { isOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, forbidden, notFound } from '../core/errors.js';
import { keyset } from '../core/pagination.js';
import { annualGrades, type AnnualExplainBasis, type AnnualGrade } from '../../scoring/index.js';
import { annualItem, effectiveGrade, findReview, reviewView, visibleReview, type AnnualAppealRow } from './annual-model.js';

/**
 * Upheld appeals with a corrected grade, by officer (one appeal per result, so one at most): of the
 * whole review for lists (few; a page of codes would pass D1's 100 bound parameters), or of one officer.
 */
async function upheldAppeals(ctx: Ctx, reviewId: string, officerCodes?: string[]): Promise<Map<string, AnnualAppealRow>> {
  if (officerCodes && officerCodes.length === 0) return new Map();
  const conds: SQL[] = [eq(annualAppeals.reviewId, reviewId), eq(annualAppeals.status, 'upheld')];
  if (officerCodes) conds.push(inArray(annualAppeals.officerCode, officerCodes));
  const rows = await ctx.db.select().from(annualAppeals).where(and(...conds));
  return new Map(rows.map((a) => [a.officerCode, a]));
}

const reviewsNewestFirst = keyset('desc', [annualReviews.id], (r: { id: string }) => [r.id]);

/** Reviews, newest first; officers see only published ones. */
export async function listReviews({ ctx, input }: { ctx: Ctx; input: { year?: number; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr', 'officer');
  const limit = input.limit ?? 100;
  const conds: SQL[] = [];
  if (input.year !== undefined) conds.push(eq(annualReviews.year, input.year));
  if (ctx.actor.role !== 'hr') conds.push(eq(annualReviews.status, 'published'));
  const after = reviewsNewestFirst.after(input.cursor);
  if (after) conds.push(after);
  const rows = await ctx.db.select().from(annualReviews).where(conds.length ? and(...conds) : undefined).orderBy(desc(annualReviews.id)).limit(limit + 1);
  const { items, nextCursor } = reviewsNewestFirst.page(rows, limit);
  return { items: items.map(reviewView), nextCursor };
}

/**
 * One review: its facts, rated and not rated counts, the quota (cap, used, candidates, barred) and
 * the grade counts as computed and as they stand after upheld appeals.
 */
export async function getReview({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  const review = await visibleReview(ctx, input.id);
  const basis = review.basis as AnnualExplainBasis;
  const counts = await ctx.db
    .select({ status: annualResults.status, grade: annualResults.grade, n: sql<number>`count(*)` })
    .from(annualResults)
    .where(eq(annualResults.reviewId, review.id))
    .groupBy(annualResults.status, annualResults.grade);
  const gradeCounts = Object.fromEntries(annualGrades.map((g) => [g, 0])) as Record<AnnualGrade, number>;
  let rated = 0;
  let notRated = 0;
  for (const c of counts) {
    if (c.status === 'rated') rated += Number(c.n);
    else notRated += Number(c.n);
    if (c.grade) gradeCounts[c.grade] += Number(c.n);
  }
  const effective = { ...gradeCounts };
  const upheld = await ctx.db
    .select({ from: annualResults.grade, to: annualAppeals.correctedGrade })
    .from(annualAppeals)
    .innerJoin(annualResults, and(eq(annualResults.reviewId, annualAppeals.reviewId), eq(annualResults.officerCode, annualAppeals.officerCode)))
    .where(and(eq(annualAppeals.reviewId, review.id), eq(annualAppeals.status, 'upheld')));
  for (const u of upheld) {
    if (u.from) effective[u.from]--;
    if (u.to) effective[u.to]++;
  }
  const [q] = await ctx.db.all<{ candidates: number; barred: number; overQuota: number }>(sql`
    select coalesce(sum(json_extract(detail, '$.p.q') = 'excellent' and json_array_length(detail, '$.p.b') = 0), 0) as candidates,
           coalesce(sum(json_extract(detail, '$.p.q') = 'excellent' and json_array_length(detail, '$.p.b') > 0), 0) as barred,
           coalesce(sum(json_extract(detail, '$.p.o') = 1), 0) as overQuota
    from annual_results where review_id = ${review.id} and status = 'rated'`);
  return {
    ...reviewView(review),
    counts: { rated, notRated },
    quota: { share: basis.quotaShare, cap: basis.quotaCap, used: gradeCounts.excellent, candidates: Number(q!.candidates), barred: Number(q!.barred), overQuota: Number(q!.overQuota) },
    lines: { excellent: basis.excellentMin, competent: basis.competentMin, basicallyCompetent: basis.basicallyCompetentMin },
    gradeCounts,
    effectiveGradeCounts: effective,
  };
}

const byOfficer = keyset('asc', [annualResults.officerCode], (r: { officerCode: string }) => [r.officerCode]);

/** HR lists a review's results by officer code, paginated. */
export async function listAnnualResults({ ctx, input }: { ctx: Ctx; input: { id: string; limit?: number; cursor?: string } }) {
  requireRole(ctx.actor, 'hr');
  const review = await findReview(ctx, input.id);
  const limit = input.limit ?? 100;
  const rows = await ctx.db
    .select()
    .from(annualResults)
    .where(and(eq(annualResults.reviewId, review.id), byOfficer.after(input.cursor)))
    .orderBy(asc(annualResults.officerCode))
    .limit(limit + 1);
  const { items, nextCursor } = byOfficer.page(rows, limit);
  const upheld = await upheldAppeals(ctx, review.id);
  return { items: items.map((r) => annualItem(r, review.basis as AnnualExplainBasis, upheld.get(r.officerCode))), nextCursor };
}

/** One officer's annual result: HR any; an officer only their own, only once published. */
export async function getAnnualResult({ ctx, input }: { ctx: Ctx; input: { id: string; officerCode: string } }) {
  requireRole(ctx.actor, 'hr', 'officer', 'supervisor');
  if (ctx.actor.role !== 'hr' && !isOwnCase(ctx.actor, input.officerCode)) throw forbidden('An officer sees only their own result.').say('own_result_only');
  const review = await visibleReview(ctx, input.id);
  const [row] = await ctx.db.select().from(annualResults).where(and(eq(annualResults.reviewId, review.id), eq(annualResults.officerCode, input.officerCode)));
  if (!row) throw notFound(`Officer ${input.officerCode} has no result in annual review ${review.id}.`);
  const upheld = (await upheldAppeals(ctx, review.id, [row.officerCode])).get(row.officerCode);
  return { reviewId: review.id, year: review.year, reviewStatus: review.status, publishedAt: review.publishedAt, ...annualItem(row, review.basis as AnnualExplainBasis, upheld), correctionDetail: upheld ?? null };
}

/** The caller's own results in published annual reviews, newest year first. */
export async function myAnnualResults({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const code = ctx.actor.officerCode;
  if (!code) return { items: [] };
  const rows = await ctx.db
    .select({ result: annualResults, review: annualReviews })
    .from(annualResults)
    .innerJoin(annualReviews, eq(annualReviews.id, annualResults.reviewId))
    .where(and(eq(annualResults.officerCode, code), eq(annualReviews.status, 'published')))
    .orderBy(desc(annualReviews.year), desc(annualReviews.id));
  const appeals = rows.length ? await ctx.db.select().from(annualAppeals).where(and(eq(annualAppeals.officerCode, code), eq(annualAppeals.status, 'upheld'))) : [];
  const upheld = new Map(appeals.map((a) => [a.reviewId, a]));
  return {
    items: rows.map((r) => ({ reviewId: r.review.id, year: r.review.year, publishedAt: r.review.publishedAt, rated: (r.review.basis as AnnualExplainBasis).rated, ...annualItem(r.result, r.review.basis as AnnualExplainBasis, upheld.get(r.review.id)) })),
  };
}

const sortColumns = {
  code: annualResults.officerCode,
  rank: annualResults.rank,
  score: annualResults.score,
  grade: sql`case ${annualResults.grade} when 'excellent' then 1 when 'competent' then 2 when 'basically_competent' then 3 when 'incompetent' then 4 end`,
} as const;
export type AnnualSort = keyof typeof sortColumns;
export const annualSorts = Object.keys(sortColumns) as AnnualSort[];

/** A page of a review's results sorted by any column (the console), with the total and names. */
export async function browseAnnualResults({ ctx, input }: { ctx: Ctx; input: { id: string; sort: AnnualSort; dir: 'asc' | 'desc'; offset: number; limit: number } }) {
  requireRole(ctx.actor, 'hr');
  const review = await findReview(ctx, input.id);
  const col = sortColumns[input.sort];
  if (!col) throw badRequest('Unknown sort column.', [{ path: 'sort', message: `one of ${annualSorts.join(', ')}` }]);
  const order = input.dir === 'desc' ? [sql`${col} is null`, desc(col), asc(annualResults.officerCode)] : [sql`${col} is null`, asc(col), asc(annualResults.officerCode)];
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ r: annualResults, name: officers.name })
      .from(annualResults)
      .leftJoin(officers, eq(officers.code, annualResults.officerCode))
      .where(eq(annualResults.reviewId, review.id))
      .orderBy(...order)
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.select({ n: sql<number>`count(*)` }).from(annualResults).where(eq(annualResults.reviewId, review.id)),
  ]);
  const upheld = await upheldAppeals(ctx, review.id);
  return { review, rows: rows.map((x) => annualItem({ ...x.r, name: x.name }, review.basis as AnnualExplainBasis, upheld.get(x.r.officerCode))), total: Number(total!.n) };
}

/** Annual scores per 5-point bin (rated officers), for the distribution chart. */
export async function annualHistogram(ctx: Ctx, id: string): Promise<number[]> {
  const rows = await ctx.db.all<{ bin: number; n: number }>(sql`
    select min(cast(score / 5 as integer), 19) as bin, count(*) as n from annual_results
    where review_id = ${id} and status = 'rated' group by bin`);
  const bins = Array.from({ length: 20 }, () => 0);
  for (const r of rows) bins[r.bin] = Number(r.n);
  return bins;
}

export { effectiveGrade };
