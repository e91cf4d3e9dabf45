/**
 * feedback_selection: does an officer get better ratings from the taxpayers they invite than from
 * the ones the service drew for a random return visit (回访)? Invitations are handed out by the
 * officer's own desk, so an officer who picks their raters shows a gap the random sample does not
 * have. For each officer with at least `minEach` accepted responses of each source in the window
 * (responses to invitations of a return-visit sample, src/feedback/return-visits.ts, against all
 * others), Welch's one-sided t-test (src/flags/welch.ts) of H1: the invitations' mean rating is
 * higher. A flag when the gap is at least `minGap` rating points and p < `alpha`. The evidence
 * holds the figures; its items are the return-visit samples, so a dismissed flag comes back only
 * with a new random sample.
 */
import { sql } from 'drizzle-orm';
import type { FlagCandidate } from '../raise.js';
import { statsFromSums, welchTest } from '../welch.js';
import { inWindow, sevOf, windowEvidence, type Rule } from './common.js';

type Row = { officer: string; rv: number; n: number; s: number; ss: number; samples: string | null };

const round = (x: number, d = 6) => Number(x.toFixed(d));

export const feedbackSelection: Rule = async (rc) => {
  const p = rc.policy.rules.feedback_selection;
  const rows = await rc.ctx.db.all<Row>(sql`
    select r.officer_code as officer, (i.sample_id is not null) as rv, count(*) as n,
           sum(r.mean) as s, sum(r.mean * r.mean) as ss, group_concat(distinct i.sample_id) as samples
      from feedback_responses r join invitations i on i.id = r.invitation_id
     where r.status = 'accepted' and ${inWindow('r', rc, 'submitted_at')}
     group by r.officer_code, rv
     order by r.officer_code`);
  const byOfficer = new Map<string, { rv?: Row; inv?: Row }>();
  for (const r of rows) {
    const e = byOfficer.get(r.officer) ?? {};
    if (Number(r.rv)) e.rv = r;
    else e.inv = r;
    byOfficer.set(r.officer, e);
  }
  const out: FlagCandidate[] = [];
  for (const [officer, { rv, inv }] of byOfficer) {
    if (!rv || !inv || Number(rv.n) < p.minEach || Number(inv.n) < p.minEach) continue;
    const a = statsFromSums(Number(inv.n), Number(inv.s), Number(inv.ss));
    const b = statsFromSums(Number(rv.n), Number(rv.s), Number(rv.ss));
    const test = welchTest(a, b);
    if (!(test.difference >= p.minGap && test.p < p.alpha)) continue;
    const samples = (rv.samples ?? '').split(',').filter(Boolean).sort();
    out.push({
      rule: 'feedback_selection',
      subjectCode: officer,
      conditionKey: `feedback_selection:${officer}`,
      severity: sevOf(rc, 'feedback_selection'),
      evidence: {
        officerCode: officer,
        invitationN: a.n,
        invitationMean: round(a.mean),
        invitationSd: round(Math.sqrt(a.variance)),
        returnVisitN: b.n,
        returnVisitMean: round(b.mean),
        returnVisitSd: round(Math.sqrt(b.variance)),
        gap: round(test.difference),
        t: test.t === null ? null : round(test.t),
        df: test.df === null ? null : round(test.df, 3),
        pValue: test.p,
        alpha: p.alpha,
        minGap: p.minGap,
        minEach: p.minEach,
        samples,
        itemKeys: samples,
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};
