/**
 * Four-eyes tier adjustments: one HR user proposes, a different HR user approves or rejects.
 * An approved adjustment rewrites the stored tier, coefficient and payout of that result (the
 * engine's own figures stay in `detail`) and is recorded as a `grade_adjustment` discretionary
 * decision in the same batch, so the oversight rules see it like any other decision.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { adjustments, decisions, gradingResults } from '../../db/schema.js';
import { nextLeafSeq } from '../audit/append.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { assertMutable, findRun, resultDetail, runPolicy, type ResultDetail } from './run-model.js';
import { payoutOf } from '../../scoring/components.js';
import { parsePeriod } from '../core/period.js';
import type { Policy } from '../../scoring/policy.js';
import { freeText } from '../core/text.js';

export const proposeAdjustmentInput = z
  .object({
    officerCode: z.string().min(1),
    toTier: z.number().int(),
    reason: freeText(z.string().trim().min(1).max(2000)),
  })
  .openapi('ProposeAdjustment');

export const decideAdjustmentInput = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: freeText(z.string().trim().min(1).max(2000)),
  })
  .openapi('DecideAdjustment');

export type AdjustmentRow = typeof adjustments.$inferSelect;

export function tierOf(policy: Policy, level: number) {
  const tier = policy.tiers.find((t) => t.level === level);
  if (!tier) {
    throw badRequest(`Tier ${level} is not a level of this run's policy.`, [
      { path: 'toTier', message: `one of ${policy.tiers.map((t) => t.level).join(', ')}` },
    ]);
  }
  return tier;
}

/**
 * HR proposes moving one officer of a computed (unpublished, not what-if) run to another tier.
 * Never about oneself: an HR user linked to an officer record is that officer (403 `own_case`).
 */
export async function proposeAdjustment({ ctx, input: given }: { ctx: Ctx; input: { runId: string } & Unchecked<z.input<typeof proposeAdjustmentInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { runId: given.runId, ...parseInput(proposeAdjustmentInput, given) };
  refuseOwnCase(ctx.actor, input.officerCode, 'proposing a change to your own tier');
  const run = await findRun(ctx, input.runId);
  assertMutable(run, 'an adjustment');
  if (run.whatIf) throw conflict(`Run ${run.id} is a what-if run; adjust a real run.`, 'what_if_run');
  const policy = await runPolicy(ctx, run);
  tierOf(policy, input.toTier);
  const [result] = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, input.officerCode)));
  if (!result) throw notFound(`Officer ${input.officerCode} has no result in run ${run.id}.`);
  if (result.status !== 'graded' || result.tier === null) {
    throw conflict(`Officer ${input.officerCode} is not graded in this run; there is no tier to adjust.`, 'not_graded');
  }
  if (result.tier === input.toTier) {
    throw badRequest(`Officer ${input.officerCode} is already at tier ${input.toTier}.`, [{ path: 'toTier', message: 'same as the current tier' }]);
  }
  const [open] = await ctx.db
    .select({ id: adjustments.id })
    .from(adjustments)
    .where(and(eq(adjustments.runId, run.id), eq(adjustments.officerCode, input.officerCode), eq(adjustments.status, 'pending')));
  if (open) throw conflict(`Adjustment ${open.id} for ${input.officerCode} is still pending.`, 'adjustment_pending').say('adjustment_pending', { id: open.id });

  const now = ctx.clock.now();
  const id = newId('adj', now);
  const row: AdjustmentRow = {
    id,
    runId: run.id,
    officerCode: input.officerCode,
    fromTier: result.tier,
    toTier: input.toTier,
    reason: input.reason,
    requestedBy: ctx.actor.userId,
    requestedAt: now.toISOString(),
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    decisionId: null,
  };
  const stillOpen = sql`(select status from grading_runs where id = ${run.id}) = 'computed'
    and not exists (select 1 from adjustments where run_id = ${run.id} and officer_code = ${input.officerCode} and status = 'pending')`;
  await commitGuarded(
    ctx,
    [ctx.db.insert(adjustments).values({ ...row, status: guarded('pending', stillOpen) as never })],
    [{ action: 'adjustment.propose', entity: 'adjustment', entityId: id, payload: { runId: run.id, officerCode: input.officerCode, fromTier: result.tier, toTier: input.toTier, reason: input.reason } }],
    'adjustment_conflict',
    `The run was published, or another adjustment for ${input.officerCode} was proposed, meanwhile.`,
  );
  return adjustmentView(row);
}

/**
 * A different HR user approves or rejects a pending adjustment (self-approval: 403; an adjustment
 * of the decider's own tier, as the officer they are linked to: 403 `own_case`). Approval
 * updates the result and writes the `grade_adjustment` decision: decider = the approving user,
 * subject = the officer, amount = the new tier, justification = the proposal's reason and the
 * approver's.
 */
export async function decideAdjustment({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof decideAdjustmentInput>> }) {
  requireRole(ctx.actor, 'hr');
  const input = { id: given.id, ...parseInput(decideAdjustmentInput, given) };
  const [adj] = await ctx.db.select().from(adjustments).where(eq(adjustments.id, input.id));
  if (!adj) throw notFound(`No adjustment ${input.id}.`);
  refuseOwnCase(ctx.actor, adj.officerCode, 'deciding a change to your own tier');
  const run = await findRun(ctx, adj.runId);
  assertMutable(run, 'deciding an adjustment');
  if (adj.status !== 'pending') throw conflict(`Adjustment ${adj.id} was already ${adj.status}.`, 'adjustment_decided');
  if (adj.requestedBy === ctx.actor.userId) throw forbidden('The HR user who proposed an adjustment cannot decide it; a second HR user must.').say('adjustment_own');

  const now = ctx.clock.now();
  const at = now.toISOString();
  const decided = { status: input.decision === 'approve' ? ('approved' as const) : ('rejected' as const), decidedBy: ctx.actor.userId, decidedAt: at, decisionReason: input.reason };
  // First write of the batch: the status, guarded on "still pending, run still computed", so a
  // second decider or a publish that got there first makes this whole batch fail (guard.ts).
  const stillDecidable = sql`(select status from adjustments where id = ${adj.id}) = 'pending'
    and (select status from grading_runs where id = ${run.id}) = 'computed'`;
  const decide = (extra: Partial<AdjustmentRow> = {}) =>
    ctx.db.update(adjustments).set({ ...decided, ...extra, status: guarded(decided.status, stillDecidable) as never }).where(eq(adjustments.id, adj.id));
  const raced = `Adjustment ${adj.id} was decided, or its run published, meanwhile.`;

  if (input.decision === 'reject') {
    await commitGuarded(ctx, [decide()], [
      { action: 'adjustment.reject', entity: 'adjustment', entityId: adj.id, payload: { runId: run.id, officerCode: adj.officerCode, reason: input.reason } },
    ], 'adjustment_decided', raced);
    return adjustmentView({ ...adj, ...decided });
  }

  const policy = await runPolicy(ctx, run);
  const tier = tierOf(policy, adj.toTier);
  const [result] = await ctx.db
    .select()
    .from(gradingResults)
    .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, adj.officerCode)));
  const decisionId = newId('dec', now);
  const engineResult = resultDetail(result!);
  const payout = payoutOf(policy, tier.coefficient, engineResult.activeDays, parsePeriod(run.period)!);
  // The full result (explanation included) is stored from here on: the columns now carry the
  // adjusted tier, so the compact breakdown could no longer take the engine's from them.
  const detail: ResultDetail = {
    ...engineResult,
    adjustment: { adjustmentId: adj.id, decisionId, fromTier: result!.tier!, toTier: adj.toTier, coefficient: tier.coefficient, payout, reason: adj.reason },
  };
  const justification = `Tier ${result!.tier} -> ${adj.toTier} in run ${run.id} (${run.period}). Proposed: ${adj.reason} Approved: ${input.reason}`;
  await commitGuarded(
    ctx,
    [
      decide({ decisionId }),
      ctx.db.insert(decisions).values({
        id: decisionId,
        type: 'grade_adjustment',
        deciderUserId: ctx.actor.userId,
        deciderCode: ctx.actor.officerCode ?? null,
        subjectOfficerCode: adj.officerCode,
        taxpayerCode: null,
        amount: adj.toTier,
        threshold: null,
        justification,
        decidedAt: at,
        recordedAt: at,
        auditIndex: nextLeafSeq(),
      }),
      ctx.db
        .update(gradingResults)
        .set({ tier: tier.level, coefficient: tier.coefficient, payout, detail })
        .where(and(eq(gradingResults.runId, run.id), eq(gradingResults.officerCode, adj.officerCode))),
    ],
    [
      {
        action: 'decision.record',
        entity: 'decision',
        entityId: decisionId,
        payload: { type: 'grade_adjustment', deciderUserId: ctx.actor.userId, deciderCode: ctx.actor.officerCode ?? null, subjectOfficerCode: adj.officerCode, amount: adj.toTier, threshold: null, justification, decidedAt: at },
      },
      { action: 'adjustment.approve', entity: 'adjustment', entityId: adj.id, payload: { runId: run.id, officerCode: adj.officerCode, fromTier: result!.tier, toTier: adj.toTier, coefficient: tier.coefficient, payout, decisionId, reason: input.reason } },
    ],
    'adjustment_decided',
    raced,
  );
  return adjustmentView({ ...adj, ...decided, decisionId });
}

export function adjustmentView(a: AdjustmentRow) {
  return {
    id: a.id,
    runId: a.runId,
    officerCode: a.officerCode,
    fromTier: a.fromTier,
    toTier: a.toTier,
    reason: a.reason,
    status: a.status,
    requestedBy: a.requestedBy,
    requestedAt: a.requestedAt,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
    decisionReason: a.decisionReason,
    decisionId: a.decisionId,
  };
}

/** A run's adjustments, oldest first (HR). */
export async function listAdjustments({ ctx, input }: { ctx: Ctx; input: { runId: string; status?: AdjustmentRow['status'] } }) {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.runId);
  const rows = await ctx.db
    .select()
    .from(adjustments)
    .where(and(eq(adjustments.runId, run.id), input.status ? eq(adjustments.status, input.status) : undefined))
    .orderBy(asc(adjustments.requestedAt), asc(adjustments.id));
  return { items: rows.map(adjustmentView) };
}
