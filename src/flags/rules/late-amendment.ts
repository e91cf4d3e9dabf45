/**
 * late_amendment: an amendment recorded more than `maxDays` days after the original decision (by
 * calendar date, recording time against decision date, so a back-dated decidedAt does not hide
 * it), or one that moves the amount from at/above the threshold to below it. One flag per
 * amendment; the subject is the amending officer.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { inWindow, sevOf, windowEvidence, type Rule } from './common.js';

export const lateAmendment: Rule = async (rc) => {
  const p = rc.policy.rules.late_amendment;
  const rows = await rc.ctx.db.all<{
    id: string; officer: string; original: string; original_at: string; recorded_at: string;
    days: number; original_amount: number | null; amount: number | null; threshold: number | null; crosses: number;
  }>(sql`
    select a.id as id, a.decider_code as officer, o.id as original, o.decided_at as original_at, a.recorded_at as recorded_at,
           julianday(substr(a.recorded_at, 1, 10)) - julianday(substr(o.decided_at, 1, 10)) as days,
           o.amount as original_amount, a.amount as amount, coalesce(o.threshold, a.threshold) as threshold,
           case when o.amount >= coalesce(o.threshold, a.threshold) and a.amount < coalesce(o.threshold, a.threshold) then 1 else 0 end as crosses
      from decisions a join decisions o on o.id = a.amends
     where a.amends is not null and a.decider_code is not null and ${inWindow('a', rc, 'recorded_at')}
       and (julianday(substr(a.recorded_at, 1, 10)) - julianday(substr(o.decided_at, 1, 10)) > ${p.maxDays}
            or (o.amount >= coalesce(o.threshold, a.threshold) and a.amount < coalesce(o.threshold, a.threshold)))
     order by a.recorded_at, a.id`);
  return rows.map((r): FlagCandidate => {
    const reasons = [...(Number(r.days) > p.maxDays ? ['late'] : []), ...(Number(r.crosses) ? ['below_threshold'] : [])];
    return {
      rule: 'late_amendment',
      subjectCode: r.officer,
      conditionKey: `late_amendment:${r.id}`,
      severity: sevOf(rc, 'late_amendment'),
      evidence: {
        officerCode: r.officer,
        amendmentId: r.id,
        originalId: r.original,
        originalDecidedAt: r.original_at,
        amendmentRecordedAt: r.recorded_at,
        days: Number(r.days),
        maxDays: p.maxDays,
        originalAmount: r.original_amount,
        amount: r.amount,
        threshold: r.threshold,
        reasons,
        decisionIds: [r.id, r.original],
        window: windowEvidence(rc),
      },
    };
  });
};
