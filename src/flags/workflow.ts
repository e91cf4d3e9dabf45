/**
 * The flag workflow: open -> in_review -> closed, the outcome (confirmed, false_positive,
 * escalated) given exactly when closing; a reason and an audit entry for every transition.
 * Closing as `escalated` does not close: the flag goes back to `open` for a drawn higher reviewer
 * (escalation.ts). Starting the review of a penalty-carrying flag tells its subject, who may answer
 * for 7 days; confirming before that without their answer needs an `earlyReason` (due-process.ts).
 *
 * Who may act: the drawn reviewer; when nobody was drawn (or the drawn user is disabled or no
 * longer a supervisor), any supervisor who would be eligible for the draw now. Nobody acts on a
 * flag about themselves. HR reads the queue but does not review: it grades, and confirmed flags
 * feed the grade.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { flags, users } from '../../db/schema.js';
import { commitGuarded } from '../audit/guarded.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { requireRole, actorLabel, isOwnCase, refuseOwnCase, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { eligibleReviewers } from './draw.js';
import { guardedTransitionInsert, involvedIn, type Severity } from './raise.js';
import { freeText } from '../core/text.js';
import { confirmingEarly, hearingOf, planNotice } from './due-process.js';
import { eligibleHigherReviewers, escalationsOf, planEscalation } from './escalation.js';
import type { AuditEvent, Write } from '../audit/append.js';

export const flagStatuses = ['open', 'in_review', 'closed'] as const;
export const flagOutcomes = ['confirmed', 'false_positive', 'escalated'] as const;

export const transitionInput = z
  .object({
    to: z.enum(['in_review', 'closed']),
    outcome: z.enum(flagOutcomes).optional(),
    reason: freeText(z.string().trim().min(1, 'a reason is required').max(4000)),
    /** Confirming a penalty-carrying flag before its subject answered or the 7-day answer window ended: why not wait. */
    earlyReason: freeText(z.string().trim().min(1).max(4000)).optional(),
  })
  .openapi('FlagTransition');
export type TransitionInput = z.infer<typeof transitionInput>;

const allowed: Record<string, string[]> = { open: ['in_review'], in_review: ['closed'], closed: [] };

/** Whether `actor` may work on `flag` (role, not about themselves, assigned or eligible). */
export async function mayReview(ctx: Ctx, flag: typeof flags.$inferSelect): Promise<{ ok: true } | { ok: false; why: string; key: string }> {
  const actor = ctx.actor;
  if (actor.kind !== 'user' || actor.role !== 'supervisor') return { ok: false, why: 'Only supervisors review flags.', key: 'flag_supervisors_only' };
  if (isOwnCase(actor, flag.subjectCode)) return { ok: false, why: 'Nobody reviews a flag about themselves.', key: 'flag_own' };
  const escalations = await escalationsOf(ctx, flag.id);
  if (flag.reviewerUserId) {
    const [assigned] = await ctx.db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, flag.reviewerUserId));
    const assignedActive = assigned && assigned.role === 'supervisor' && !assigned.disabledAt;
    if (assignedActive) {
      return flag.reviewerUserId === actor.userId ? { ok: true } : { ok: false, why: 'This flag was drawn to another reviewer.', key: 'flag_other_reviewer' };
    }
  }
  if (escalations.length) {
    const higher = await eligibleHigherReviewers(ctx, flag, escalations.map((e) => e.escalatedBy));
    return higher.includes(actor.userId)
      ? { ok: true }
      : { ok: false, why: 'This flag was escalated: it goes to a supervisor outside the subject’s unit who has not escalated it.', key: 'flag_escalated' };
  }
  const eligible = await eligibleReviewers(ctx.db, flag.subjectCode, await involvedIn(ctx, flag.evidence as Record<string, unknown>));
  return eligible.includes(actor.userId)
    ? { ok: true }
    : { ok: false, why: 'You are not eligible to review this flag (supervisor chain of the subject, or involved in its decisions).', key: 'flag_not_eligible' };
}

export async function transitionFlag({ ctx, flagId, input: given }: { ctx: Ctx; flagId: string; input: Unchecked<TransitionInput> }) {
  requireRole(ctx.actor, 'supervisor', 'hr');
  const input = parseInput(transitionInput, given);
  const [flag] = await ctx.db.select().from(flags).where(eq(flags.id, flagId));
  if (!flag) throw notFound(`No flag ${flagId}.`);
  refuseOwnCase(ctx.actor, flag.subjectCode, 'moving a flag about yourself');
  const may = await mayReview(ctx, flag);
  if (!may.ok) throw forbidden(may.why).say(may.key);
  if (!allowed[flag.status]!.includes(input.to)) {
    throw conflict(`A flag that is ${flag.status} cannot move to ${input.to}.`, 'invalid_transition');
  }
  if (input.to === 'closed' && !input.outcome) throw badRequest('Closing a flag needs an outcome.', [{ path: 'outcome', message: 'required when closing' }]);
  if (input.to !== 'closed' && input.outcome) throw badRequest('An outcome is given only when closing.', [{ path: 'outcome', message: 'only with to = closed' }]);

  const now = ctx.clock.now().toISOString();
  const hearing = await hearingOf(ctx, flagId);
  const early = input.outcome === 'confirmed' && confirmingEarly(flag, hearing, now);
  if (early && !input.earlyReason) {
    throw badRequest('The subject has not answered and their answer window is still open: confirming now needs a reason for not waiting.', [
      { path: 'earlyReason', message: hearing.notice ? `required before ${hearing.notice.answerDueAt} unless the subject has answered` : 'required: the subject was never told of this flag' },
    ]);
  }
  if (input.earlyReason && !early) throw badRequest('An early reason is given only when confirming before the subject was heard.', [{ path: 'earlyReason', message: 'not needed now' }]);

  if (input.outcome === 'escalated') {
    const esc = await planEscalation(ctx, ctx.actor.userId, flag, input.reason);
    await commitGuarded(ctx, esc.writes, esc.events, 'stale_flag', 'The flag changed meanwhile; reload it.');
    return { id: flagId, status: 'open' as const, outcome: null, transitionId: esc.transitionId, at: now, escalatedTo: esc.draw.picked };
  }

  const transitionId = newId('ftr', ctx.clock.now());
  const outcome = input.outcome ?? null;
  const closing = input.to === 'closed';
  // Starting the review of a penalty-carrying flag tells its subject (DESIGN 4, due process).
  const notice = input.to === 'in_review' ? planNotice(ctx, { id: flagId, severity: flag.severity as Severity, subjectCode: flag.subjectCode }, hearing.notice !== null) : null;
  const extraWrites: Write[] = notice?.writes ?? [];
  const extraEvents: AuditEvent[] = notice?.events ?? [];
  await commitGuarded(
    ctx,
    [
      // First, and only while the flag is still where we read it: a concurrent transition makes
      // this insert fail and the whole batch with it.
      guardedTransitionInsert(
        ctx,
        { id: transitionId, flagId, from: flag.status, to: input.to, outcome, reason: input.reason, actor: actorLabel(ctx.actor), at: now, earlyReason: input.earlyReason ?? null },
        sql`exists (select 1 from ${flags} where ${flags.id} = ${flagId} and ${flags.status} = ${flag.status})`,
      ),
      ...extraWrites,
      ctx.db
        .update(flags)
        .set({
          status: input.to,
          outcome,
          updatedAt: now,
          closedAt: closing ? now : null,
          // The one acting is the reviewer from now on: the drawn one, or whoever took up an
          // unassigned flag (or one whose drawn reviewer is no longer active).
          reviewerUserId: ctx.actor.userId,
        })
        .where(eq(flags.id, flagId)),
    ],
    [
      {
        action: 'flag.transition',
        entity: 'flag',
        entityId: flagId,
        payload: { transitionId, from: flag.status, to: input.to, outcome, reason: input.reason, earlyReason: input.earlyReason, severity: flag.severity, subjectCode: flag.subjectCode },
      },
      ...extraEvents,
    ],
    'stale_flag',
    'The flag changed meanwhile; reload it.',
  );
  return { id: flagId, status: input.to, outcome, transitionId, at: now, escalatedTo: undefined };
}
