/**
 * Plays the demo's timeline through the service verbs, with the clock at each event's time, so
 * every write has its audit entry when it happened. The answers are posted to the app's form as a
 * browser would; the rest calls the verbs as each user. A step that fails is counted (`fail`) and
 * the story goes on.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Actor, Ctx } from '../../src/core/context.js';
import type { App } from '../../src/app.js';
import type { fixedClock } from '../../src/core/clock.js';
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
import type { Bureau } from './bureau.js';
import type { DemoCast } from './demo-cast.js';
import type { DemoEvent } from './demo-timeline.js';

export interface ReplayDeps {
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  app: App;
  ctxOf: (actor: Actor) => Ctx;
  bureau: Bureau;
  cast: DemoCast;
  fail: (what: string, err: unknown) => void;
  log: (msg: string) => void;
}

/** Plays `events` in order; returns the grading runs by period. */
export async function replayTimeline(events: DemoEvent[], deps: ReplayDeps): Promise<Map<string, string>> {
  const { db, clock, app, ctxOf, bureau: b, fail, log } = deps;
  const { actors, actorsById, hr1, hr2, hr3, intake, supervisor, plantedSet } = deps.cast;
  const completed = b.periods.slice(0, -1);
  const tokens = new Map<number, string>();
  const decisionIds = new Map<number, string>();
  const runIds = new Map<string, string>();
  const adjustmentIds = new Map<string, string>();
  const appealIds = new Map<string, string>();
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
            input: { runId, officerCode: cand.officer_code, toTier: 4, reason: '牵头完成本季度纳税人信息清理专项工作，工作量未计入系统统计。' },
          });
          adjustmentIds.set(ev.period, adj.id);
          break;
        }
        case 'approve-adjustment': {
          const id = adjustmentIds.get(ev.period);
          if (id) await decideAdjustment({ ctx: ctxOf(hr2), input: { id, decision: 'approve', reason: '经核实专项工作记录，同意调整。' } });
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
            input: { runId, reason: '本季度承担了大量窗口代班任务，工作量统计不完整，请求复核。' },
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
              input: { id, outcome: 'upheld', correctedTier: r!.tier + 1, reason: '核实窗口排班记录，代班业务量确未计入，能级上调一级。' },
            });
            break;
          }
          await decideAppeal({
            ctx: ctxOf(hr3),
            input: { id, outcome: 'dismissed', reason: '代班工作量已按窗口业务量计入登记业务量，维持原能级。' },
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
              await transitionFlag({ ctx: ctxOf(reviewer), flagId: f.id, input: { to: 'in_review', reason: '已调取相关案卷核查。' } });
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
                  ? { to: 'closed', outcome: 'confirmed', reason: '核查属实，已约谈并责令整改。' }
                  : { to: 'closed', outcome: 'false_positive', reason: '经核查，数据波动有合理原因。' },
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
  return runIds;
}
