/**
 * Idempotency keys: a response cache for retried POSTs, with its own table (`idempotency_keys`).
 * Its own module because it is neither the router (core/ imports no table) nor a domain's
 * business; every API route gets it from `src/app.ts` (docs/adr/0040-core-is-a-floor.md).
 */
import type { MiddlewareHandler } from 'hono';
import { and, eq, gt, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema.js';
import { ApiError } from '../core/errors.js';
import type { AppEnv } from '../core/http.js';
import { sha256Hex } from '../core/ids.js';

const DAY = 86_400_000;

/**
 * `Idempotency-Key` on POSTs: the same key and body within 24 h replays the first response and
 * writes nothing more; the same key with another body is 422. Keys are scoped per user. The store
 * is a response cache, not a domain write, so it is not audited.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || !key) return next();
    if (key.length > 200) throw new ApiError(400, 'validation_failed', 'Idempotency-Key is too long.', [{ path: 'Idempotency-Key', message: 'at most 200 characters' }]);
    const { db, clock, actor } = c.get('ctx');
    const scope = actor.kind === 'user' ? actor.userId : 'anon';
    const body = await c.req.raw.clone().arrayBuffer();
    const requestHash = await sha256Hex(new Uint8Array([...new TextEncoder().encode(`${c.req.method} ${c.req.path}\n`), ...new Uint8Array(body)]));
    const since = new Date(clock.now().getTime() - DAY).toISOString();
    const [hit] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, since)));
    if (hit) {
      if (hit.requestHash !== requestHash) {
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request in the last 24 hours.');
      }
      return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'idempotent-replayed': 'true' } });
    }
    await next();
    const res = c.res;
    if (res.status >= 500) return;
    const text = await res.clone().text();
    await db
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash, status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: text, createdAt: clock.now().toISOString() })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: { requestHash, status: res.status, body: text, createdAt: clock.now().toISOString() },
        setWhere: lt(idempotencyKeys.createdAt, since),
      });
  };
}

