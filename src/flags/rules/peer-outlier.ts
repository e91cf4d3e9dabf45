/**
 * peer_outlier: favourable decisions (decision policy: waivers, reliefs) per managed taxpayer,
 * compared within the officer's peer group (units.peer_group) by the robust z-score
 * z = (x - median) / (1.4826 * MAD); flag z > maxZ. A peer group smaller than minPeerGroupSize is
 * compared with all officers. When MAD = 0 the scale falls back to 1.2533 * MeanAD, and when
 * that is 0 too nobody is an outlier (see stats.robustZ).
 * Managed taxpayers: distinct taxpayers assigned to the officer at any time in the window;
 * officers who managed none have no rate and take no part.
 */
import { sql } from 'drizzle-orm';
import { favourableTypes } from '../../decisions/policy.js';
import { robustZ } from '../stats.js';
import type { FlagCandidate } from '../raise.js';
import { effective, inList, inWindow, newestIdsOfOfficers, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

export interface OfficerRate { officer: string; peer_group: string; managed: number; favourable: number }

/**
 * One row per officer who managed a taxpayer in the window: their peer group, how many taxpayers
 * they managed and how many favourable decisions they took. The rule compares these; the flag
 * page reads them again to draw the peer group's distribution (src/flags/evidence-figures.ts).
 */
export async function officerRates(rc: RuleContext): Promise<OfficerRate[]> {
  // One row per officer: the per-officer aggregates, never the decisions themselves.
  return rc.ctx.db.all<OfficerRate>(sql`
    with managed as (
      select a.officer_code as officer, count(distinct a.taxpayer_code) as n from assignments a
       where a.from_date <= ${rc.window.to} and (a.to_date is null or a.to_date >= ${rc.window.from})
       group by a.officer_code
    ), fav as (
      select d.decider_code as officer, count(*) as n from decisions d
       where d.decider_code is not null and d.type in ${inList(favourableTypes)}
         and ${inWindow('d', rc)} and ${effective('d')}
       group by d.decider_code
    )
    select o.code as officer, u.peer_group as peer_group, m.n as managed, coalesce(f.n, 0) as favourable
      from officers o join units u on u.code = o.unit_code
      join managed m on m.officer = o.code
      left join fav f on f.officer = o.code
     order by o.code`);
}

/** Favourable decisions per managed taxpayer. */
export const rateOf = (r: OfficerRate) => Number(r.favourable) / Number(r.managed);

export const peerOutlier: Rule = async (rc) => {
  const p = rc.policy.rules.peer_outlier;
  const rows = await officerRates(rc);
  const rate = rateOf;
  const groups = new Map<string, typeof rows>();
  for (const r of rows) groups.set(r.peer_group, [...(groups.get(r.peer_group) ?? []), r]);
  const all = rows.map(rate);
  const allStats = all.length ? robustZ(all, p.madScale) : null;
  const tripped: { m: (typeof rows)[number]; peerGroup: string; own: boolean; stats: ReturnType<typeof robustZ>; x: number; z: number }[] = [];
  for (const [peerGroup, members] of groups) {
    const own = members.length >= p.minPeerGroupSize;
    const stats = own ? robustZ(members.map(rate), p.madScale) : allStats!;
    for (const m of members) {
      const x = rate(m);
      const z = stats.z(x);
      if (z !== null && z > p.maxZ) tripped.push({ m, peerGroup, own, stats, x, z });
    }
  }
  const ids = await newestIdsOfOfficers(rc, tripped.map((x) => x.m.officer), sql`d.type in ${inList(favourableTypes)}`);
  return tripped.map(({ m, peerGroup, own, stats, x, z }): FlagCandidate => ({
    rule: 'peer_outlier',
    subjectCode: m.officer,
    conditionKey: `peer_outlier:${m.officer}`,
    severity: sevOf(rc, 'peer_outlier'),
    evidence: {
      officerCode: m.officer,
      peerGroup,
      comparedWith: own ? 'peer_group' : 'all_officers',
      peers: own ? groups.get(peerGroup)!.length : all.length,
      favourableDecisions: Number(m.favourable),
      managedTaxpayers: Number(m.managed),
      rate: x,
      median: stats.median,
      mad: stats.mad,
      scale: stats.scale,
      scaleMethod: stats.method,
      z,
      maxZ: p.maxZ,
      decisionIds: ids.get(m.officer) ?? [],
      window: windowEvidence(rc),
    },
  }));
};
