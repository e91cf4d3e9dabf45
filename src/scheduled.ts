/**
 * Periodic work (flag scans, checkpoint signing, expiry sweeps). One function for both entries:
 * the Worker's cron trigger (`scheduled` in src/worker.ts, `[triggers] crons` in wrangler.toml)
 * and, on Node, a timer in the Node entry. Each job acts as a system actor and writes through
 * `commit()` like any verb, so a run that fails half-way leaves nothing behind.
 */
import type { Db } from '../db/client.js';
import type { Clock } from './core/clock.js';
import type { AppConfig } from './core/config.js';
import type { AuditSigner } from './core/context.js';
import { runScheduledScan } from './flags/schedule.js';
import { makeCheckpoint } from './audit/checkpoint.js';

export interface ScheduledDeps {
  db: Db;
  clock: Clock;
  signer: AuditSigner;
  config: AppConfig;
}

/** Runs every periodic job once. Jobs are added here by their domains; none yet. */
export async function runScheduled(deps: ScheduledDeps): Promise<void> {
  await runScheduledScan(deps);
  // Last, so the signed checkpoint covers what the jobs above wrote; a refusal throws (and logs).
  await makeCheckpoint(deps);
}
