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
function longRuns(rc: RuleContext, officer?: string) {
  const years = rc.policy.rules.rotation_due.maxYears;
  return sql`
    with recursive run(taxpayer_code, officer_code, start, depth) as (
      select a.taxpayer_code, a.officer_code, a.from_date, 0 from assignments a
       where a.from_date <= ${rc.today} and (a.to_date is null or a.to_date >= ${rc.today})
         ${officer ? sql`and a.officer_code = ${officer}` : sql``}
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
  const groups = await rc.ctx.db.all<{ officer: string; n: number; earliest: string }>(sql`
    select officer_code as officer, count(*) as n, min(since) as earliest from (${longRuns(rc)}) group by officer_code`);
  const out: FlagCandidate[] = [];
  for (const g of groups) {
    const list = await rc.ctx.db.all<{ taxpayer_code: string; since: string }>(sql`
      select taxpayer_code, since from (${longRuns(rc, g.officer)}) order by since, taxpayer_code limit ${p.maxListed}`);
    out.push({
      rule: 'rotation_due',
      subjectCode: g.officer,
      conditionKey: `rotation_due:${g.officer}`,
      severity: sevOf(rc, 'rotation_due'),
      evidence: {
        officerCode: g.officer,
        taxpayersDue: Number(g.n),
        earliestSince: g.earliest,
        maxYears: p.maxYears,
        taxpayers: list.map((r) => ({ taxpayerCode: r.taxpayer_code, since: r.since })),
        itemKeys: list.map((r) => `${r.taxpayer_code}:${r.since}`),
        asOf: rc.today,
      },
    });
  }
  return out;
};
