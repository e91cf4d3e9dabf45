/**
 * Audit leaves built on the submission hot path. The group commit (submit.ts) appends them itself,
 * conditionally and many per statement, so it needs the leaf bytes and hash before the batch.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
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
