/**
 * The scheduled purge of idempotency keys: a key is remembered 24 hours (API.md), so older rows
 * only take space. One DELETE, run by the schedule (src/scheduled.ts) on Node and on the Worker's
 * cron alike. The table is a response cache, not audited data, so the purge is not audited either.
 */
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema.js';
import type { Clock } from '../core/clock.js';
import { IDEMPOTENCY_WINDOW_MS } from './middleware.js';

/** Deletes the keys older than the window; returns how many. */
export async function purgeIdempotencyKeys(deps: { db: Db; clock: Clock }): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  const [row] = await deps.db.select({ n: sql<number>`count(*)` }).from(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
  const n = Number(row?.n ?? 0);
  if (n > 0) await deps.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
  return n;
}
