/**
 * reviewer_concentration: one reviewer sits on more than `maxShare` of an officer's reviewed
 * decisions (decisions with a panel), the officer having at least `minDecisions` of them.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { effective, inWindow, sevOf, windowEvidence, type Rule } from './common.js';

export const reviewerConcentration: Rule = async (rc) => {
  const p = rc.policy.rules.reviewer_concentration;
  const rows = await rc.ctx.db.all<{ officer: string; reviewer: string; together: number; reviewed: number }>(sql`
    with reviewed as (
      select d.id as id, d.decider_code as officer from decisions d
       where d.decider_code is not null and ${inWindow('d', rc)} and ${effective('d')}
         and exists (select 1 from decision_reviewers r where r.decision_id = d.id)
    ), totals as (
      select officer, count(*) as n from reviewed group by officer having count(*) >= ${p.minDecisions}
    )
    select t.officer as officer, r.officer_code as reviewer, count(*) as together, t.n as reviewed
      from reviewed v join totals t on t.officer = v.officer
      join decision_reviewers r on r.decision_id = v.id
     group by t.officer, r.officer_code
    having count(*) > ${p.maxShare} * t.n`);
  const out: FlagCandidate[] = [];
  for (const g of rows) {
    const ids = await rc.ctx.db.all<{ id: string }>(sql`
      select d.id as id from decisions d join decision_reviewers r on r.decision_id = d.id and r.officer_code = ${g.reviewer}
       where d.decider_code = ${g.officer} and ${inWindow('d', rc)} and ${effective('d')}
       order by d.decided_at desc, d.id desc limit ${rc.policy.maxEvidenceDecisions}`);
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
        decisionIds: ids.map((r) => r.id),
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
