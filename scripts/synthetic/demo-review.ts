/**
 * The demo's collective reviews, due process and "double random, one public" (issue 13), played
 * through the service verbs inside fill-demo's timeline:
 *
 * - every day at noon, panel members vote on the reviews drawn the day before (the members of a
 *   planted "sole decider" never meet, so those reviews lapse and the scans raise no quorum), the
 *   reviews past due lapse, and some officers told of a flag answer it;
 * - two days after each quarter a supervisor draws its spot check; the drawn supervisors record
 *   the outcomes a week later (a planted buncher's decision is a finding that raises a flag);
 *   a month after it the quarter's public summary is published;
 * - today (`finish`): the demo officer sits on panels waiting for their vote, a flag about them
 *   waits for their answer, one flag has been escalated, and the last quarter's spot check and
 *   public page exist.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Actor, Ctx } from '../../src/core/context.js';
import { recordDecision } from '../../src/decisions/record.js';
import { castVote } from '../../src/decisions/vote.js';
import { lapseReviews } from '../../src/decisions/lapse.js';
import { transitionFlag } from '../../src/flags/workflow.js';
import { answerFlag } from '../../src/flags/due-process.js';
import { drawSpotCheck } from '../../src/spot-checks/create.js';
import { recordSpotCheckOutcome } from '../../src/spot-checks/outcome.js';
import { publishPublicSummary } from '../../src/public-summary/publish.js';
import { sha256HexSync } from '../../src/core/sha256.js';
import type { Bureau } from './bureau.js';

export interface ReviewDemoDeps {
  db: Db;
  clock: { now(): Date; advance(ms: number): void };
  ctxOf: (actor: Actor) => Ctx;
  /** The user acting as an officer (an officer's, or a unit head's supervisor user). */
  actorFor: (officerCode: string) => Actor | undefined;
  actorById: (userId: string) => Actor | undefined;
  hr: Actor;
  supervisor: Actor;
  bureau: Bureau;
  today: string;
  demoOfficer: string;
  fail: (what: string, err: unknown) => void;
  log: (msg: string) => void;
}

export interface ReviewDemoEvent {
  at: string;
  kind: 'review-demo';
  run: () => Promise<void>;
}

const DAY = 86_400_000;
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00.000Z`;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** A stable pseudo-random fraction of a string, for the demo's choices. */
const frac = (s: string) => parseInt(sha256HexSync(s).slice(0, 8), 16) / 0x1_0000_0000;

const approveReasons = ['已审阅案卷和纳税人申报资料，核定依据充分。', '实地核查记录与发票相符，同意。'];
const rejectReason = '核定金额明显低于同类业户，依据不足，不同意。';

export function reviewDemo(d: ReviewDemoDeps): { events: ReviewDemoEvent[]; finish: () => Promise<void> } {
  const { db, clock, ctxOf } = d;
  const solo = new Set(d.bureau.planted.soloDecider);
  const bunchers = new Set(d.bureau.planted.bunching);
  const system = (name: string): Actor => ({ kind: 'system', name });
  const tick = () => clock.advance(1000);
  const attempt = async (what: string, f: () => Promise<unknown>) => {
    tick();
    try {
      await f();
    } catch (err) {
      d.fail(what, err);
    }
  };

  /** Members vote until quorum on reviews opened at least half a day ago (never the demo officer in the last week). */
  async function votes() {
    const now = clock.now().toISOString();
    const since = new Date(clock.now().getTime() - 10 * DAY).toISOString();
    const before = new Date(clock.now().getTime() - DAY / 2).toISOString();
    const open = await db.all<{ id: string; decider: string; quorum: number; opened_at: string }>(sql`
      select r.decision_id as id, d.decider_code as decider, r.quorum as quorum, r.opened_at as opened_at
        from decision_reviews r join decisions d on d.id = r.decision_id
       where r.status = 'pending_review' and r.opened_at >= ${since} and r.opened_at <= ${before} and r.due_at > ${now}
       order by r.opened_at, r.decision_id`);
    const recent = at(addDays(d.today, -7), '00:00');
    for (const r of open) {
      // A planted sole decider's panels never meet: they lapse, and no quorum is raised.
      if (solo.has(r.decider)) continue;
      const seats = await db.all<{ code: string; voted: number }>(sql`
        select s.officer_code as code, exists (select 1 from decision_votes v where v.decision_id = s.decision_id and v.officer_code = s.officer_code) as voted
          from decision_reviewers s where s.decision_id = ${r.id} order by s.officer_code`);
      let cast = seats.filter((s) => Number(s.voted)).length;
      for (const s of seats) {
        if (cast >= r.quorum || Number(s.voted)) continue;
        if (s.code === d.demoOfficer && r.opened_at >= recent) continue;
        const actor = d.actorFor(s.code);
        if (!actor) continue;
        const reject = frac(`${r.id}:${s.code}`) < 0.06;
        await attempt('vote', () =>
          castVote({ ctx: ctxOf(actor), decisionId: r.id, input: { vote: reject ? 'reject' : 'approve', reason: reject ? rejectReason : approveReasons[cast % 2]! } }),
        );
        cast++;
      }
    }
  }

  /** Some officers told of a flag answer it within the week (never the demo officer: theirs waits for them). */
  async function answers() {
    const now = clock.now().toISOString();
    const told = await db.all<{ id: string; subject: string }>(sql`
      select n.flag_id as id, f.subject_code as subject from flag_notices n join flags f on f.id = n.flag_id
       where f.status <> 'closed' and n.answer_due_at > ${now} and n.told_at <= ${new Date(clock.now().getTime() - DAY).toISOString()}
         and not exists (select 1 from flag_answers a where a.flag_id = n.flag_id)`);
    for (const f of told) {
      if (f.subject === d.demoOfficer || frac(`answer:${f.id}`) > 0.35) continue;
      const actor = d.actorFor(f.subject);
      if (!actor) continue;
      await attempt('answer', () =>
        answerFlag({ ctx: ctxOf(actor), flagId: f.id, input: { text: '相关业户多为季节性经营，核定时已附实地核查记录，请复核人调阅。' } }),
      );
    }
  }

  async function daily() {
    await votes();
    await attempt('lapse', () => lapseReviews({ ctx: ctxOf(system('review-lapse')) }));
    await answers();
  }

  async function spotCheck(period: string) {
    await attempt('spot-check', () => drawSpotCheck({ ctx: ctxOf(d.supervisor), input: { period } }));
  }

  /** The drawn supervisors record their checks; `leave` of them stay to do (the last quarter's). */
  async function outcomes(period: string, leave: number) {
    const items = await db.all<{ sc: string; id: string; reviewer: string | null; decider: string }>(sql`
      select i.spot_check_id as sc, i.decision_id as id, i.reviewer_user_id as reviewer, d.decider_code as decider
        from spot_check_items i join spot_checks s on s.id = i.spot_check_id join decisions d on d.id = i.decision_id
       where s.period = ${period} and i.outcome is null order by i.decision_id`);
    for (const [n, it] of items.entries()) {
      const actor = it.reviewer ? d.actorById(it.reviewer) : undefined;
      const finding = bunchers.has(it.decider) || (it.decider === d.demoOfficer && leave > 0);
      if (!actor || (n % 3 === 0 && leave > 0 && !finding)) continue;
      await attempt('spot-outcome', () =>
        recordSpotCheckOutcome({
          ctx: ctxOf(actor),
          spotCheckId: it.sc,
          decisionId: it.id,
          input: finding
            ? { outcome: 'finding', note: '案卷中没有实地核查记录，核定金额紧贴起征点。', raiseFlag: true }
            : { outcome: 'compliant', note: '调阅案卷、申报和发票，核定依据充分。' },
        }),
      );
    }
  }

  const events: ReviewDemoEvent[] = [];
  const push = (when: string, run: () => Promise<void>) => {
    if (when.slice(0, 10) < d.today) events.push({ at: when, kind: 'review-demo', run });
  };
  for (let day = d.bureau.windowStart; day < d.today; day = addDays(day, 1)) push(at(day, '12:00'), daily);
  const completed = d.bureau.periods.slice(0, -1);
  for (const p of completed) {
    const last = p.code === completed.at(-1)!.code;
    push(at(addDays(p.endDate, 2), '09:00'), () => spotCheck(p.code));
    push(at(addDays(p.endDate, 9), '10:00'), () => outcomes(p.code, last ? 1 : 0));
    push(at(addDays(p.endDate, 31), '08:00'), () => attempt('public', () => publishPublicSummary({ ctx: ctxOf(d.hr), period: p.code })));
  }

  async function finish() {
    const last = completed.at(-1)!.code;
    await daily();
    // The last quarter's spot check and its outcomes, if the timeline has not got there yet.
    const [sc] = await db.all<{ n: number }>(sql`select count(*) as n from spot_checks where period = ${last}`);
    if (!Number(sc!.n)) await spotCheck(last);
    await outcomes(last, 1);

    // Panels waiting for the demo officer's vote: colleagues decide until the draw seats them twice.
    const me = d.actorFor(d.demoOfficer);
    const [unit] = await db.all<{ unit: string }>(sql`select unit_code as unit from officers where code = ${d.demoOfficer}`);
    const colleagues = await db.all<{ code: string }>(sql`
      select distinct d.decider_code as code from decisions d join officers o on o.code = d.decider_code
       where o.unit_code = ${unit?.unit ?? ''} and d.decider_code <> ${d.demoOfficer} order by d.decider_code`);
    const taxpayers = await db.all<{ code: string }>(sql`select code from taxpayers order by code limit 40`);
    const seatsOf = async () =>
      Number((await db.all<{ n: number }>(sql`select count(*) as n from decision_reviewers s join decision_reviews r on r.decision_id = s.decision_id
        where s.officer_code = ${d.demoOfficer} and r.status = 'pending_review'
          and not exists (select 1 from decision_votes v where v.decision_id = s.decision_id and v.officer_code = s.officer_code)`))[0]!.n);
    for (let i = 0; i < 80 && me && colleagues.length && (await seatsOf()) < 2; i++) {
      const decider = d.actorFor(colleagues[i % colleagues.length]!.code);
      if (!decider) continue;
      await attempt('decision', () =>
        recordDecision({
          ctx: ctxOf(decider),
          input: {
            type: 'assessed_turnover',
            taxpayerCode: taxpayers[(i * 7) % taxpayers.length]!.code,
            amount: 19_000 + ((i * 137) % 900),
            justification: '业户账簿不全，依据近三个月发票和实地核查核定月营业额。',
            decidedAt: d.today,
          },
        }),
      );
    }

    // A flag about the demo officer waiting for their answer: their spot-check finding, under review.
    const [mine] = await db.all<{ id: string; reviewer: string | null }>(sql`
      select id, reviewer_user_id as reviewer from flags where subject_code = ${d.demoOfficer} and status = 'open'
         and severity in ('medium', 'high', 'critical') order by rule = 'spot_check' desc, raised_at desc limit 1`);
    const mineReviewer = mine?.reviewer ? d.actorById(mine.reviewer) : undefined;
    if (mine && mineReviewer) {
      await attempt('review', () => transitionFlag({ ctx: ctxOf(mineReviewer), flagId: mine.id, input: { to: 'in_review', reason: '已调取案卷，等待当事人申辩。' } }));
    }

    // One escalation: a flag its reviewer hands to a supervisor outside the subject's unit.
    const open = await db.all<{ id: string; status: string; reviewer: string }>(sql`
      select id, status, reviewer_user_id as reviewer from flags where status in ('open', 'in_review') and reviewer_user_id is not null
         and subject_code <> ${d.demoOfficer} and not exists (select 1 from flag_escalations e where e.flag_id = flags.id)
       order by severity = 'high' desc, raised_at desc limit 5`);
    for (const f of open) {
      const reviewer = d.actorById(f.reviewer);
      if (!reviewer) continue;
      if (f.status === 'open') await attempt('review', () => transitionFlag({ ctx: ctxOf(reviewer), flagId: f.id, input: { to: 'in_review', reason: '已调取案卷。' } }));
      await attempt('escalate', () =>
        transitionFlag({ ctx: ctxOf(reviewer), flagId: f.id, input: { to: 'closed', outcome: 'escalated', reason: '涉及本分局多名同事，移交分局以外督察复核。' } }),
      );
      break;
    }

    // The public page of the last quarter, even if its month has not passed.
    const [pub] = await db.all<{ n: number }>(sql`select count(*) as n from public_summaries where period = ${last}`);
    if (!Number(pub!.n)) await attempt('public', () => publishPublicSummary({ ctx: ctxOf(d.hr), period: last }));
    const counts = await db.all<{ status: string; n: number }>(sql`select status, count(*) as n from decision_reviews group by status order by status`);
    d.log(`collective reviews: ${counts.map((c) => `${c.n} ${c.status}`).join(', ')}; public summary of ${last} published`);
  }

  return { events, finish };
}
