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
 * one is left computed for HR to adjust and publish); supervisors scan for flags after each
 * quarter; a checkpoint is signed at each month's end.
 */
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { createApp, defaultConfig } from '../../src/app.js';
import type { AuditSigner } from '../../src/audit/signer.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Actor, AppConfig, Ctx } from '../../src/core/context.js';
import { createUser, issueUserToken } from '../../src/auth/users.js';
import { importData } from '../../src/imports/import.js';
import { issueInvitation } from '../../src/feedback/invitations.js';
import { recordDecision } from '../../src/decisions/record.js';
import { scanFlags } from '../../src/flags/scan.js';
import { publishRun, startRun } from '../../src/grading/grading-run.js';
import { getCheckpoint } from '../../src/audit/service.js';
import { generateBureau, type Bureau, type DecisionEvent, type ResponseEvent } from './bureau.js';
import { demoSize, type BureauSize } from './sizes.js';

export interface FillOptions {
  db: Db;
  signer: AuditSigner;
  /** The data's "today", `YYYY-MM-DD`; events all happen before it. */
  today: string;
  seed?: string;
  size?: BureauSize;
  config?: Partial<AppConfig>;
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
  | { at: string; kind: 'scan' }
  | { at: string; kind: 'checkpoint' };

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
  const config: AppConfig = { ...defaultConfig, ...opts.config };
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
  const make = async (username: string, role: schema.Role, officerCode?: string) => {
    const u = await createUser({ ctx: ctxOf(admin), input: { username, role, officerCode } });
    const actor: Actor = { kind: 'user', userId: u.id, username, role, officerCode: officerCode ?? null, tokenId: u.tokenId };
    actors.set(username, actor);
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
  const staff: DemoStaff[] = [
    { username: 'admin', role: 'admin', officerCode: null, label: 'users and tokens' },
    { username: 'hr.wang', role: 'hr', officerCode: null, label: 'imports, grading runs, adjustments (requests)' },
    { username: 'hr.li', role: 'hr', officerCode: null, label: 'second HR approver (four eyes)' },
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
  const demoOfficerName = b.officers.find((o) => o.code === demoOfficer)!.name;
  staff.push({ username: `officer.${demoOfficer.toLowerCase()}`, role: 'officer', officerCode: demoOfficer, label: `officer ${demoOfficerName}: own report, decisions` });
  staff.push({ username: 'intake.hall', role: 'intake', officerCode: null, label: 'service-hall intake system: issues survey invitations' });
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
    if (gradedQuarters.includes(p.code)) {
      events.push({ at: at(addDays(p.endDate, 12), '06:00'), kind: 'grade', period: p.code, publish: p.code !== b.gradedPeriod });
      if (p.code !== b.gradedPeriod) events.push({ at: at(addDays(p.endDate, 14), '07:00'), kind: 'publish', period: p.code });
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
  events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  log(`replaying ${events.length} events from ${events[0]?.at.slice(0, 10)} to ${events.at(-1)?.at.slice(0, 10)}`);

  const tokens = new Map<number, string>();
  const decisionIds = new Map<number, string>();
  const runIds = new Map<string, string>();
  const intake = actors.get('intake.hall')!;
  let done = 0;
  for (const ev of events) {
    clock.set(ev.at);
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
              reviewers: d.reviewers.length ? d.reviewers : undefined,
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
        case 'publish': {
          const id = runIds.get(ev.period);
          if (id) await publishRun({ ctx: ctxOf(hr1), input: { id } });
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
      }
    } catch (err) {
      fail(ev.kind, err);
    }
    if (++done % 2000 === 0) log(`${done} / ${events.length} events`);
  }

  // Today: one more scan, and a checkpoint over everything.
  clock.set(new Date().toISOString() > at(opts.today, '00:00') ? new Date().toISOString() : at(opts.today, '08:00'));
  try {
    const out = await scanFlags({ ctx: ctxOf(supervisor) });
    log(`flag scan today: ${out.raised} raised`);
    await getCheckpoint({ ctx: ctxOf(supervisor) });
  } catch (err) {
    fail('final', err);
  }

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
export async function demoTokens(opts: { db: Db; signer: AuditSigner; staff: DemoStaff[]; config?: Partial<AppConfig> }) {
  const { db, signer } = opts;
  const config: AppConfig = { ...defaultConfig, ...opts.config };
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

