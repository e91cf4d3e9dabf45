/**
 * A supervisor works a complaint: takes it into review, and closes it with the outcome the
 * complainant reads (plain words from the catalogue, never free text, so no name reaches the
 * public page). A complaint naming an officer may be worked only by whoever may review its flag
 * (the drawn reviewer, or an eligible one when nobody was drawn); nobody works a complaint about
 * themselves. Closing the complaint does not close its flag: the flag decides the officer's
 * penalty, the complaint what the complainant is told (src/complaints/state.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { complaints, flags } from '../../db/schema.js';
import { isOwnCase, refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, forbidden, notFound } from '../core/errors.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { commitGuarded, guarded } from '../audit/guarded.js';
import { mayReview } from '../flags/workflow.js';
import { complaintOutcomes } from './policy.js';

export const complaintTransitionInput = z
  .object({
    to: z.enum(['in_review', 'closed']),
    outcome: z.enum(complaintOutcomes).optional(),
  })
  .openapi('ComplaintTransition');
export type ComplaintTransitionInput = z.infer<typeof complaintTransitionInput>;

const allowed: Record<string, string[]> = { received: ['in_review', 'closed'], in_review: ['closed'], closed: [] };

/** Whether `ctx.actor` may work this complaint; the reason when not. */
export async function mayWorkComplaint(ctx: Ctx, c: { officerCode: string | null; flagId: string | null }): Promise<{ ok: true } | { ok: false; why: string; key: string }> {
  if (ctx.actor.kind !== 'user' || ctx.actor.role !== 'supervisor') return { ok: false, why: 'Only supervisors work complaints.', key: 'complaint_supervisors_only' };
  if (isOwnCase(ctx.actor, c.officerCode)) return { ok: false, why: 'Nobody works a complaint about themselves.', key: 'complaint_own' };
  if (!c.flagId) return { ok: true };
  const [flag] = await ctx.db.select().from(flags).where(eq(flags.id, c.flagId));
  return flag ? mayReview(ctx, flag) : { ok: true };
}

export async function transitionComplaint({ ctx, input: given }: { ctx: Ctx; input: Unchecked<ComplaintTransitionInput> & { id: string } }) {
  requireRole(ctx.actor, 'supervisor');
  const input = parseInput(complaintTransitionInput, given);
  const [c] = await ctx.db
    .select({ id: complaints.id, status: complaints.status, officerCode: complaints.officerCode, flagId: complaints.flagId })
    .from(complaints)
    .where(eq(complaints.id, given.id));
  if (!c) throw notFound(`No complaint ${given.id}.`);
  refuseOwnCase(ctx.actor, c.officerCode, 'working a complaint about oneself');
  const may = await mayWorkComplaint(ctx, c);
  if (!may.ok) throw forbidden(may.why).say(may.key);
  if (!allowed[c.status]!.includes(input.to)) {
    throw new ApiError(409, 'invalid_transition', `A complaint that is ${c.status} cannot move to ${input.to}.`);
  }
  const closing = input.to === 'closed';
  if (closing && !input.outcome) throw badRequest('Closing a complaint needs the outcome the complainant is told.', [{ path: 'outcome', message: 'required when closing' }]);
  if (!closing && input.outcome) throw badRequest('An outcome is given only when closing.', [{ path: 'outcome', message: 'only with to = closed' }]);
  const at = ctx.clock.now().toISOString();
  const outcome = input.outcome ?? null;
  const { auditIndices } = await commitGuarded(
    ctx,
    [
      ctx.db
        .update(complaints)
        // Only while the complaint is still where we read it: otherwise NULL into a NOT NULL
        // column fails the batch (two supervisors at once), and the second gets 409.
        .set({
          status: sql`${guarded(input.to, sql`exists (select 1 from ${complaints} k where k.id = ${c.id} and k.status = ${c.status})`)}`,
          outcome,
          updatedAt: at,
          closedBy: closing ? ctx.actor.userId : null,
        })
        .where(eq(complaints.id, c.id)),
    ],
    [{ action: 'complaint.transition', entity: 'complaint', entityId: c.id, payload: { from: c.status, to: input.to, outcome } }],
    'stale_complaint',
    'The complaint changed meanwhile; reload it.',
  );
  return { id: c.id, status: input.to, outcome, auditIndex: auditIndices[0]! };
}
