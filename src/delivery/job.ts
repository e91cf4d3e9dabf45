/**
 * The delivery job (src/scheduled.ts runs it on the Node timer and the Worker's cron): one run
 *
 * 1. cancels the pending messages of invitations that were answered or expired, whether due or
 *    not (nothing reminds a taxpayer who has rated, and the address need not wait for day 7);
 * 2. sends the messages that are due, at most RUN_BATCH, SEND_CONCURRENCY at a time: a signed
 *    POST to DELIVERY_WEBHOOK_URL (src/delivery/signature.ts). 2xx: delivered. A 4xx other than
 *    408/425/429 is the gateway refusing the message for good: failed, and the invitation's other
 *    messages are cancelled. Anything else (5xx, timeout, no connection) is tried again after a
 *    backoff (policy.ts), until MAX_ATTEMPTS: then failed, likewise;
 * 3. erases the address and link of every invitation with no message left pending.
 *
 * Steps 1-2 are one commit with one `delivery.run` audit entry listing what happened to which
 * message (ids, attempts and outcomes; never an address); step 3 is one commit with one
 * `delivery.erase` entry listing the invitations. Delivery is at least once: two overlapping runs
 * (two cron isolates) may both send a message, which the gateway recognises by its id.
 */
import { and, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { deliveryOutbox, deliveryTargets, invitations } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../core/clock.js';
import type { AppConfig, DeliveryConfig } from '../core/config.js';
import type { AuditSigner, Ctx } from '../core/context.js';
import { commit, type AuditEvent, type Write } from '../audit/append.js';
import { newId } from '../core/ids.js';
import { backoffMs, MAX_ATTEMPTS, RUN_BATCH, SEND_CONCURRENCY, SEND_TIMEOUT_MS } from './policy.js';
import { signatureHeaders } from './signature.js';
import { unseal } from './seal.js';
import { messageText, type MessageKind } from './messages.js';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  config: AppConfig;
  signer: AuditSigner;
}

/** The job acts as a system actor, named in the audit log as `system:delivery`. */
export function deliveryCtx(deps: DeliveryDeps): Ctx {
  return { db: deps.db, clock: deps.clock, config: deps.config, signer: deps.signer, actor: { kind: 'system', name: 'delivery' } };
}

export interface DeliveryRun {
  configured: boolean;
  delivered: number;
  retrying: number;
  failed: number;
  cancelled: number;
  erased: number;
}

type Due = { id: string; invitationId: string; kind: MessageKind; attempts: number; channel: string; lang: 'zh-CN' | 'en'; sealed: string | null };
type Outcome =
  | { id: string; invitationId: string; result: 'delivered'; attempts: number }
  | { id: string; invitationId: string; result: 'retry'; attempts: number; error: string }
  | { id: string; invitationId: string; result: 'failed'; attempts: number; error: string };

/** One attempt: the signed POST, and what its answer means. */
async function attempt(gateway: DeliveryConfig, ctx: Ctx, m: Due): Promise<Outcome> {
  const attempts = m.attempts + 1;
  const base = { id: m.id, invitationId: m.invitationId, attempts };
  const target = m.sealed ? await unseal(gateway.secret, m.sealed) : null;
  // Sealed under another secret (rotated since), or erased: this message can never be sent.
  if (!target) return { ...base, result: 'failed', error: 'address cannot be opened' };
  const body = JSON.stringify({
    id: m.id,
    kind: m.kind,
    channel: m.channel,
    address: target.address,
    lang: m.lang,
    text: messageText(m.kind, m.lang, { bureau: ctx.config.bureauName, url: target.url }),
    url: target.url,
    attempt: attempts,
  });
  const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
  let status: number;
  try {
    const res = await fetch(gateway.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(await signatureHeaders(gateway.secret, m.id, body, timestamp)) },
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    status = res.status;
    await res.body?.cancel();
  } catch (err) {
    const error = (err as Error).name === 'TimeoutError' ? 'timeout' : 'no connection';
    return attempts >= MAX_ATTEMPTS ? { ...base, result: 'failed', error } : { ...base, result: 'retry', error };
  }
  if (status >= 200 && status < 300) return { ...base, result: 'delivered' };
  const error = `HTTP ${status}`;
  const final = (status >= 400 && status < 500 && ![408, 425, 429].includes(status)) || attempts >= MAX_ATTEMPTS;
  return final ? { ...base, result: 'failed', error } : { ...base, result: 'retry', error };
}

/** Runs `fn` over `items`, `limit` at a time, keeping their order. */
async function pooled<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

export async function runDelivery(ctx: Ctx): Promise<DeliveryRun> {
  const now = ctx.clock.now().toISOString();
  const gateway = ctx.config.delivery;
  const writes: Write[] = [];
  const o = deliveryOutbox;

  // 1. Answered or expired: nothing more to send.
  const moot = await ctx.db
    .select({ id: o.id })
    .from(o)
    .innerJoin(invitations, eq(invitations.id, o.invitationId))
    .where(and(eq(o.status, 'pending'), sql`(${invitations.usedAt} is not null or ${invitations.expiresAt} <= ${now})`));
  const cancelled = new Set(moot.map((m) => m.id));

  // 2. Due messages, oldest first.
  let outcomes: Outcome[] = [];
  if (gateway) {
    const due = (await ctx.db
      .select({ id: o.id, invitationId: o.invitationId, kind: o.kind, attempts: o.attempts, channel: deliveryTargets.channel, lang: deliveryTargets.lang, sealed: deliveryTargets.sealed })
      .from(o)
      .innerJoin(deliveryTargets, eq(deliveryTargets.invitationId, o.invitationId))
      .where(and(eq(o.status, 'pending'), lte(o.nextAttemptAt, now)))
      .orderBy(o.nextAttemptAt, o.id)
      .limit(RUN_BATCH + cancelled.size)) as Due[];
    outcomes = await pooled(
      due.filter((m) => !cancelled.has(m.id)).slice(0, RUN_BATCH),
      SEND_CONCURRENCY,
      (m) => attempt(gateway, ctx, m),
    );
  }
  // A message that failed for good takes the invitation's other pending messages with it.
  const failedInvitations = [...new Set(outcomes.filter((x) => x.result === 'failed').map((x) => x.invitationId))];
  if (failedInvitations.length) {
    const rest = await ctx.db.select({ id: o.id }).from(o).where(and(eq(o.status, 'pending'), inArray(o.invitationId, failedInvitations)));
    const sent = new Set(outcomes.map((x) => x.id));
    for (const r of rest) if (!sent.has(r.id)) cancelled.add(r.id);
  }

  const stillPending = eq(o.status, 'pending');
  for (const x of outcomes) {
    const where = and(eq(o.id, x.id), stillPending);
    if (x.result === 'delivered') writes.push(ctx.db.update(o).set({ status: 'delivered', attempts: x.attempts, doneAt: now, lastError: null }).where(where));
    else if (x.result === 'failed') writes.push(ctx.db.update(o).set({ status: 'failed', attempts: x.attempts, doneAt: now, lastError: x.error }).where(where));
    else writes.push(ctx.db.update(o).set({ attempts: x.attempts, lastError: x.error, nextAttemptAt: new Date(Date.parse(now) + backoffMs(x.attempts)).toISOString() }).where(where));
  }
  const cancelIds = [...cancelled];
  for (let i = 0; i < cancelIds.length; i += 500) {
    writes.push(ctx.db.update(o).set({ status: 'cancelled', doneAt: now }).where(and(inArray(o.id, cancelIds.slice(i, i + 500)), stillPending)));
  }
  if (writes.length) {
    const event: AuditEvent = {
      action: 'delivery.run',
      entity: 'delivery_run',
      entityId: newId('drun', ctx.clock.now()),
      payload: {
        delivered: outcomes.filter((x) => x.result === 'delivered').map((x) => ({ id: x.id, attempts: x.attempts })),
        retrying: outcomes.filter((x) => x.result === 'retry').map((x) => ({ id: x.id, attempts: x.attempts, error: 'error' in x ? x.error : null })),
        failed: outcomes.filter((x) => x.result === 'failed').map((x) => ({ id: x.id, attempts: x.attempts, error: 'error' in x ? x.error : null })),
        cancelled: cancelIds,
      },
    };
    await commit(ctx, writes, [event]);
  }

  // 3. Done: erase the address and the link.
  const done = await ctx.db
    .select({ invitationId: deliveryTargets.invitationId })
    .from(deliveryTargets)
    .where(and(isNotNull(deliveryTargets.sealed), sql`not exists (select 1 from ${o} where ${o.invitationId} = ${deliveryTargets.invitationId} and ${o.status} = 'pending')`));
  const erased = done.map((d) => d.invitationId);
  if (erased.length) {
    const eraseWrites: Write[] = [];
    for (let i = 0; i < erased.length; i += 500) {
      eraseWrites.push(
        ctx.db
          .update(deliveryTargets)
          .set({ sealed: null, erasedAt: now })
          .where(and(inArray(deliveryTargets.invitationId, erased.slice(i, i + 500)), sql`not exists (select 1 from ${o} where ${o.invitationId} = ${deliveryTargets.invitationId} and ${o.status} = 'pending')`)),
      );
    }
    await commit(ctx, eraseWrites, [{ action: 'delivery.erase', entity: 'delivery_run', entityId: newId('drun', ctx.clock.now()), payload: { invitations: erased } }]);
  }
  const count = (r: Outcome['result']) => outcomes.filter((x) => x.result === r).length;
  return { configured: Boolean(gateway), delivered: count('delivered'), retrying: count('retry'), failed: count('failed'), cancelled: cancelIds.length, erased: erased.length };
}
