/**
 * Escalation (DESIGN section 4): a reviewer who closes a flag as `escalated` hands it to a higher
 * reviewer, a supervisor outside the subject's unit, drawn the same way as the first (the one
 * draw, src/core/draw.ts via makeDraw, keyed `<flagId>/escalation/<level>`), and the flag stays
 * open for them instead of closing on nobody's desk. Whoever escalated (at any level) is not drawn
 * again.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { flagEscalations, flags, officers } from '../../db/schema.js';
import type { AuditEvent, Write } from '../audit/append.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { activeSupervisors, auditHead, eligibleFrom, makeDraw, supervisorChains, type Draw } from './draw.js';
import { guardedTransitionInsert, involvedIn } from './raise.js';

type FlagRow = typeof flags.$inferSelect;

/** The escalations of a flag, lowest level first. */
export function escalationsOf(ctx: Pick<Ctx, 'db'>, flagId: string) {
  return ctx.db.select().from(flagEscalations).where(eq(flagEscalations.flagId, flagId)).orderBy(asc(flagEscalations.level));
}

/**
 * Supervisors who may take an escalated flag: eligible for the flag at all (not the subject, not
 * in their supervisor chain, not involved), outside the subject's unit, and not one who escalated it.
 */
export async function eligibleHigherReviewers(ctx: Pick<Ctx, 'db'>, flag: FlagRow, escalatedBy: readonly string[]): Promise<string[]> {
  const [supervisors, chains, involved] = await Promise.all([
    activeSupervisors(ctx.db),
    supervisorChains(ctx.db, [flag.subjectCode]),
    involvedIn(ctx, flag.evidence as Record<string, unknown>),
  ]);
  const codes = [flag.subjectCode, ...supervisors.map((s) => s.officerCode).filter((c): c is string => !!c)];
  const unitOf = new Map((await ctx.db.select({ code: officers.code, unit: officers.unitCode }).from(officers).where(inArray(officers.code, codes))).map((r) => [r.code, r.unit]));
  const subjectUnit = unitOf.get(flag.subjectCode) ?? null;
  const outside = supervisors.filter((s) => !s.officerCode || unitOf.get(s.officerCode) !== subjectUnit);
  const out = new Set(escalatedBy);
  return eligibleFrom(outside, flag.subjectCode, chains.get(flag.subjectCode)!, involved).filter((id) => !out.has(id));
}

/** The writes that escalate `flag` (in review) to a drawn higher reviewer and reopen it for them. */
export async function planEscalation(ctx: Ctx, byUserId: string, flag: FlagRow, reason: string): Promise<{ writes: Write[]; events: AuditEvent[]; draw: Draw; level: number; transitionId: string }> {
  const earlier = await escalationsOf(ctx, flag.id);
  const level = (earlier.at(-1)?.level ?? 0) + 1;
  const eligible = await eligibleHigherReviewers(ctx, flag, [...earlier.map((e) => e.escalatedBy), byUserId]);
  const draw = await makeDraw({ flagId: `${flag.id}/escalation/${level}`, ...(await auditHead(ctx.db)) }, eligible);
  if (!draw.picked) draw.note = 'No eligible supervisor outside the subject’s unit: the flag stays open, unassigned; any such supervisor may take it up.';
  const now = ctx.clock.now().toISOString();
  const transitionId = newId('ftr', ctx.clock.now());
  return {
    level,
    draw,
    transitionId,
    writes: [
      // First, and only while the flag is still in review: a concurrent move fails this batch whole.
      guardedTransitionInsert(
        ctx,
        { id: transitionId, flagId: flag.id, from: 'in_review', to: 'open', outcome: 'escalated', reason, actor: actorLabel(ctx.actor), at: now },
        sql`exists (select 1 from ${flags} where ${flags.id} = ${flag.id} and ${flags.status} = 'in_review')`,
      ),
      ctx.db.insert(flagEscalations).values({ flagId: flag.id, level, escalatedBy: byUserId, reason, at: now, draw }),
      ctx.db.update(flags).set({ status: 'open', outcome: null, closedAt: null, updatedAt: now, reviewerUserId: draw.picked }).where(eq(flags.id, flag.id)),
    ],
    events: [
      {
        action: 'flag.escalate',
        entity: 'flag',
        entityId: flag.id,
        payload: { flagId: flag.id, level, reason, transitionId, reviewerUserId: draw.picked, draw, subjectCode: flag.subjectCode, severity: flag.severity },
      },
    ],
  };
}
