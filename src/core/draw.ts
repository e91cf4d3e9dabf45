/**
 * The one "double random" draw of the service (双随机, DESIGN section 4), shared by every domain
 * that picks people or cases at random: a flag's reviewer and its escalation (flags), a decision's
 * review panel (decisions), a quarter's spot-check sample and its reviewers (spot-checks). Here,
 * on the floor, because those domains import one another and each needs the same mechanism.
 *
 * Anyone can re-run a draw from what it stores: the seed is SHA-256 over a key naming what is
 * drawn and the audit-log head at the time (which nobody can choose in advance), and the picks
 * depend only on the seed and the sorted candidates.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sha256HexSync } from './sha256.js';

/** Root of the empty Merkle tree (RFC 9162 section 2.1.1: MTH({}) = SHA-256()). */
export const EMPTY_TREE_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The audit-log head a draw is seeded with. */
export interface AuditHeadRef {
  /** Number of audit entries when the draw was made (max(seq) + 1). */
  auditSize: number;
  /** Leaf hash of the last audit entry then (hex); the empty-tree hash for an empty log. */
  auditHeadHash: string;
}

/** The exact text hashed into a seed: `key "\n" auditSize "\n" auditHeadHash`, UTF-8. */
export function seedText(key: string, head: AuditHeadRef): string {
  return `${key}\n${head.auditSize}\n${head.auditHeadHash}`;
}

/** seed = SHA-256(key || "\n" || auditSize || "\n" || auditHeadHash), hex. */
export function drawSeed(key: string, head: AuditHeadRef): string {
  // Synchronous SHA-256: a scan draws hundreds of reviewers, and an awaited WebCrypto digest each
  // waits its turn on a busy thread pool.
  return sha256HexSync(seedText(key, head));
}

/** A seed derived from another for a named part of one draw (a stratum, an item): SHA-256(seed || "\n" || label). */
export function subSeed(seed: string, label: string): string {
  return sha256HexSync(`${seed}\n${label}`);
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Candidates as a draw sees them: unique, sorted by UTF-16 code units. */
export function sortedCandidates(candidates: readonly string[]): string[] {
  return [...new Set(candidates)].sort(byCodeUnits);
}

/**
 * Picks `k` distinct candidates (fewer when there are fewer). Round r uses the seed itself for
 * r = 0 and SHA-256(seed || "\n" || r) after; its pick is `uint64(first 8 bytes, big-endian) mod
 * remaining`, taken out of the sorted list of the candidates not yet picked. With k = 1 this is
 * the flag reviewer draw as it always was.
 */
export function pickMany(seed: string, candidates: readonly string[], k: number): { candidates: string[]; picked: string[] } {
  const sorted = sortedCandidates(candidates);
  const remaining = [...sorted];
  const picked: string[] = [];
  for (let r = 0; r < k && remaining.length > 0; r++) {
    const roundSeed = r === 0 ? seed : subSeed(seed, String(r));
    const index = Number(BigInt(`0x${roundSeed.slice(0, 16)}`) % BigInt(remaining.length));
    picked.push(remaining.splice(index, 1)[0]!);
  }
  return { candidates: sorted, picked };
}

/** The audit-log head now: its size and the last leaf hash. */
export async function auditHead(db: Db): Promise<AuditHeadRef> {
  const rows = await db.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries order by seq desc limit 1`);
  const last = rows[0];
  return last ? { auditSize: Number(last.seq) + 1, auditHeadHash: last.leaf_hash } : { auditSize: 0, auditHeadHash: EMPTY_TREE_HASH };
}
