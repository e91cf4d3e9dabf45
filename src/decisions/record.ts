/**
 * The decision register: discretionary decisions are recorded by their decider and never edited;
 * an amendment is a new record pointing at the one it amends.
 */
import { and, desc, eq, inArray, isNull, lte, or, gte } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisionReviewers, decisions, officers, taxpayers, thresholds } from '../../db/schema.js';
import { commit, nextLeafSeq } from '../audit/append.js';
import { seal } from '../audit/commitment.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isValidDate } from '../core/period.js';
import { decisionPolicy, recordableTypes, type DecisionType } from './policy.js';
import { freeText } from '../core/text.js';

const dateOrTime = z
  .string()
  .refine((s) => isValidDate(s) || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))), {
    message: 'a date YYYY-MM-DD or an ISO 8601 time with a zone',
  });

export const reviewerInput = z.object({
  officerCode: z.string().min(1).max(64),
  /** null: a panel member who did not vote (counts against the quorum). */
  vote: z.enum(['approve', 'reject']).nullable().optional(),
  /** The member took part in investigating the case (may sit on the panel, must not vote). */
  investigated: z.boolean().optional(),
});

export const recordDecisionInput = z
  .object({
    type: z.enum(recordableTypes),
    taxpayerCode: z.string().min(1).max(64),
    amount: z.number().finite().nonnegative().optional(),
    /** Omitted: looked up in the thresholds reference data for the type and decidedAt. */
    threshold: z.number().finite().positive().optional(),
    justification: freeText(z.string().trim().min(1).max(4000)),
    decidedAt: dateOrTime,
    reviewers: z.array(reviewerInput).max(50).optional(),
    amends: z.string().min(1).max(64).optional(),
    amendReason: freeText(z.string().trim().min(1).max(2000)).optional(),
    violationType: z.string().trim().min(1).max(100).optional(),
  })
  .openapi('RecordDecision');

export type RecordDecisionInput = z.infer<typeof recordDecisionInput>;

/** A decision row as its leaf shows it: everything but the taxpayer, which the leaf holds as a commitment. */
function leafRow<T extends { taxpayerCode: string | null }>(row: T): Omit<T, 'taxpayerCode'> {
  const { taxpayerCode: _taxpayer, ...rest } = row;
  return rest;
}

/** Stored form of decidedAt: a date stays a date; a time becomes UTC `toISOString()`. */
function normaliseDecidedAt(s: string): string {
  return isValidDate(s) ? s : new Date(s).toISOString();
}

/** The threshold in force for `type` on `date` (the latest validFrom not after it), or null. */
export async function thresholdFor(ctx: Pick<Ctx, 'db'>, type: string, date: string): Promise<number | null> {
  const [row] = await ctx.db
    .select({ amount: thresholds.amount })
    .from(thresholds)
    .where(and(eq(thresholds.decisionType, type), lte(thresholds.validFrom, date), or(isNull(thresholds.validTo), gte(thresholds.validTo, date))))
    .orderBy(desc(thresholds.validFrom))
    .limit(1);
  return row ? row.amount : null;
}

/**
 * Records a decision taken by the caller. Officers record their own; an `hr` user records only
 * when linked to an officer record (the oversight rules are about officers, so a decision
 * without a deciding officer would escape them).
 */
/** The caller is the decider: an officer, or an hr user linked to an officer record. */
export function requireDecider(actor: Ctx['actor']): string {
  requireRole(actor, 'officer', 'hr');
  if (!actor.officerCode) {
    throw forbidden('Decisions are recorded by the officer who took them; this user is not linked to an officer record.');
  }
  return actor.officerCode;
}

export async function recordDecision({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof recordDecisionInput>> }) {
  requireRole(ctx.actor, 'officer', 'hr');
  const deciderCode = requireDecider(ctx.actor);
  const input = parseInput(recordDecisionInput, given);
  const rule = decisionPolicy.types[input.type as DecisionType];
  const errors: FieldError[] = [];
  const decidedAt = normaliseDecidedAt(input.decidedAt);
  const decidedOn = decidedAt.slice(0, 10);
  const now = ctx.clock.now();
  if (decidedAt.length === 10 ? decidedOn > now.toISOString().slice(0, 10) : decidedAt > now.toISOString()) {
    errors.push({ path: 'decidedAt', message: 'must not be in the future' });
  }
  if (rule.amount === 'required' && input.amount === undefined) errors.push({ path: 'amount', message: `required for ${input.type}` });
  if (rule.amount === 'none' && input.amount !== undefined) errors.push({ path: 'amount', message: `not used for ${input.type}` });
  if (rule.violationTypeRequired && !input.violationType) errors.push({ path: 'violationType', message: `required for ${input.type}` });
  if (input.amends && !input.amendReason) errors.push({ path: 'amendReason', message: 'an amendment needs a reason' });
  if (!input.amends && input.amendReason) errors.push({ path: 'amendReason', message: 'only an amendment has an amend reason' });
  const reviewers = input.reviewers ?? [];
  const seen = new Set<string>();
  reviewers.forEach((r, i) => {
    if (seen.has(r.officerCode)) errors.push({ path: `reviewers[${i}].officerCode`, message: `${r.officerCode} is listed twice` });
    seen.add(r.officerCode);
  });
  if (errors.length) throw badRequest('The decision is incomplete or inconsistent.', errors);

  // Separation of duties: the panel reviews the decider, so the decider is never on it.
  const selfIndex = reviewers.findIndex((r) => r.officerCode === deciderCode);
  if (selfIndex >= 0) throw forbidden(`The decider (${deciderCode}) cannot review their own decision (reviewers[${selfIndex}]).`);

  const [tp] = await ctx.db.select({ code: taxpayers.code }).from(taxpayers).where(eq(taxpayers.code, input.taxpayerCode));
  if (!tp) errors.push({ path: 'taxpayerCode', message: `no taxpayer ${input.taxpayerCode}` });
  if (reviewers.length) {
    const known = await ctx.db.select({ code: officers.code }).from(officers).where(inArray(officers.code, [...seen]));
    const knownSet = new Set(known.map((k) => k.code));
    reviewers.forEach((r, i) => {
      if (!knownSet.has(r.officerCode)) errors.push({ path: `reviewers[${i}].officerCode`, message: `no officer ${r.officerCode}` });
    });
  }
  if (input.amends) {
    const [orig] = await ctx.db.select().from(decisions).where(eq(decisions.id, input.amends));
    // Another officer's decision is one this officer may not know exists: the same answer as none.
    if (!orig || orig.deciderCode !== deciderCode) {
      errors.push({ path: 'amends', message: `no decision ${input.amends}` });
    } else {
      if (orig.type !== input.type) errors.push({ path: 'type', message: `an amendment keeps the type of the original (${orig.type})` });
      if (orig.taxpayerCode !== input.taxpayerCode) errors.push({ path: 'taxpayerCode', message: `an amendment keeps the taxpayer of the original (${orig.taxpayerCode})` });
      if (errors.length === 0) {
        const [later] = await ctx.db.select({ id: decisions.id }).from(decisions).where(eq(decisions.amends, orig.id)).limit(1);
        if (later) throw conflict(`Decision ${orig.id} was already amended by ${later.id}; amend the latest record.`, 'already_amended');
      }
    }
  }
  if (errors.length) throw badRequest('The decision refers to unknown or inconsistent records.', errors);

  const threshold = input.threshold ?? (await thresholdFor(ctx, input.type, decidedOn));
  const id = newId('dec', now);
  // The leaf names no taxpayer (DESIGN 5): a salted commitment, its nonce in the row.
  const taxpayer = seal({ taxpayerCode: input.taxpayerCode });
  const row = {
    id,
    type: input.type,
    deciderUserId: ctx.actor.userId,
    deciderCode,
    subjectOfficerCode: null,
    taxpayerCode: input.taxpayerCode,
    amount: input.amount ?? null,
    threshold,
    justification: input.justification,
    decidedAt,
    recordedAt: now.toISOString(),
    violationType: input.violationType ?? null,
    amends: input.amends ?? null,
    amendReason: input.amendReason ?? null,
  };
  const panel = reviewers.map((r) => ({ decisionId: id, officerCode: r.officerCode, vote: r.vote ?? null, investigated: r.investigated ?? false }));
  const { auditIndices, leafHashes } = await commit(
    ctx,
    [
      // The decision's own audit entry is the first event of this batch, so its leaf index is the
      // log size before the batch: stored here because the row is written before the entry.
      ctx.db.insert(decisions).values({ ...row, taxpayerNonce: taxpayer.nonce, auditIndex: nextLeafSeq() }),
      ...(panel.length ? [ctx.db.insert(decisionReviewers).values(panel)] : []),
    ],
    [
      {
        action: input.amends ? 'decision.amend' : 'decision.record',
        entity: 'decision',
        entityId: id,
        payload: { ...leafRow(row), taxpayer: taxpayer.commitment, reviewers: panel.map(({ officerCode, vote, investigated }) => ({ officerCode, vote, investigated })) },
      },
    ],
  );
  return { id, auditIndex: auditIndices[0]!, leafHash: leafHashes[0]!, threshold };
}
