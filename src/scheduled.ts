/**
 * Periodic work (flag scans, retention, checkpoint signing, witnessing, expiry sweeps). One function for both
 * entries: the Worker's cron trigger (`scheduled` in src/worker.ts, `[triggers] crons` in
 * wrangler.toml) and, on Node, a timer in the Node entry. Each job acts as a system actor and
 * writes through `commit()` like any verb, so a run that fails half-way leaves nothing behind.
 * Each job run is one log line with its figures, and counted in /metrics (runJob, src/ops).
 */
import type { Db } from '../db/client.js';
import type { Clock } from './core/clock.js';
import type { AppConfig } from './core/config.js';
import type { AuditSigner, Invocation } from './core/context.js';
import { scanCtx } from './flags/schedule.js';
import { scanFlags } from './flags/scan.js';
import { makeCheckpoint } from './audit/checkpoint.js';
import { witnessCheckpoint } from './audit/witness.js';
import { purgeIdempotencyKeys } from './idempotency/purge.js';
import { retentionCtx, runRetention } from './retention/job.js';
import { quietTelemetry, runJob, type Telemetry } from './ops/telemetry.js';
import { lapseReviews } from './decisions/lapse.js';
import { scheduledSpotCheck } from './spot-checks/create.js';
import { scheduledPublicSummary } from './public-summary/publish.js';
import { deliveryCtx, runDelivery } from './delivery/job.js';

export interface ScheduledDeps {
  db: Db;
  clock: Clock;
  signer: AuditSigner;
  config: AppConfig;
  telemetry?: Telemetry;
  /** The invocation's limits (the Worker): the scan spends what is left and hands the rest over. */
  invocation?: Invocation;
}

/**
 * Runs every periodic job once; each runs even when an earlier one failed. Throws at the end if
 * any failed (already logged), so the Worker's cron invocation shows the failure too.
 */
export async function runScheduled(deps: ScheduledDeps): Promise<void> {
  const t = deps.telemetry ?? quietTelemetry;
  const failed: string[] = [];
  const as = (name: string) => ({ ...scanCtx(deps), actor: { kind: 'system' as const, name } });
  // Before the scan, so a review that lapsed is a no-quorum case in the same run.
  const lapse = await runJob(t, 'review-lapse', () => lapseReviews({ ctx: as('review-lapse') }), (o) => ({ lapsed: o.lapsed }));
  if (!lapse.ok) failed.push(`review-lapse: ${lapse.error}`);
  const spot = await runJob(t, 'spot-check', () => scheduledSpotCheck({ ctx: as('spot-check') }), (o) => ({ period: o.period, drawn: o.drawn, items: o.items }));
  if (!spot.ok) failed.push(`spot-check: ${spot.error}`);
  const pub = await runJob(t, 'public-summary', () => scheduledPublicSummary({ ctx: as('public-summary') }), (o) => ({ period: o.period, published: o.published }));
  if (!pub.ok) failed.push(`public-summary: ${pub.error}`);
  const retention = await runJob(t, 'retention', () => runRetention({ ctx: retentionCtx(deps) }), (r) => ({ linksCut: r.linksCut, responsesErased: r.responsesErased, complaintsErased: r.complaintsErased }));
  if (!retention.ok) failed.push(`retention: ${retention.error}`);
  const delivery = await runJob(t, 'delivery', () => runDelivery(deliveryCtx(deps)), (o) => ({ ...o }));
  if (!delivery.ok) failed.push(`delivery: ${delivery.error}`);
  // The longest job last but one: the jobs above do not wait on it (a scan that runs long, or
  // hands its rest to a Workflow, delays no message and no erasure).
  const scan = await runJob(t, 'scan', () => scanFlags({ ctx: scanCtx(deps) }), (o) => ({ raised: o.raised, candidates: o.candidates }));
  if (!scan.ok) failed.push(`scan: ${scan.error}`);
  // After the scan, so the signed checkpoint covers what it wrote; a refusal fails the job.
  const cp = await runJob(t, 'checkpoint', () => makeCheckpoint(deps), (c) => ({ size: c.size, signedAt: c.timestamp }));
  if (!cp.ok) failed.push(`checkpoint: ${cp.error}`);
  if (cp.ok && deps.config.witnesses?.length) {
    const witnessed = await runJob(
      t,
      'witness',
      async () => {
        const results = await witnessCheckpoint(deps, cp.value);
        const bad = results.filter((r) => r.outcome !== 'cosigned');
        // A refusal is the alarm witnesses exist for; an unreachable witness is worth one too.
        if (bad.length) throw new Error(bad.map((r) => `${r.outcome}: ${r.problem}`).join('; '));
        return results;
      },
      (results) => ({ size: cp.value.size, cosigned: results.length }),
    );
    if (!witnessed.ok) failed.push(`witness: ${witnessed.error}`);
  }
  const purged = await runJob(t, 'idempotency-purge', () => purgeIdempotencyKeys(deps), (n) => ({ purged: n }));
  if (!purged.ok) failed.push(`idempotency-purge: ${purged.error}`);
  if (failed.length) throw new Error(`scheduled jobs failed: ${failed.join('; ')}`);
}
