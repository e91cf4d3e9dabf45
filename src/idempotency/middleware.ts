/**
 * Idempotency keys: a response cache for retried POSTs, with its own table (`idempotency_keys`).
 * Its own module because it is neither the router (core/ imports no table) nor a domain's
 * business; every API route gets it from `src/app.ts` (docs/adr/0040-core-is-a-floor.md), after
 * the body limit and after authentication.
 *
 * The key is claimed before the work, atomically, and released if the work fails
 * (docs/adr/0057-idempotency-keys-are-claimed-before-the-work.md): one INSERT ... ON CONFLICT
 * decides which of several concurrent requests with the same key does the work; the others never
 * run the handler, so the stored response is always the writer's.
 */
import type { MiddlewareHandler } from 'hono';
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema.js';
import { readBodyHashed } from '../core/body.js';
import { ApiError } from '../core/errors.js';
import type { AppEnv } from '../core/http.js';

/** How long a key is remembered (API.md: 24 h); older keys are free again and purged by the schedule. */
export const IDEMPOTENCY_WINDOW_MS = 86_400_000;

/** `status` of a claimed key whose request is still running (no response stored yet). */
export const IN_PROGRESS = 0;

/** A key is 1-200 visible ASCII characters (it is stored, and echoed in no page). */
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on POSTs (API.md Conventions): the same key and body within 24 h replays the
 * first response and writes nothing more; the same key with another body is 422; a key whose
 * request is still running is 409 `idempotency_key_in_use`. Keys are scoped per user, and only
 * authenticated requests are remembered: an anonymous one stores nothing (its route answers 401,
 * or serves it if public). The store is a response cache, not a domain write, so it is not audited.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    const { db, clock, actor } = c.get('ctx');
    if (actor.kind !== 'user') return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'validation_failed', 'Idempotency-Key must be 1 to 200 visible ASCII characters.', [
        { path: 'Idempotency-Key', message: 'expected 1-200 visible ASCII characters' },
      ]);
    }
    const scope = actor.userId;
    const url = new URL(c.req.url);
    const requestHash = await readBodyHashed(c, `${c.req.method} ${url.pathname}${url.search}\n`);
    const now = clock.now();
    const claimedAt = now.toISOString();
    const expired = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();

    // The claim: a new row, or a row of this key older than the window taken over. A live row
    // (finished or still running) is left alone, and then nothing is returned.
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash, status: IN_PROGRESS, contentType: '', body: '', createdAt: claimedAt })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: { requestHash, status: IN_PROGRESS, contentType: '', body: '', createdAt: claimedAt },
        setWhere: lt(idempotencyKeys.createdAt, expired),
      })
      .returning({ key: idempotencyKeys.key });

    if (claimed.length === 0) {
      const [hit] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (hit && hit.requestHash !== requestHash) {
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request in the last 24 hours.');
      }
      if (!hit || hit.status === IN_PROGRESS) {
        throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry it once that one has finished.');
      }
      return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'idempotent-replayed': 'true' } });
    }

    // This request owns the key: it does the work, then stores its response, or frees the key
    // when there is nothing to store (a 5xx: the work did not happen, a retry may try again).
    const mine = and(
      eq(idempotencyKeys.scope, scope),
      eq(idempotencyKeys.key, key),
      eq(idempotencyKeys.createdAt, claimedAt),
      eq(idempotencyKeys.status, IN_PROGRESS),
    );
    let stored = false;
    try {
      await next();
      const res = c.res;
      if (res.status < 500) {
        const text = await res.clone().text();
        await db
          .update(idempotencyKeys)
          .set({ status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: text })
          .where(mine);
        stored = true;
      }
    } finally {
      if (!stored) await db.delete(idempotencyKeys).where(mine);
    }
  };
}
