import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { auditEntries } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { durable } from '../../db/durable.js';
import { isBusy, isUniqueViolation } from '../../db/errors.js';
import { actorLabel, type Ctx } from '../core/context.js';
import { canonicalJson } from './canonical.js';
import { hashLeaf } from './merkle.js';
import { toHex } from '../core/ids.js';

/** What a service verb says about one write. */
export interface AuditEvent {
  action: string; // e.g. 'officer.upsert', 'flag.transition'
  entity: string; // e.g. 'officer', 'flag'
  entityId: string;
  payload: unknown;
}

export interface AuditLeaf {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  leaf: string;
  leafHash: string;
}

/**
 * The leaf bytes of an entry: canonical JSON of `{ action, actor, at, entity, entityId, payload }`.
 * The leaf index (seq) is deliberately not part of the bytes: it is the leaf's position in the
 * tree, assigned inside the batch, so the hash can be computed before the batch runs.
 */
export function leafBytes(e: Omit<AuditLeaf, 'leaf' | 'leafHash'> & { payload: unknown }): string {
  return canonicalJson({
    action: e.action,
    actor: e.actor,
    at: e.at,
    entity: e.entity,
    entityId: e.entityId,
    payload: e.payload,
  });
}

/**
 * RFC 9162 section 2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). Computed synchronously
 * (merkle.ts hashLeaf: the runtime's native SHA-256 or @noble/hashes); async for its callers.
 */
export async function leafHash(leaf: string | Uint8Array): Promise<Uint8Array> {
  return hashLeaf(leaf);
}

/** An event's leaf at `at`, with its hash, computed at once (the form's hot path builds one per request). */
export function buildLeafSync(ctx: Pick<Ctx, 'actor'>, event: AuditEvent, at: string): AuditLeaf {
  const base = { at, actor: actorLabel(ctx.actor), action: event.action, entity: event.entity, entityId: event.entityId };
  const leaf = leafBytes({ ...base, payload: event.payload ?? null });
  return { ...base, leaf, leafHash: toHex(hashLeaf(leaf)) };
}

export async function buildLeaf(ctx: Pick<Ctx, 'actor' | 'clock'>, event: AuditEvent, at?: string): Promise<AuditLeaf> {
  return buildLeafSync(ctx, event, at ?? ctx.clock.now().toISOString());
}

/**
 * The INSERT that appends one leaf. Its seq is `max(seq) + 1` evaluated inside the batch's
 * transaction: SQLite (libsql, D1, Turso) runs one writer at a time, so concurrent batches get
 * consecutive, gap-free indices and a failed batch leaves no hole.
 */
export function appendStatement(db: Db, leaf: AuditLeaf) {
  return db
    .insert(auditEntries)
    .values({
      seq: sql`(select coalesce(max(${auditEntries.seq}), -1) + 1 from ${auditEntries})`,
      at: leaf.at,
      actor: leaf.actor,
      action: leaf.action,
      entity: leaf.entity,
      entityId: leaf.entityId,
      leaf: leaf.leaf,
      leafHash: leaf.leafHash,
    })
    .returning({ seq: auditEntries.seq });
}

export type Write = BatchItem<'sqlite'>;

/**
 * Runs a verb's writes and the audit entries that record them in one `db.batch` (atomic on
 * libsql and D1) and returns once that batch is on disk (`durable`, db/durable.ts). Returns the
 * statement results and each event's leaf index and leaf hash (the receipt a taxpayer or decider
 * gets), in event order.
 */
export async function commit(
  ctx: Pick<Ctx, 'db' | 'actor' | 'clock'>,
  writes: Write[],
  events: AuditEvent[],
): Promise<{ results: unknown[]; auditIndices: number[]; leafHashes: string[] }> {
  if (events.length === 0) throw new Error('commit: every write must be audited');
  const at = ctx.clock.now().toISOString();
  const leaves = await Promise.all(events.map((e) => buildLeaf(ctx, e, at)));
  const appends = leaves.map((l) => appendStatement(ctx.db, l));
  const all = [...writes, ...appends] as [Write, ...Write[]];
  const results = await batchWithSeqRetry(ctx.db, all);
  // A verb answers only once its commit is on disk (db/durable.ts: an fsync off the event loop).
  await durable(ctx.db);
  const auditIndices = results
    .slice(writes.length)
    .map((r) => (r as { seq: number }[])[0]!.seq);
  return { results: results.slice(0, writes.length), auditIndices, leafHashes: leaves.map((l) => l.leafHash) };
}

/** Attempts of a batch that lost the race for the next seq (docs/adr/0001-audit-seq-is-assigned-inside-the-writing-batch.md). */
export const SEQ_RACE_ATTEMPTS = 3;

/**
 * True for the two ways a batch can lose the race for the next audit seq: the PRIMARY KEY of
 * audit_entries refusing a duplicate seq (two transactions that both read max(seq), possible on a
 * remote server that does not serialize whole batches), or SQLite's BUSY (a write lock not granted
 * in time, or a read snapshot overtaken by another writer). Any other failure, including every
 * other constraint, is the verb's own and is never retried.
 */
export function isSeqRace(err: unknown): boolean {
  return isUniqueViolation(err, 'audit_entries.seq') || isBusy(err);
}

/**
 * `db.batch` with a bounded retry when it lost the race for the next seq. Safe because a failed
 * batch is rolled back whole (nothing of it is visible) and the statements recompute seq as
 * max + 1 when they run again.
 */
async function batchWithSeqRetry(db: Db, all: [Write, ...Write[]]): Promise<unknown[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await db.batch(all)) as unknown[];
    } catch (err) {
      if (attempt >= SEQ_RACE_ATTEMPTS || !isSeqRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
