/**
 * Read side of the imported master data, for HR and integrators (`GET /api/v1/units`, ...).
 * Keyset pagination by code: the opaque cursor is the last code of the previous page, so a page
 * costs one indexed range scan however deep the caller has paged.
 */
import { and, asc, count, eq, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { officers, periods, taxpayers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { keyset } from '../core/pagination.js';
import { createSelectSchema } from '../core/rows.js';
import { cursorParam, limitParam } from '../core/openapi.js';

export const pageQuery = z.object({
  limit: limitParam.default(100),
  cursor: cursorParam.optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

// The lists return whole rows.
export const unitItem = createSelectSchema(units).openapi('Unit');
export const officerItem = createSelectSchema(officers).openapi('Officer');
// A taxpayer erased on request keeps its code and category; its name is '' (src/retention/).
export const taxpayerItem = createSelectSchema(taxpayers).omit({ erasedAt: true }).openapi('Taxpayer');
export const periodItem = createSelectSchema(periods).openapi('Period');

const readers = ['hr', 'supervisor', 'admin'] as const;

const byCode = (column: AnyColumn) => keyset('asc', [column], (r: { code: string }) => [r.code]);
const unitsByCode = byCode(units.code);
const officersByCode = byCode(officers.code);
const taxpayersByCode = byCode(taxpayers.code);
const periodsByCode = byCode(periods.code);

export async function listUnits({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const rows = await ctx.db
    .select()
    .from(units)
    .where(unitsByCode.after(input.cursor))
    .orderBy(asc(units.code))
    .limit(input.limit + 1);
  return unitsByCode.page(rows, input.limit);
}

export async function listOfficers({ ctx, input }: { ctx: Ctx; input: PageQuery & { unitCode?: string } }) {
  requireRole(ctx.actor, ...readers);
  const conds: SQL[] = [];
  const after = officersByCode.after(input.cursor);
  if (after) conds.push(after);
  if (input.unitCode) conds.push(eq(officers.unitCode, input.unitCode));
  const rows = await ctx.db
    .select()
    .from(officers)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(officers.code))
    .limit(input.limit + 1);
  return officersByCode.page(rows, input.limit);
}

export async function listTaxpayers({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const rows = await ctx.db
    .select({ code: taxpayers.code, name: taxpayers.name, category: taxpayers.category })
    .from(taxpayers)
    .where(taxpayersByCode.after(input.cursor))
    .orderBy(asc(taxpayers.code))
    .limit(input.limit + 1);
  return taxpayersByCode.page(rows, input.limit);
}

export async function listPeriods({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const rows = await ctx.db
    .select()
    .from(periods)
    .where(periodsByCode.after(input.cursor))
    .orderBy(asc(periods.code))
    .limit(input.limit + 1);
  return periodsByCode.page(rows, input.limit);
}

/** How many units, officers, taxpayers and periods are on record (the import page's summary). */
export async function masterDataCounts(ctx: Ctx): Promise<{ units: number; officers: number; taxpayers: number; periods: number }> {
  requireRole(ctx.actor, ...readers);
  const [[u], [o], [tp], [p]] = await Promise.all([
    ctx.db.select({ n: count() }).from(units),
    ctx.db.select({ n: count() }).from(officers),
    ctx.db.select({ n: count() }).from(taxpayers),
    ctx.db.select({ n: count() }).from(periods),
  ]);
  return { units: u!.n, officers: o!.n, taxpayers: tp!.n, periods: p!.n };
}
