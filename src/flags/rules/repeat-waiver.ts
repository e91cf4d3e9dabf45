/**
 * repeat_waiver: a penalty_waiver (首违不罚) for a taxpayer that already had one for the same
 * violation type. "Earlier" is by decision date (then id); superseded records (amended) do not
 * count, so an amendment chain is one waiver. Earlier waivers count whenever they were decided;
 * the flagged waiver is one decided in the window. One flag per repeat waiver.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { effective, inWindow, sevOf, windowEvidence, type Rule } from './common.js';

const earlier = (d: string, e: string) => sql.raw(`
  ${e}.type = 'penalty_waiver' and ${e}.taxpayer_code = ${d}.taxpayer_code and ${e}.violation_type = ${d}.violation_type
  and ${e}.id <> ${d}.id and (${e}.decided_at < ${d}.decided_at or (${e}.decided_at = ${d}.decided_at and ${e}.id < ${d}.id))
  and ${e}.id not in (select sup2.amends from decisions sup2 where sup2.amends is not null)`);

export const repeatWaiver: Rule = async (rc) => {
  // One query: each repeat waiver in the window with its earlier waivers (the first 20).
  const rows = await rc.ctx.db.all<{ id: string; officer: string; taxpayer: string; violation: string; decided_at: string; eid: string; edecider: string | null; eat: string }>(sql`
    select id, officer, taxpayer, violation, decided_at, eid, edecider, eat from (
      select d.id as id, d.decider_code as officer, d.taxpayer_code as taxpayer, d.violation_type as violation, d.decided_at as decided_at,
             e.id as eid, e.decider_code as edecider, e.decided_at as eat,
             row_number() over (partition by d.id order by e.decided_at, e.id) as rn
        from decisions d join decisions e on ${earlier('d', 'e')}
       where d.type = 'penalty_waiver' and d.decider_code is not null and d.violation_type is not null
         and ${inWindow('d', rc)} and ${effective('d')})
     where rn <= 20
     order by decided_at, id, rn`);
  const byDecision = new Map<string, typeof rows>();
  for (const r of rows) byDecision.set(r.id, [...(byDecision.get(r.id) ?? []), r]);
  return [...byDecision].map(([id, prior]): FlagCandidate => {
    const r = prior[0]!;
    return {
      rule: 'repeat_waiver',
      subjectCode: r.officer,
      conditionKey: `repeat_waiver:${id}`,
      severity: sevOf(rc, 'repeat_waiver'),
      evidence: {
        officerCode: r.officer,
        decisionId: id,
        taxpayerCode: r.taxpayer,
        violationType: r.violation,
        decidedAt: r.decided_at,
        earlierWaivers: prior.map((e) => ({ id: e.eid, deciderCode: e.edecider, decidedAt: e.eat })),
        decisionIds: [id, ...prior.map((e) => e.eid)],
        window: windowEvidence(rc),
      },
    };
  });
};
