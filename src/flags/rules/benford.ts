/**
 * benford: at least `minAmounts` assessed amounts (decision types in the policy) by one officer in
 * the window whose first-digit distribution departs from Benford's law by a mean absolute
 * deviation above `maxMad` (Nigrini's "nonconformity" starts at 0.015 for first digits).
 * Digit counts are grouped in SQL; amounts below 1 yuan have no integer first digit and are left out.
 */
import { sql } from 'drizzle-orm';
import { benfordMad } from '../stats.js';
import type { FlagCandidate } from '../raise.js';
import { effective, inList, inWindow, newestIdsOfOfficers, sevOf, windowEvidence, type Rule } from './common.js';

export const benford: Rule = async (rc) => {
  const p = rc.policy.rules.benford;
  // One pass: digit counts per officer, kept only where the officer's total reaches minAmounts.
  const rows = await rc.ctx.db.all<{ officer: string; digit: string; n: number }>(sql`
    select officer, digit, n from (
      select officer, digit, n, sum(n) over (partition by officer) as total from (
        select d.decider_code as officer, substr(cast(cast(d.amount as integer) as text), 1, 1) as digit, count(*) as n
          from decisions d
         where d.decider_code is not null and d.type in ${inList(p.decisionTypes)} and d.amount >= 1
           and ${inWindow('d', rc)} and ${effective('d')}
         group by d.decider_code, digit))
     where total >= ${p.minAmounts}`);
  const byOfficer = new Map<string, number[]>();
  for (const r of rows) {
    const counts = byOfficer.get(r.officer) ?? Array(9).fill(0);
    const d = Number(r.digit);
    if (d >= 1 && d <= 9) counts[d - 1] += Number(r.n);
    byOfficer.set(r.officer, counts);
  }
  const tripped = [...byOfficer]
    .map(([officer, counts]) => ({ officer, counts, b: benfordMad(counts) }))
    .filter(({ b }) => b.n >= p.minAmounts && b.mad > p.maxMad);
  const ids = await newestIdsOfOfficers(rc, tripped.map((x) => x.officer), sql`d.type in ${inList(p.decisionTypes)} and d.amount >= 1`);
  const out: FlagCandidate[] = [];
  for (const { officer, counts, b } of tripped) {
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
        decisionIds: ids.get(officer) ?? [],
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
