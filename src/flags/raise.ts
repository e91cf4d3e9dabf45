/**
 * Raising a flag: the one place that writes a new (or reopened) flag, its first transition and
 * its reviewer draw. Rules (via the scan) and the feedback flow (complaints) both call planRaise
 * and put the returned writes into their own commit() batch.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { decisionReviewers, decisions, flags, flagTransitions } from '../../db/schema.js';
import type { Write, AuditEvent } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { auditHead, eligibleReviewers, makeDraw, type Draw } from './draw.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface FlagCandidate { rule: string; subjectCode: string; conditionKey: string; evidence: Record<string, unknown>; severity: 'low'|'medium'|'high'|'critical' }

/**
 * Evidence members a rule may use for the moving parts of a scan (the window it looked at, when
 * it looked). They are stored but ignored when deciding whether evidence is "new".
 */
const VOLATILE_EVIDENCE_KEYS = ['window', 'asOf'];

/** Canonical JSON of the evidence without its volatile members: equal means "same evidence". */
export function evidenceFingerprint(evidence: unknown): string {
  if (evidence && typeof evidence === 'object' && !Array.isArray(evidence)) {
    const rest: Record<string, unknown> = { ...(evidence as Record<string, unknown>) };
    for (const k of VOLATILE_EVIDENCE_KEYS) delete rest[k];
    return canonicalJson(rest);
  }
  return canonicalJson(evidence ?? null);
}

/** Decision ids named by evidence (`decisionIds`, `decisions[].id`), capped so a read stays small. */
function evidenceDecisionIds(evidence: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  const direct = evidence.decisionIds;
  if (Array.isArray(direct)) for (const d of direct) if (typeof d === 'string') ids.add(d);
  const objs = evidence.decisions;
  if (Array.isArray(objs)) for (const d of objs) if (d && typeof d === 'object' && typeof (d as { id?: unknown }).id === 'string') ids.add((d as { id: string }).id);
  return [...ids].slice(0, 500);
}

/**
 * Who is "involved" in a flag, and so may not review it: the deciders and reviewers of the
 * decisions its evidence names, plus any officer codes the rule lists in `involvedOfficerCodes`.
 */
async function involvedIn(ctx: Ctx, evidence: Record<string, unknown>) {
  const officerCodes = new Set<string>();
  const userIds = new Set<string>();
  const extra = evidence.involvedOfficerCodes;
  if (Array.isArray(extra)) for (const c of extra) if (typeof c === 'string') officerCodes.add(c);
  const ids = evidenceDecisionIds(evidence);
  if (ids.length) {
    const ds = await ctx.db
      .select({ deciderCode: decisions.deciderCode, deciderUserId: decisions.deciderUserId })
      .from(decisions)
      .where(inArray(decisions.id, ids));
    for (const d of ds) {
      if (d.deciderCode) officerCodes.add(d.deciderCode);
      userIds.add(d.deciderUserId);
    }
    const rs = await ctx.db
      .selectDistinct({ officerCode: decisionReviewers.officerCode })
      .from(decisionReviewers)
      .where(inArray(decisionReviewers.decisionId, ids));
    for (const r of rs) officerCodes.add(r.officerCode);
  }
  return { officerCodes: [...officerCodes], userIds: [...userIds] };
}

/** Draws the reviewer for a flag about `subjectCode` now. */
export async function drawReviewer(ctx: Ctx, flagId: string, subjectCode: string, evidence: Record<string, unknown>): Promise<Draw> {
  const head = await auditHead(ctx.db);
  const eligible = await eligibleReviewers(ctx.db, subjectCode, await involvedIn(ctx, evidence));
  return makeDraw({ flagId, ...head }, eligible);
}

/** Plans the writes that raise a flag (and draw its reviewer); null when an open flag for rule+conditionKey exists. A closed false_positive for the same condition reopens only when the evidence differs. */
export async function planRaise(ctx: Ctx, candidate: FlagCandidate): Promise<{ flagId: string; writes: Write[]; events: AuditEvent[] } | null> {
  const [latest] = await ctx.db
    .select({ id: flags.id, status: flags.status, outcome: flags.outcome, evidence: flags.evidence })
    .from(flags)
    .where(and(eq(flags.rule, candidate.rule), eq(flags.conditionKey, candidate.conditionKey)))
    .orderBy(desc(flags.raisedAt), desc(flags.id))
    .limit(1);
  if (latest && latest.status !== 'closed') return null;
  // A closed flag (whatever its outcome) is not raised again for the very same evidence: a
  // confirmed condition that has not changed was already counted, a dismissed one was judged.
  if (latest && evidenceFingerprint(latest.evidence) === evidenceFingerprint(candidate.evidence)) return null;

  const now = ctx.clock.now().toISOString();
  const reopen = latest?.outcome === 'false_positive';
  const flagId = reopen ? latest!.id : newId('flg', ctx.clock.now());
  const draw = await drawReviewer(ctx, flagId, candidate.subjectCode, candidate.evidence);
  const reason = reopen
    ? `Reopened by rule ${candidate.rule}: the condition recurred with new evidence.`
    : `Raised by rule ${candidate.rule}.`;
  const transitionId = newId('ftr', ctx.clock.now());
  const writes: Write[] = [
    reopen
      ? ctx.db
          .update(flags)
          .set({
            evidence: candidate.evidence,
            severity: candidate.severity,
            status: 'open',
            outcome: null,
            reviewerUserId: draw.picked,
            draw,
            raisedAt: now,
            updatedAt: now,
            closedAt: null,
          })
          // Guard against a concurrent reopen: only a flag still closed as a false positive.
          .where(and(eq(flags.id, flagId), eq(flags.status, 'closed'), sql`${flags.outcome} = 'false_positive'`))
      : ctx.db.insert(flags).values({
          id: flagId,
          rule: candidate.rule,
          subjectCode: candidate.subjectCode,
          conditionKey: candidate.conditionKey,
          evidence: candidate.evidence,
          severity: candidate.severity,
          status: 'open',
          outcome: null,
          reviewerUserId: draw.picked,
          draw,
          raisedAt: now,
          updatedAt: now,
          closedAt: null,
        }),
    ctx.db.insert(flagTransitions).values({
      id: transitionId,
      flagId,
      from: reopen ? 'closed' : null,
      to: 'open',
      outcome: null,
      reason,
      actor: actorLabel(ctx.actor),
      at: now,
    }),
  ];
  const events: AuditEvent[] = [
    {
      action: reopen ? 'flag.reopen' : 'flag.raise',
      entity: 'flag',
      entityId: flagId,
      payload: {
        rule: candidate.rule,
        subjectCode: candidate.subjectCode,
        conditionKey: candidate.conditionKey,
        severity: candidate.severity,
        evidence: candidate.evidence,
        reviewerUserId: draw.picked,
        draw,
        transitionId,
        reason,
      },
    },
  ];
  return { flagId, writes, events };
}
