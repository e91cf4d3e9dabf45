import { sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { auditEntries } from '../../db/schema.js';
import { durable } from '../../db/durable.js';
import { asBatchItem, type Statement } from '../../db/prepared.js';
import { groupPosition, jsonField, jsonRows, statementText, target } from '../../db/json-rows.js';
import { jsonParamText } from '../../db/json-param.js';
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
 * The seq of a leaf about to be appended: `max(seq) + position`, evaluated inside the batch's
 * transaction. SQLite (libsql, D1, Turso) runs one writer at a time, so concurrent batches get
 * consecutive, gap-free indices and a failed batch leaves no hole. `position` counts the leaves
 * appended in this transaction so far, 1 for the first. The one numbering rule: a write that
 * records its own leaf index (a response's `audit_index`) computes it with the same expression.
 */
export function leafSeq(position: SQL): SQL {
  return sql`(select coalesce(max(${auditEntries.seq}), -1) from ${auditEntries}) + ${position}`;
}

/** The seq the first leaf of this batch's `commit()` gets, for a write placed before it. */
export const nextLeafSeq = (): SQL => leafSeq(sql`1`);

/** A leaf's fields as its JSON carries them: the property names of the audit_entries table. */
const LEAF_FIELDS = ['at', 'actor', 'action', 'entity', 'entityId', 'leaf', 'leafHash'] as const satisfies readonly (keyof AuditLeaf)[];

/**
 * The statement text that appends the leaves of its JSON parameter in order, numbered by
 * `leafSeq`, and returns `seq` and `entityId` of each appended leaf. With `onlyIfStored`, a leaf is
 * appended only if a row with its entityId exists in that column's table: the leaf of a write
 * that turned out a no-op (the form's conditional group write) is left out, and the leaves after
 * it are numbered without a gap.
 */
function appendText(onlyIfStored?: SQLiteColumn): string {
  const e = auditEntries;
  const stored = onlyIfStored
    ? sql`where exists (select 1 from ${onlyIfStored.table} where ${onlyIfStored} = ${jsonField('entityId')})`
    : sql``;
  return statementText(sql`
    insert into ${e} (${target(e.seq)}, ${sql.join(LEAF_FIELDS.map((f) => target(e[f])), sql`, `)})
    select ${leafSeq(groupPosition)}, ${sql.join(LEAF_FIELDS.map(jsonField), sql`, `)}
    from ${jsonRows}
    ${stored}
    returning ${target(e.seq)}, ${target(e.entityId)} as "entityId"`);
}

const appendTexts = new Map<SQLiteColumn | undefined, string>();

/** JSON text per statement at most: D1 caps a value at 2 MB; the rest is a margin. */
const MAX_JSON_CHARS = 500_000;

/**
 * The statements that append `leaves`, in order: one statement per ~0.5 MB of leaves (usually
 * one), whatever their number. The only way leaves are appended: `commit()` puts these into a
 * verb's batch, and the feedback form's group write (src/feedback/submit.ts) into its own.
 * Each statement returns `{ seq, entityId }` per appended leaf, in no particular order.
 */
export function appendLeaves(leaves: readonly AuditLeaf[], opts: { onlyIfStored?: SQLiteColumn } = {}): Statement[] {
  let text = appendTexts.get(opts.onlyIfStored);
  if (!text) appendTexts.set(opts.onlyIfStored, (text = appendText(opts.onlyIfStored)));
  const statements: Statement[] = [];
  let chunk: string[] = [];
  let chars = 0;
  const flush = () => {
    if (chunk.length) statements.push({ sql: text, args: [jsonParamText(`[${chunk.join(',')}]`)], rows: true });
    chunk = [];
    chars = 0;
  };
  for (const l of leaves) {
    const json = JSON.stringify({ at: l.at, actor: l.actor, action: l.action, entity: l.entity, entityId: l.entityId, leaf: l.leaf, leafHash: l.leafHash });
    if (chars + json.length > MAX_JSON_CHARS) flush();
    chunk.push(json);
    chars += json.length;
  }
  flush();
  return statements;
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
  const leaves = events.map((e) => buildLeafSync(ctx, e, at));
  const appends = appendLeaves(leaves).map((s) => asBatchItem(ctx.db, s));
  const all = [...writes, ...appends] as [Write, ...Write[]];
  const results = await withSeqRetry(async () => (await ctx.db.batch(all)) as unknown[]);
  // A verb answers only once its commit is on disk (db/durable.ts: an fsync off the event loop).
  await durable(ctx.db);
  // Every leaf was appended (no condition), numbered in event order: the seqs sorted.
  const auditIndices = results
    .slice(writes.length)
    .flatMap((rows) => (rows as { seq: number }[]).map((r) => Number(r.seq)))
    .sort((a, b) => a - b);
  if (auditIndices.length !== leaves.length) throw new Error(`commit: ${leaves.length} leaves, ${auditIndices.length} appended`);
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
 * Runs `write` (a batch or group write that appends leaves) again, a bounded number of times, when
 * it lost the race for the next seq. Safe because a failed batch is rolled back whole (nothing of
 * it is visible) and the statements recompute seq as max + 1 when they run again. Used by
 * `commit()` and by the feedback form's group write alike.
 */
export async function withSeqRetry<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= SEQ_RACE_ATTEMPTS || !isSeqRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
