/**
 * rotation_due: an officer has managed the same taxpayer continuously for more than `maxYears`
 * years (as of today). Continuity follows back-to-back assignment rows of the same officer (a
 * row ending the day before, or the day, the next one starts); a gap or another officer breaks
 * it. Only taxpayers the officer manages today are due for rotation. One flag per officer.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { sevOf, type Rule, type RuleContext } from './common.js';

/** Dates are text; `date(x, '-N years')` is SQLite's calendar arithmetic (D1 has it too). */
function longRuns(rc: RuleContext) {
  const years = rc.policy.rules.rotation_due.maxYears;
  return sql`
    with recursive run(taxpayer_code, officer_code, start, depth) as (
      select a.taxpayer_code, a.officer_code, a.from_date, 0 from assignments a
       where a.from_date <= ${rc.today} and (a.to_date is null or a.to_date >= ${rc.today})
      union all
      select r.taxpayer_code, r.officer_code, a.from_date, r.depth + 1
        from run r join assignments a
          on a.taxpayer_code = r.taxpayer_code and a.officer_code = r.officer_code
         and a.from_date < r.start and a.to_date >= date(r.start, '-1 day')
       where r.depth < 100
    )
    select taxpayer_code, officer_code, min(start) as since from run
     group by taxpayer_code, officer_code
    having min(start) < date(${rc.today}, ${`-${years} years`})`;
}

export const rotationDue: Rule = async (rc) => {
  const p = rc.policy.rules.rotation_due;
  // One query: per officer, how many runs are due, the earliest, and the first maxListed.
  const rows = await rc.ctx.db.all<{ officer: string; taxpayer_code: string; since: string; n: number; earliest: string }>(sql`
    select officer, taxpayer_code, since, n, earliest from (
      select officer_code as officer, taxpayer_code, since,
             count(*) over (partition by officer_code) as n,
             min(since) over (partition by officer_code) as earliest,
             row_number() over (partition by officer_code order by since, taxpayer_code) as rn
        from (${longRuns(rc)}))
     where rn <= ${p.maxListed}
     order by officer, rn`);
  const byOfficer = new Map<string, typeof rows>();
  for (const r of rows) byOfficer.set(r.officer, [...(byOfficer.get(r.officer) ?? []), r]);
  return [...byOfficer].map(([officer, list]): FlagCandidate => ({
    rule: 'rotation_due',
    subjectCode: officer,
    conditionKey: `rotation_due:${officer}`,
    severity: sevOf(rc, 'rotation_due'),
    evidence: {
      officerCode: officer,
      taxpayersDue: Number(list[0]!.n),
      earliestSince: list[0]!.earliest,
      maxYears: p.maxYears,
      taxpayers: list.map((r) => ({ taxpayerCode: r.taxpayer_code, since: r.since })),
      itemKeys: list.map((r) => `${r.taxpayer_code}:${r.since}`),
      asOf: rc.today,
    },
  }));
};
