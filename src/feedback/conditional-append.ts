/**
 * A conditional audit append, for batches in which some items may turn out to be no-ops (the
 * group commit of feedback submissions). src/audit/append.ts's appendStatement always appends;
 * this variant appends only when `condition` holds at that point of the batch, so the leaf of a
 * submission that lost a race is never written and the log stays gap-free and truthful.
 */
import { sql, type SQL } from 'drizzle-orm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Db } from '../../db/client.js';
import { leafBytes, type AuditEvent, type AuditLeaf } from '../audit/append.js';
import { actorLabel, type Ctx } from '../core/context.js';

/**
 * The same leaf as append.ts's buildLeaf (RFC 9162 section 2.1.1: SHA-256(0x00 || leaf)), computed
 * synchronously: a submission builds its leaf on the hot path and WebCrypto's digest would cost a
 * thread-pool round trip per request.
 */
export function buildLeafSync(ctx: Pick<Ctx, 'actor'>, event: AuditEvent, at: string): AuditLeaf {
  const base = { at, actor: actorLabel(ctx.actor), action: event.action, entity: event.entity, entityId: event.entityId };
  const leaf = leafBytes({ ...base, payload: event.payload ?? null });
  const bytes = utf8ToBytes(leaf);
  const buf = new Uint8Array(bytes.length + 1);
  buf.set(bytes, 1);
  return { ...base, leaf, leafHash: bytesToHex(sha256(buf)) };
}

/**
 * `INSERT INTO audit_entries ... SELECT ... WHERE <condition> RETURNING seq`: seq is max + 1 at
 * that point of the batch (as in appendStatement), and the statement returns no row when the
 * condition is false.
 */
export function appendStatementIf(db: Db, leaf: AuditLeaf, condition: SQL) {
  return db.all<{ seq: number }>(sql`
    insert into audit_entries (seq, at, actor, action, entity, entity_id, leaf, leaf_hash)
    select (select coalesce(max(seq), -1) + 1 from audit_entries),
           ${leaf.at}, ${leaf.actor}, ${leaf.action}, ${leaf.entity}, ${leaf.entityId}, ${leaf.leaf}, ${leaf.leafHash}
    where ${condition}
    returning seq`);
}
