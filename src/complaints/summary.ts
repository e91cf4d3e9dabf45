/**
 * The periodic complaint analysis (投诉定期分析, DESIGN 2): counts by category, channel and unit
 * for a quarter and the quarter before it, and each unit's top categories. A quarter's complaints
 * are those received in it. Aggregates only: no text, no officer, no taxpayer.
 */
import { inArray, sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { shiftPeriod } from '../core/period.js';
import { periodParam } from '../core/openapi.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { complaintCategories, complaintChannels, type ComplaintCategory } from './policy.js';
import { receivedIn } from './state.js';

export const summaryQuery = z.object({ period: periodParam });

const counts = z.record(z.string(), z.number().int());
const periodFigures = z.object({
  period: z.string(),
  total: z.number().int(),
  /** Every category, zeros included. */
  byCategory: counts,
  /** Every channel, zeros included. */
  byChannel: counts,
  /** Units with a complaint in this quarter or the other one (zeros included), by unit code. */
  byUnit: counts,
  /** Complaints that name no unit (nor an officer to take it from). */
  withoutUnit: z.number().int(),
});

export const complaintSummaryOutput = periodFigures
  .extend({
    previous: periodFigures,
    /** Per unit (this quarter), its categories with complaints, most first (ties by category order), at most TOP_CATEGORIES. */
    topCategoriesByUnit: z.record(z.string(), z.array(z.object({ category: z.enum(complaintCategories), n: z.number().int() }))),
    /** Names of the units in `byUnit`. */
    unitNames: z.record(z.string(), z.string()),
  })
  .openapi('ComplaintSummary');
export type ComplaintSummary = z.infer<typeof complaintSummaryOutput>;
type PeriodFigures = z.infer<typeof periodFigures>;

/** How many categories `topCategoriesByUnit` lists per unit. */
export const TOP_CATEGORIES = 3;

type Cell = { category: ComplaintCategory; channel: string; unit: string | null; n: number };

async function cellsOf(ctx: Pick<Ctx, 'db'>, period: string): Promise<Cell[]> {
  const rows = await ctx.db.all<{ category: ComplaintCategory; channel: string; unit_code: string | null; n: number }>(sql`
    select category, channel, unit_code, count(*) as n from complaints where ${receivedIn(period)}
     group by category, channel, unit_code`);
  return rows.map((r) => ({ category: r.category, channel: r.channel, unit: r.unit_code, n: Number(r.n) }));
}

function figures(period: string, cells: Cell[], unitCodes: string[]): PeriodFigures {
  const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
  const out: PeriodFigures = { period, total: 0, byCategory: zeros(complaintCategories), byChannel: zeros(complaintChannels), byUnit: zeros(unitCodes), withoutUnit: 0 };
  for (const c of cells) {
    out.total += c.n;
    out.byCategory[c.category]! += c.n;
    out.byChannel[c.channel] = (out.byChannel[c.channel] ?? 0) + c.n;
    if (c.unit === null) out.withoutUnit += c.n;
    else out.byUnit[c.unit]! += c.n;
  }
  return out;
}

/** The analysis of one quarter beside the quarter before it (hr, supervisor). */
export async function complaintSummary({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof summaryQuery>> }): Promise<ComplaintSummary> {
  requireRole(ctx.actor, 'hr', 'supervisor');
  const { period } = parseInput(summaryQuery, given);
  const before = shiftPeriod(period, -1);
  const [now, prev] = await Promise.all([cellsOf(ctx, period), cellsOf(ctx, before)]);
  const unitCodes = [...new Set([...now, ...prev].flatMap((c) => (c.unit === null ? [] : [c.unit])))].sort();
  const perUnit = new Map<string, Map<ComplaintCategory, number>>();
  for (const c of now) {
    if (c.unit === null) continue;
    const m = perUnit.get(c.unit) ?? new Map<ComplaintCategory, number>();
    m.set(c.category, (m.get(c.category) ?? 0) + c.n);
    perUnit.set(c.unit, m);
  }
  const order = (k: ComplaintCategory) => complaintCategories.indexOf(k);
  const topCategoriesByUnit = Object.fromEntries(
    [...perUnit].map(([unit, m]) => [
      unit,
      [...m]
        .sort((a, b) => b[1] - a[1] || order(a[0]) - order(b[0]))
        .slice(0, TOP_CATEGORIES)
        .map(([category, n]) => ({ category, n })),
    ]),
  );
  const names = unitCodes.length ? await ctx.db.select({ code: units.code, name: units.name }).from(units).where(inArray(units.code, unitCodes)) : [];
  return {
    ...figures(period, now, unitCodes),
    previous: figures(before, prev, unitCodes),
    topCategoriesByUnit,
    unitNames: Object.fromEntries(names.map((u) => [u.code, u.name])),
  };
}
