/** Reading spot checks: the list, one with its items and its draw re-run, and a supervisor's own items. */
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisions, spotCheckItems, spotChecks } from '../../db/schema.js';
import { isOwnCase, requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { replaySpotCheck, type SpotCheckDraw } from './plan.js';
import { reviewerCodes } from './create.js';
import { jsonParam } from '../../db/json-param.js';

export const spotCheckItemSchema = z.object({
  decisionId: z.string(),
  stratum: z.enum(['type', 'officer']),
  type: z.string(),
  deciderCode: z.string().nullable(),
  decidedAt: z.string(),
  proposedAmount: z.number().nullable(),
  threshold: z.number().nullable(),
  reviewerUserId: z.string().nullable(),
  reviewerCode: z.string().nullable(),
  outcome: z.enum(['compliant', 'finding']).nullable(),
  note: z.string().nullable(),
  recordedAt: z.string().nullable(),
  flagId: z.string().nullable(),
});

export const spotCheckSchema = z
  .object({
    id: z.string(),
    period: z.string(),
    seed: z.string(),
    createdAt: z.string(),
    draw: z.record(z.string(), z.unknown()),
    /** The draw re-run now from its seed inputs, time and supervisor pool gives the same items. */
    reproducible: z.boolean(),
    items: z.array(spotCheckItemSchema),
  })
  .openapi('SpotCheck');

type ItemView = z.infer<typeof spotCheckItemSchema>;

async function itemViews(ctx: Ctx, where: ReturnType<typeof eq>): Promise<(ItemView & { spotCheckId: string })[]> {
  const rows = await ctx.db
    .select({
      spotCheckId: spotCheckItems.spotCheckId,
      decisionId: spotCheckItems.decisionId,
      stratum: spotCheckItems.stratum,
      type: decisions.type,
      deciderCode: decisions.deciderCode,
      decidedAt: decisions.decidedAt,
      proposedAmount: decisions.amount,
      threshold: decisions.threshold,
      reviewerUserId: spotCheckItems.reviewerUserId,
      outcome: spotCheckItems.outcome,
      note: spotCheckItems.note,
      recordedAt: spotCheckItems.recordedAt,
      flagId: spotCheckItems.flagId,
    })
    .from(spotCheckItems)
    .innerJoin(decisions, eq(decisions.id, spotCheckItems.decisionId))
    .where(where)
    .orderBy(decisions.type, decisions.decidedAt, decisions.id);
  const codes = await reviewerCodes(ctx, rows.map((r) => r.reviewerUserId));
  return rows.map((r) => ({ ...r, reviewerCode: r.reviewerUserId ? (codes.get(r.reviewerUserId) ?? null) : null }));
}

/**
 * One spot check with its items and its draw re-run (HR, supervisors). Nobody reads the check of
 * their own decisions (who was drawn to check them, what was found): a reader who is an officer
 * (a linked user, whatever the role) gets the items of the others; the re-run covers them all.
 */
export async function getSpotCheck({ ctx, id }: { ctx: Ctx; id: string }) {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const [row] = await ctx.db.select().from(spotChecks).where(eq(spotChecks.id, id));
  if (!row) throw notFound(`No spot check ${id}.`);
  const items = await itemViews(ctx, eq(spotCheckItems.spotCheckId, id));
  const { reproducible } = await replaySpotCheck(ctx.db, row.seed, row.draw as SpotCheckDraw, items);
  const shown = items.filter((i) => !isOwnCase(ctx.actor, i.deciderCode)).map(({ spotCheckId: _s, ...i }) => i);
  return { id: row.id, period: row.period, seed: row.seed, createdAt: row.createdAt, draw: row.draw as Record<string, unknown>, reproducible, items: shown };
}

/** Every spot check, newest quarter first, with its tallies (HR, supervisors). */
export async function listSpotChecks({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const rows = await ctx.db.select({ id: spotChecks.id, period: spotChecks.period, createdAt: spotChecks.createdAt }).from(spotChecks).orderBy(desc(spotChecks.period));
  const tallies = rows.length
    ? await ctx.db.all<{ id: string; n: number; compliant: number; findings: number }>(sql`
        select spot_check_id as id, count(*) as n, sum(outcome = 'compliant') as compliant, sum(outcome = 'finding') as findings
          from spot_check_items where spot_check_id in (select value from json_each(${jsonParam(rows.map((r) => r.id))})) group by spot_check_id`)
    : [];
  const by = new Map(tallies.map((t) => [t.id, t]));
  return rows.map((r) => {
    const t = by.get(r.id);
    const n = Number(t?.n ?? 0);
    const compliant = Number(t?.compliant ?? 0);
    const findings = Number(t?.findings ?? 0);
    return { ...r, items: n, compliant, findings, pending: n - compliant - findings };
  });
}

/** The items drawn to the calling supervisor, open ones first. */
export async function mySpotCheckItems({ ctx }: { ctx: Ctx }) {
  requireRole(ctx.actor, 'supervisor');
  const items = await itemViews(ctx, eq(spotCheckItems.reviewerUserId, ctx.actor.userId));
  const periods = new Map((await ctx.db.select({ id: spotChecks.id, period: spotChecks.period }).from(spotChecks).where(inArray(spotChecks.id, [...new Set(items.map((i) => i.spotCheckId))].concat('')))).map((r) => [r.id, r.period]));
  return items.map((i) => ({ ...i, period: periods.get(i.spotCheckId) ?? '' })).sort((a, b) => Number(a.outcome !== null) - Number(b.outcome !== null));
}
