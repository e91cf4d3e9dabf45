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
 *
 * The users are made in demo-cast.ts, the events listed in demo-timeline.ts and played in
 * demo-replay.ts; the chapters woven in are demo-review.ts, demo-complaints.ts, demo-pay.ts and
 * demo-separation.ts.
 */
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import { createApp } from '../../src/app.js';
import { defaultConfig, type AppConfig } from '../../src/core/config.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Actor, AuditSigner, Ctx } from '../../src/core/context.js';
import { issueUserToken } from '../../src/auth/users.js';
import { issueInvitation } from '../../src/feedback/invitations.js';
import { scanFlags } from '../../src/flags/scan.js';
import { getCheckpoint } from '../../src/audit/service.js';
import { generateBureau, type Bureau } from './bureau.js';
import { castDemo, type DemoStaff } from './demo-cast.js';
import { addDays, at, demoTimeline } from './demo-timeline.js';
import { replayTimeline } from './demo-replay.js';
import { fillPayDemo } from './demo-pay.js';
import { demoSize, type BureauSize } from './sizes.js';
import { fillSeparationDemo } from './demo-separation.js';
import { reviewDemo } from './demo-review.js';
import { fillComplaintsDemo } from './demo-complaints.js';

export type { DemoStaff } from './demo-cast.js';

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

export interface FillResult {
  bureau: Bureau;
  staff: DemoStaff[];
  counts: Record<string, number>;
  failures: Record<string, number>;
  firstErrors: string[];
}

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

  const ctxOf = (actor: Actor): Ctx => ({ db, clock, actor, config, signer });
  const decisions = [...b.decisions()];
  const cast = await castDemo({ db, clock, ctxOf, bureau: b, decisions, t0, log });
  const { staff, actors, actorsById, hr1, hr2, hr3, intake, supervisor, demoOfficer } = cast;

  const events = demoTimeline(b, decisions, size.workloadQuarters, opts.today);
  // Panels voting, reviews lapsing, answers, spot checks and public summaries (issue 13).
  const review = reviewDemo({
    db, clock, ctxOf, bureau: b, today: opts.today, demoOfficer, fail, log, hr: hr1, supervisor,
    actorFor: (code) => actors.get(`officer.${code.toLowerCase()}`) ?? actors.get(`sup.${code.toLowerCase()}`),
    actorById: (id) => actorsById.get(id),
  });
  events.push(...review.events);
  events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  log(`replaying ${events.length} events from ${events[0]?.at.slice(0, 10)} to ${events.at(-1)?.at.slice(0, 10)}`);
  const runIds = await replayTimeline(events, { db, clock, app, ctxOf, bureau: b, cast, fail, log });

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

