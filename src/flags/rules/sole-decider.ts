/**
 * sole_decider: a decision of a type that requires collective review (decision policy) with fewer
 * than `minIndependentReviewers` reviewers who are neither the decider nor the taxpayer's managing
 * officer on the decision date. One flag per officer and type, listing the decisions.
 */
import { sql } from 'drizzle-orm';
import { collectiveReviewTypes } from '../../decisions/policy.js';
import type { FlagCandidate } from '../raise.js';
import { effective, inList, inWindow, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

function lacking(rc: RuleContext, officer?: string) {
  const p = rc.policy.rules.sole_decider;
  return sql`
    select d.id as id, d.decider_code as officer, d.type as type, d.decided_at as decided_at,
           sum(case when r.officer_code is not null and r.officer_code <> d.decider_code
                     and not exists (select 1 from assignments a
                                      where a.taxpayer_code = d.taxpayer_code and a.officer_code = r.officer_code
                                        and a.from_date <= substr(d.decided_at, 1, 10)
                                        and (a.to_date is null or a.to_date >= substr(d.decided_at, 1, 10)))
                    then 1 else 0 end) as independent
      from decisions d left join decision_reviewers r on r.decision_id = d.id
     where d.decider_code is not null and d.type in ${inList(collectiveReviewTypes)}
       ${officer ? sql`and d.decider_code = ${officer}` : sql``}
       and ${inWindow('d', rc)} and ${effective('d')}
     group by d.id
    having independent < ${p.minIndependentReviewers}`;
}

export const soleDecider: Rule = async (rc) => {
  const p = rc.policy.rules.sole_decider;
  const groups = await rc.ctx.db.all<{ officer: string; type: string; n: number }>(sql`
    select officer, type, count(*) as n from (${lacking(rc)}) group by officer, type`);
  const out: FlagCandidate[] = [];
  for (const g of groups) {
    const list = await rc.ctx.db.all<{ id: string; independent: number }>(sql`
      select id, independent from (${lacking(rc, g.officer)}) where type = ${g.type}
       order by decided_at desc, id desc limit ${rc.policy.maxEvidenceDecisions}`);
    out.push({
      rule: 'sole_decider',
      subjectCode: g.officer,
      conditionKey: `sole_decider:${g.officer}:${g.type}`,
      severity: sevOf(rc, 'sole_decider'),
      evidence: {
        officerCode: g.officer,
        decisionType: g.type,
        decisions: Number(g.n),
        minIndependentReviewers: p.minIndependentReviewers,
        independentReviewers: Object.fromEntries(list.map((d) => [d.id, Number(d.independent)])),
        decisionIds: list.map((d) => d.id),
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
