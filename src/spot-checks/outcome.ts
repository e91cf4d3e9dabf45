/**
 * The drawn supervisor records what the spot check of a decision found: compliant, or a finding,
 * which may raise a `spot_check` flag on the decider (through planRaise, so the flag gets its own
 * drawn reviewer like any other). Once per item. Nobody checks their own decision.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisions, spotCheckItems, spotChecks, users } from '../../db/schema.js';
import { commitGuarded } from '../audit/guarded.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { refuseOwnCase, requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound } from '../core/errors.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { activeSupervisors, eligibleFrom, supervisorChains } from '../flags/draw.js';
import { planRaise } from '../flags/raise.js';
import { defaultOversightPolicy, severities } from '../flags/policy.js';
import { freeText } from '../core/text.js';

export const outcomeInput = z
  .object({
    outcome: z.enum(['compliant', 'finding']),
    note: freeText(z.string().trim().min(1, 'say what was checked or found').max(4000)),
    /** With a finding: raise a `spot_check` flag on the decider. */
    raiseFlag: z.boolean().optional(),
    /** The raised flag's severity; default the policy's. */
    severity: z.enum(severities).optional(),
  })
  .openapi('SpotCheckOutcome');

export async function recordSpotCheckOutcome({ ctx, spotCheckId, decisionId, input: given }: { ctx: Ctx; spotCheckId: string; decisionId: string; input: Unchecked<z.infer<typeof outcomeInput>> }) {
  requireRole(ctx.actor, 'supervisor');
  const input = parseInput(outcomeInput, given);
  const [item] = await ctx.db
    .select({ item: spotCheckItems, period: spotChecks.period, decider: decisions.deciderCode, deciderUserId: decisions.deciderUserId })
    .from(spotCheckItems)
    .innerJoin(spotChecks, eq(spotChecks.id, spotCheckItems.spotCheckId))
    .innerJoin(decisions, eq(decisions.id, spotCheckItems.decisionId))
    .where(and(eq(spotCheckItems.spotCheckId, spotCheckId), eq(spotCheckItems.decisionId, decisionId)));
  if (!item) throw notFound(`Decision ${decisionId} is not in spot check ${spotCheckId}.`);
  refuseOwnCase(ctx.actor, item.decider, 'checking a decision one took oneself');
  // The drawn supervisor; when nobody was drawn or they left the role, any supervisor who would be eligible now.
  const drawn = item.item.reviewerUserId;
  const [drawnUser] = drawn ? await ctx.db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, drawn)) : [];
  if (drawnUser && drawnUser.role === 'supervisor' && !drawnUser.disabledAt) {
    if (drawn !== ctx.actor.userId) throw forbidden('This decision was drawn to another supervisor.').say('spot_check_other');
  } else {
    const chains = await supervisorChains(ctx.db, [item.decider ?? '']);
    const eligible = eligibleFrom(await activeSupervisors(ctx.db), item.decider ?? '', chains.get(item.decider ?? '') ?? new Set(), { officerCodes: [], userIds: [item.deciderUserId] });
    if (!eligible.includes(ctx.actor.userId)) throw forbidden('You are not eligible to check this decision.').say('spot_check_not_eligible');
  }
  if (item.item.outcome) throw conflict(`This check was recorded on ${item.item.recordedAt}.`, 'already_recorded');
  if (input.raiseFlag && input.outcome !== 'finding') throw badRequest('Only a finding raises a flag.', [{ path: 'raiseFlag', message: 'only with outcome finding' }]);

  const now = ctx.clock.now().toISOString();
  const writes: Write[] = [];
  const events: AuditEvent[] = [];
  let flagId: string | null = null;
  if (input.raiseFlag && item.decider) {
    const raised = await planRaise(ctx, {
      rule: 'spot_check',
      subjectCode: item.decider,
      conditionKey: `spot_check:${decisionId}`,
      severity: input.severity ?? defaultOversightPolicy.rules.spot_check.severity,
      evidence: { spotCheckId, period: item.period, decisionId, decisionIds: [decisionId], finding: input.note, involvedOfficerCodes: [] },
    });
    if (raised) {
      flagId = raised.flagId;
      writes.push(...raised.writes);
      events.push(...raised.events);
    }
  }
  writes.unshift(
    ctx.db
      .update(spotCheckItems)
      // Only while unrecorded: otherwise NULL into the NOT NULL key fails the batch (two supervisors at once).
      .set({ spotCheckId: sql`case when ${spotCheckItems.outcome} is null then ${spotCheckItems.spotCheckId} end`, outcome: input.outcome, note: input.note, recordedBy: ctx.actor.userId, recordedAt: now, flagId })
      .where(and(eq(spotCheckItems.spotCheckId, spotCheckId), eq(spotCheckItems.decisionId, decisionId))),
  );
  events.unshift({ action: 'spotcheck.outcome', entity: 'spot_check', entityId: spotCheckId, payload: { spotCheckId, decisionId, outcome: input.outcome, note: input.note, flagId } });
  const { auditIndices } = await commitGuarded(ctx, writes, events, 'already_recorded', 'The check was recorded meanwhile.');
  return { spotCheckId, decisionId, outcome: input.outcome, flagId, auditIndex: auditIndices[0]! };
}
