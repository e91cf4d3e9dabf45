/**
 * The scan as a scheduled job: src/scheduled.ts runs it (as the `scan` job) from the Worker's
 * cron trigger and from the Node entry's timer (startSchedule in src/node.ts); `npm run scan` too.
 */
import type { Db } from '../../db/client.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AppConfig } from '../core/config.js';
import type { AuditSigner, Ctx, Invocation } from '../core/context.js';

export interface ScanDeps {
  db: Db;
  signer: AuditSigner;
  clock?: Clock;
  config: AppConfig;
  invocation?: Invocation;
}

/** The scheduler acts as a system actor, named in the audit log as `system:flag-scan`. */
export function scanCtx(deps: ScanDeps): Ctx {
  return {
    db: deps.db,
    clock: deps.clock ?? systemClock,
    signer: deps.signer,
    config: deps.config,
    invocation: deps.invocation,
    actor: { kind: 'system', name: 'flag-scan' },
  };
}
