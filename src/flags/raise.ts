/**
 * Raising a flag: the one place that writes a new (or reopened) flag, its first transition and
 * its reviewer draw. Rules (via the scan) and the feedback flow (complaints) both call planRaise
 * and put the returned writes into their own commit() batch.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
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

/**
 * Stable item keys of evidence: `itemKeys` when the rule gives them, else the decision ids it names.
 * Aggregate rules list the newest decisions involved, so a decision leaving the moving window does
 * not count as new evidence, while a new decision does.
 */
function evidenceItemKeys(evidence: unknown): Set<string> | null {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return null;
  const ev = evidence as Record<string, unknown>;
  if (Array.isArray(ev.itemKeys)) return new Set(ev.itemKeys.filter((k): k is string => typeof k === 'string'));
  const ids = evidenceDecisionIds(ev);
  return ids.length ? new Set(ids) : null;
}

/**
 * Whether `next` is new evidence compared with a closed flag's `prev`: an item (decision, burst,
 * assignment) that `prev` did not have, or, for evidence without items, different figures.
 */
export function hasNewEvidence(prev: unknown, next: unknown): boolean {
  const a = evidenceItemKeys(prev);
  const b = evidenceItemKeys(next);
  if (a && b) return [...b].some((k) => !a.has(k));
  return evidenceFingerprint(prev) !== evidenceFingerprint(next);
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
export async function involvedIn(ctx: Ctx, evidence: Record<string, unknown>) {
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
  if (latest && !hasNewEvidence(latest.evidence, candidate.evidence)) return null;

  const now = ctx.clock.now().toISOString();
  const reopen = latest?.outcome === 'false_positive';
  const flagId = reopen ? latest!.id : newId('flg', ctx.clock.now());
  const draw = await drawReviewer(ctx, flagId, candidate.subjectCode, candidate.evidence);
  const reason = reopen
    ? `Reopened by rule ${candidate.rule}: the condition recurred with new evidence.`
    : `Raised by rule ${candidate.rule}.`;
  const transitionId = newId('ftr', ctx.clock.now());
  const transition = { id: transitionId, flagId, from: reopen ? 'closed' : null, to: 'open', outcome: null, reason, actor: actorLabel(ctx.actor), at: now };
  const writes: Write[] = reopen
    ? [
        // Inserted first and only while the flag is still a closed false positive: a NULL id
        // fails the NOT NULL key, so a concurrent reopen aborts this whole batch instead of
        // writing a second transition.
        guardedTransitionInsert(ctx, transition, sql`exists (select 1 from ${flags} where ${flags.id} = ${flagId} and ${flags.status} = 'closed' and ${flags.outcome} = 'false_positive')`),
        ctx.db
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
          .where(eq(flags.id, flagId)),
      ]
    : [
        ctx.db.insert(flags).values({
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
        ctx.db.insert(flagTransitions).values(transition),
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

export interface TransitionRow {
  id: string;
  flagId: string;
  from: string | null;
  to: string;
  outcome: string | null;
  reason: string;
  actor: string;
  at: string;
}

/**
 * INSERT of a transition row that only succeeds while `guard` holds: otherwise its id is NULL,
 * the NOT NULL primary key fails, and the batch it is in rolls back whole (D1 and libsql alike).
 */
export function guardedTransitionInsert(ctx: Pick<Ctx, 'db'>, t: TransitionRow, guard: SQL) {
  return ctx.db.run(sql`insert into flag_transitions (id, flag_id, from_status, to_status, outcome, reason, actor, at)
    select case when ${guard} then ${t.id} else null end, ${t.flagId}, ${t.from}, ${t.to}, ${t.outcome}, ${t.reason}, ${t.actor}, ${t.at}`);
}
