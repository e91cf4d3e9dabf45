/**
 * Computing a run: HR starts one for a period (or a what-if with a candidate policy), or
 * recomputes a computed one in place against the inputs as they are now.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { gradingResults, gradingRuns } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, conflict } from '../core/errors.js';
import { isoDate } from '../core/clock.js';
import { newId, sha256Hex } from '../core/ids.js';
import type { Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import type { Policy } from '../../scoring/policy.js';
import { activeRange, explainBasis, gradeOfficers, type ResultFigures } from '../../scoring/index.js';
import { inputDigest, loadEngineInput } from './inputs.js';
import { packDetail, storedRun } from './detail.js';
import { figuresText } from './digest.js';
import { guarded } from '../audit/guarded.js';
import { writeRun } from './run-job.js';
import { assertMutable, findRun, parsePolicy, parseRunPeriod, periodState, runPolicy } from './run-model.js';
import { policyInEffect, storePolicy } from './policies.js';

export const startRunInput = z
  .object({
    period: z.string().openapi({ example: '2026Q3' }),
    policy: z.unknown().optional().openapi({ description: 'A full policy document; omitted: the approved policy in effect for the period. Any other policy makes the run a what-if.' }),
    whatIf: z.boolean().optional().openapi({ description: 'true: a what-if run even with the policy in effect.' }),
  })
  .openapi('StartGradingRun');

/**
 * HR computes a run for a period: aggregates the inputs per officer in SQL, grades them with the
 * pure engine and stores policy, run, results and one audit entry (plus one for a policy
 * document seen for the first time) in one batch. The audit payload commits to every result
 * through `resultsDigest` = SHA-256 of the canonical JSON of each result's figures
 * (`resultFigures`) sorted by officer code, instead of one leaf per officer (ADR 0012).
 *
 * Periods (DESIGN 3): a quarter that has not started is refused (422 `period_not_started`: every
 * workload and feedback score would be a placeholder); the quarter in progress is computed only
 * as a provisional what-if (`provisional: true`, never publishable).
 */
export async function startRun({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof startRunInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = parseInput(startRunInput, given);
  const period = parseRunPeriod(input.period);
  // The policy in effect for the period (four eyes, policies.ts) unless a document is given: any
  // other policy makes the run a what-if, computed and compared but never published (DESIGN 3).
  const inEffect = await policyInEffect(ctx, period.code);
  const policy = input.policy === undefined ? inEffect.policy : parsePolicy(input.policy);
  const now = ctx.clock.now();
  const state = periodState(period, isoDate(now));
  if (state === 'future') {
    throw new ApiError(422, 'period_not_started', `Period ${period.code} starts on ${period.start}; a quarter that has not started cannot be graded.`, [
      { path: 'period', message: `${period.code} has not started (starts ${period.start})` },
    ]).say('period_not_started');
  }
  const provisional = state === 'current';
  const id = newId('run', now);
  const c = await computeResults(ctx, id, period, policy);
  const whatIf = input.whatIf === true || provisional || c.policyHash !== inEffect.hash;

  const { writes, events } = await storePolicy(ctx, policy, c.policyHash, c.policyDoc, now.toISOString());
  // Opened `computing`: the batch that writes the last results makes it `computed` (run-job.ts).
  writes.push(
    ctx.db.insert(gradingRuns).values({ id, period: period.code, policyHash: c.policyHash, inputDigest: c.inputDigest, status: 'computing', whatIf, provisional, createdBy: ctx.actor.userId, createdAt: now.toISOString() }),
  );
  const event = { action: whatIf ? 'grading_run.what_if' : 'grading_run.compute', entity: 'grading_run', entityId: id, payload: { ...c.payload, whatIf, provisional } };
  const { status, jobId } = await writeRun(ctx, { runId: id, open: { writes, events }, rows: c.rows, resultsDigest: c.resultsDigest, event });
  return { id, status, inputDigest: c.inputDigest, whatIf, provisional, policyHash: c.policyHash, resultsDigest: c.resultsDigest, ...(jobId && status === 'computing' ? { jobId } : {}) };
}

/**
 * Aggregates and grades one run: its result rows in officer-code order (written by writeRun, as
 * many per statement as the driver's bound-parameter limit allows: 7 rows of 14 columns on D1),
 * plus the audit payload that commits to them. The engine runs without its explanation text: the
 * rows store the compact breakdown (detail.ts) and reads render the text from it. Deterministic:
 * the same inputs and policy give the same rows and digests (a staged run relies on it).
 */
export async function computeResults(ctx: Ctx, runId: string, period: ReturnType<typeof parseRunPeriod>, policy: Policy) {
  const engineInput = await loadEngineInput(ctx.db, period, policy);
  const digest = await inputDigest(engineInput);
  const output = gradeOfficers(policy, engineInput, { explain: false });
  const policyDoc = canonicalJson(policy);
  const policyHash = await sha256Hex(policyDoc);

  const dates = new Map(engineInput.officers.map((o) => [o.code, o]));
  const ctxExplain = { policy, period, window: output.assessmentWindow, prior: output.prior, graded: output.graded, caps: output.caps };
  const runBasis = explainBasis(ctxExplain, { hireDate: period.start, leaveDate: null });
  const run = storedRun(runBasis, output.assessmentWindow, output.prior, policy.feedback.priorWeight);
  const sorted = [...output.results].sort((a, b) => (a.officerCode < b.officerCode ? -1 : a.officerCode > b.officerCode ? 1 : 0));
  const rows = sorted.map((r) => {
    const { from, to } = activeRange(dates.get(r.officerCode)!, period);
    const caps = r.placement && r.placement.cappedAt.length > 0 ? explainBasis(ctxExplain, dates.get(r.officerCode)!, r.placement.cappedAt).caps : [];
    return {
      runId,
      officerCode: r.officerCode,
      status: r.status,
      composite: r.composite,
      workload: r.components?.workload ?? null,
      assessment: r.components?.assessment ?? null,
      feedback: r.components?.feedback ?? null,
      tenure: r.components?.tenure ?? null,
      penalty: r.status === 'graded' ? r.penalty : null,
      rank: r.rank,
      tier: r.tier,
      coefficient: r.coefficient,
      payout: r.payout,
      detail: packDetail(r, { activeFrom: from, activeTo: to, caps }, run),
    };
  });
  const resultsDigest = await sha256Hex(figuresText(sorted.map(resultFigures)));
  const graded = sorted.filter((r) => r.status === 'graded').length;
  const tierCounts: Record<string, number> = {};
  for (const r of sorted) if (r.tier !== null) tierCounts[String(r.tier)] = (tierCounts[String(r.tier)] ?? 0) + 1;
  return {
    inputDigest: digest,
    policyHash,
    policyDoc,
    resultsDigest,
    rows,
    payload: {
      period: period.code,
      policyHash,
      policyVersion: policy.version,
      inputDigest: digest,
      resultsDigest,
      counts: { officers: sorted.length, graded, notGraded: sorted.length - graded },
      tierCounts,
      prior: output.prior,
      caps: output.caps,
    },
  };
}

/**
 * HR recomputes a computed run in place with its own policy against the inputs as they are now
 * (e.g. after a corrected import). Refused (409) once published, and once any adjustment was
 * proposed, since recomputing would silently drop a four-eyes decision; start a new run instead.
 * Only the HR user who computed the run recomputes it (403 `maker_checker`): whoever produced the
 * figures is the maker, and the maker never publishes them (publish-run.ts).
 */
export async function recomputeRun({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.createdBy !== ctx.actor.userId) throw new ApiError(403, 'maker_checker', `Only the HR user who computed run ${run.id} recomputes it; start a new run instead.`).say('recompute_owner');
  assertMutable(run, 'recomputing it');
  const [adjusted] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from adjustments where run_id = ${run.id}`);
  if (adjusted!.n > 0) throw conflict(`Run ${run.id} has adjustments; start a new run instead of recomputing this one.`, 'run_adjusted');
  const policy = await runPolicy(ctx, run);
  const c = await computeResults(ctx, run.id, parseRunPeriod(run.period), policy);
  const untouched = sql`(select status from grading_runs where id = ${run.id}) = 'computed'
    and not exists (select 1 from adjustments where run_id = ${run.id})`;
  const { status, jobId } = await writeRun(ctx, {
    runId: run.id,
    open: {
      // Back to `computing` (only if still untouched) and without its old results, until the
      // batch with the last new results makes it `computed` again with this entry.
      writes: [
        ctx.db.update(gradingRuns).set({ status: guarded('computing', untouched) as never, inputDigest: c.inputDigest }).where(eq(gradingRuns.id, run.id)),
        ctx.db.delete(gradingResults).where(eq(gradingResults.runId, run.id)),
      ],
      events: [],
      conflict: { code: 'run_changed', detail: `Run ${run.id} was published or adjusted meanwhile.` },
    },
    rows: c.rows,
    resultsDigest: c.resultsDigest,
    event: { action: 'grading_run.recompute', entity: 'grading_run', entityId: run.id, payload: { ...c.payload, whatIf: run.whatIf, previousInputDigest: run.inputDigest } },
  });
  return { id: run.id, status, inputDigest: c.inputDigest, whatIf: run.whatIf, provisional: run.provisional, policyHash: run.policyHash, resultsDigest: c.resultsDigest, ...(jobId && status === 'computing' ? { jobId } : {}) };
}

/**
 * The figures a results digest commits to, per officer: everything that decides pay and rank,
 * without the explanation text (which is derived from them and would make the digest of a
 * 10,000-officer run hash some 25 MB).
 */
export function resultFigures(r: ResultFigures): Parameters<typeof figuresText>[0][number] {
  return [r.officerCode, r.status, r.composite, r.components, r.weights, r.penalty, r.rank, r.tier, r.coefficient, r.payout];
}
