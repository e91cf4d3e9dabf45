/**
 * Raising a flag: the one place that writes a new (or reopened) flag, its first transition and
 * its reviewer draw. Rules (via the scan) and the feedback flow (complaints) both call planRaise
 * and put the returned writes into their own commit() batch.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { decisionReviewers, decisions, flags, flagTransitions } from '../../db/schema.js';
import { jsonParam } from '../../db/json-param.js';
import type { Write, AuditEvent } from '../audit/append.js';
import { guarded } from '../audit/guarded.js';
import { canonicalJson } from '../audit/canonical.js';
import { commitmentOf, newNonce } from '../audit/commitment.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { activeSupervisors, auditHead, eligibleFrom, eligibleReviewers, makeDraw, supervisorChains, type Draw } from './draw.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface FlagCandidate { rule: string; subjectCode: string; conditionKey: string; evidence: Record<string, unknown>; severity: 'low'|'medium'|'high'|'critical' }

/**
 * Evidence members a rule may use for the moving parts of a scan (the window it looked at, when
 * it looked). They are stored but ignored when deciding whether evidence is "new".
 */
const VOLATILE_EVIDENCE_KEYS = ['window', 'asOf'];

/**
 * A complaint naming an officer raises a `complaint` flag (DESIGN 2). Its evidence says which
 * complaint and its category, never its words: the flag queue is read by more people than the
 * complaint, the text may have to be erased (retention), and the evidence goes into the
 * permanent log. The reviewer reads the text from the complaint record itself. Every path that
 * files a complaint (the form, and any other channel) raises its flag through this.
 */
export function complaintFlag(c: { complaintId: string; officerCode: string; severity: Severity; category?: string | null; channel?: string | null; responseId?: string | null; period?: string | null }): FlagCandidate {
  const evidence: Record<string, unknown> = { complaintId: c.complaintId };
  if (c.category) evidence.category = c.category;
  if (c.channel) evidence.channel = c.channel;
  if (c.responseId) evidence.responseId = c.responseId;
  if (c.period) evidence.period = c.period;
  return { rule: 'complaint', subjectCode: c.officerCode, conditionKey: `complaint:${c.complaintId}`, evidence, severity: c.severity };
}

/**
 * Evidence members that name a taxpayer or carry someone's words: kept in the flag row for its
 * reviewer, but in the leaf only as a salted commitment (DESIGN 5, "What a leaf may hold";
 * rotation_due lists taxpayers and keys items by them, repeat_waiver names the taxpayer).
 */
export const PERSONAL_EVIDENCE_KEYS = ['taxpayerCode', 'taxpayers', 'itemKeys', 'text'] as const;

/**
 * The evidence as a leaf holds it: the figures as they are, and the personal members replaced by
 * `personal`, the commitment to them with the nonce kept in the flag row (`evidence_nonce`).
 */
export function leafEvidence(evidence: Record<string, unknown>, nonce: string): Record<string, unknown> {
  const open: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(evidence)) ((PERSONAL_EVIDENCE_KEYS as readonly string[]).includes(k) ? personal : open)[k] = v;
  return Object.keys(personal).length ? { ...open, personal: commitmentOf({ evidence: personal }, nonce) } : open;
}

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

/** Deciders and reviewers of many decisions, in chunked reads. */
async function decisionPeople(ctx: Pick<Ctx, 'db'>, ids: readonly string[]) {
  const byDecision = new Map<string, { officerCodes: string[]; userIds: string[] }>();
  const list = [...new Set(ids)];
  const entry = (id: string) => {
    let e = byDecision.get(id);
    if (!e) byDecision.set(id, (e = { officerCodes: [], userIds: [] }));
    return e;
  };
  // One JSON parameter per chunk (json_each, which D1 has too) instead of thousands of binds;
  // CROSS JOIN keeps the id list outermost, so each id is one primary-key probe.
  for (let i = 0; i < list.length; i += 5000) {
    const chunk = jsonParam(list.slice(i, i + 5000));
    const ds = await ctx.db.all<{ id: string; decider_code: string | null; decider_user_id: string }>(
      sql`select d.id as id, d.decider_code as decider_code, d.decider_user_id as decider_user_id
          from json_each(${chunk}) j cross join decisions d on d.id = j.value`,
    );
    for (const d of ds) {
      const e = entry(d.id);
      if (d.decider_code) e.officerCodes.push(d.decider_code);
      e.userIds.push(d.decider_user_id);
    }
    const rs = await ctx.db.all<{ id: string; officer_code: string }>(
      sql`select r.decision_id as id, r.officer_code as officer_code
          from json_each(${chunk}) j cross join decision_reviewers r on r.decision_id = j.value`,
    );
    for (const r of rs) entry(r.id).officerCodes.push(r.officer_code);
  }
  return byDecision;
}

function involvedFrom(evidence: Record<string, unknown>, people: Map<string, { officerCodes: string[]; userIds: string[] }>) {
  const officerCodes = new Set<string>();
  const userIds = new Set<string>();
  const extra = evidence.involvedOfficerCodes;
  if (Array.isArray(extra)) for (const c of extra) if (typeof c === 'string') officerCodes.add(c);
  for (const id of evidenceDecisionIds(evidence)) {
    const p = people.get(id);
    if (!p) continue;
    for (const c of p.officerCodes) officerCodes.add(c);
    for (const u of p.userIds) userIds.add(u);
  }
  return { officerCodes: [...officerCodes], userIds: [...userIds] };
}

/**
 * Who is "involved" in a flag, and so may not review it: the deciders and reviewers of the
 * decisions its evidence names, plus any officer codes the rule lists in `involvedOfficerCodes`.
 */
export async function involvedIn(ctx: Pick<Ctx, 'db'>, evidence: Record<string, unknown>) {
  return involvedFrom(evidence, await decisionPeople(ctx, evidenceDecisionIds(evidence)));
}

/** Draws the reviewer for a flag about `subjectCode` now. */
export async function drawReviewer(ctx: Ctx, flagId: string, subjectCode: string, evidence: Record<string, unknown>): Promise<Draw> {
  const head = await auditHead(ctx.db);
  const eligible = await eligibleReviewers(ctx.db, subjectCode, await involvedIn(ctx, evidence));
  return makeDraw({ flagId, ...head }, eligible);
}

export interface RaisePlan {
  flagId: string;
  writes: Write[];
  events: AuditEvent[];
  candidate: FlagCandidate;
  /** For a new flag, its rows (so a scan can insert many per statement). */
  rows?: { flag: typeof flags.$inferInsert; transition: TransitionRow };
}

type LatestFlag = { id: string; status: string; outcome: string | null; evidence: unknown };

/** The latest flag of each (rule, conditionKey), in chunked reads. */
async function latestFlags(ctx: Ctx, candidates: readonly FlagCandidate[]): Promise<Map<string, LatestFlag>> {
  const out = new Map<string, LatestFlag & { raisedAt: string }>();
  const byRule = new Map<string, string[]>();
  for (const c of candidates) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c.conditionKey]);
  for (const [rule, keys] of byRule) {
    const unique = [...new Set(keys)];
    // 90 keys and the rule: within D1's 100 bound parameters per statement.
    for (let i = 0; i < unique.length; i += 90) {
      const rows = await ctx.db
        .select({ id: flags.id, key: flags.conditionKey, status: flags.status, outcome: flags.outcome, evidence: flags.evidence, raisedAt: flags.raisedAt })
        .from(flags)
        .where(and(eq(flags.rule, rule), inArray(flags.conditionKey, unique.slice(i, i + 90))));
      for (const r of rows) {
        const k = `${rule}\u0000${r.key}`;
        const prev = out.get(k);
        if (!prev || r.raisedAt > prev.raisedAt || (r.raisedAt === prev.raisedAt && r.id > prev.id)) out.set(k, r);
      }
    }
  }
  return out;
}

/**
 * Plans the raises of many candidates at once (the scan): the flags, audit head, supervisors,
 * supervisor chains and decision panels are read in a few chunked queries instead of per flag.
 * Candidates that raise nothing are left out; the order of the rest is kept.
 */
export async function planRaises(ctx: Ctx, candidates: readonly FlagCandidate[]): Promise<RaisePlan[]> {
  if (!candidates.length) return [];
  const latest = await latestFlags(ctx, candidates);
  const todo: { c: FlagCandidate; latest?: LatestFlag }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    // One raise per condition, even if a caller lists it twice.
    if (seen.has(`${c.rule}\u0000${c.conditionKey}`)) continue;
    seen.add(`${c.rule}\u0000${c.conditionKey}`);
    const l = latest.get(`${c.rule}\u0000${c.conditionKey}`);
    if (l && l.status !== 'closed') continue;
    // A closed flag (whatever its outcome) is not raised again for the very same evidence: a
    // confirmed condition that has not changed was already counted, a dismissed one was judged.
    if (l && !hasNewEvidence(l.evidence, c.evidence)) continue;
    todo.push({ c, latest: l });
  }
  if (!todo.length) return [];
  const [head, supervisors, chains, people] = await Promise.all([
    auditHead(ctx.db),
    activeSupervisors(ctx.db),
    supervisorChains(ctx.db, todo.map((x) => x.c.subjectCode)),
    decisionPeople(ctx, todo.flatMap((x) => evidenceDecisionIds(x.c.evidence))),
  ]);
  const plans: RaisePlan[] = [];
  for (const { c, latest: l } of todo) {
    const reopen = l?.outcome === 'false_positive';
    const flagId = reopen ? l!.id : newId('flg', ctx.clock.now());
    const eligible = eligibleFrom(supervisors, c.subjectCode, chains.get(c.subjectCode)!, involvedFrom(c.evidence, people));
    plans.push(buildRaise(ctx, c, flagId, reopen, await makeDraw({ flagId, ...head }, eligible)));
  }
  return plans;
}

/** Plans the writes that raise a flag (and draw its reviewer); null when an open flag for rule+conditionKey exists. A closed false_positive for the same condition reopens only when the evidence differs. */
export async function planRaise(ctx: Ctx, candidate: FlagCandidate): Promise<{ flagId: string; writes: Write[]; events: AuditEvent[] } | null> {
  const [plan] = await planRaises(ctx, [candidate]);
  return plan ? { flagId: plan.flagId, writes: plan.writes, events: plan.events } : null;
}

function buildRaise(ctx: Ctx, candidate: FlagCandidate, flagId: string, reopen: boolean, draw: Draw): RaisePlan {
  const now = ctx.clock.now().toISOString();
  const reason = reopen
    ? `Reopened by rule ${candidate.rule}: the condition recurred with new evidence.`
    : `Raised by rule ${candidate.rule}.`;
  const transitionId = newId('ftr', ctx.clock.now());
  const transition = { id: transitionId, flagId, from: reopen ? 'closed' : null, to: 'open', outcome: null, reason, actor: actorLabel(ctx.actor), at: now };
  const nonce = newNonce();
  const writes: Write[] = reopen
    ? [
        // Inserted first and only while the flag is still a closed false positive: a NULL id
        // fails the NOT NULL key, so a concurrent reopen aborts this whole batch instead of
        // writing a second transition.
        guardedTransitionInsert(ctx, transition, sql`exists (select 1 from ${flags} where ${flags.id} = ${flagId} and ${flags.status} = 'closed' and ${flags.outcome} = 'false_positive')`),
        // A reopened flag is the raised flag again: the same row as a new one, under its old id.
        ctx.db.update(flags).set(reopenedFields(candidate, flagId, draw, now, nonce)).where(eq(flags.id, flagId)),
      ]
    : [ctx.db.insert(flags).values(flagRow(candidate, flagId, draw, now, nonce)), ctx.db.insert(flagTransitions).values(transition)];
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
        evidence: leafEvidence(candidate.evidence, nonce),
        reviewerUserId: draw.picked,
        draw,
        transitionId,
        reason,
      },
    },
  ];
  return { flagId, writes, events, candidate, rows: reopen ? undefined : { flag: flagRow(candidate, flagId, draw, now, nonce), transition } };
}

function reopenedFields(candidate: FlagCandidate, flagId: string, draw: Draw, now: string, nonce: string) {
  const { id: _id, ...fields } = flagRow(candidate, flagId, draw, now, nonce);
  return fields;
}

function flagRow(candidate: FlagCandidate, flagId: string, draw: Draw, now: string, nonce: string): typeof flags.$inferInsert {
  return {
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
    evidenceNonce: nonce,
  };
}

/**
 * The writes of many plans with new flags inserted several rows per statement (at most 100
 * bound parameters each, D1's limit), then their transitions, then the reopens: the same rows
 * as the plans' own writes, in far fewer statements.
 */
export function combinedWrites(ctx: Pick<Ctx, 'db'>, plans: readonly RaisePlan[]): Write[] {
  const fresh = plans.filter((p) => p.rows);
  const writes: Write[] = [];
  for (let i = 0; i < fresh.length; i += 7) writes.push(ctx.db.insert(flags).values(fresh.slice(i, i + 7).map((p) => p.rows!.flag)));
  for (let i = 0; i < fresh.length; i += 12) writes.push(ctx.db.insert(flagTransitions).values(fresh.slice(i, i + 12).map((p) => p.rows!.transition)));
  for (const p of plans) if (!p.rows) writes.push(...p.writes);
  return writes;
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
  earlyReason?: string | null;
}

/**
 * INSERT of a transition row that only succeeds while `guard` holds: otherwise its id is NULL
 * (`guarded`), the NOT NULL primary key fails, and the batch it is in rolls back whole (D1 and
 * libsql alike).
 */
export function guardedTransitionInsert(ctx: Pick<Ctx, 'db'>, t: TransitionRow, guard: SQL) {
  return ctx.db.run(sql`insert into flag_transitions (id, flag_id, from_status, to_status, outcome, reason, actor, at, early_reason)
    select ${guarded(t.id, guard)}, ${t.flagId}, ${t.from}, ${t.to}, ${t.outcome}, ${t.reason}, ${t.actor}, ${t.at}, ${t.earlyReason ?? null}`);
}
