/**
 * The decision register: discretionary decisions are recorded by their decider and never edited;
 * an amendment is a new record pointing at the one it amends.
 */
import { and, desc, eq, inArray, isNull, lte, or, gte, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisionInvestigators, decisionReviews, decisions, officers, taxpayers, thresholds } from '../../db/schema.js';
import { nextLeafSeq, type AuditEvent, type Write } from '../audit/append.js';
import { commitGuarded } from '../audit/guarded.js';
import { seal } from '../audit/commitment.js';
import { InputError, parseInput, type Unchecked } from '../core/validate.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { isValidDate } from '../core/period.js';
import { decisionPolicy, recordableTypes, type DecisionType } from './policy.js';
import { freeText } from '../core/text.js';
import { planPanel, type PanelDraw } from './panel.js';

const dateOrTime = z
  .string()
  .refine((s) => isValidDate(s) || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))), {
    message: 'a date YYYY-MM-DD or an ISO 8601 time with a zone',
  });

/**
 * Refused (400): the service draws the panel and each member votes with their own token
 * (POST /api/v1/decisions/{id}/votes). Kept in the schema so a client that still sends it is told
 * so, by field, instead of having it silently dropped.
 */
export const reviewerInput = z.object({
  officerCode: z.string().max(64),
  vote: z.enum(['approve', 'reject']).nullable().optional(),
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
    /** Refused (400): the panel is drawn by the service and its members vote themselves. */
    reviewers: z.array(reviewerInput).max(50).optional().openapi({ deprecated: true, description: 'Refused (400): the service draws the panel; members vote with their own tokens.' }),
    /** Officers who investigated the case: never drawn onto its panel. */
    investigators: z.array(z.string().min(1).max(64)).max(20).optional(),
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
    throw forbidden('Decisions are recorded by the officer who took them; this user is not linked to an officer record.').say('not_officer');
  }
  return actor.officerCode;
}

export async function recordDecision({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof recordDecisionInput>> }) {
  requireRole(ctx.actor, 'officer', 'hr');
  const deciderCode = requireDecider(ctx.actor);
  // Every error at once (the decision form shows them together): the schema's, then the rules
  // and the references on each field the schema let through, whether or not another field failed.
  let parsed: RecordDecisionInput | undefined;
  const errors: FieldError[] = [];
  try {
    parsed = parseInput(recordDecisionInput, given);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    errors.push(...(e.errors ?? []));
  }
  const schemaErrors = errors.length;
  const ok = (field: string) => !errors.slice(0, schemaErrors).some((e) => e.path === field || e.path.startsWith(`${field}[`) || e.path.startsWith(`${field}.`));
  const given_ = given as Record<string, unknown>;
  const text = (field: string): string | undefined => (ok(field) && typeof given_[field] === 'string' && given_[field] !== '' ? (given_[field] as string) : undefined);
  const type = ok('type') && (recordableTypes as readonly unknown[]).includes(given_.type) ? (given_.type as DecisionType) : undefined;
  const rule = type ? decisionPolicy.types[type] : undefined;
  const amount = ok('amount') ? given_.amount : undefined;
  const now = ctx.clock.now();
  const decidedText = text('decidedAt');
  const decidedAt = decidedText ? normaliseDecidedAt(decidedText) : '';
  const decidedOn = decidedAt.slice(0, 10);
  if (decidedText && (decidedAt.length === 10 ? decidedOn > now.toISOString().slice(0, 10) : decidedAt > now.toISOString())) {
    errors.push({ path: 'decidedAt', message: 'must not be in the future' });
  }
  if (rule && ok('amount') && rule.amount === 'required' && amount === undefined) errors.push({ path: 'amount', message: `required for ${type}` });
  if (rule && ok('amount') && rule.amount === 'none' && amount !== undefined) errors.push({ path: 'amount', message: `not used for ${type}` });
  if (rule && ok('violationType') && rule.violationTypeRequired && !(typeof given_.violationType === 'string' && given_.violationType.trim())) {
    errors.push({ path: 'violationType', message: `required for ${type}` });
  }
  const amends = text('amends');
  const amendReason = ok('amendReason') && typeof given_.amendReason === 'string' && given_.amendReason.trim() ? given_.amendReason : undefined;
  if (amends && !amendReason && ok('amendReason')) errors.push({ path: 'amendReason', message: 'an amendment needs a reason' });
  if (!amends && amendReason) errors.push({ path: 'amendReason', message: 'only an amendment has an amend reason' });
  // The decider never speaks for the panel (DESIGN 4): the service draws it, members vote themselves.
  if (given_.reviewers !== undefined) {
    errors.push({ path: 'reviewers', message: 'not accepted: the service draws the review panel and each member votes with their own token; name who investigated in investigators' });
  }
  const investigators = ok('investigators') && Array.isArray(given_.investigators) ? (given_.investigators as string[]) : [];
  const seen = new Set<string>();
  investigators.forEach((code, i) => {
    if (seen.has(code)) errors.push({ path: `investigators[${i}]`, message: `${code} is listed twice` });
    seen.add(code);
  });
  const ruleErrors = errors.length;

  const taxpayerCode = text('taxpayerCode');
  if (taxpayerCode) {
    const [tp] = await ctx.db.select({ code: taxpayers.code }).from(taxpayers).where(eq(taxpayers.code, taxpayerCode));
    if (!tp) errors.push({ path: 'taxpayerCode', message: `no taxpayer ${taxpayerCode}` });
  }
  if (investigators.length) {
    const known = await ctx.db.select({ code: officers.code }).from(officers).where(inArray(officers.code, [...seen]));
    const knownSet = new Set(known.map((k) => k.code));
    investigators.forEach((code, i) => {
      if (!knownSet.has(code)) errors.push({ path: `investigators[${i}]`, message: `no officer ${code}` });
    });
  }
  let original: typeof decisions.$inferSelect | undefined;
  if (amends) {
    const [orig] = await ctx.db.select().from(decisions).where(eq(decisions.id, amends));
    original = orig;
    // Another officer's decision is one this officer may not know exists: the same answer as none.
    if (!orig || orig.deciderCode !== deciderCode) {
      errors.push({ path: 'amends', message: `no decision ${amends}` });
    } else {
      if (type && orig.type !== type) errors.push({ path: 'type', message: `an amendment keeps the type of the original (${orig.type})` });
      if (taxpayerCode && orig.taxpayerCode !== taxpayerCode) errors.push({ path: 'taxpayerCode', message: `an amendment keeps the taxpayer of the original (${orig.taxpayerCode})` });
      if (errors.length === 0) {
        const [later] = await ctx.db.select({ id: decisions.id }).from(decisions).where(eq(decisions.amends, orig.id)).limit(1);
        if (later) throw conflict(`Decision ${orig.id} was already amended by ${later.id}; amend the latest record.`, 'already_amended');
      }
    }
  }
  if (schemaErrors) throw new InputError(errors);
  if (ruleErrors) throw badRequest('The decision is incomplete or inconsistent.', errors).say('decision_invalid');
  if (errors.length) throw badRequest('The decision refers to unknown or inconsistent records.', errors).say('decision_refs');
  const input = parsed!;

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
  const writes: Write[] = [
    // The decision's own audit entry is the first event of this batch, so its leaf index is the
    // log size before the batch: stored here because the row is written before the entry.
    ctx.db.insert(decisions).values({ ...row, taxpayerNonce: taxpayer.nonce, auditIndex: nextLeafSeq() }),
    ...(investigators.length ? [ctx.db.insert(decisionInvestigators).values(investigators.map((officerCode) => ({ decisionId: id, officerCode })))] : []),
  ];
  const events: AuditEvent[] = [
    { action: input.amends ? 'decision.amend' : 'decision.record', entity: 'decision', entityId: id, payload: { ...leafRow(row), taxpayer: taxpayer.commitment, investigators } },
  ];
  let status: 'effective' | 'pending_review' = 'effective';
  if (decisionPolicy.types[input.type as DecisionType].collectiveReview) {
    // An amendment keeps the panel of the decision it amends, whose review (if still pending)
    // ends here: a decider cannot draw a friendlier panel by amending.
    const [origReview] = original ? await ctx.db.select().from(decisionReviews).where(eq(decisionReviews.decisionId, original.id)) : [];
    const panel = await planPanel(ctx, {
      id,
      deciderCode,
      taxpayerCode: input.taxpayerCode,
      decidedOn,
      investigators,
      inherit: origReview ? { from: original!.id, draw: origReview.draw as PanelDraw } : undefined,
    });
    writes.push(...panel.writes);
    events.push(panel.event);
    if (origReview?.status === 'pending_review') {
      writes.push(
        ctx.db
          .update(decisionReviews)
          // NULL into the NOT NULL status when a vote closed it meanwhile: the batch fails whole.
          .set({ status: sql`case when ${decisionReviews.status} = 'pending_review' then 'superseded' end`, closedAt: now.toISOString() })
          .where(eq(decisionReviews.decisionId, original!.id)),
      );
      events.push({ action: 'decision.review.supersede', entity: 'decision', entityId: original!.id, payload: { decisionId: original!.id, by: id } });
    }
    status = 'pending_review';
  }
  const { auditIndices, leafHashes } = await commitGuarded(ctx, writes, events, 'stale_review', 'The review of the amended decision closed meanwhile; amend again.');
  return { id, auditIndex: auditIndices[0]!, leafHash: leafHashes[0]!, threshold, status };
}
