/**
 * The demo's story as a list of timed events, oldest first: the service hall's survey invitations
 * and the taxpayers' answers (about one interaction in six is never rated), the officers'
 * decisions, and after each quarter: HR's imports of workload and test results, the flag scan,
 * the supervisors' reviews of earlier flags, the grading run with a tier adjustment (four eyes),
 * and for the older quarters its publication and two appeals; a checkpoint at each month's end.
 */
import type { Bureau, DecisionEvent, ResponseEvent } from './bureau.js';
import type { ReviewDemoEvent } from './demo-review.js';

export type DemoEvent =
  | { at: string; kind: 'invite'; r: ResponseEvent; answered: boolean }
  | { at: string; kind: 'submit'; r: ResponseEvent }
  | { at: string; kind: 'decision'; d: DecisionEvent }
  | { at: string; kind: 'inputs'; period: string }
  | { at: string; kind: 'assessments'; from: string; to: string }
  | { at: string; kind: 'grade'; period: string; publish: boolean }
  | { at: string; kind: 'publish'; period: string }
  | { at: string; kind: 'adjust'; period: string }
  | { at: string; kind: 'approve-adjustment'; period: string }
  | { at: string; kind: 'appeal'; period: string; decide: boolean }
  | { at: string; kind: 'decide-appeal'; period: string }
  | { at: string; kind: 'review'; before: string }
  | { at: string; kind: 'close-reviews' }
  | { at: string; kind: 'scan' }
  | { at: string; kind: 'checkpoint' }
  | ReviewDemoEvent;

export const at = (date: string, hhmm: string) => `${date}T${hhmm}:00.000Z`;
export const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The events of the bureau's window up to `today` (the review demo's events are added by the caller). */
export function demoTimeline(b: Bureau, decisions: DecisionEvent[], workloadQuarters: number, today: string): DemoEvent[] {
  const events: DemoEvent[] = [];
  const responses = [...b.responses()];
  responses.forEach((r, i) => {
    events.push({ at: r.invitedAt, kind: 'invite', r, answered: true });
    events.push({ at: r.submittedAt, kind: 'submit', r });
    // About one interaction in six is never rated: its invitation just expires.
    if (i % 6 === 5) {
      const unanswered = { ...r, interactionRef: `${r.interactionRef}-N`, index: -1 };
      events.push({ at: new Date(Date.parse(r.invitedAt) + 600_000).toISOString(), kind: 'invite', r: unanswered, answered: false });
    }
  });
  for (const d of decisions) events.push({ at: d.decidedAt, kind: 'decision', d });
  const completed = b.periods.slice(0, -1);
  const gradedQuarters = completed.slice(-workloadQuarters).map((p) => p.code);
  for (const p of completed) {
    const after = addDays(p.endDate, 8);
    if (gradedQuarters.includes(p.code)) events.push({ at: at(after, '02:00'), kind: 'inputs', period: p.code });
    events.push({ at: at(after, '02:30'), kind: 'assessments', from: p.startDate, to: p.endDate });
    events.push({ at: at(addDays(p.endDate, 3), '03:00'), kind: 'scan' });
    // Supervisors work the queue: most flags of earlier scans are reviewed and closed; the
    // latest scan's flags stay open for the demo.
    if (p.code !== b.gradedPeriod) {
      events.push({ at: at(addDays(p.endDate, 20), '02:00'), kind: 'review', before: at(addDays(p.endDate, 4), '00:00') });
      // After the subjects' 7-day answer window (due process), so no confirmation is early.
      events.push({ at: at(addDays(p.endDate, 28), '03:00'), kind: 'close-reviews' });
    }
    if (gradedQuarters.includes(p.code)) {
      const last = p.code === b.gradedPeriod;
      events.push({ at: at(addDays(p.endDate, 12), '06:00'), kind: 'grade', period: p.code, publish: !last });
      // Four eyes: hr.wang proposes a tier adjustment; hr.li approves it (older quarters) or it
      // waits for her in the HR console (the last quarter).
      events.push({ at: at(addDays(p.endDate, 13), '03:00'), kind: 'adjust', period: p.code });
      if (!last) {
        events.push({ at: at(addDays(p.endDate, 13), '23:00'), kind: 'approve-adjustment', period: p.code });
        events.push({ at: at(addDays(p.endDate, 14), '07:00'), kind: 'publish', period: p.code });
        // Two officers appeal within the window; one is decided, one waits for HR.
        events.push({ at: at(addDays(p.endDate, 18), '02:00'), kind: 'appeal', period: p.code, decide: true });
        events.push({ at: at(addDays(p.endDate, 21), '06:00'), kind: 'decide-appeal', period: p.code });
        events.push({ at: at(addDays(p.endDate, 24), '02:00'), kind: 'appeal', period: p.code, decide: false });
      }
    }
  }
  const current = b.periods.at(-1)!;
  events.push({ at: at(addDays(today, -1), '09:30'), kind: 'assessments', from: current.startDate, to: addDays(today, -1) });
  for (let m = b.windowStart; m < today; ) {
    const d = new Date(`${m}T00:00:00Z`);
    const monthEnd = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    if (monthEnd < today) events.push({ at: at(monthEnd, '15:59'), kind: 'checkpoint' });
    m = addDays(monthEnd, 1);
  }
  return events;
}
