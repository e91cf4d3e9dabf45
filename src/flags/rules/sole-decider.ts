/**
 * sole_decider: a decision of a type that requires collective review (decision policy) taken with
 * fewer than `minIndependentReviewers` votes cast by panel members themselves who are neither the
 * decider nor the taxpayer's managing officer on the decision date. Votes a decider typed into a
 * record never count (DESIGN section 4). Judged are the decisions that took effect: approved
 * reviews, and records from before the service drew panels; a review still collecting votes is
 * not judged yet, and a lapsed or rejected one decided nothing (a lapse is the no_quorum rule's).
 * One flag per officer and type, listing the decisions with their panels, votes and draws.
 */
import { sql } from 'drizzle-orm';
import { collectiveReviewTypes } from '../../decisions/policy.js';
import type { FlagCandidate } from '../raise.js';
import { effective, inList, inWindow, newestIdsByDecider, sevOf, windowEvidence, type Rule, type RuleContext, type SQL } from './common.js';
import { panelEvidence } from './panels.js';

function lacking(rc: RuleContext, deciders: SQL) {
  const p = rc.policy.rules.sole_decider;
  // A correlated count per decision (through the votes' primary key) instead of a join and
  // GROUP BY over every panel seat: no sort of the whole window. Every vote row is a seated
  // member's (the database refuses any other: migration decision_votes_members).
  return sql`
    select id, officer, type, decided_at, independent from (
      select d.id as id, d.decider_code as officer, d.type as type, d.decided_at as decided_at,
             (select count(*) from decision_votes v
               where v.decision_id = d.id and v.officer_code <> d.decider_code
                 and not exists (select 1 from assignments a
                                  where a.taxpayer_code = d.taxpayer_code and a.officer_code = v.officer_code
                                    and a.from_date <= substr(d.decided_at, 1, 10)
                                    and (a.to_date is null or a.to_date >= substr(d.decided_at, 1, 10)))) as independent
        from decisions d
       where ${deciders} and d.type in ${inList(collectiveReviewTypes)}
         and ${inWindow('d', rc)} and ${effective('d')}
         and not exists (select 1 from decision_reviews r where r.decision_id = d.id and r.status <> 'approved'))
     where independent < ${p.minIndependentReviewers}`;
}

export const soleDecider: Rule = async (rc) => {
  const p = rc.policy.rules.sole_decider;
  const groups = await newestIdsByDecider(rc, (deciders) => lacking(rc, deciders), ['officer', 'type'], ['independent']);
  const panels = await panelEvidence(rc, groups.flatMap((g) => g.ids));
  return groups.map((g): FlagCandidate => {
    const officer = String(g.key.officer);
    const type = String(g.key.type);
    return {
      rule: 'sole_decider',
      subjectCode: officer,
      conditionKey: `sole_decider:${officer}:${type}`,
      severity: sevOf(rc, 'sole_decider'),
      evidence: {
        officerCode: officer,
        decisionType: type,
        decisions: g.n,
        minIndependentReviewers: p.minIndependentReviewers,
        independentReviewers: Object.fromEntries(g.rows.map((d) => [d.id as string, Number(d.independent)])),
        panels: g.ids.map((id) => panels.get(id)!),
        decisionIds: g.ids,
        window: windowEvidence(rc),
      },
    };
  });
};
