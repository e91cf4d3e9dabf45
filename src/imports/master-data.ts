/**
 * Read side of the imported master data, for HR and integrators (`GET /api/v1/units`, ...).
 * Keyset pagination by code: the opaque cursor is the last code of the previous page, so a page
 * costs one indexed range scan however deep the caller has paged.
 */
import { and, asc, count, eq, gt, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { officers, periods, taxpayerCategories, taxpayers, units } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { decodeCursor, encodeCursor } from '../core/http.js';
import { requireRole } from '../auth/tokens.js';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: 'Page size (default 100, max 1000).' }),
  cursor: z.string().optional().openapi({ description: 'The nextCursor of the previous page.' }),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const unitItem = z.object({ code: z.string(), name: z.string(), peerGroup: z.string() }).openapi('Unit');
export const officerItem = z
  .object({
    code: z.string(),
    name: z.string(),
    unitCode: z.string(),
    team: z.string(),
    hireDate: z.string(),
    positionStartDate: z.string(),
    leaveDate: z.string().nullable(),
    supervisorCode: z.string().nullable(),
  })
  .openapi('Officer');
export const taxpayerItem = z.object({ code: z.string(), name: z.string(), category: z.enum(taxpayerCategories) }).openapi('Taxpayer');
export const periodItem = z.object({ code: z.string(), startDate: z.string(), endDate: z.string() }).openapi('Period');

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

const readers = ['hr', 'supervisor', 'admin'] as const;

function pageOf<T extends { code: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.code) : null };
}

export async function listUnits({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(units)
    .where(after === undefined ? undefined : gt(units.code, after))
    .orderBy(asc(units.code))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit);
}

export async function listOfficers({ ctx, input }: { ctx: Ctx; input: PageQuery & { unitCode?: string } }) {
  requireRole(ctx.actor, ...readers);
  const after = decodeCursor(input.cursor);
  const conds: SQL[] = [];
  if (after !== undefined) conds.push(gt(officers.code, after));
  if (input.unitCode) conds.push(eq(officers.unitCode, input.unitCode));
  const rows = await ctx.db
    .select()
    .from(officers)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(officers.code))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit);
}

export async function listTaxpayers({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(taxpayers)
    .where(after === undefined ? undefined : gt(taxpayers.code, after))
    .orderBy(asc(taxpayers.code))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit);
}

export async function listPeriods({ ctx, input }: { ctx: Ctx; input: PageQuery }) {
  requireRole(ctx.actor, ...readers);
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(periods)
    .where(after === undefined ? undefined : gt(periods.code, after))
    .orderBy(asc(periods.code))
    .limit(input.limit + 1);
  return pageOf(rows, input.limit);
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
