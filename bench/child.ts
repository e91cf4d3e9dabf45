/**
 * One measured job in a fresh process, so that wall time and peak RSS belong to that job alone:
 *
 *   child.ts <job> <dbFile> <period> <today> <threshold>
 *
 * jobs: grading | grading-baseline | annual | annual-baseline | flags | flags-baseline. Prints one line
 * `RESULT {"ms", "maxRssMB", ...}`; a job whose verb has not landed prints `{"notBuilt": true}`.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDb } from '../db/client.js';
import { defaultPolicy } from '../scoring/policy.js';
import { randomSeed, signerFromSeed } from '../src/audit/signer.js';
import type { Actor, Ctx } from '../src/core/context.js';
import { defaultConfig } from '../src/core/config.js';
import { findVerb } from './features.js';
import { runningClock } from './clock.js';
import { quarterRange, shiftQuarter } from '../scripts/synthetic/bureau.js';
import { annualYear } from './annual-setup.js';

type Verb = (args: { ctx: Ctx; input?: unknown }) => Promise<unknown>;

async function main() {
  const [job, dbFile, period, today, thresholdText] = process.argv.slice(2);
  const { db, client } = await openDb({ url: `file:${dbFile}` });
  // Every job starts on an empty WAL (untimed): otherwise what the setup or the previous round
  // wrote (four published runs before the annual review: 40,000 results) is checkpointed on the
  // clock of the next job that commits, which is always ours (the baselines only read).
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const clock = runningClock(`${today}T10:00:00.000Z`);
  const actorFor = async (role: 'hr' | 'supervisor'): Promise<Actor> => {
    const rows = await db.all<{ id: string; username: string; officer_code: string | null }>(
      sql`select id, username, officer_code from users where role = ${role} order by username limit 1`,
    );
    const u = rows[0];
    if (!u) throw new Error(`no ${role} user in the bench database`);
    return { kind: 'user', userId: u.id, username: u.username, role, officerCode: u.officer_code, tokenId: 'bench' };
  };
  const ctxFor = async (role: 'hr' | 'supervisor'): Promise<Ctx> => ({
    db,
    clock,
    actor: await actorFor(role),
    config: defaultConfig,
    signer: signerFromSeed(randomSeed()),
  });
  const range = quarterRange(period!);
  const T = Number(thresholdText);
  const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
  let extra: Record<string, unknown> = {};
  let t0 = 0;
  const start = () => {
    t0 = performance.now();
  };

  switch (job) {
    case 'grading': {
      const startRun = await findVerb<Verb>('grading', 'startRun');
      if (!startRun) return done({ notBuilt: true });
      const ctx = await ctxFor('hr');
      start();
      const out = (await startRun.fn({ ctx, input: { period } })) as { id: string; status: string };
      const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from grading_results where run_id = ${out.id}`);
      extra = { runId: out.id, status: out.status, results: n };
      break;
    }
    case 'grading-baseline': {
      // The bare SQL the grading needs: officers with their peer group, the weighted workload,
      // the latest assessment per category in the lookback, the accepted feedback aggregates
      // and the confirmed flags; all rows read into the process, no scoring.
      const weights = Object.entries(defaultPolicy.workload.itemWeights);
      const caseSql = sql.raw(`case kind ${weights.map(([k, w]) => `when '${k}' then ${w}`).join(' ')} else 0 end`);
      const lookFrom = quarterRange(shiftQuarter(period!, -3)).startDate;
      start();
      const officers = await db.all(sql`select o.code, u.peer_group, o.hire_date, o.position_start_date, o.leave_date
        from officers o join units u on u.code = o.unit_code`);
      const work = await db.all(sql`select officer_code, sum(count * ${caseSql}) as w from workload where period = ${period} group by officer_code`);
      const tests = await db.all(sql`select a.officer_code, a.category, a.raw, a.max from assessments a
        where a.taken_on between ${lookFrom} and ${range.endDate}
          and a.taken_on = (select max(b.taken_on) from assessments b where b.officer_code = a.officer_code
                            and b.category = a.category and b.taken_on between ${lookFrom} and ${range.endDate})`);
      const feedback = await db.all(sql`select officer_code, count(*) as n, sum(mean) as s from feedback_responses
        where period = ${period} and status = 'accepted' group by officer_code`);
      const penalties = await db.all(sql`select subject_code, severity, count(*) as n from flags
        where outcome = 'confirmed' and closed_at >= ${range.startDate} and closed_at <= ${range.endDate + 'T23:59:59.999Z'} group by subject_code, severity`);
      extra = { officers: officers.length, workload: work.length, assessments: tests.length, feedback: feedback.length, penalties: penalties.length };
      break;
    }
    case 'annual': {
      // The annual review of the year the parent published four runs of (annualYear).
      const computeAnnualReview = await findVerb<Verb>('grading', 'computeAnnualReview');
      if (!computeAnnualReview) return done({ notBuilt: true });
      const ctx = await ctxFor('hr');
      const year = annualYear(today!);
      start();
      const out = (await computeAnnualReview.fn({ ctx, input: { year } })) as { id: string };
      const [{ n, rated }] = await db.all<{ n: number; rated: number }>(sql`select count(*) as n, sum(status = 'rated') as rated from annual_results where review_id = ${out.id}`);
      extra = { reviewId: out.id, year, results: n, rated };
      break;
    }
    case 'annual-baseline': {
      // The bare SQL aggregation over the same results: per officer, the active-day weighted mean
      // of the composites of the year's four published runs, the quarters graded and at tier 5,
      // and the barring flags confirmed in the year; all rows read into the process, no grading.
      const year = annualYear(today!);
      start();
      const runs = await db.all<{ id: string }>(sql`select id from grading_runs where status = 'published' and period in (${`${year}Q1`}, ${`${year}Q2`}, ${`${year}Q3`}, ${`${year}Q4`})`);
      const ids = runs.map((r) => r.id);
      const scores = await db.all(sql`select officer_code,
          sum(composite * json_extract(detail, '$.days')) / sum(json_extract(detail, '$.days')) as score,
          count(*) as quarters, sum(tier = 5) as fives
        from grading_results where run_id in ${ids} and status = 'graded' group by officer_code`);
      const barred = await db.all(sql`select subject_code, count(*) as n from flags where outcome = 'confirmed'
        and severity in ('high', 'critical') and closed_at >= ${`${year}-01-01`} and closed_at < ${`${year + 1}-01-01`} group by subject_code`);
      extra = { runs: ids.length, officers: scores.length, barred: barred.length };
      break;
    }
    case 'flags': {
      const scanFlags = await findVerb<Verb>('flags', 'scanFlags');
      if (!scanFlags) return done({ notBuilt: true });
      const ctx = await ctxFor('hr');
      start();
      const out = (await scanFlags.fn({ ctx })) as { raised?: number };
      extra = { raised: out?.raised ?? null };
      break;
    }
    case 'flags-baseline': {
      // Bare SQL aggregates over the decisions (and their review panels) in the rules' window:
      // what the decision rules need to read, without the rules.
      start();
      const bunching = await db.all(sql`select decider_code,
          sum(amount >= 0.9 * threshold and amount < threshold) as below,
          sum(amount >= threshold and amount <= 1.1 * threshold) as above
        from decisions where threshold is not null and decided_at >= ${yearAgo} group by decider_code`);
      // Votes are the members' own (decision_votes); the panel is the seats (decision_reviewers).
      const panels = await db.all(sql`select d.id, d.decider_code, d.taxpayer_code, count(r.officer_code) as members,
          sum(v.vote is not null) as votes, sum(r.investigated) as investigators
        from decisions d left join decision_reviewers r on r.decision_id = d.id
        left join decision_votes v on v.decision_id = r.decision_id and v.officer_code = r.officer_code
        where d.type in ('tax_relief', 'deferral') and d.decided_at >= ${yearAgo} group by d.id`);
      const concentration = await db.all(sql`select d.decider_code, v.officer_code, count(*) as n
        from decisions d join decision_votes v on v.decision_id = d.id
        where d.decided_at >= ${yearAgo} group by d.decider_code, v.officer_code`);
      const favourable = await db.all(sql`select decider_code, count(*) as n from decisions
        where type in ('penalty_waiver', 'tax_relief') and decided_at >= ${yearAgo} group by decider_code`);
      const digits = await db.all(sql`select decider_code, substr(cast(cast(amount as integer) as text), 1, 1) as d, count(*) as n
        from decisions where type = 'assessed_turnover' and amount >= 1 and decided_at >= ${yearAgo} group by decider_code, d`);
      const amendments = await db.all(sql`select a.id, a.decided_at, o.decided_at as orig_at, a.amount, o.amount as orig_amount, o.threshold
        from decisions a join decisions o on o.id = a.amends where a.decided_at >= ${yearAgo}`);
      const repeats = await db.all(sql`select taxpayer_code, violation_type, count(*) as n from decisions
        where type = 'penalty_waiver' group by taxpayer_code, violation_type having count(*) > 1`);
      extra = {
        bunching: bunching.length,
        panels: panels.length,
        concentration: concentration.length,
        favourable: favourable.length,
        digits: digits.length,
        amendments: amendments.length,
        repeats: repeats.length,
        threshold: T,
      };
      break;
    }
    default:
      throw new Error(`unknown job ${job}`);
  }
  const ms = performance.now() - t0;
  client.close();
  done({ ms, ...extra });
}

/**
 * Peak RSS of this process. Not getrusage's maxRSS: on Linux it survives execve, so a child
 * spawned by the (large) bench process starts with the parent's peak. VmHWM belongs to the
 * address space, which exec replaces.
 */
function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS / 1024;
}

function done(out: Record<string, unknown>) {
  const maxRssMB = peakRssMB();
  console.log(`RESULT ${JSON.stringify({ ...out, maxRssMB })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
