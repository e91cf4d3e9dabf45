/**
 * The annual review's input, read in ONE statement from the year's four published runs: per
 * officer, their result in each run (status, composite, active days and the effective tier,
 * i.e. after the latest correction) and the flags confirmed against them in the year. Each
 * officer comes back as one JSON cell (as a quarterly run reads its inputs, ADR 0003).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sha256Hex } from '../core/ids.js';
import { inOrder } from '../../scoring/components.js';
import type { AnnualInput, AnnualOfficerInput, Severity } from '../../scoring/index.js';

type Cell = [
  code: string,
  name: string,
  unitCode: string,
  quarters: [period: string, status: 'graded' | 'not_graded', composite: string | null, activeDays: number, tier: number | null][],
  flags: [flagId: string, rule: string, severity: Severity][] | null,
];

/**
 * `runs` are the year's published runs (one per quarter). Composites travel as `printf('%!.17g')`
 * text, which converts back to the very same double (inputs.ts). Active days come from the
 * stored breakdown (`days`, or `activeDays` in rows stored before it).
 */
export async function loadAnnualInput(db: Db, year: number, runs: { period: string; runId: string }[]): Promise<AnnualInput> {
  const ids = runs.map((r) => r.runId);
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-01`;
  const cells = await db.all<{ j: string }>(sql`
    with
      lc as (select c.run_id, c.officer_code, c.to_tier from corrections c
             where c.run_id in ${ids}
               and not exists (select 1 from corrections d where d.run_id = c.run_id and d.officer_code = c.officer_code
                               and (d.created_at > c.created_at or (d.created_at = c.created_at and d.id > c.id)))),
      r as (select gr.officer_code, g.period, gr.status,
                   case when gr.composite is null then null else printf('%!.17g', gr.composite) end as composite,
                   coalesce(json_extract(gr.detail, '$.days'), json_extract(gr.detail, '$.activeDays')) as days,
                   coalesce(lc.to_tier, gr.tier) as tier
            from grading_results gr join grading_runs g on g.id = gr.run_id
              left join lc on lc.run_id = gr.run_id and lc.officer_code = gr.officer_code
            where gr.run_id in ${ids}),
      q as (select officer_code, json_group_array(json_array(period, status, composite, days, tier) order by period) as j from r group by officer_code),
      f as (select subject_code, json_group_array(json_array(id, rule, severity) order by id) as j from flags
            where outcome = 'confirmed' and closed_at >= ${from} and closed_at < ${to} group by subject_code)
    select json_array(q.officer_code, o.name, o.unit_code, json(q.j), json(f.j)) as j
    from q join officers o on o.code = q.officer_code left join f on f.subject_code = q.officer_code
    order by q.officer_code`);
  // Plain loops over the parsed cells: this runs for every officer of a province (10,000 cells,
  // 40,000 quarters), and the quarters already come in period order (json_group_array ... order by).
  const officers: AnnualOfficerInput[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const [code, name, unitCode, cellQuarters, cellFlags] = JSON.parse(cells[i]!.j) as Cell;
    const quarters: AnnualOfficerInput['quarters'] = new Array(cellQuarters.length);
    for (let k = 0; k < cellQuarters.length; k++) {
      const [period, status, composite, activeDays, tier] = cellQuarters[k]!;
      quarters[k] = { period, status, composite: composite === null ? null : Number(composite), activeDays, tier };
    }
    const flags: AnnualOfficerInput['flags'] = cellFlags ? cellFlags.map(([flagId, rule, severity]) => ({ flagId, rule, severity })) : [];
    officers[i] = { code, name, unitCode, quarters, flags };
  }
  return { year, periods: runs.map((r) => r.period).sort(), officers };
}

/**
 * Input digest = SHA-256 of the input as one JSON array (arrays only, so no key order to fix):
 * [year, periods, [[code, [[period, status, composite, days, tier]...], [[flagId, rule, severity]...]]...]],
 * officers by code, quarters by period, flags by id. Names and units are not inputs of the grading.
 */
export function annualInputDigest(input: AnnualInput): Promise<string> {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const officers = inOrder(input.officers, (a, b) => cmp(a.code, b.code));
  const rows: unknown[] = new Array(officers.length);
  for (let i = 0; i < officers.length; i++) {
    const o = officers[i]!;
    const quarters = inOrder(o.quarters, (a, b) => cmp(a.period, b.period));
    const qs: unknown[] = new Array(quarters.length);
    for (let k = 0; k < quarters.length; k++) {
      const q = quarters[k]!;
      qs[k] = [q.period, q.status, q.composite, q.activeDays, q.tier];
    }
    rows[i] = [o.code, qs, inOrder(o.flags, (a, b) => cmp(a.flagId, b.flagId)).map((f) => [f.flagId, f.rule, f.severity])];
  }
  return sha256Hex(JSON.stringify([input.year, [...input.periods].sort(), rows]));
}
