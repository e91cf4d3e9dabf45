/**
 * Filters and search over a run's results, shared by the API's results list and the HR console's
 * table (one schema, one SQL condition): the officer's unit and team as the run saw them (the
 * result's stored breakdown, not today's master data), the effective tier (after corrections, the
 * tier the table shows), the status, and a case-insensitive search over officer code and name.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { gradingResults } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The filter fields, as query parameters of the API and of `/hr/runs/{id}`. */
export const resultFilterShape = {
  unit: text(64).optional().openapi({ description: 'Only officers of this unit (as at the run).' }),
  team: text(64).optional().openapi({ description: 'Only officers of this team (as at the run).' }),
  tier: z.coerce.number().int().min(1).max(9).optional().openapi({ description: 'Only officers at this effective tier (after corrections).' }),
  status: z.enum(['graded', 'not_graded']).optional(),
  q: text(100).optional().openapi({ description: 'Search: part of the officer code or name, case-insensitive.' }),
};
export const resultFilterSchema = z.object(resultFilterShape);
export type ResultFilter = z.output<typeof resultFilterSchema>;

/** The unit and team of a result as the run saw them (stored breakdown v2, or the full legacy result). */
export const resultUnit = sql<string>`coalesce(json_extract(${gradingResults.detail}, '$.unit'), json_extract(${gradingResults.detail}, '$.unitCode'))`;
export const resultTeam = sql<string>`json_extract(${gradingResults.detail}, '$.team')`;
const resultName = sql<string>`coalesce(json_extract(${gradingResults.detail}, '$.name'), (select o.name from officers o where o.code = ${gradingResults.officerCode}), '')`;

/** A result's effective tier or payout (its latest correction's, else its own), for sorting and filtering. */
export const effectiveColumn = (column: 'to_tier' | 'payout', own: typeof gradingResults.tier | typeof gradingResults.payout) =>
  sql`coalesce((select c.${sql.raw(column)} from corrections c where c.run_id = ${gradingResults.runId} and c.officer_code = ${gradingResults.officerCode}
                order by c.created_at desc, c.id desc limit 1), ${own})`;

/** The condition of a filter on one run's results; every field is optional and they all apply. */
export function resultFilterWhere(runId: string, f: ResultFilter = {}): SQL {
  const parts: (SQL | undefined)[] = [eq(gradingResults.runId, runId)];
  if (f.unit) parts.push(sql`${resultUnit} = ${f.unit}`);
  if (f.team) parts.push(sql`${resultTeam} = ${f.team}`);
  if (f.tier !== undefined) parts.push(sql`${effectiveColumn('to_tier', gradingResults.tier)} = ${f.tier}`);
  if (f.status) parts.push(eq(gradingResults.status, f.status));
  if (f.q) {
    // instr, not like: a `%` or `_` the user types is searched for, not a wildcard.
    const needle = f.q.toLowerCase();
    parts.push(sql`(instr(lower(${gradingResults.officerCode}), ${needle}) > 0 or instr(lower(${resultName}), ${needle}) > 0)`);
  }
  return and(...parts)!;
}

/** What the filters of a run can choose from: its units (with names) and teams, each once. */
export async function resultFacets(ctx: Ctx, runId: string): Promise<{ units: { code: string; name: string }[]; teams: string[] }> {
  const [units, teams] = await Promise.all([
    ctx.db.all<{ code: string; name: string | null }>(sql`
      select r.unit as code, u.name as name
      from (select distinct ${resultUnit} as unit from ${gradingResults} where ${gradingResults.runId} = ${runId}) r
      left join units u on u.code = r.unit
      where r.unit is not null order by r.unit`),
    ctx.db.all<{ team: string }>(sql`select distinct ${resultTeam} as team from ${gradingResults} where ${gradingResults.runId} = ${runId} and ${resultTeam} is not null order by team`),
  ]);
  return { units: units.map((u) => ({ code: u.code, name: u.name ?? u.code })), teams: teams.map((t) => t.team) };
}
