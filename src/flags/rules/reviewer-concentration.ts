/**
 * reviewer_concentration: one reviewer votes on more than `maxShare` of an officer's reviewed
 * decisions (decisions on which panel members voted themselves), the officer having at least
 * `minDecisions` of them. Only votes cast by members count (DESIGN section 4): a name a decider
 * typed onto a record is not a reviewer who reviewed.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { rowChunks, effective, inWindow, rowIn, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';
import { panelEvidence } from './panels.js';

export const reviewerConcentration: Rule = async (rc) => {
  const p = rc.policy.rules.reviewer_concentration;
  // One pass over the votes (each a seated member's: migration decision_votes_members): pair counts per (officer, reviewer), and per officer the number of
  // reviewed decisions (one row per decision marked by ROW_NUMBER, summed over the officer).
  const rows = await rc.ctx.db.all<{ officer: string; reviewer: string; together: number; reviewed: number }>(sql`
    select officer, reviewer, together, reviewed from (
      select officer, reviewer, count(*) as together, sum(sum(first)) over (partition by officer) as reviewed
        from (select d.decider_code as officer, r.officer_code as reviewer,
                     case when row_number() over (partition by d.id order by r.officer_code) = 1 then 1 else 0 end as first
                from decisions d join decision_votes r on r.decision_id = d.id
               where d.decider_code is not null and ${inWindow('d', rc)} and ${effective('d')})
       group by officer, reviewer)
     where reviewed >= ${p.minDecisions} and together > ${p.maxShare} * reviewed`);
  const ids = new Map<string, string[]>();
  for (const chunk of rowChunks(rows, 2)) {
    const found = await rc.ctx.db.all<{ officer: string; reviewer: string; id: string }>(sql`
      select officer, reviewer, id from (
        select d.decider_code as officer, r.officer_code as reviewer, d.id as id,
               row_number() over (partition by d.decider_code, r.officer_code order by d.decided_at desc, d.id desc) as rn
          from decisions d join decision_votes r on r.decision_id = d.id
         where ${rowIn(['d.decider_code', 'r.officer_code'], chunk.map((g) => [g.officer, g.reviewer]))}
           and ${inWindow('d', rc)} and ${effective('d')})
       where rn <= ${rc.policy.maxEvidenceDecisions}
       order by officer, reviewer, rn`);
    for (const f of found) ids.set(`${f.officer}\u0000${f.reviewer}`, [...(ids.get(`${f.officer}\u0000${f.reviewer}`) ?? []), f.id]);
  }
  const panels = await panelEvidence(rc, [...ids.values()].flat());
  const out: FlagCandidate[] = [];
  for (const g of rows) {
    const listed = ids.get(`${g.officer}\u0000${g.reviewer}`) ?? [];
    out.push({
      rule: 'reviewer_concentration',
      subjectCode: g.officer,
      conditionKey: `reviewer_concentration:${g.officer}:${g.reviewer}`,
      severity: sevOf(rc, 'reviewer_concentration'),
      evidence: {
        officerCode: g.officer,
        reviewerCode: g.reviewer,
        reviewedDecisions: Number(g.reviewed),
        withReviewer: Number(g.together),
        share: Number(g.together) / Number(g.reviewed),
        maxShare: p.maxShare,
        minDecisions: p.minDecisions,
        involvedOfficerCodes: [g.reviewer],
        panels: listed.map((id) => panels.get(id)!),
        decisionIds: listed,
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};

/**
 * Every reviewer of one officer's reviewed decisions in the window, with how many of them they
 * voted on, most first: the same pairs the rule counts, for the flag page's chart of shares.
 * `reviewed` is the number of the officer's decisions on which any member voted.
 */
export async function reviewerShares(rc: RuleContext, officer: string): Promise<{ reviewed: number; reviewers: { reviewer: string; together: number }[] }> {
  const rows = await rc.ctx.db.all<{ reviewer: string; together: number; reviewed: number }>(sql`
    select reviewer, together, reviewed from (
      select r.officer_code as reviewer, count(*) as together
        from decisions d join decision_votes r on r.decision_id = d.id
       where d.decider_code = ${officer} and ${inWindow('d', rc)} and ${effective('d')}
       group by r.officer_code)
    cross join (
      select count(distinct d.id) as reviewed
        from decisions d join decision_votes r on r.decision_id = d.id
       where d.decider_code = ${officer} and ${inWindow('d', rc)} and ${effective('d')})
     order by together desc, reviewer`);
  return { reviewed: Number(rows[0]?.reviewed ?? 0), reviewers: rows.map((r) => ({ reviewer: r.reviewer, together: Number(r.together) })) };
}
