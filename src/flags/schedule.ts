/** The in-process scan schedule for the Node entry (Workers use the cron trigger instead). */
import type { Db } from '../../db/client.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AppConfig, Ctx } from '../core/context.js';
import type { AuditSigner } from '../audit/signer.js';
import { defaultConfig } from '../app.js';
import { scanFlags } from './scan.js';

export interface ScanDeps {
  db: Db;
  signer: AuditSigner;
  clock?: Clock;
  config?: Partial<AppConfig>;
  log?: (line: string) => void;
}

/** The scheduler acts as a system actor, named in the audit log as `system:flag-scan`. */
export function scanCtx(deps: ScanDeps): Ctx {
  return {
    db: deps.db,
    clock: deps.clock ?? systemClock,
    signer: deps.signer,
    config: { ...defaultConfig, ...deps.config },
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

/**
 * Starts a scan every `everyMs` ms (not overlapping: a slow scan delays the next). Returns a stop
 * function. The timer is unref'd so it never keeps the process alive on its own.
 */
export function startScanSchedule(deps: ScanDeps, everyMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    await runScheduledScan(deps);
    if (!stopped) {
      timer = setTimeout(tick, everyMs);
      (timer as { unref?: () => void }).unref?.();
    }
  };
  timer = setTimeout(tick, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
