/**
 * Fills a migrated database with the demo's municipal bureau THROUGH THE SERVICE VERBS, in the
 * order things would have happened, with the clock set to each event's time: so every write has
 * its audit entry, at the time it happened, and the log reads like a year of the bureau's life.
 *
 * Timeline (oldest first): the admin creates the staff users; HR imports the master data
 * (units, officers, taxpayers, managing-officer history, thresholds); officers record decisions
 * as they take them; the service hall's intake system issues survey invitations and taxpayers
 * answer (the form is posted to the app, as a browser would); after each quarter HR imports
 * workload and test results and runs the grading (the older quarters are published, the last
 * one is left computed for HR to adjust and publish; the last published quarter's decided appeal is
 * upheld, a correction that shows in payroll); supervisors scan for flags after each quarter; a
 * checkpoint is signed at each month's end. Today, HR reviews the bureau's year (demo-pay.ts).
 */
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { createApp } from '../../src/app.js';
import { defaultConfig, type AppConfig } from '../../src/core/config.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Actor, AuditSigner, Ctx } from '../../src/core/context.js';
import { createUser, issueUserToken } from '../../src/auth/users.js';
import { deactivateUser } from '../../src/auth/admin-users.js';
import { importData } from '../../src/imports/import.js';
import { issueInvitation } from '../../src/feedback/invitations.js';
import { recordDecision } from '../../src/decisions/record.js';
import { scanFlags } from '../../src/flags/scan.js';
import { startRun } from '../../src/grading/compute-run.js';
import { publishRun } from '../../src/grading/publish-run.js';
import { decideAdjustment, proposeAdjustment } from '../../src/grading/adjustment.js';
import { decideAppeal, fileAppeal } from '../../src/grading/appeal.js';
import { transitionFlag } from '../../src/flags/workflow.js';
import { getCheckpoint } from '../../src/audit/service.js';
import { generateBureau, type Bureau, type DecisionEvent, type ResponseEvent } from './bureau.js';
import { fillPayDemo } from './demo-pay.js';
import { demoSize, type BureauSize } from './sizes.js';
import { fillSeparationDemo, hrOfficerCode } from './demo-separation.js';
import { reviewDemo, type ReviewDemoEvent } from './demo-review.js';
import { fillComplaintsDemo } from './demo-complaints.js';

export interface FillOptions {
  db: Db;
  signer: AuditSigner;
  /** The data's "today", `YYYY-MM-DD`; events all happen before it. */
  today: string;
  seed?: string;
  size?: BureauSize;
  config?: AppConfig;
  log?: (msg: string) => void;
}

export interface DemoStaff {
  username: string;
  role: schema.Role;
  officerCode: string | null;
  /** What the printout says this user is for. */
  label: string;
}

export interface FillResult {
  bureau: Bureau;
  staff: DemoStaff[];
  counts: Record<string, number>;
  failures: Record<string, number>;
  firstErrors: string[];
}

type Event =
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

const at = (date: string, hhmm: string) => `${date}T${hhmm}:00.000Z`;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * When the demo's story starts: ten days before its data window (the admin creates the staff
 * and HR loads the roster then). The entry creates the admin at this time too, so the audit
 * log is in time order from its first entry.
 */
export function demoStart(today: string, size: BureauSize = demoSize, seed = 'demo'): string {
  const b = generateBureau({ size: { ...size, responses: 0, decisions: 0 }, seed, today });
  return at(addDays(b.windowStart, -10), '00:30');
}

export async function fillDemo(opts: FillOptions): Promise<FillResult> {
  const log = opts.log ?? (() => {});
  const { db, signer } = opts;
  const size = opts.size ?? demoSize;
  const b = generateBureau({ size, seed: opts.seed ?? 'demo', today: opts.today });
  const config = opts.config ?? defaultConfig;
  const t0 = addDays(b.windowStart, -10);
  const clock = fixedClock(at(t0, '01:00'));
  const app = createApp({ db, clock, signer, config });
  const failures: Record<string, number> = {};
  const firstErrors: string[] = [];
  const fail = (what: string, err: unknown) => {
    failures[what] = (failures[what] ?? 0) + 1;
    if (firstErrors.length < 8) firstErrors.push(`${what}: ${(err as Error).message}`);
  };

  // --- staff ------------------------------------------------------------------------------------
  const [adminRow] = await db.select().from(schema.users).where(eq(schema.users.role, 'admin')).limit(1);
  if (!adminRow) throw new Error('fillDemo: run ensureAdmin first');
  const admin: Actor = { kind: 'user', userId: adminRow.id, username: adminRow.username, role: 'admin', officerCode: null, tokenId: 'demo' };
  const ctxOf = (actor: Actor): Ctx => ({ db, clock, actor, config, signer });
  const actors = new Map<string, Actor>();
  const actorsById = new Map<string, Actor>();
  const make = async (username: string, role: schema.Role, officerCode?: string) => {
    const u = await createUser({ ctx: ctxOf(admin), input: { username, role, officerCode } });
    const actor: Actor = { kind: 'user', userId: u.id, username, role, officerCode: officerCode ?? null, tokenId: u.tokenId };
    actors.set(username, actor);
    actorsById.set(u.id, actor);
    return actor;
  };
  const unitHeads = b.officers.filter((o) => !o.supervisorCode);
  const decisions = [...b.decisions()];
  const deciderCodes = [...new Set(decisions.map((d) => d.deciderCode))].sort();
  // The officer whose login the demo prints: a busy decider who planted nothing.
  const plantedSet = new Set(Object.values(b.planted).flat());
  const perDecider = new Map<string, number>();
  for (const d of decisions) perDecider.set(d.deciderCode, (perDecider.get(d.deciderCode) ?? 0) + 1);
  const demoOfficer = deciderCodes.filter((c) => !plantedSet.has(c)).sort((x, y) => perDecider.get(y)! - perDecider.get(x)!)[0] ?? deciderCodes[0]!;

  // Officers must exist before users link to them: import first (as HR), officer users after.
  const hr1 = await make('hr.wang', 'hr');
  const hr2 = await make('hr.li', 'hr');
  await make('intake.hall', 'intake');
  // A retired self-service kiosk's intake user, deactivated with a reason (ADR 0091): /admin lists
  // it as disabled (search status=disabled), its token is refused, the audit log says why.
  const kiosk = await make('intake.kiosk', 'intake');
  if (kiosk.kind === 'user') await deactivateUser({ ctx: ctxOf(admin), input: { id: kiosk.userId, reason: '自助终端已撤除 kiosk retired' } });
  const staff: DemoStaff[] = [
    { username: 'admin', role: 'admin', officerCode: null, label: 'users and tokens' },
    { username: 'hr.wang', role: 'hr', officerCode: null, label: 'imports, grading runs, adjustments (requests)' },
    { username: 'hr.li', role: 'hr', officerCode: null, label: 'second HR user (four eyes): approves adjustments and policies, publishes runs' },
  ];

  clock.set(at(t0, '02:00'));
  const master = await importData({
    ctx: ctxOf(hr1),
    input: { units: b.units, officers: b.officers, taxpayers: b.taxpayers, assignments: b.assignments, thresholds: b.thresholds },
  });
  log(`master data imported: ${JSON.stringify(master.imported)}`);

  clock.set(at(t0, '03:00'));
  for (const [i, head] of unitHeads.entries()) {
    const username = `sup.${head.code.toLowerCase()}`;
    await make(username, 'supervisor', head.code);
    if (i < 2) staff.push({ username, role: 'supervisor', officerCode: head.code, label: `supervisor: flag queue (${head.name}, unit head)` });
  }
  for (const code of deciderCodes) await make(`officer.${code.toLowerCase()}`, 'officer', code);
  // An HR user who is also an officer (DESIGN 1): she decides appeals, never her own case.
  const hrZhaoCode = hrOfficerCode(b, new Set([...deciderCodes, ...unitHeads.map((h) => h.code)]));
  const hr3 = await make('hr.zhao', 'hr', hrZhaoCode);
  const demoOfficerName = b.officers.find((o) => o.code === demoOfficer)!.name;
  staff.push({ username: `officer.${demoOfficer.toLowerCase()}`, role: 'officer', officerCode: demoOfficer, label: `officer ${demoOfficerName}: own report, decisions` });
  staff.push({ username: 'intake.hall', role: 'intake', officerCode: null, label: 'service-hall intake system: issues survey invitations' });
  staff.push({ username: 'hr.zhao', role: 'hr', officerCode: hrZhaoCode, label: `HR and officer ${hrZhaoCode}: decides appeals; refused on her own tier change (HR console)` });
  const supervisor = actors.get(`sup.${unitHeads[0]!.code.toLowerCase()}`)!;

  // --- the timeline -----------------------------------------------------------------------------
  const events: Event[] = [];
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
  const gradedQuarters = completed.slice(-size.workloadQuarters).map((p) => p.code);
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
  events.push({ at: at(addDays(opts.today, -1), '09:30'), kind: 'assessments', from: current.startDate, to: addDays(opts.today, -1) });
  for (let m = b.windowStart; m < opts.today; ) {
    const d = new Date(`${m}T00:00:00Z`);
    const monthEnd = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    if (monthEnd < opts.today) events.push({ at: at(monthEnd, '15:59'), kind: 'checkpoint' });
    m = addDays(monthEnd, 1);
  }
  // Panels voting, reviews lapsing, answers, spot checks and public summaries (issue 13).
  const review = reviewDemo({
    db, clock, ctxOf, bureau: b, today: opts.today, demoOfficer, fail, log, hr: hr1, supervisor,
    actorFor: (code) => actors.get(`officer.${code.toLowerCase()}`) ?? actors.get(`sup.${code.toLowerCase()}`),
    actorById: (id) => actorsById.get(id),
  });
  events.push(...review.events);
  events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  log(`replaying ${events.length} events from ${events[0]?.at.slice(0, 10)} to ${events.at(-1)?.at.slice(0, 10)}`);

  const tokens = new Map<number, string>();
  const decisionIds = new Map<number, string>();
  const runIds = new Map<string, string>();
  const adjustmentIds = new Map<string, string>();
  const appealIds = new Map<string, string>();
  const intake = actors.get('intake.hall')!;
  let done = 0;
  for (const ev of events) {
    // Time only moves forward, so the audit log stays in time order even where a step of the
    // story (a review session) takes a few seconds past the next event's time.
    if (ev.at > clock.now().toISOString()) clock.set(ev.at);
    try {
      switch (ev.kind) {
        case 'invite': {
          const out = await issueInvitation({
            ctx: ctxOf(intake),
            input: { officerCode: ev.r.officerCode, taxpayerCode: ev.r.taxpayerCode, interactionRef: ev.r.interactionRef },
          });
          if (ev.answered) tokens.set(ev.r.index, out.token);
          break;
        }
        case 'submit': {
          const token = tokens.get(ev.r.index);
          if (!token) break;
          const form = new URLSearchParams({ ...Object.fromEntries(Object.entries(ev.r.ratings).map(([k, v]) => [k, String(v)])) });
          if (ev.r.comment) form.set('comment', ev.r.comment);
          if (ev.r.complaint) {
            form.set('fileComplaint', 'on');
            form.set('complaint', ev.r.complaint);
          }
          const res = await app.request(`/f/${token}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
            body: form.toString(),
          });
          if (res.status !== 200) throw new Error(`POST /f/{token} answered ${res.status}`);
          await res.arrayBuffer();
          break;
        }
        case 'decision': {
          const d = ev.d;
          const amends = d.amends === undefined ? undefined : decisionIds.get(d.amends);
          if (d.amends !== undefined && !amends) break;
          const out = await recordDecision({
            ctx: ctxOf(actors.get(`officer.${d.deciderCode.toLowerCase()}`)!),
            input: {
              type: d.type as never,
              taxpayerCode: d.taxpayerCode,
              amount: d.amount,
              justification: d.justification,
              decidedAt: d.decidedAt,
              // The service draws the panel; the decider names only who investigated.
              investigators: d.reviewers.some((r) => r.investigated) ? d.reviewers.filter((r) => r.investigated).map((r) => r.officerCode) : undefined,
              violationType: d.violationType,
              amends,
              amendReason: amends ? d.amendReason : undefined,
            },
          });
          decisionIds.set(d.index, out.id);
          break;
        }
        case 'inputs': {
          await importData({ ctx: ctxOf(hr1), input: { workload: b.workload.filter((w) => w.period === ev.period) } });
          break;
        }
        case 'assessments': {
          const rows = b.assessments.filter((a) => a.takenOn >= ev.from && a.takenOn <= ev.to);
          if (rows.length) await importData({ ctx: ctxOf(hr2), input: { assessments: rows } });
          break;
        }
        case 'grade': {
          const run = await startRun({ ctx: ctxOf(hr1), input: { period: ev.period } });
          runIds.set(ev.period, run.id);
          log(`graded ${ev.period}`);
          break;
        }
        case 'adjust': {
          const runId = runIds.get(ev.period);
          if (!runId) break;
          // The officer closest under the tier-4 line, lifted one tier for a documented reason.
          const [cand] = await db.all<{ officer_code: string; tier: number }>(sql`select officer_code, tier from grading_results
            where run_id = ${runId} and status = 'graded' and tier = 3 order by composite desc limit 1`);
          if (!cand) break;
          const adj = await proposeAdjustment({
            ctx: ctxOf(hr1),
            input: { runId, officerCode: cand.officer_code, toTier: 4, reason: '牵头完成本季度纳税人信息清理专项工作，工作量未计入系统统计。Led the quarter’s taxpayer-data clean-up, not counted in the workload figures.' },
          });
          adjustmentIds.set(ev.period, adj.id);
          break;
        }
        case 'approve-adjustment': {
          const id = adjustmentIds.get(ev.period);
          if (id) await decideAdjustment({ ctx: ctxOf(hr2), input: { id, decision: 'approve', reason: '经核实专项工作记录，同意调整。Checked the project records; approved.' } });
          break;
        }
        case 'appeal': {
          const runId = runIds.get(ev.period);
          if (!runId) break;
          // An officer with a login and a low tier, who has not appealed yet.
          const low = await db.all<{ officer_code: string }>(sql`select r.officer_code from grading_results r
            where r.run_id = ${runId} and r.status = 'graded' and r.tier <= 2
              and not exists (select 1 from appeals a where a.run_id = r.run_id and a.officer_code = r.officer_code)
            order by r.composite desc`);
          const who = low.map((r) => actors.get(`officer.${r.officer_code.toLowerCase()}`)).find((a) => a);
          if (!who) break;
          const appeal = await fileAppeal({
            ctx: ctxOf(who),
            input: { runId, reason: '本季度承担了大量窗口代班任务，工作量统计不完整，请求复核。I covered many service-hall shifts this quarter that the workload figures miss; please review.' },
          });
          if (ev.decide) appealIds.set(ev.period, appeal.id);
          break;
        }
        case 'decide-appeal': {
          const id = appealIds.get(ev.period);
          if (!id) break;
          // hr.li published the run, so a third HR user decides the appeal.
          // The last published quarter's appeal is upheld: its correction shows in payroll.
          if (ev.period === completed.at(-2)?.code) {
            const [r] = await db.all<{ tier: number }>(sql`select r.tier from appeals a join grading_results r on r.run_id = a.run_id and r.officer_code = a.officer_code where a.id = ${id}`);
            await decideAppeal({
              ctx: ctxOf(hr3),
              input: { id, outcome: 'upheld', correctedTier: r!.tier + 1, reason: '核实窗口排班记录，代班业务量确未计入，能级上调一级。Checked the hall rosters: the shifts were not counted; one tier up.' },
            });
            break;
          }
          await decideAppeal({
            ctx: ctxOf(hr3),
            input: { id, outcome: 'dismissed', reason: '代班工作量已按窗口业务量计入 registration_case，维持原能级。The shifts are in the registration workload already; tier stands.' },
          });
          break;
        }
        case 'review': {
          const open = await db.all<{ id: string; rule: string; subject_code: string; reviewer_user_id: string | null }>(sql`select id, rule, subject_code, reviewer_user_id
            from flags where status = 'open' and raised_at < ${ev.before} order by raised_at, id`);
          let n = 0;
          for (const f of open) {
            const reviewer = f.reviewer_user_id ? actorsById.get(f.reviewer_user_id) : undefined;
            if (!reviewer || n++ % 5 === 4) continue; // some stay open, as real queues do
            clock.advance(1000);
            try {
              await transitionFlag({ ctx: ctxOf(reviewer), flagId: f.id, input: { to: 'in_review', reason: '已调取相关案卷核查。Case files requested.' } });
            } catch (err) {
              fail('review', err);
            }
          }
          break;
        }
        case 'close-reviews': {
          const inReview = await db.all<{ id: string; rule: string; subject_code: string; reviewer_user_id: string | null }>(sql`select id, rule, subject_code, reviewer_user_id
            from flags where status = 'in_review' order by raised_at, id`);
          for (const f of inReview) {
            const reviewer = f.reviewer_user_id ? actorsById.get(f.reviewer_user_id) : undefined;
            if (!reviewer) continue;
            // Planted behaviour and complaints are confirmed; the rest turn out to have a cause.
            const confirmed = plantedSet.has(f.subject_code) || f.rule === 'complaint';
            clock.advance(1000);
            try {
              await transitionFlag({
                ctx: ctxOf(reviewer),
                flagId: f.id,
                input: confirmed
                  ? { to: 'closed', outcome: 'confirmed', reason: '核查属实，已约谈并责令整改。Confirmed; the officer was interviewed and corrections ordered.' }
                  : { to: 'closed', outcome: 'false_positive', reason: '经核查，数据波动有合理原因。Checked: the pattern has a legitimate cause.' },
              });
            } catch (err) {
              fail('review', err);
            }
          }
          break;
        }
        case 'publish': {
          const id = runIds.get(ev.period);
          // Maker-checker: hr.wang computed the run, hr.li publishes it.
          if (id) await publishRun({ ctx: ctxOf(hr2), input: { id } });
          log(`published ${ev.period}`);
          break;
        }
        case 'scan': {
          const out = await scanFlags({ ctx: ctxOf(supervisor) });
          log(`flag scan at ${ev.at.slice(0, 10)}: ${out.raised} raised`);
          break;
        }
        case 'checkpoint':
          await getCheckpoint({ ctx: ctxOf(supervisor) });
          break;
        case 'review-demo':
          await ev.run();
          break;
      }
    } catch (err) {
      fail(ev.kind, err);
    }
    if (++done % 2000 === 0) log(`${done} / ${events.length} events`);
  }

  await fillComplaintsDemo({ db, signer, config, clock, app, bureau: b, hr: hr1, intake, actorsById, log, fail });

  // Today: one more scan, and a checkpoint over everything.
  clock.set(new Date().toISOString() > at(opts.today, '00:00') ? new Date().toISOString() : at(opts.today, '08:00'));
  await review.finish();
  try {
    const out = await scanFlags({ ctx: ctxOf(supervisor) });
    log(`flag scan today: ${out.raised} raised`);
    await fillPayDemo({ year: b.reviewYear, ctxOf, maker: hr1, checker: hr2, log });
    await getCheckpoint({ ctx: ctxOf(supervisor) });
  } catch (err) {
    fail('final', err);
  }
  await fillSeparationDemo({ db, ctxOf, hrWang: hr1, hrLi: hr2, hrZhao: hr3 as Actor & { kind: 'user' }, openRunId: runIds.get(b.gradedPeriod), log, fail });

  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries({
    units: schema.units,
    officers: schema.officers,
    taxpayers: schema.taxpayers,
    assignments: schema.assignments,
    workload: schema.workload,
    assessments: schema.assessments,
    invitations: schema.invitations,
    responses: schema.feedbackResponses,
    complaints: schema.complaints,
    decisions: schema.decisions,
    flags: schema.flags,
    gradingRuns: schema.gradingRuns,
    adjustments: schema.adjustments,
    appeals: schema.appeals,
    corrections: schema.corrections,
    annualReviews: schema.annualReviews,
    flagTransitions: schema.flagTransitions,
    users: schema.users,
    auditEntries: schema.auditEntries,
    checkpoints: schema.auditCheckpoints,
  })) {
    const [{ n }] = await db.select({ n: count() }).from(table);
    counts[name] = n;
  }
  return { bureau: b, staff, counts, failures, firstErrors };
}

/**
 * A fresh token for each demo user (the admin issues them; the tokens of earlier starts stay
 * valid until they expire) and one fresh feedback invitation, for the printout.
 */
export async function demoTokens(opts: { db: Db; signer: AuditSigner; staff: DemoStaff[]; config?: AppConfig }) {
  const { db, signer } = opts;
  const config = opts.config ?? defaultConfig;
  const clock = { now: () => new Date() };
  const [adminRow] = await db.select().from(schema.users).where(eq(schema.users.role, 'admin')).limit(1);
  const admin: Actor = { kind: 'user', userId: adminRow!.id, username: adminRow!.username, role: 'admin', officerCode: null, tokenId: 'demo' };
  const ctx: Ctx = { db, clock, actor: admin, config, signer };
  const out: (DemoStaff & { token: string })[] = [];
  let intake: Actor | null = null;
  for (const s of opts.staff) {
    const [u] = await db.select().from(schema.users).where(eq(schema.users.username, s.username)).limit(1);
    if (!u) continue;
    const t = await issueUserToken({ ctx, userId: u.id, ttlDays: 30 });
    out.push({ ...s, token: t.token });
    if (s.role === 'intake') intake = { kind: 'user', userId: u.id, username: u.username, role: 'intake', officerCode: null, tokenId: t.tokenId };
  }
  // A fresh invitation for the officer the demo prints, with one of their current taxpayers.
  let invitationUrl: string | null = null;
  const officer = opts.staff.find((s) => s.role === 'officer');
  if (intake && officer?.officerCode) {
    const [a] = await db
      .select({ taxpayerCode: schema.assignments.taxpayerCode })
      .from(schema.assignments)
      .where(and(eq(schema.assignments.officerCode, officer.officerCode), isNull(schema.assignments.to)))
      .limit(1);
    const [anyTp] = a ? [a] : await db.select({ taxpayerCode: schema.taxpayers.code }).from(schema.taxpayers).limit(1);
    const inv = await issueInvitation({
      ctx: { ...ctx, actor: intake },
      input: { officerCode: officer.officerCode, taxpayerCode: anyTp!.taxpayerCode, interactionRef: `DEMO-${Date.now().toString(36)}` },
    });
    invitationUrl = inv.url;
  }
  return { tokens: out, invitationUrl };
}

/** True when the database already holds a filled demo (the marker: the demo's HR user). */
export async function isFilledDemo(db: Db): Promise<boolean> {
  const rows = await db.all<{ n: number }>(sql`select count(*) as n from users where username = 'hr.li'`).catch(() => [{ n: 0 }]);
  return Number(rows[0]?.n ?? 0) > 0;
}

