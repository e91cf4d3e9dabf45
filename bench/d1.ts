/**
 * Scenario 6: the grading run on local D1. The bench's own database (the one every scenario
 * reads, Node's grading runs included) is handed to Miniflare as a D1 database, and the Worker as
 * deployed (wrangler's bundle of src/worker.ts, run by workerd) computes the same period through
 * its API: the request writes what one invocation allows, the Workflow the rest. Reported beside
 * the Node run of the same period in the same bench run, with what the run spent against D1's
 * limits: statements in its busiest invocation (1,000), its slowest call (30 s), and the
 * isolate's heap (128 MB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { ISOLATE_LIMIT_MB, sampleHeap } from './isolate-heap.js';
import { row, type ScenarioRow } from './harness.js';

const root = join(import.meta.dirname, '..');
const HOST = 'https://grading.bench';

/** Builds the Worker exactly as `npm run build:worker` does, into dist/bench-worker. */
function buildWorker(): string {
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  };
  run([join(root, 'scripts/build-assets.mjs')]);
  run([createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist/bench-worker']);
  return join(root, 'dist/bench-worker/worker.js');
}

interface D1Line {
  invocation: string;
  statements: number;
  slowestMs: number;
  job?: string;
}

export async function d1GradingScenario(opts: {
  work: string;
  period: string;
  hrToken: string;
  /** The Node run of the same period in this bench run (its wall time), or null if it did not run. */
  nodeSeconds: number | null;
  judged: boolean;
  log: (msg: string) => void;
}): Promise<ScenarioRow[]> {
  const name = `grading run for ${opts.period} on local D1 (workerd)`;
  const script = buildWorker();
  // Miniflare takes a plain SQLite file as a D1 database from `<persist>/<id>/db.sqlite` and its
  // `-wal` (its older layout, moved into place at start): the bench database as it is now; nothing
  // writes to it meanwhile. Copied by another process: closing a descriptor of the file in this
  // one would drop the POSIX locks the bench's own SQLite connections hold on it, and a child's
  // checkpoint would then pull the WAL from under them (SQLITE_CORRUPT, seen).
  const persist = mkdtempSync(join(tmpdir(), 'tgo-bench-d1-'));
  mkdirSync(join(persist, 'bench'), { recursive: true });
  for (const [from, to] of [[opts.work, 'db.sqlite'], [`${opts.work}-wal`, 'db.sqlite-wal']] as const) {
    if (!existsSync(from)) continue;
    const cp = spawnSync('cp', ['--', from, join(persist, 'bench', to)], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp ${from}: ${cp.stderr}`);
  }
  let out = '';
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))![1]!;
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    compatibilityDate,
    d1Databases: { DB: 'bench' },
    d1Persist: persist,
    workflows: { JOBS: { name: 'tax-grading-jobs', className: 'JobWorkflow' } },
    bindings: { AUDIT_SIGNING_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i + 7)).toString('base64'), PUBLIC_URL: HOST },
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream) => void stdout.on('data', (d: unknown) => (out += String(d))),
    inspectorPort: 0,
    unsafeInspectorProxy: true,
  });
  try {
    await mf.ready;
    const heap = await sampleHeap(mf);
    const call = (method: string, path: string, body?: unknown) =>
      mf.dispatchFetch(`${HOST}${path}`, { method, headers: { authorization: `Bearer ${opts.hrToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    // One request first (the isolate starts, the app is built), as a deployed Worker would have.
    await call('GET', '/api/v1/me');
    heap.reset();
    const from = out.length;
    const t0 = performance.now();
    const res = await call('POST', '/api/v1/grading-runs', { period: opts.period });
    if (res.status !== 201 && res.status !== 202) throw new Error(`POST /api/v1/grading-runs answered ${res.status}: ${await res.text()}`);
    const run = (await res.json()) as { id: string; status: string; jobId?: string };
    let status = run.status;
    let results = 0;
    while (status === 'computing') {
      await new Promise((r) => setTimeout(r, 100));
      const v = (await (await call('GET', `/api/v1/grading-runs/${run.id}`)).json()) as { status: string; counts: { graded: number; notGraded: number } };
      status = v.status;
      results = v.counts.graded + v.counts.notGraded;
      if (performance.now() - t0 > 600_000) throw new Error('the D1 run did not finish in 10 minutes');
    }
    const seconds = (performance.now() - t0) / 1000;
    if (status !== 'computed') throw new Error(`the D1 run ended ${status}`);
    if (!results) {
      const v = (await (await call('GET', `/api/v1/grading-runs/${run.id}`)).json()) as { counts: { graded: number; notGraded: number } };
      results = v.counts.graded + v.counts.notGraded;
    }
    await new Promise((r) => setTimeout(r, 300)); // the last log lines
    const lines = out
      .slice(from)
      .split('\n')
      .filter((l) => l.includes('"msg":"d1"'))
      .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as D1Line);
    const job = lines.filter((l) => l.invocation === 'step');
    const statements = Math.max(...lines.map((l) => l.statements));
    const slowest = Math.max(...lines.map((l) => l.slowestMs));
    const peak = heap.peakMB();
    await heap.close();
    // The first line since `from` is the POST's own invocation; polls come after it.
    const note = `run ${run.id}: ${results} results, answered ${res.status} ${run.status}, then ${job.length} Workflow step(s); statements in the request and each step: ${[lines[0]!, ...job].map((l) => l.statements).join(', ')}`;
    return [
      row(`${name}: wall time`, 's', seconds, opts.nodeSeconds, { kind: 'info' }, { judged: opts.judged, note: `${note}; baseline: the same period on Node in this run (best of its rounds)` }),
      row(`${name}: most D1 statements in one invocation`, 'statements', statements, 1000, { kind: 'ratio<=', value: 1 }, { judged: opts.judged, note: "baseline: D1's limit per invocation (Workers Paid)" }),
      row(`${name}: slowest D1 call`, 'ms', slowest, 30_000, { kind: 'ratio<=', value: 1 }, { judged: opts.judged, note: "baseline: D1's limit per query (and per batch)" }),
      row(`${name}: isolate heap peak`, 'MB', peak, ISOLATE_LIMIT_MB, { kind: 'ratio<=', value: 1 }, { judged: opts.judged, note: `sampled through the V8 inspector (${heap.samples()} samples); baseline: a Worker isolate's memory` }),
    ];
  } finally {
    await mf.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
}
