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
  and not exists (select 1 from decisions sup2 where sup2.amends = ${e}.id)`);

export const repeatWaiver: Rule = async (rc) => {
  const rows = await rc.ctx.db.all<{ id: string; officer: string; taxpayer: string; violation: string; decided_at: string }>(sql`
    select d.id as id, d.decider_code as officer, d.taxpayer_code as taxpayer, d.violation_type as violation, d.decided_at as decided_at
      from decisions d
     where d.type = 'penalty_waiver' and d.decider_code is not null and d.violation_type is not null
       and ${inWindow('d', rc)} and ${effective('d')}
       and exists (select 1 from decisions e where ${earlier('d', 'e')})
     order by d.decided_at, d.id`);
  const out: FlagCandidate[] = [];
  for (const r of rows) {
    const prior = await rc.ctx.db.all<{ id: string; decider: string | null; decided_at: string }>(sql`
      select e.id as id, e.decider_code as decider, e.decided_at as decided_at from decisions d join decisions e on ${earlier('d', 'e')}
       where d.id = ${r.id} order by e.decided_at, e.id limit 20`);
    out.push({
      rule: 'repeat_waiver',
      subjectCode: r.officer,
      conditionKey: `repeat_waiver:${r.id}`,
      severity: sevOf(rc, 'repeat_waiver'),
      evidence: {
        officerCode: r.officer,
        decisionId: r.id,
        taxpayerCode: r.taxpayer,
        violationType: r.violation,
        decidedAt: r.decided_at,
        earlierWaivers: prior.map((e) => ({ id: e.id, deciderCode: e.decider, decidedAt: e.decided_at })),
        decisionIds: [r.id, ...prior.map((e) => e.id)],
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
