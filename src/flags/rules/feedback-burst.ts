/**
 * feedback_burst: more than `maxResponses` feedback responses for one officer within
 * `windowMinutes` minutes (any status: a voided burst is still a burst). A window [r, r + w)
 * holds more than m responses exactly when the m-th response after r (LEAD over the officer's
 * responses in time order, which the (officer_code, submitted_at) index already gives) falls
 * before r + w: one ordered pass, and exact counts only for the few windows that trip. One flag
 * per officer; the evidence lists the bursts (non-overlapping windows, earliest first).
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { inWindow, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

export const feedbackBurst: Rule = async (rc) => {
  const p = rc.policy.rules.feedback_burst;
  const plus = `+${p.windowMinutes} minutes`;
  // submitted_at is toISOString() text; strftime with %f gives the same shape, so text compares.
  const windows = await rc.ctx.db.all<{ officer: string; start: string; until: string; n: number }>(sql`
    select officer, start, until,
           (select count(*) from feedback_responses s
             where s.officer_code = officer and s.submitted_at >= start and s.submitted_at < until) as n
      from (
        select r.officer_code as officer, r.submitted_at as start,
               strftime('%Y-%m-%dT%H:%M:%fZ', r.submitted_at, ${plus}) as until,
               lead(r.submitted_at, ${p.maxResponses}) over (partition by r.officer_code order by r.submitted_at) as nth
          from feedback_responses r
         where ${inWindow('r', rc, 'submitted_at')})
     where nth is not null and nth < until
     order by officer, start`);
  const byOfficer = new Map<string, typeof windows>();
  for (const w of windows) byOfficer.set(w.officer, [...(byOfficer.get(w.officer) ?? []), w]);
  const out: FlagCandidate[] = [];
  for (const [officer, list] of byOfficer) {
    const bursts: { start: string; until: string; responses: number }[] = [];
    for (const w of list) {
      const last = bursts.at(-1);
      if (last && w.start < last.until) continue;
      bursts.push({ start: w.start, until: w.until, responses: Number(w.n) });
      if (bursts.length >= 100) break;
    }
    out.push({
      rule: 'feedback_burst',
      subjectCode: officer,
      conditionKey: `feedback_burst:${officer}`,
      severity: sevOf(rc, 'feedback_burst'),
      evidence: {
        officerCode: officer,
        peakResponses: Math.max(...list.map((w) => Number(w.n))),
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

/** One response of a burst as the flag page lists it: when, the mean rating and its status; nothing that leads to the taxpayer. */
export interface BurstResponse { burst: number; submittedAt: string; mean: number; status: string }

/**
 * The responses inside the first `maxBursts` bursts of a flag's evidence (at most `maxEach` each),
 * in time order. Only the time, the mean rating and the status are read: no invitation, response
 * id, comment or anything else that leads to who answered.
 */
export async function burstResponses(
  ctx: Pick<RuleContext['ctx'], 'db'>,
  officer: string,
  bursts: readonly { start: string; until: string }[],
  limits = { maxBursts: 10, maxEach: 100 },
): Promise<BurstResponse[]> {
  const out: BurstResponse[] = [];
  for (const [i, b] of bursts.slice(0, limits.maxBursts).entries()) {
    const rows = await ctx.db.all<{ submitted_at: string; mean: number; status: string }>(sql`
      select submitted_at, mean, status from feedback_responses
       where officer_code = ${officer} and submitted_at >= ${b.start} and submitted_at < ${b.until}
       order by submitted_at limit ${limits.maxEach}`);
    for (const r of rows) out.push({ burst: i, submittedAt: r.submitted_at, mean: Number(r.mean), status: r.status });
  }
  return out;
}
