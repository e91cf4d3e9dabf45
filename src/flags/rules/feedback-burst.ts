/**
 * feedback_burst: more than `maxResponses` feedback responses for one officer within
 * `windowMinutes` minutes (any status: a voided burst is still a burst). For every response r,
 * the responses of the same officer in [r, r + windowMinutes) are counted through the
 * (officer_code, submitted_at) index; only officers with a burst come back. One flag per officer;
 * the evidence lists the bursts (non-overlapping windows, earliest first).
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { inWindow, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

// submitted_at is toISOString() text; strftime with %f gives the same shape, so text compares.
const windowCounts = (rc: RuleContext, officer?: string) => sql`
  select r.officer_code as officer, r.submitted_at as start,
         strftime('%Y-%m-%dT%H:%M:%fZ', r.submitted_at, ${`+${rc.policy.rules.feedback_burst.windowMinutes} minutes`}) as until,
         (select count(*) from feedback_responses s
           where s.officer_code = r.officer_code and s.submitted_at >= r.submitted_at
             and s.submitted_at < strftime('%Y-%m-%dT%H:%M:%fZ', r.submitted_at, ${`+${rc.policy.rules.feedback_burst.windowMinutes} minutes`})) as n
    from feedback_responses r
   where ${inWindow('r', rc, 'submitted_at')} ${officer ? sql`and r.officer_code = ${officer}` : sql``}`;

export const feedbackBurst: Rule = async (rc) => {
  const p = rc.policy.rules.feedback_burst;
  const officers = await rc.ctx.db.all<{ officer: string; peak: number }>(sql`
    select officer, max(n) as peak from (${windowCounts(rc)}) where n > ${p.maxResponses} group by officer`);
  const out: FlagCandidate[] = [];
  for (const o of officers) {
    const windows = await rc.ctx.db.all<{ start: string; until: string; n: number }>(sql`
      select start, until, n from (${windowCounts(rc, o.officer)}) where n > ${p.maxResponses} order by start limit 1000`);
    const bursts: { start: string; until: string; responses: number }[] = [];
    for (const w of windows) {
      const last = bursts.at(-1);
      if (last && w.start < last.until) continue;
      bursts.push({ start: w.start, until: w.until, responses: Number(w.n) });
      if (bursts.length >= 100) break;
    }
    out.push({
      rule: 'feedback_burst',
      subjectCode: o.officer,
      conditionKey: `feedback_burst:${o.officer}`,
      severity: sevOf(rc, 'feedback_burst'),
      evidence: {
        officerCode: o.officer,
        peakResponses: Number(o.peak),
        maxResponses: p.maxResponses,
        windowMinutes: p.windowMinutes,
        bursts,
        itemKeys: bursts.map((b) => b.start),
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
