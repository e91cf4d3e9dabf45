/**
 * Cloudflare Workers entry (docs/deploy-workers.md). Validates the bindings once per isolate,
 * builds the same app as the Node entry on D1 (binding `DB`) or on Turso over HTTP
 * (`DATABASE_URL` + `DATABASE_AUTH_TOKEN`), and serves it. Migrations are applied by the deploy
 * (`wrangler d1 migrations apply` / `drizzle-kit migrate`), never by a request.
 *
 * Nothing Node-only may be imported here, directly or through the app: `db/client.ts` is used for
 * its `Db` type only. The Workers suite (test/workers) fails if a Node built-in reaches the bundle.
 */
import { z } from 'zod';
import { count, eq } from 'drizzle-orm';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import { createClient } from '@libsql/client/web';
import * as schema from '../db/schema.js';
import { users } from '../db/schema.js';
import type { Db } from '../db/client.js';
import { createApp, type App } from './app.js';
import { ensureAdmin } from './auth/users.js';
import { systemClock } from './core/clock.js';
import { configEnv, describeEnvIssues, resolveConfig, type AppConfig } from './core/config.js';
import type { AuditSigner } from './core/context.js';
import { signerFromSeed } from './audit/signer.js';
import { runScheduled } from './scheduled.js';
import { parseWitnesses } from './audit/witness.js';
import { createLogger, type Telemetry } from './ops/telemetry.js';

/** The slice of a D1 binding we rely on (the full type lives in @cloudflare/workers-types). */
type D1Binding = Parameters<typeof drizzleD1>[0];
/** The static-assets binding (`[assets] binding = "ASSETS"`). */
interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const hasMethod = (name: string) => (v: unknown) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[name] === 'function';

function decodeSeed(b64: string): Uint8Array | null {
  try {
    const bin = atob(b64.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.length === 32 ? out : null;
  } catch {
    return null;
  }
}

export const workerEnv = configEnv
  .extend({
    DB: z.custom<D1Binding>(hasMethod('prepare'), 'DB must be a D1 binding').optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(libsql|https?):\/\//, 'DATABASE_URL must be a libsql:// or https:// URL (Turso over HTTP)')
      .optional(),
    DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
    ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
    AUDIT_SIGNING_KEY: z
      .string({ error: 'AUDIT_SIGNING_KEY (secret) is required: base64 of a 32-byte Ed25519 seed' })
      .refine((s) => decodeSeed(s) !== null, 'AUDIT_SIGNING_KEY must be base64 of exactly 32 bytes'),
    // Required here: a Worker has no localhost to default to.
    PUBLIC_URL: configEnv.shape.PUBLIC_URL.unwrap(),
    WITNESSES: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        try {
          parseWitnesses(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
    ASSETS: z.custom<AssetsBinding>(hasMethod('fetch'), 'ASSETS must be an assets binding').optional(),
  })
  .refine((e) => e.DB !== undefined || e.DATABASE_URL !== undefined, {
    message: 'bind a D1 database as DB, or set DATABASE_URL (and DATABASE_AUTH_TOKEN) for Turso',
    path: ['DB'],
  });

export type WorkerEnv = z.infer<typeof workerEnv>;

interface Built {
  app: App;
  db: Db;
  signer: AuditSigner;
  config: AppConfig;
  /** JSON lines through console.log, which Workers Logs collect; no metrics (each isolate would count alone). */
  telemetry: Telemetry;
  /** Resolves once the database has an admin (checked once per isolate). */
  ready: Promise<void>;
}

// One app per isolate: building it parses the OpenAPI routes and the bindings, which is work a
// request should not repeat. Isolates are reused for many requests and recycled by the runtime;
// an isolate serves one deployment, so its bindings do not change under it.
let built: Built | null = null;

function openDatabase(env: WorkerEnv): Db {
  if (env.DB) {
    // drizzle's D1 and libsql drivers are both its async SQLite dialect with the same query
    // builder and a `batch` that runs statements atomically, which is everything the verbs use
    // (no interactive transactions anywhere). Only the result type of raw `run()` differs, and no
    // verb reads it, so the D1 database stands in for the `Db` type.
    const db = drizzleD1(env.DB, { schema });
    patchD1Batch(db);
    return db as unknown as Db;
  }
  const client = createClient({ url: env.DATABASE_URL!, authToken: env.DATABASE_AUTH_TOKEN });
  return drizzleLibsql(client, { schema }) as unknown as Db;
}

interface D1Statement {
  bind(...params: unknown[]): unknown;
}
interface BatchQuery {
  _prepare(): { stmt?: D1Statement; getQuery(): { sql: string; params: unknown[] }; mapResult(result: unknown, isFromBatch: boolean): unknown };
}

/**
 * drizzle-orm 0.45's D1 `batch` binds parameters on `preparedQuery.stmt`, which raw queries
 * (`db.all(sql...)`, `db.run(sql...)`) do not have, so a batch holding a raw query with
 * parameters throws "Cannot read properties of undefined (reading 'bind')" on D1 while the same
 * batch works on libsql. The verbs batch raw aggregate reads and writes (grading inputs, feedback,
 * the audit tree), so the Worker prepares such items itself; everything else is drizzle's own path.
 */
export function patchD1Batch(db: ReturnType<typeof drizzleD1>): void {
  const session = (db as unknown as { session: { client: { prepare(sql: string): D1Statement; batch(stmts: unknown[]): Promise<unknown[]> }; batch: unknown } }).session;
  session.batch = async (queries: BatchQuery[]) => {
    const prepared = queries.map((q) => q._prepare());
    const statements = prepared.map((p) => {
      const { sql, params } = p.getQuery();
      return (p.stmt ?? session.client.prepare(sql)).bind(...params);
    });
    const results = await session.client.batch(statements);
    return results.map((r, i) => prepared[i]!.mapResult(r, true));
  };
}

function build(rawEnv: Record<string, unknown>): Built {
  if (built) return built;
  const parsed = workerEnv.safeParse(rawEnv);
  if (!parsed.success) {
    throw new Error(`Worker configuration is invalid: ${describeEnvIssues(parsed.error.issues)}`);
  }
  const env = parsed.data;
  const db = openDatabase(env);
  const signer = signerFromSeed(decodeSeed(env.AUDIT_SIGNING_KEY)!);
  const config: AppConfig = { ...resolveConfig(env), witnesses: parseWitnesses(env.WITNESSES) };
  const telemetry: Telemetry = { log: createLogger() };
  const assets = env.ASSETS;
  const app = createApp({
    db,
    signer,
    config,
    telemetry,
    assets: assets
      ? async (path) => {
          const res = await assets.fetch(new Request(`https://assets.invalid/${path}`));
          // A fetched response's headers are immutable; the app's middleware adds its own.
          return res.ok ? new Response(res.body, res) : null;
        }
      : undefined,
  });
  const ready = ensureAdminOnce(db, env.ADMIN_TOKEN);
  built = { app, db, signer, config, telemetry, ready };
  // A failed check (database not migrated yet, say) is retried by the next request.
  ready.catch(() => {
    if (built?.ready === ready) built = null;
  });
  return built;
}

async function ensureAdminOnce(db: Db, adminToken: string | undefined): Promise<void> {
  try {
    const printed = await ensureAdmin(db, systemClock, adminToken);
    if (printed) console.log(`No admin existed: created user "admin" with token (shown once): ${printed}`);
  } catch (err) {
    // Another isolate may have created the admin at the same moment (the username is unique).
    const [row] = await db.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
    if (!row || row.n === 0) throw err;
  }
}

function configError(err: unknown): Response {
  console.error(err);
  const detail = err instanceof Error && err.message.startsWith('Worker configuration') ? err.message : 'The service is not ready.';
  return new Response(
    JSON.stringify({ type: 'https://errors.tax-grading.invalid/unavailable', title: 'Service Unavailable', status: 503, detail, code: 'unavailable' }),
    { status: 503, headers: { 'content-type': 'application/problem+json; charset=utf-8' } },
  );
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let b: Built;
    try {
      b = build(env);
      await b.ready;
    } catch (err) {
      return configError(err);
    }
    return b.app.fetch(request, env, ctx as never);
  },

  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    const b = build(env);
    ctx.waitUntil(b.ready.then(() => runScheduled({ db: b.db, clock: systemClock, signer: b.signer, config: b.config, telemetry: b.telemetry })));
  },
};
