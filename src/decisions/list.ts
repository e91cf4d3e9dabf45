/** Reading the decision register: HR and supervisors see all of it, officers their own. */
import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { decisions } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { forbidden, notFound } from '../core/errors.js';
import { keyset } from '../core/pagination.js';
import { decisionViews, verifiedDraw, type DecisionView } from './view.js';
import { isValidDate } from '../core/period.js';
import { codeParam, cursorParam, limitParam } from '../core/openapi.js';

export const listDecisionsQuery = z.object({
  officerCode: codeParam.optional(),
  type: z.string().min(1).optional(),
  /** Decided on or after this date (YYYY-MM-DD). */
  from: z.string().refine(isValidDate, 'YYYY-MM-DD').optional(),
  /** Decided on or before this date (YYYY-MM-DD). */
  to: z.string().refine(isValidDate, 'YYYY-MM-DD').optional(),
  taxpayerCode: codeParam.optional(),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});
export type ListDecisionsQuery = z.infer<typeof listDecisionsQuery>;

export { decisionSchema, type DecisionView } from './view.js';
/** Newest first; the id breaks ties between decisions of the same time. */
const newestFirst = keyset('desc', [decisions.decidedAt, decisions.id], (r: { decidedAt: string; id: string }) => [r.decidedAt, r.id]);

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** List views carry no draw (one decision's GET has it, verified). */
async function listViews(ctx: Ctx, rows: (typeof decisions.$inferSelect)[]): Promise<DecisionView[]> {
  return (await decisionViews(ctx, rows)).map(({ draw: _draw, ...v }) => v);
}

/** Newest first, paginated by (decidedAt, id). Officers only ever see their own decisions. */
export async function listDecisions({ ctx, query }: { ctx: Ctx; query: ListDecisionsQuery }) {
  requireRole(ctx.actor, 'hr', 'supervisor', 'officer');
  let officerCode = query.officerCode;
  if (ctx.actor.role === 'officer') {
    if (officerCode && officerCode !== ctx.actor.officerCode) throw forbidden('Officers see only their own decisions.').say('own_decisions_only');
    officerCode = ctx.actor.officerCode ?? '\u0000none';
  }
  const limit = query.limit ?? 100;
  const where: SQL[] = [];
  if (officerCode) where.push(eq(decisions.deciderCode, officerCode));
  if (query.type) where.push(eq(decisions.type, query.type));
  if (query.taxpayerCode) where.push(eq(decisions.taxpayerCode, query.taxpayerCode));
  if (query.from) where.push(gte(decisions.decidedAt, query.from));
  if (query.to) where.push(lt(decisions.decidedAt, nextDay(query.to)));
  const after = newestFirst.after(query.cursor);
  if (after) where.push(after);
  const rows = await ctx.db
    .select()
    .from(decisions)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(decisions.decidedAt), desc(decisions.id))
    .limit(limit + 1);
  const { items, nextCursor } = newestFirst.page(rows, limit);
  return { items: await listViews(ctx, items), nextCursor };
}

/**
 * One decision with its panel, its draw (re-run: `verified`) and the records that amend it.
 * Officers read their own decisions and those whose panel they sit on (the case they vote on).
 */
export async function getDecision({ ctx, id }: { ctx: Ctx; id: string }) {
  requireRole(ctx.actor, 'hr', 'supervisor', 'officer');
  const [row] = await ctx.db.select().from(decisions).where(eq(decisions.id, id));
  // Another officer's decision, unless they sit on its panel, is answered as if it did not exist:
  // a 403 would tell the caller it does.
  if (!row) throw notFound(`No decision ${id}.`);
  const [view] = await decisionViews(ctx, [row]);
  const me = ctx.actor.officerCode;
  if (ctx.actor.role === 'officer' && row.deciderCode !== me && !view!.panel.some((p) => p.officerCode === me)) throw notFound(`No decision ${id}.`);
  const amendedBy = await ctx.db.select({ id: decisions.id }).from(decisions).where(eq(decisions.amends, id));
  return { ...view!, draw: verifiedDraw(view!.draw), amendedBy: amendedBy.map((a) => a.id) };
}

/** Decisions by id (at most 500), newest first, with their panels: for a flag's evidence. */
export async function decisionsByIds(ctx: Ctx, ids: readonly string[]): Promise<DecisionView[]> {
  const list = [...new Set(ids)].slice(0, 500);
  if (!list.length) return [];
  const rows = await ctx.db.select().from(decisions).where(inArray(decisions.id, list)).orderBy(desc(decisions.decidedAt), desc(decisions.id));
  return listViews(ctx, rows);
}
