/**
 * no_quorum: a collective review (a decision with a panel) where fewer than `minVotingShare` of
 * the panel voted, or where someone who investigated the case voted. One flag per officer,
 * listing the decisions.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { effective, inWindow, newestIdsBy, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

function failing(rc: RuleContext) {
  const share = rc.policy.rules.no_quorum.minVotingShare;
  // voting < share * panel, with a hair of tolerance so 2 of 3 meets a 2/3 quorum despite float.
  return sql`
    select d.id as id, d.decider_code as officer, d.decided_at as decided_at, count(*) as panel,
           sum(case when r.vote is not null then 1 else 0 end) as voting,
           sum(case when r.vote is not null and r.investigated = 1 then 1 else 0 end) as investigators_voting
      from decisions d join decision_reviewers r on r.decision_id = d.id
     where d.decider_code is not null
       and ${inWindow('d', rc)} and ${effective('d')}
     group by d.id
    having sum(case when r.vote is not null then 1 else 0 end) < ${share} * count(*) - 1e-9
        or sum(case when r.vote is not null and r.investigated = 1 then 1 else 0 end) > 0`;
}

export const noQuorum: Rule = async (rc) => {
  const groups = await newestIdsBy(rc, failing(rc), ['officer'], ['panel', 'voting', 'investigators_voting']);
  return groups.map((g): FlagCandidate => {
    const officer = String(g.key.officer);
    return {
      rule: 'no_quorum',
      subjectCode: officer,
      conditionKey: `no_quorum:${officer}`,
      severity: sevOf(rc, 'no_quorum'),
      evidence: {
        officerCode: officer,
        decisionsWithoutQuorum: g.n,
        minVotingShare: rc.policy.rules.no_quorum.minVotingShare,
        panels: g.rows.map((d) => ({ id: d.id as string, panel: Number(d.panel), voting: Number(d.voting), investigatorsVoting: Number(d.investigators_voting) })),
        decisionIds: g.ids,
        window: windowEvidence(rc),
      },
    };
  });
};
