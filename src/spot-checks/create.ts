/**
 * Drawing a quarter's spot check: on demand (HR or a supervisor, POST /api/v1/spot-checks) and on
 * the schedule (the `spot-check` job draws the quarter just ended once). One spot check a
 * quarter: a second request is told which one exists (409), so nobody re-rolls the dice.
 */
import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { spotCheckItems, spotChecks } from '../../db/schema.js';
import { commitGuarded } from '../audit/guarded.js';
import type { Write } from '../audit/append.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, conflict } from '../core/errors.js';
import { auditHead } from '../core/draw.js';
import { newId } from '../core/ids.js';
import { parsePeriod, periodOf, shiftPeriod } from '../core/period.js';
import { periodParam } from '../core/openapi.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { activeSupervisors } from '../flags/draw.js';
import { planSpotCheck } from './plan.js';
import { spotCheckPolicy } from './policy.js';
import { jsonParam } from '../../db/json-param.js';

export const drawSpotCheckInput = z.object({ period: periodParam }).openapi('SpotCheckRequest');

export const spotCheckCreated = z
  .object({
    id: z.string(),
    period: z.string(),
    seed: z.string(),
    auditIndex: z.number().int(),
    items: z.array(z.object({ decisionId: z.string(), stratum: z.enum(['type', 'officer']), reviewerUserId: z.string().nullable(), reviewerCode: z.string().nullable() })),
  })
  .openapi('SpotCheckCreated');

/** A supervisor's code for the lists: their officer code, or their username when they have none. */
export async function reviewerCodes(ctx: Pick<Ctx, 'db'>, userIds: readonly (string | null)[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds.filter((u): u is string => !!u))];
  if (!ids.length) return new Map();
  const rows = await ctx.db.all<{ id: string; code: string }>(sql`
    select id, coalesce(officer_code, username) as code from users where id in (select value from json_each(${jsonParam(ids)}))`);
  return new Map(rows.map((r) => [r.id, r.code]));
}

/** Draws the spot check of a quarter that has ended. HR, supervisors, or the scheduler. */
export async function drawSpotCheck({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.infer<typeof drawSpotCheckInput>> }) {
  if (!(ctx.actor.kind === 'system' && ctx.actor.name !== 'anonymous')) requireRole(ctx.actor, 'hr', 'supervisor');
  const { period } = parseInput(drawSpotCheckInput, given);
  const now = ctx.clock.now().toISOString();
  const range = parsePeriod(period)!;
  if (range.end >= now.slice(0, 10)) throw new ApiError(422, 'period_not_ended', `${period} has not ended yet (it runs to ${range.end}); a spot check samples a finished quarter.`);
  const [existing] = await ctx.db.select({ id: spotChecks.id }).from(spotChecks).where(eq(spotChecks.period, period));
  if (existing) throw conflict(`${period} already has its spot check (${existing.id}); it is drawn once.`, 'spot_check_exists');
  const [head, supervisors] = await Promise.all([auditHead(ctx.db), activeSupervisors(ctx.db)]);
  const plan = await planSpotCheck(ctx.db, { period, head, asOf: now, supervisors });
  const id = newId('spc', ctx.clock.now());
  const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.kind === 'system' ? ctx.actor.name : 'taxpayer'}`;
  const writes: Write[] = [ctx.db.insert(spotChecks).values({ id, period, seed: plan.seed, draw: plan.draw, createdBy, createdAt: now })];
  // Rows several to a statement (D1 binds at most 100 parameters: 4 columns x 20).
  for (let i = 0; i < plan.items.length; i += 20) {
    writes.push(ctx.db.insert(spotCheckItems).values(plan.items.slice(i, i + 20).map((it) => ({ spotCheckId: id, ...it }))));
  }
  const { auditIndices } = await commitGuarded(
    ctx,
    writes,
    [{ action: 'spotcheck.draw', entity: 'spot_check', entityId: id, payload: { id, period, policy: spotCheckPolicy.version, seed: plan.seed, draw: { ...plan.draw, supervisors: plan.draw.supervisors.map((s) => s.id) }, items: plan.items } }],
    'spot_check_exists',
    `${period} got its spot check meanwhile.`,
  );
  const codes = await reviewerCodes(ctx, plan.items.map((i) => i.reviewerUserId));
  return {
    id,
    period,
    seed: plan.seed,
    auditIndex: auditIndices[0]!,
    items: plan.items.map((i) => ({ ...i, reviewerCode: i.reviewerUserId ? (codes.get(i.reviewerUserId) ?? null) : null })),
  };
}

/** The scheduled job: the quarter just ended gets its spot check once (nothing when it has one, or had no decision to sample). */
export async function scheduledSpotCheck({ ctx }: { ctx: Ctx }): Promise<{ period: string; drawn: boolean; items: number }> {
  const period = shiftPeriod(periodOf(ctx.clock.now().toISOString()), -1);
  const [existing] = await ctx.db.select({ id: spotChecks.id }).from(spotChecks).where(eq(spotChecks.period, period));
  if (existing) return { period, drawn: false, items: 0 };
  const p = parsePeriod(period)!;
  const [any] = await ctx.db.all<{ n: number }>(sql`select count(*) as n from decisions where substr(decided_at, 1, 10) between ${p.start} and ${p.end}`);
  if (!Number(any?.n ?? 0)) return { period, drawn: false, items: 0 };
  const out = await drawSpotCheck({ ctx, input: { period } });
  return { period, drawn: true, items: out.items.length };
}

