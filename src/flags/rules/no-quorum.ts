/**
 * no_quorum: a collective review where fewer than `minVotingShare` of the panel voted themselves,
 * where someone who investigated the case voted, or that lapsed (DESIGN section 4). Only votes cast
 * by members count: a record whose "votes" were typed by its decider has none. Reviews still
 * collecting votes are not judged yet. One flag per officer, listing the decisions with their
 * panels, votes and draws.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { effective, inWindow, newestIdsBy, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';
import { panelEvidence } from './panels.js';

function failing(rc: RuleContext) {
  const share = rc.policy.rules.no_quorum.minVotingShare;
  // voting < share * panel, with a hair of tolerance so 2 of 3 meets a 2/3 quorum despite float.
  return sql`
    select id, officer, decided_at, panel, voting, investigators_voting, lapsed from (
      select d.id as id, d.decider_code as officer, d.decided_at as decided_at,
             (select count(*) from decision_reviewers s where s.decision_id = d.id) as panel,
             (select count(*) from decision_votes v join decision_reviewers s on s.decision_id = v.decision_id and s.officer_code = v.officer_code
               where v.decision_id = d.id) as voting,
             (select count(*) from decision_votes v join decision_reviewers s on s.decision_id = v.decision_id and s.officer_code = v.officer_code
               where v.decision_id = d.id
                 and (s.investigated = 1 or exists (select 1 from decision_investigators i where i.decision_id = d.id and i.officer_code = v.officer_code))) as investigators_voting,
             coalesce((select r.status = 'lapsed' from decision_reviews r where r.decision_id = d.id), 0) as lapsed
        from decisions d
       where d.decider_code is not null
         and ${inWindow('d', rc)} and ${effective('d')}
         and (exists (select 1 from decision_reviewers s where s.decision_id = d.id) or exists (select 1 from decision_reviews r where r.decision_id = d.id))
         and not exists (select 1 from decision_reviews r where r.decision_id = d.id and r.status = 'pending_review'))
     where voting < ${share} * panel - 1e-9 or investigators_voting > 0 or lapsed = 1`;
}

export const noQuorum: Rule = async (rc) => {
  const groups = await newestIdsBy(rc, failing(rc), ['officer'], ['panel', 'voting', 'investigators_voting', 'lapsed']);
  const panels = await panelEvidence(rc, groups.flatMap((g) => g.ids));
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
        panels: g.rows.map((d) => ({
          ...panels.get(d.id as string)!,
          panel: Number(d.panel),
          voting: Number(d.voting),
          investigatorsVoting: Number(d.investigators_voting),
          lapsed: Number(d.lapsed) === 1,
        })),
        decisionIds: g.ids,
        window: windowEvidence(rc),
      },
    };
  });
};
