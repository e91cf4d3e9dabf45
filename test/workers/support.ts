import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, expect } from 'vitest';
import { callInit, type CallOpts } from '../support/request.js';
import { root } from './global-setup.js';

export const ADMIN_TOKEN = 'tgo_workers_suite_admin_token_0123456789';

/** A base64 32-byte seed, as `wrangler secret put AUDIT_SIGNING_KEY` would hold. */
export const SIGNING_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('base64');

/**
 * The bundled Worker in workerd (Miniflare), with an empty in-memory D1 database bound as DB
 * (unless `opts.d1` is false),
 * the assets directory bound as ASSETS (worker first, as in wrangler.toml) and the given vars.
 */
export async function startWorker(
  vars: Record<string, string> = { ADMIN_TOKEN, AUDIT_SIGNING_KEY: SIGNING_KEY, PUBLIC_URL: 'https://grading.test' },
  opts: { d1?: boolean | Record<string, string>; onStdout?: (text: string) => void; inspector?: boolean } = {},
) {
  const onStdout = opts.onStdout;
  const mf = new Miniflare({
    // The Worker's console output (its JSON log lines), for tests that read them.
    ...(onStdout ? { handleRuntimeStdio: (stdout: NodeJS.ReadableStream) => void stdout.on('data', (d) => onStdout(String(d))) } : {}),
    modules: true,
    scriptPath: join(root, 'dist/worker-test/worker.js'),
    compatibilityDate: compatibilityDate(),
    // Without D1 the Worker falls back to DATABASE_URL (Turso over HTTP); several for several bureaus.
    ...(opts.d1 === false ? {} : { d1Databases: typeof opts.d1 === 'object' ? opts.d1 : { DB: 'workers-suite' }, d1Persist: false }),
    // The V8 inspector, for tests that sample the isolate's heap (test/workers/heap.ts).
    ...(opts.inspector ? { inspectorPort: 0, unsafeInspectorProxy: true } : {}),
    assets: {
      directory: join(root, 'dist/assets'),
      binding: 'ASSETS',
      routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true },
    },
    // The Workflow long jobs continue in (wrangler.toml [[workflows]]).
    workflows: { JOBS: { name: 'tax-grading-jobs', className: 'JobWorkflow' } },
    bindings: vars,
  });
  await mf.ready;
  return mf;
}

function compatibilityDate(): string {
  const m = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  if (!m) throw new Error('wrangler.toml has no compatibility_date');
  return m[1]!;
}

/**
 * Applies db/migrations as `wrangler d1 migrations apply` does: the .sql files in name order,
 * each split at drizzle-kit's `--> statement-breakpoint` (D1's exec() splits on lines, which
 * would cut a CREATE TRIGGER apart, so each statement is prepared whole).
 */
export async function migrate(mf: Miniflare, binding = 'DB') {
  const db = await mf.getD1Database(binding);
  const dir = join(root, 'db/migrations');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    for (const stmt of readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint')) {
      if (stmt.trim()) await db.prepare(stmt).run();
    }
  }
  return db;
}

type WorkerResponse = Awaited<ReturnType<Miniflare['dispatchFetch']>>;

/**
 * One Worker on a fresh, migrated D1 for the whole test file, started in beforeAll and disposed
 * in afterAll. Call it before the file's own beforeAll: those run after it, in order.
 * `call` is TestApp.call for the Worker (bearer token, JSON body); `user` creates a user through
 * the admin API and returns its token.
 */
export function workerOnD1() {
  let mf: Miniflare | undefined;
  let d1: Awaited<ReturnType<typeof migrate>> | undefined;
  beforeAll(async () => {
    mf = await startWorker();
    d1 = await migrate(mf);
  });
  afterAll(async () => {
    await mf?.dispose();
  });
  const call = (method: string, path: string, o: CallOpts<string> = {}): Promise<WorkerResponse> =>
    worker.mf.dispatchFetch(`https://grading.test${path}`, callInit(method, o));
  const user = async (role: string, username: string, officerCode?: string): Promise<string> => {
    const res = await call('POST', '/api/v1/users', { token: ADMIN_TOKEN, json: { username, role, officerCode } });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };
  const worker = {
    get mf(): Miniflare {
      if (!mf) throw new Error('the Worker starts in beforeAll');
      return mf;
    },
    get d1() {
      if (!d1) throw new Error('the Worker starts in beforeAll');
      return d1;
    },
    call,
    user,
  };
  return worker;
}

/**
 * Polls `probe` until it returns something other than undefined (work the Worker continues in a
 * Workflow finishes on its own time), failing after `timeoutMs`.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 120_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
