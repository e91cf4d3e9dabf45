/**
 * `npm run demo:edge`: the Worker as deployed (wrangler's bundle of src/worker.ts, run by workerd
 * through Miniflare) serving two bureaus, each on its own local D1 database, by host name:
 * http://a.localhost:PORT and http://b.localhost:PORT (browsers and curl send every *.localhost
 * name to this machine). Each bureau has its own signing key, admin, log origin and public URL;
 * a token of one is unknown to the other. Bureau A has 800 officers and a low D1 limit
 * (D1_QUERY_LIMIT=120), so a grading run does not fit one invocation: the HR console shows it
 * `computing` with its progress while the Workflow writes the rest (docs/deploy-workers.md).
 *
 * PORT (default 8788). Everything is kept under data/edge/ (the databases, the Workflow's state,
 * the keys and tokens); `--fresh` starts over. Ctrl-C stops it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { generateBureau } from './synthetic/bureau.js';
import { demoSize } from './synthetic/sizes.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dir = join(root, 'data/edge');
const port = Number(process.env.PORT ?? 8788);
const hosts = { A: 'a.localhost', B: 'b.localhost' } as const;
type Key = keyof typeof hosts;

function build(): string {
  for (const args of [[join(root, 'scripts/build-assets.mjs')], [createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist/demo-worker']]) {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return join(root, 'dist/demo-worker/worker.js');
}

interface Secrets {
  keys: Record<Key, string>;
  admins: Record<Key, string>;
  hr?: Record<Key, string>;
}

async function main() {
  if (process.argv.includes('--fresh')) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const secretsFile = join(dir, 'secrets.json');
  const secrets: Secrets = existsSync(secretsFile)
    ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Secrets)
    : { keys: { A: randomBytes(32).toString('base64'), B: randomBytes(32).toString('base64') }, admins: { A: `tgo_edge_a_${randomBytes(16).toString('hex')}`, B: `tgo_edge_b_${randomBytes(16).toString('hex')}` } };
  writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));

  console.log('Building the Worker (wrangler deploy --dry-run)...');
  const scriptPath = build();
  const bureau = (k: Key, name: string) => ({
    database: `DB_${k}`,
    signingKey: `SIGNING_KEY_${k}`,
    adminToken: `ADMIN_TOKEN_${k}`,
    publicUrl: `http://${hosts[k]}:${port}`,
    bureauName: name,
    logOrigin: `${hosts[k]}/audit`,
  });
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))![1]!;
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate,
    host: '127.0.0.1',
    port,
    d1Databases: { DB_A: 'edge-a', DB_B: 'edge-b' },
    d1Persist: join(dir, 'd1'),
    workflows: { JOBS: { name: 'tax-grading-jobs', className: 'JobWorkflow' } },
    workflowsPersist: join(dir, 'workflows'),
    assets: { directory: join(root, 'dist/assets'), binding: 'ASSETS', routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true } },
    bindings: {
      BUREAUS: { [hosts.A]: bureau('A', '甲市税务局（演示）'), [hosts.B]: bureau('B', '乙市税务局（演示）') },
      SIGNING_KEY_A: secrets.keys.A,
      SIGNING_KEY_B: secrets.keys.B,
      ADMIN_TOKEN_A: secrets.admins.A,
      ADMIN_TOKEN_B: secrets.admins.B,
      D1_QUERY_LIMIT: '120',
    },
  });
  await mf.ready;

  const call = (k: Key, method: string, path: string, token: string, json?: unknown) =>
    mf.dispatchFetch(`http://${hosts[k]}:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
  const today = new Date().toISOString().slice(0, 10);
  if (!secrets.hr) {
    console.log('Creating both databases and loading a bureau into each through the Worker...');
    for (const k of ['A', 'B'] as const) {
      const d1 = await mf.getD1Database(`DB_${k}`);
      const migrations = join(root, 'db/migrations');
      for (const file of readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort()) {
        for (const stmt of readFileSync(join(migrations, file), 'utf8').split('--> statement-breakpoint')) if (stmt.trim()) await d1.prepare(stmt).run();
      }
    }
    const hr = {} as Record<Key, string>;
    for (const k of ['A', 'B'] as const) {
      const res = await call(k, 'POST', '/api/v1/users', secrets.admins[k], { username: `hr-${k.toLowerCase()}`, role: 'hr' });
      if (res.status !== 201) throw new Error(`creating HR at ${hosts[k]}: ${res.status} ${await res.text()}`);
      hr[k] = ((await res.json()) as { token: string }).token;
      const size = k === 'A' ? { ...demoSize, label: 'edge-a', officers: 800, taxpayers: 8000 } : demoSize;
      const b = generateBureau({ size, seed: `edge-${k}`, today });
      const imported = await call(k, 'POST', '/api/v1/import', hr[k], {
        units: b.units,
        officers: b.officers,
        taxpayers: b.taxpayers,
        assignments: b.assignments,
        workload: b.workload,
        assessments: b.assessments,
        thresholds: b.thresholds,
      });
      if (imported.status !== 200) throw new Error(`importing into ${hosts[k]}: ${imported.status} ${(await imported.text()).slice(0, 500)}`);
      console.log(`  ${hosts[k]}: ${b.officers.length} officers, ${b.taxpayers.length} taxpayers, workload and assessments for ${b.gradedPeriod}`);
    }
    secrets.hr = hr;
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));
  }

  console.log(`\nTwo bureaus on local D1, one Worker (data in ${dir}; --fresh starts over):`);
  for (const k of ['A', 'B'] as const) {
    console.log(`  http://${hosts[k]}:${port}/login   admin ${secrets.admins[k]}   hr ${secrets.hr![k]}`);
  }
  console.log(`\nSign in at a.localhost with A's HR token and start a run at /hr: 800 officers do not fit`);
  console.log(`one invocation under D1_QUERY_LIMIT=120, so the run shows "computing" with its progress while`);
  console.log(`the Workflow writes the rest. B's tokens are unknown at A (and the reverse); any other host is 404.`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await mf.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
