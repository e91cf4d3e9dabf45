/**
 * Computing an annual review (DESIGN 3b): HR grades a year from its four published quarterly
 * runs (409 naming the quarters that have none), with the policy in effect for the year's last
 * quarter (the policy its published run used) or a candidate policy, which makes the review a
 * what-if that is never published. Review, results and one audit entry go in one batch; the
 * entry commits to every result through `resultsDigest` and names the runs and their digests.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { annualResults, annualReviews, gradingRuns, policies } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import { newId, sha256Hex } from '../core/ids.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commit, type Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { insertMany } from '../../db/insert-many.js';
import { annualBasis, gradeYear, type Policy } from '../../scoring/index.js';
import { parsePolicy } from './run-model.js';
import { annualInputDigest, loadAnnualInput } from './annual-inputs.js';
import { packAnnual } from './annual-model.js';

export const computeReviewInput = z
  .object({
    year: z.number().int().min(1970).max(9999).openapi({ example: 2026 }),
    policy: z.unknown().optional().openapi({ description: "A full policy document; omitted: the policy of the year's last published run (the one in effect)." }),
  })
  .openapi('ComputeAnnualReview');

const quarters = (year: number) => [1, 2, 3, 4].map((q) => `${year}Q${q}`);

/** The year's published run of each quarter, or 409 naming the quarters without one. */
async function yearRuns(ctx: Ctx, year: number) {
  const periods = quarters(year);
  const rows = await ctx.db
    .select({ id: gradingRuns.id, period: gradingRuns.period, policyHash: gradingRuns.policyHash, inputDigest: gradingRuns.inputDigest })
    .from(gradingRuns)
    .where(and(inArray(gradingRuns.period, periods), eq(gradingRuns.status, 'published')));
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const missing = periods.filter((p) => !byPeriod.has(p));
  if (missing.length > 0) {
    throw new ApiError(409, 'quarters_unpublished', `No published run for ${missing.join(', ')}; an annual review needs all four quarters of ${year}.`, [
      { path: 'year', message: `no published run for ${missing.join(', ')}` },
    ]).say('quarters_unpublished', { detail: missing.join(', ') });
  }
  return periods.map((p) => byPeriod.get(p)!);
}

/** The results digest each run's audit entry committed to (ADR 0012), for the review to name. */
async function runResultsDigests(ctx: Ctx, runIds: string[]) {
  const rows = await ctx.db.all<{ id: string; digest: string | null }>(sql`
    select entity_id as id, json_extract(leaf, '$.payload.resultsDigest') as digest from audit_entries
    where entity = 'grading_run' and entity_id in ${runIds} and action in ('grading_run.compute', 'grading_run.recompute')
    order by seq`);
  const out = new Map<string, string>();
  for (const r of rows) if (r.digest) out.set(r.id, r.digest);
  return out;
}

/** HR computes the annual review of a year. */
export async function computeAnnualReview({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof computeReviewInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = parseInput(computeReviewInput, given);
  const runs = await yearRuns(ctx, input.year);
  const last = runs[3]!;
  const [inEffect] = await ctx.db.select({ document: policies.document }).from(policies).where(eq(policies.hash, last.policyHash));
  const policy: Policy = input.policy === undefined ? parsePolicy(JSON.parse(inEffect!.document)) : parsePolicy(input.policy);
  const policyDoc = canonicalJson(policy);
  const policyHash = await sha256Hex(policyDoc);
  const whatIf = policyHash !== last.policyHash;

  const annualInput = await loadAnnualInput(ctx.db, input.year, runs.map((r) => ({ period: r.period, runId: r.id })));
  const inputDigest = await annualInputDigest(annualInput);
  const out = gradeYear(policy, annualInput, { explain: false });
  const basis = annualBasis(policy, out);
  const sorted = [...out.results].sort((a, b) => (a.officerCode < b.officerCode ? -1 : a.officerCode > b.officerCode ? 1 : 0));
  const resultsDigest = await sha256Hex(JSON.stringify(sorted.map((r) => [r.officerCode, r.status, r.score, r.rank, r.grade, r.tieBreakQuarters, r.activeDays])));
  const digests = await runResultsDigests(ctx, runs.map((r) => r.id));
  const runFacts = runs.map((r) => ({ period: r.period, runId: r.id, inputDigest: r.inputDigest, resultsDigest: digests.get(r.id) ?? '' }));

  const now = ctx.clock.now();
  const at = now.toISOString();
  const id = newId('ann', now);
  const writes: Write[] = [];
  const events = [];
  const [known] = await ctx.db.select({ hash: policies.hash }).from(policies).where(eq(policies.hash, policyHash));
  if (!known) {
    writes.push(ctx.db.insert(policies).values({ hash: policyHash, version: policy.version, document: policyDoc, createdAt: at }).onConflictDoNothing());
    events.push({ action: 'policy.store', entity: 'policy', entityId: policyHash, payload: { version: policy.version, document: policy } });
  }
  writes.push(
    ctx.db.insert(annualReviews).values({ id, year: input.year, policyHash, inputDigest, resultsDigest, runs: runFacts, basis, status: 'computed', whatIf, createdBy: ctx.actor.userId, createdAt: at }),
    ...insertMany(
      ctx.db,
      annualResults,
      sorted.map((r) => ({ reviewId: id, officerCode: r.officerCode, status: r.status, score: r.score, rank: r.rank, grade: r.grade, detail: packAnnual(r) })),
    ),
  );
  events.push({
    action: whatIf ? 'annual_review.what_if' : 'annual_review.compute',
    entity: 'annual_review',
    entityId: id,
    payload: { year: input.year, policyHash, policyVersion: policy.version, whatIf, inputDigest, resultsDigest, runs: runFacts, rated: out.rated, notRated: out.notRated, quota: out.quota, gradeCounts: out.gradeCounts },
  });
  await commit(ctx, writes, events);
  return { id, status: 'computed' as const, year: input.year, inputDigest, resultsDigest, policyHash, whatIf, runs: runs.map((r) => r.id) };
}
