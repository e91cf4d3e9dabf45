/**
 * no_quorum: a collective review where fewer than `minVotingShare` of the panel voted themselves,
 * where someone who investigated the case voted, or that lapsed (DESIGN section 4). Only votes cast
 * by members count: a record whose "votes" were typed by its decider has none. Reviews still
 * collecting votes are not judged yet. One flag per officer, listing the decisions with their
 * panels, votes and draws.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { effective, inWindow, newestIdsByDecider, sevOf, windowEvidence, type Rule, type RuleContext, type SQL } from './common.js';
import { panelEvidence } from './panels.js';

function failing(rc: RuleContext, deciders: SQL) {
  const share = rc.policy.rules.no_quorum.minVotingShare;
  // One pass over the panel seats (with each seat's own vote), grouped per decision, as the rule
  // always read; plus the lapsed reviews whose panel was empty (nobody eligible), which have no
  // seat to be found by. voting < share * panel, with a hair of tolerance so 2 of 3 meets 2/3.
  return sql`
    select d.id as id, d.decider_code as officer, d.decided_at as decided_at, count(*) as panel,
           count(v.officer_code) as voting,
           sum(case when v.officer_code is not null and (s.investigated = 1 or exists (select 1 from decision_investigators i
                 where i.decision_id = d.id and i.officer_code = v.officer_code)) then 1 else 0 end) as investigators_voting,
           coalesce(max(r.status = 'lapsed'), 0) as lapsed
      from decisions d join decision_reviewers s on s.decision_id = d.id
      left join decision_votes v on v.decision_id = s.decision_id and v.officer_code = s.officer_code
      left join decision_reviews r on r.decision_id = d.id
     where ${deciders}
       and ${inWindow('d', rc)} and ${effective('d')}
       and (r.status is null or r.status <> 'pending_review')
     group by d.id
    having count(v.officer_code) < ${share} * count(*) - 1e-9 or investigators_voting > 0 or lapsed = 1
    union all
    select d.id, d.decider_code, d.decided_at, 0, 0, 0, 1
      from decision_reviews r join decisions d on d.id = r.decision_id
     where r.status = 'lapsed' and r.panel_size = 0 and ${deciders}
       and ${inWindow('d', rc)} and ${effective('d')}`;
}

export const noQuorum: Rule = async (rc) => {
  const groups = await newestIdsByDecider(rc, (deciders) => failing(rc, deciders), ['officer'], ['panel', 'voting', 'investigators_voting', 'lapsed']);
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
