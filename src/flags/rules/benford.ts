/**
 * benford: at least `minAmounts` assessed amounts (decision types in the policy) by one officer in
 * the window whose first-digit distribution departs from Benford's law by a mean absolute
 * deviation above `maxMad` (Nigrini's "nonconformity" starts at 0.015 for first digits).
 * Digit counts are grouped in SQL; amounts below 1 yuan have no integer first digit and are left out.
 */
import { sql } from 'drizzle-orm';
import { benfordMad } from '../stats.js';
import type { FlagCandidate } from '../raise.js';
import { effective, inList, inWindow, sevOf, windowEvidence, type Rule } from './common.js';

export const benford: Rule = async (rc) => {
  const p = rc.policy.rules.benford;
  const rows = await rc.ctx.db.all<{ officer: string; digit: string; n: number }>(sql`
    select d.decider_code as officer, substr(cast(cast(d.amount as integer) as text), 1, 1) as digit, count(*) as n
      from decisions d
     where d.decider_code is not null and d.type in ${inList(p.decisionTypes)} and d.amount >= 1
       and ${inWindow('d', rc)} and ${effective('d')}
       and d.decider_code in (
         select x.decider_code from decisions x
          where x.decider_code is not null and x.type in ${inList(p.decisionTypes)} and x.amount >= 1
            and ${inWindow('x', rc)} and ${effective('x')}
          group by x.decider_code having count(*) >= ${p.minAmounts})
     group by d.decider_code, digit`);
  const byOfficer = new Map<string, number[]>();
  for (const r of rows) {
    const counts = byOfficer.get(r.officer) ?? Array(9).fill(0);
    const d = Number(r.digit);
    if (d >= 1 && d <= 9) counts[d - 1] += Number(r.n);
    byOfficer.set(r.officer, counts);
  }
  const out: FlagCandidate[] = [];
  for (const [officer, counts] of byOfficer) {
    const b = benfordMad(counts);
    if (b.n < p.minAmounts || !(b.mad > p.maxMad)) continue;
    const ids = await rc.ctx.db.all<{ id: string }>(sql`
      select d.id as id from decisions d
       where d.decider_code = ${officer} and d.type in ${inList(p.decisionTypes)} and d.amount >= 1
         and ${inWindow('d', rc)} and ${effective('d')}
       order by d.decided_at desc, d.id desc limit ${rc.policy.maxEvidenceDecisions}`);
    out.push({
      rule: 'benford',
      subjectCode: officer,
      conditionKey: `benford:${officer}`,
      severity: sevOf(rc, 'benford'),
      evidence: {
        officerCode: officer,
        amounts: b.n,
        counts,
        observed: b.observed,
        expected: b.expected,
        mad: b.mad,
        maxMad: p.maxMad,
        decisionIds: ids.map((r) => r.id),
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
