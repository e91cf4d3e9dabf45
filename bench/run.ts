/**
 * `npm run bench` (the province) and `npm run bench -- --quick` (small, for CI).
 *
 * Generates (or reuses) the synthetic database, copies it to a working file opened the way the
 * service opens its own, and measures each scenario beside a baseline from the same run. Writes
 * results.md and results.json (bench/ for the full run; bench/.data/quick/ for --quick unless
 * --out says otherwise). A scenario whose verbs have not landed is reported as "not built".
 *
 * Options: --quick, --out <dir>, --seed <s>, --today <YYYY-MM-DD> (the data's "today"),
 * --duration <s> (autocannon seconds), --connections <n,...> (the form's, default 10,64),
 * --compare name=dir,... (other checkouts of the service measured beside ours, bench/forms.ts),
 * --rounds <n> (the form's measured rounds per side, default 4),
 * --only <scenario,...> (the other scenarios' rows are then carried over from the existing files).
 * docs/bench.md explains each scenario and its baseline.
 */
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDb, migrateDb } from '../db/client.js';
import { defaultConfig } from '../src/core/config.js';
import { createUser, ensureAdmin } from '../src/auth/users.js';
import { randomSeed, signerFromSeed } from '../src/audit/signer.js';
import type { Actor, Ctx } from '../src/core/context.js';
import { provinceSize, quickSize } from '../scripts/synthetic/sizes.js';
import { ensureBenchDb, defaultDataDir } from './generate.js';
import { annualYear, publishYear } from './annual-setup.js';
import { runningClock } from './clock.js';
import { formScenario } from './forms.js';
import { fmt, log, row, type ScenarioRow, type Target } from './harness.js';
import { d1GradingScenario } from './d1.js';
import { carryOver, scenarioKeys, writeResults } from './results.js';
import { auditScenario } from './audit-scenario.js';
import { childResult, childScenario } from './child-scenario.js';
import { importScenario } from './import-scenario.js';

const here = fileURLToPath(new URL('.', import.meta.url));

interface Args {
  quick: boolean;
  out: string;
  seed: string;
  today: string;
  duration: number;
  connections: number[];
  compare: { name: string; dir: string }[];
  rounds?: number;
  only: Set<string> | null;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only = get('only') ? new Set(get('only')!.split(',')) : null;
  // A misspelt key would measure nothing and rewrite the result files with carried rows only.
  const unknown = [...(only ?? [])].filter((k) => !scenarioKeys.includes(k));
  if (unknown.length) throw new Error(`--only: unknown scenario ${unknown.join(', ')} (one of ${scenarioKeys.join(', ')})`);
  return {
    quick,
    out: get('out') ?? (quick ? join(defaultDataDir, 'quick') : here),
    seed: get('seed') ?? 'bench',
    today: get('today') ?? '2026-11-24',
    duration: Number(get('duration') ?? (quick ? 3 : 10)),
    connections: (get('connections') ?? '10,64').split(',').map(Number),
    rounds: get('rounds') ? Number(get('rounds')) : undefined,
    compare: (get('compare') ?? '')
      .split(',')
      .filter(Boolean)
      .map((v) => ({ name: v.split('=')[0]!, dir: v.split('=')[1]! })),
    only,
  };
}

export async function runBench(argv: string[]): Promise<{ rows: ScenarioRow[]; outDir: string }> {
  const args = parseArgs(argv);
  const started = performance.now();
  const loadStart = loadavg()[0]!;
  const size = args.quick ? quickSize : provinceSize;
  const judged = !args.quick;
  log(`${size.label} bureau, seed ${args.seed}, today ${args.today}`);
  const g0 = performance.now();
  const info = await ensureBenchDb({ size, seed: args.seed, today: args.today, log });
  const genSec = (performance.now() - g0) / 1000;
  const generated = genSec > 5 ? `generated in ${genSec.toFixed(0)} s` : `reused from the cache (generated in ${(info.generatedMs / 1000).toFixed(0)} s)`;
  log(`database ready (${generated})`);

  // The scenarios write (responses, runs, flags, imports): they work on a copy, never the cache.
  const workDir = mkdtempSync(join(tmpdir(), 'tgo-bench-'));
  const work = join(workDir, `work-${size.label}.db`);
  process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
  copyFileSync(info.file, work);
  // Put the copy on disk before measuring: otherwise the first fsync of whichever scenario writes
  // first (ours; the baselines only read) pays for flushing gigabytes of freshly copied pages.
  const fd = openSync(work, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  const { db, client } = await openDb({ url: `file:${work}` });
  await migrateDb(db);
  const clock = runningClock(`${args.today}T09:00:00.000Z`);
  const signer = signerFromSeed(randomSeed());
  await ensureAdmin(db, clock, `bench-admin-${Date.now()}`);
  const [admin] = await db.all<{ id: string }>(sql`select id from users where role = 'admin' limit 1`);
  const adminActor: Actor = { kind: 'user', userId: admin!.id, username: 'admin', role: 'admin', officerCode: null, tokenId: 'bench' };
  const base = { db, clock, config: defaultConfig, signer };
  const actors: Record<string, Actor> = { admin: adminActor };
  const tokens: Record<string, string> = {};
  for (const [username, role] of [['bench-hr', 'hr'], ['bench-hr2', 'hr'], ['bench-intake', 'intake']] as const) {
    const u = await createUser({ ctx: { ...base, actor: adminActor }, input: { username, role } });
    const actor: Actor = { kind: 'user', userId: u.id, username, role, officerCode: null, tokenId: u.tokenId };
    actors[role] ??= actor;
    actors[username] = actor;
    tokens[role] ??= u.token;
  }
  // Supervisors to draw flag reviewers from: the unit heads.
  const heads = await db.all<{ code: string }>(sql`select code from officers where supervisor_code is null order by code limit 40`);
  for (const h of heads) await createUser({ ctx: { ...base, actor: adminActor }, input: { username: `bench-sup-${h.code}`, role: 'supervisor', officerCode: h.code } });
  const ctxFor = (role: 'admin' | 'hr' | 'intake'): Ctx => ({ ...base, actor: actors[role]! });
  const annualName = `annual review of ${annualYear(args.today)} (four runs)`;
  // The grading run and the annual review take about a second a side: five alternating rounds,
  // each side keeping its best, so that one slow round (the page cache still full of the copied
  // file, another process on the shared machine) decides nothing. Two rounds put the same annual
  // review anywhere between 3.3x and 4.5x.
  const shortRounds = args.quick ? 1 : 5;

  const want = (s: string) => !args.only || args.only.has(s);
  const rows: ScenarioRow[] = [];
  const results: Record<string, ScenarioRow[]> = {};
  const attempt = async (key: string, label: string, fn: () => Promise<ScenarioRow[]>, fallback: ScenarioRow[]) => {
    if (!want(key)) return;
    log(`scenario: ${label}`);
    const t = performance.now();
    try {
      results[key] = await fn();
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0]!.slice(0, 300);
      log(`${label} failed: ${msg}`);
      results[key] = fallback.map((r) => ({ ...r, pass: false, note: `error: ${msg}` }));
    }
    log(`${label} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  const failed = (name: string, unit: string, target: Target) => row(name, unit, null, null, target, { judged });
  const [{ auditN }] = await db.all<{ auditN: number }>(sql`select count(*) as auditN from audit_entries`);
  // Audit first, so it verifies exactly the generated log; the form scenario last (it appends).
  await attempt('audit', 'audit verification', () => auditScenario(ctxFor, db, judged, args.quick), [failed(`audit verification of ${fmt(auditN)} entries`, 'entries/s', { kind: 'ratio>=', value: 0.5 }), failed(`inclusion proof at ${fmt(auditN)} entries, median`, 'ms', { kind: 'ours<', value: 5 })]);
  await attempt('grading', 'grading run', () => childScenario(`grading run for ${info.gradedPeriod}`, ['grading', 'grading-baseline'], work, info, args.today, { kind: 'ratio<=', value: 2 }, judged, args.quick ? 120 : 300, shortRounds), [failed(`grading run for ${info.gradedPeriod}: wall time`, 's', { kind: 'ratio<=', value: 2 }), failed(`grading run for ${info.gradedPeriod}: peak RSS`, 'MB', { kind: 'info' })]);
  await attempt(
    'annual',
    'annual review',
    async () => {
      // Untimed setup: the year's four runs published (maker bench-hr, checker bench-hr2).
      const built = await publishYear(ctxFor('hr'), { ...base, actor: actors['bench-hr2']! }, args.today, log);
      if (!built) return [row(`${annualName}: wall time`, 's', null, null, { kind: 'ratio<=', value: 2 }, { judged, notBuilt: true })];
      return childScenario(annualName, ['annual', 'annual-baseline'], work, info, args.today, { kind: 'ratio<=', value: 2 }, judged, args.quick ? 120 : 300, shortRounds);
    },
    [failed(`${annualName}: wall time`, 's', { kind: 'ratio<=', value: 2 }), failed(`${annualName}: peak RSS`, 'MB', { kind: 'info' })],
  );
  const d1Name = `grading run for ${info.gradedPeriod} on local D1 (workerd)`;
  await attempt(
    'd1',
    'grading run on local D1',
    async () => {
      // The Node run of the same period, measured just before (or now, when only d1 runs).
      const node = results.grading?.[0]?.ours ?? ((await childResult('grading', work, info, args.today, args.quick ? 120 : 300)).ms as number) / 1000;
      return d1GradingScenario({ work, period: info.gradedPeriod, hrToken: tokens.hr!, nodeSeconds: node, judged, log });
    },
    [failed(`${d1Name}: wall time`, 's', { kind: 'info' }), failed(`${d1Name}: most D1 statements in one invocation`, 'statements', { kind: 'ratio<=', value: 1 })],
  );
  await attempt('flags', 'flag scan', () => childScenario('full flag scan', ['flags', 'flags-baseline'], work, info, args.today, { kind: 'ratio<=', value: 3 }, judged, args.quick ? 120 : 360), [failed('full flag scan: wall time', 's', { kind: 'ratio<=', value: 3 }), failed('full flag scan: peak RSS', 'MB', { kind: 'info' })]);
  await attempt('import', 'CSV import', () => importScenario(ctxFor, db, client, size.importRows, judged, args.quick ? 1 : 2), [failed(`CSV import of ${fmt(size.importRows)} taxpayer rows`, 's', { kind: 'ratio<=', value: 3 })]);
  await attempt('forms', 'form submissions', () => formScenario(ctxFor, db, info, work, args.today, args, judged), [
    ...args.connections.map((n) => failed(`form submissions over HTTP (${n} connections, ${args.duration} s): throughput`, 'req/s', n === 64 ? { kind: 'ratio>=', value: 0.45 } : { kind: 'info' })),
    failed('bare GET hello-world (reference)', 'req/s', { kind: 'info' }),
  ]);
  // With --only, the scenarios not run keep their rows (and notes) from the files being replaced.
  const carried = args.only ? carryOver(args.out, scenarioKeys.filter((k) => !want(k))) : null;
  for (const key of scenarioKeys) rows.push(...(results[key] ?? carried?.rows.get(key) ?? []));
  client.close();
  rmSync(workDir, { recursive: true, force: true });

  const totalSec = (performance.now() - started) / 1000;
  const ran = scenarioKeys.filter(want);
  const scope = carried?.date ? `Measured in this run: ${ran.join(', ') || 'nothing'}; the rows of the other scenarios are carried over from the run of ${carried.date}.` : null;
  writeResults(args.out, rows, { quick: args.quick, info, generated, totalSec, loadStart, scope });
  log(`wrote ${join(args.out, 'results.md')} and results.json (${totalSec.toFixed(0)} s in all)`);
  for (const r of rows) {
    console.log(`  ${r.name}: ${r.notBuilt ? 'not built' : fmt(r.ours)} vs ${fmt(r.baseline)} ${r.unit}, ratio ${r.ratio === null ? '—' : r.ratio.toFixed(2)} (${r.target}) ${r.notBuilt ? 'not built' : r.pass === null ? '' : r.pass ? 'pass' : 'FAIL'}`);
  }
  return { rows, outDir: args.out };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
