/**
 * The scan as a scheduled job: src/scheduled.ts runs it from the Worker's cron trigger and from
 * the Node entry's timer (startSchedule in src/node.ts).
 */
import type { Db } from '../../db/client.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AppConfig } from '../core/config.js';
import type { AuditSigner, Ctx } from '../core/context.js';
import { scanFlags } from './scan.js';

export interface ScanDeps {
  db: Db;
  signer: AuditSigner;
  clock?: Clock;
  config: AppConfig;
  log?: (line: string) => void;
}

/** The scheduler acts as a system actor, named in the audit log as `system:flag-scan`. */
export function scanCtx(deps: ScanDeps): Ctx {
  return {
    db: deps.db,
    clock: deps.clock ?? systemClock,
    signer: deps.signer,
    config: deps.config,
    actor: { kind: 'system', name: 'flag-scan' },
  };
}

/** One scheduled scan; errors are logged, never thrown into the timer. */
export async function runScheduledScan(deps: ScanDeps) {
  const log = deps.log ?? ((l: string) => console.log(l));
  try {
    const out = await scanFlags({ ctx: scanCtx(deps) });
    log(`flag scan: ${out.raised} raised of ${out.candidates} candidates`);
    return out;
  } catch (err) {
    console.error('flag scan failed', err);
    return null;
  }
}
