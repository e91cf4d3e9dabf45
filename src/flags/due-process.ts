/**
 * Due process for a flagged officer (申辩, DESIGN section 4): before a supervisor confirms a flag
 * that carries a grading penalty, its subject is told what it is about and may answer within
 * `answerDays`; the answer is part of the flag's record; confirming earlier, without an answer,
 * needs a reason. The subject is told when the review starts (open -> in_review): a flag that a
 * supervisor dismisses unopened never troubles them, and one that may cut their pay is never
 * confirmed unheard.
 *
 * What the subject learns: the rule, its severity, the window and the figures of their own
 * decisions; for a complaint, only its category and quarter: never the complainant's identity,
 * the text, or the time (which could point at the taxpayer they served then).
 */
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { flagAnswers, flagNotices, flags } from '../../db/schema.js';
import { defaultPolicy } from '../../scoring/policy.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { canonicalJson } from '../audit/canonical.js';
import { actingOfficer, isOwnCase, requireRole, type Ctx } from '../core/context.js';
import { conflict, forbidden, notFound } from '../core/errors.js';
import { randomToken } from '../core/ids.js';
import { sha256HexSync } from '../core/sha256.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import type { Severity } from './raise.js';
import { freeText } from '../core/text.js';

/** Days the subject has to answer from being told. */
export const ANSWER_DAYS = 7;

/** Whether a flag of this severity costs its subject points when confirmed (the grading policy's penalty table). */
export function carriesPenalty(severity: Severity): boolean {
  return (defaultPolicy.penalties.severity[severity] ?? 0) > 0;
}

/** The notice written when the review of a penalty-carrying flag starts; nothing when one exists or no penalty. */
export function planNotice(ctx: Ctx, flag: { id: string; severity: Severity; subjectCode: string }, existing: boolean): { writes: Write[]; events: AuditEvent[]; answerDueAt: string } | null {
  if (existing || !carriesPenalty(flag.severity)) return null;
  const now = ctx.clock.now();
  const answerDueAt = new Date(now.getTime() + ANSWER_DAYS * 86_400_000).toISOString();
  return {
    answerDueAt,
    writes: [ctx.db.insert(flagNotices).values({ flagId: flag.id, toldAt: now.toISOString(), answerDueAt })],
    events: [{ action: 'flag.notice', entity: 'flag', entityId: flag.id, payload: { flagId: flag.id, subjectCode: flag.subjectCode, answerDueAt } }],
  };
}

/** The hearing of a flag: when its subject was told, and their answer. */
export async function hearingOf(ctx: Pick<Ctx, 'db'>, flagId: string) {
  const [notice] = await ctx.db.select().from(flagNotices).where(eq(flagNotices.flagId, flagId));
  const [answer] = await ctx.db.select({ text: flagAnswers.text, answeredAt: flagAnswers.answeredAt }).from(flagAnswers).where(eq(flagAnswers.flagId, flagId));
  return {
    notice: (notice ?? null) as typeof flagNotices.$inferSelect | null,
    answer: (answer ?? null) as { text: string; answeredAt: string } | null,
  };
}

/**
 * Whether confirming now needs an early reason: the flag carries a penalty and its subject has
 * neither answered nor had their full window (or was never told, on flags reviewed before this).
 */
export function confirmingEarly(flag: { severity: Severity }, h: { notice: { answerDueAt: string } | null; answer: unknown }, now: string): boolean {
  if (!carriesPenalty(flag.severity) || h.answer) return false;
  return !h.notice || now < h.notice.answerDueAt;
}

export const answerInput = z.object({ text: freeText(z.string().trim().min(1, 'the answer is empty').max(4000)) }).openapi('FlagAnswer');

/** SHA-256 of the canonical `{ flagId, nonce, text }`: the leaf proves the answer without holding it. */
export function answerCommitment(a: { flagId: string; nonce: string; text: string }): string {
  return sha256HexSync(canonicalJson({ flagId: a.flagId, nonce: a.nonce, text: a.text }));
}

/**
 * The subject answers a flag they were told of, once, within the window. Anyone else, and a
 * flag not shown to its subject, is told nothing: 404.
 */
export async function answerFlag({ ctx, flagId, input: given }: { ctx: Ctx; flagId: string; input: Unchecked<z.infer<typeof answerInput>> }) {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const input = parseInput(answerInput, given);
  const [flag] = await ctx.db.select().from(flags).where(eq(flags.id, flagId));
  const h = flag ? await hearingOf(ctx, flagId) : null;
  // "About oneself" in the other direction: only the flag's own subject answers it.
  if (!flag || !h?.notice || !isOwnCase(ctx.actor, flag.subjectCode)) throw notFound(`No flag ${flagId} was shown to you.`);
  const now = ctx.clock.now().toISOString();
  if (flag.status === 'closed') throw conflict('The flag is closed.', 'flag_closed');
  if (h.answer) throw conflict(`You answered on ${h.answer.answeredAt}; a flag is answered once.`, 'already_answered');
  if (now > h.notice.answerDueAt) throw conflict(`The answer window closed at ${h.notice.answerDueAt}.`, 'answer_window_closed');
  const nonce = randomToken(16);
  const { auditIndices } = await commit(
    ctx,
    // The primary key (the flag) refuses a second answer, even one racing this one.
    [ctx.db.insert(flagAnswers).values({ flagId, text: input.text, nonce, answeredBy: ctx.actor.userId, answeredAt: now })],
    [{ action: 'flag.answer', entity: 'flag', entityId: flagId, payload: { flagId, subjectCode: flag.subjectCode, commitment: answerCommitment({ flagId, nonce, text: input.text }) } }],
  );
  return { flagId, answeredAt: now, auditIndex: auditIndices[0]! };
}

/** What the subject may read of a flag's evidence: see the file comment. */
function aboutForSubject(rule: string, evidence: Record<string, unknown>, raisedAt: string): Record<string, unknown> {
  if (rule === 'complaint') {
    const period = typeof evidence.period === 'string' ? evidence.period : `${raisedAt.slice(0, 4)}Q${Math.floor((Number(raisedAt.slice(5, 7)) - 1) / 3) + 1}`;
    return { period, ...(typeof evidence.category === 'string' ? { category: evidence.category } : {}) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(evidence)) {
    if (['involvedOfficerCodes', 'itemKeys', 'panels', 'text', 'comment', 'note'].includes(k)) continue;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (k === 'decisionIds' && Array.isArray(v)) out.decisionIds = v;
    else if (k === 'window' && v && typeof v === 'object') out.window = v;
  }
  return out;
}

/** The flags the caller was told of, newest first: what each is about, the deadline and their answer. */
export async function myFlagNotices({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'officer', 'supervisor');
  const me = actingOfficer(ctx.actor);
  if (!me) throw forbidden('This user is not linked to an officer record.').say('not_officer');
  const rows = await ctx.db
    .select({
      id: flags.id,
      rule: flags.rule,
      severity: flags.severity,
      status: flags.status,
      outcome: flags.outcome,
      evidence: flags.evidence,
      raisedAt: flags.raisedAt,
      toldAt: flagNotices.toldAt,
      answerDueAt: flagNotices.answerDueAt,
    })
    .from(flags)
    .innerJoin(flagNotices, eq(flagNotices.flagId, flags.id))
    .where(and(eq(flags.subjectCode, me), isNotNull(flagNotices.toldAt)))
    .orderBy(desc(flagNotices.toldAt))
    .limit(50);
  const answers = rows.length
    ? await ctx.db.select({ flagId: flagAnswers.flagId, text: flagAnswers.text, answeredAt: flagAnswers.answeredAt }).from(flagAnswers).where(inArray(flagAnswers.flagId, rows.map((r) => r.id)))
    : [];
  const byFlag = new Map(answers.map((a) => [a.flagId, a]));
  const now = ctx.clock.now().toISOString();
  return rows.map(({ evidence, raisedAt, ...r }) => {
    const answer = byFlag.get(r.id);
    return {
      ...r,
      about: aboutForSubject(r.rule, (evidence ?? {}) as Record<string, unknown>, raisedAt),
      answer: answer ? { text: answer.text, answeredAt: answer.answeredAt } : null,
      mayAnswer: !answer && r.status !== 'closed' && now <= r.answerDueAt,
    };
  });
}
