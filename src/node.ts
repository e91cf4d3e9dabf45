/**
 * Node entry: reads the configuration once, opens and migrates the database, makes sure there is
 * an admin, and serves the app. `npm start` runs this; it never adds demo data.
 */
import { serve } from '@hono/node-server';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { openDb, migrateDb } from '../db/client.js';
import { createApp } from './app.js';
import { ensureAdmin } from './auth/users.js';
import { systemClock } from './core/clock.js';
import { randomSeed, signerFromSeed } from './audit/signer.js';
import { resolveConfig, type AppConfig } from './core/config.js';
import type { AuditSigner } from './core/context.js';
import { runScheduled, type ScheduledDeps } from './scheduled.js';
import { parseWitnesses } from './audit/witness.js';
import { createLogger } from './ops/telemetry.js';
import { createMetrics } from './ops/metrics.js';
import { startBackups } from './ops/backup-schedule.js';
import { repairStoredText } from './ops/text-repair.js';

export interface NodeConfig {
  databaseUrl: string;
  databaseAuthToken?: string;
  port: number;
  adminToken?: string;
  signingKey?: string;
  /** What the app is given (public URL, bureau name, log origin). */
  config: AppConfig;
  /** Minutes between scheduled jobs (flag scan, checkpoint); 0 turns the schedule off. */
  scheduleMinutes: number;
  /** Bearer token of GET /metrics; unset: no metrics. */
  metricsToken?: string;
  /** Scheduled backups: the directory (unset: none), the period and how many to keep. */
  backupDir?: string;
  backupEveryHours: number;
  backupKeep: number;
  /** Bytes of request bodies admitted at once (`BODY_BUDGET_MIB`; docs/limits.md); unset: the app's default. */
  bodyBudgetBytes?: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const port = Number(env.PORT ?? 8787);
  return {
    databaseUrl: env.DATABASE_URL ?? 'file:./data/app.db',
    databaseAuthToken: env.DATABASE_AUTH_TOKEN,
    port,
    adminToken: env.ADMIN_TOKEN,
    signingKey: env.AUDIT_SIGNING_KEY,
    scheduleMinutes: Number(env.SCHEDULE_MINUTES ?? 15),
    // On Node the public URL defaults to this server itself.
    config: {
      ...resolveConfig({ ...env, PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${port}` }),
      // Parsed and checked here, so a bad entry stops the start naming it.
      witnesses: parseWitnesses(env.WITNESSES),
    },
    metricsToken: env.METRICS_TOKEN || undefined,
    backupDir: env.BACKUP_DIR || undefined,
    backupEveryHours: Number(env.BACKUP_EVERY_HOURS ?? 24),
    backupKeep: Number(env.BACKUP_KEEP ?? 7),
    bodyBudgetBytes: env.BODY_BUDGET_MIB ? Number(env.BODY_BUDGET_MIB) * 1024 * 1024 : undefined,
  };
}

/**
 * The checkpoint signing key: `AUDIT_SIGNING_KEY` (base64 of a 32-byte Ed25519 seed), or, for a
 * file database, a key file beside it, created on first start (mode 0600).
 */
export function loadSigner(cfg: NodeConfig): AuditSigner {
  if (cfg.signingKey) return signerFromSeed(Uint8Array.from(Buffer.from(cfg.signingKey, 'base64')));
  if (cfg.databaseUrl.startsWith('file:')) {
    const keyPath = join(dirname(resolve(cfg.databaseUrl.slice('file:'.length))), 'audit-signing.key');
    if (!existsSync(keyPath)) {
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, Buffer.from(randomSeed()).toString('base64') + '\n', { mode: 0o600 });
    }
    return signerFromSeed(Uint8Array.from(Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64')));
  }
  throw new Error('AUDIT_SIGNING_KEY is required for a remote database (base64 of a 32-byte Ed25519 seed).');
}

const require = createRequire(import.meta.url);

/** Files of npm packages the pages use (the docs UI), served from node_modules. */
export async function packageAsset(path: string): Promise<Response | null> {
  const m = /^([a-z0-9@/_-]+?)\/([A-Za-z0-9._-]+)$/.exec(path);
  if (!m) return null;
  let file: string;
  try {
    file = join(dirname(require.resolve(`${m[1]}/package.json`)), m[2]!);
  } catch {
    return null;
  }
  if (!existsSync(file)) return null;
  const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
  return new Response(readFileSync(file), { headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' } });
}

export async function startNode(cfg: NodeConfig = readConfig()) {
  const { db, client } = await openDb({ url: cfg.databaseUrl, authToken: cfg.databaseAuthToken });
  await migrateDb(db);
  const printed = await ensureAdmin(db, systemClock, cfg.adminToken);
  if (printed) console.log(`No admin existed: created user "admin" with token (shown once):\n  ${printed}`);
  const signer = loadSigner(cfg);
  const { config } = cfg;
  const telemetry = { log: createLogger(), metrics: cfg.metricsToken ? createMetrics({ db, config, backupDir: cfg.backupDir }) : undefined };
  // Before the first request: text an older version stored as invalid UTF-8 would abort the
  // process when read (libsql), so it is repaired, audited, first (src/ops/text-repair.ts).
  const repaired = await repairStoredText({ db, clock: systemClock });
  if (repaired.length) telemetry.log.warn({ cells: repaired.length, tables: [...new Set(repaired.map((r) => r.table))] }, 'repaired stored text that was not UTF-8');
  const app = createApp({ db, signer, config, assets: packageAsset, telemetry, metricsToken: cfg.metricsToken, bodyBudgetBytes: cfg.bodyBudgetBytes });
  const server = serve({ fetch: app.fetch, port: cfg.port });
  // The URL without its query string, where a libsql URL may carry an auth token.
  telemetry.log.info({ port: cfg.port, database: cfg.databaseUrl.split('?')[0] }, 'listening');
  const stopSchedule = startSchedule({ db, signer, clock: systemClock, config, telemetry }, cfg.scheduleMinutes * 60_000);
  const stopBackups = startBackups({
    dir: cfg.backupDir ?? '',
    everyHours: cfg.backupEveryHours,
    keep: cfg.backupKeep,
    databaseUrl: cfg.databaseUrl,
    publicKey: signer.publicKey,
    telemetry,
  });
  return { app, db, client, server, stopSchedule, stopBackups };
}

/**
 * The Node counterpart of the Worker's cron trigger: runs the periodic jobs (src/scheduled.ts)
 * every `everyMs`, never overlapping, on an unref'd timer so it never keeps the process alive.
 */
export function startSchedule(deps: ScheduledDeps, everyMs: number): () => void {
  if (!(everyMs > 0)) return () => {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await runScheduled(deps);
    } catch {
      // Each failed job has logged its own line (runJob, src/ops/telemetry.ts); the next tick retries.
    }
    if (!stopped) timer = setTimeout(tick, everyMs).unref();
  };
  timer = setTimeout(tick, everyMs).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  startNode().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
