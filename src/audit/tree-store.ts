/**
 * The audit tree over storage. Leaf hashes live in audit_entries (written by commit(), inside the
 * writing batch); audit_nodes caches the hash of every complete, aligned subtree of 2^level
 * leaves for level >= NODE_FLOOR. Any RFC 9162 subtree [a, b) is the fold of at most
 * ceil(log2(b - a)) + 1 complete aligned blocks (`completeBlocks`), so a root or a proof reads at
 * most about 2 log2(n) node rows plus, for blocks below the floor, fewer than 2^NODE_FLOOR leaf
 * hashes per block, in two queries, at any size.
 *
 * The node cache is extended lazily (`syncTree`) rather than in the writing batch: the writers
 * stay one INSERT per entry, and the cache can always be rebuilt from the log. Node values are
 * deterministic, so concurrent syncs writing the same node (INSERT OR IGNORE) agree.
 * docs/adr/0008-audit-node-cache-is-derived-and-never-trusted.md explains the trade-offs.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  completeBlocks,
  consistencyPathRanges,
  defaultSha256,
  EMPTY_ROOT,
  foldBlocks,
  hashChildren,
  hashToHex,
  hexToHash,
  inclusionPathRanges,
  rootFromLeafHashes,
  type Block,
  type Hash,
  type Sha256,
} from './merkle.js';

/**
 * The lowest stored level. Level 4 (blocks of 16 leaves) keeps the node table at 1/8 of the log's
 * row count (levels 1..3 would add 7/8 more rows, all re-read by the verifier) while a proof
 * still hashes at most 15 leaf hashes per block below the floor.
 */
export const NODE_FLOOR = 4;
const FLOOR_LEAVES = 2 ** NODE_FLOOR;
/** Leaves read per step of syncTree (a multiple of FLOOR_LEAVES): bounds memory and batch size. */
const SYNC_CHUNK = 2 ** 14;
const INSERT_ROWS = 400;

/** Raised when the stored log or its cache contradicts itself (a gap, a missing node). */
export class AuditIntegrityError extends Error {
  constructor(
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'AuditIntegrityError';
  }
}

/** Integers we put into SQL text ourselves: refuse anything that is not one. */
function int(n: number): ReturnType<typeof sql.raw> {
  if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer: ${n}`);
  return sql.raw(String(n));
}

/** The number of leaves: max(seq) + 1 (one index lookup). Gaps are the verifier's business. */
export async function treeSize(db: Db): Promise<number> {
  const rows = await db.all<{ n: number | null }>(sql`select max(seq) as n from audit_entries`);
  const n = rows[0]?.n;
  return n === null || n === undefined ? 0 : Number(n) + 1;
}

/** Leaves covered by the node cache (a multiple of 2^NODE_FLOOR). */
export async function cachedLeaves(db: Db): Promise<number> {
  const rows = await db.all<{ m: number | null }>(sql`select max(idx) as m from audit_nodes where level = ${int(NODE_FLOOR)}`);
  const m = rows[0]?.m;
  return m === null || m === undefined ? 0 : (Number(m) + 1) * FLOOR_LEAVES;
}

async function leafHashesIn(db: Db, start: number, end: number): Promise<Hash[]> {
  // One aggregated row (a driver row costs more than its hash); per-row only to name a gap.
  const [page] = await db.all<{ n: number; lo: number | null; hi: number | null; hashes: string | null }>(
    sql`select count(*) as n, min(seq) as lo, max(seq) as hi, group_concat(leaf_hash, '') as hashes
        from (select seq, leaf_hash from audit_entries where seq >= ${int(start)} and seq < ${int(end)} order by seq)`,
  );
  const n = end - start;
  if (page && Number(page.n) === n && Number(page.lo) === start && Number(page.hi) === end - 1 && page.hashes?.length === 64 * n) {
    let all: Uint8Array | null = null;
    try {
      all = hexToHash(page.hashes);
    } catch {
      all = null; // a malformed hash: named below
    }
    if (all) {
      const out: Hash[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = all.subarray(32 * i, 32 * i + 32);
      return out;
    }
  }
  const rows = await db.all<{ seq: number; leaf_hash: string }>(
    sql`select seq, leaf_hash from audit_entries where seq >= ${int(start)} and seq < ${int(end)} order by seq`,
  );
  const bad = rows.findIndex((r, i) => Number(r.seq) !== start + i || !/^[0-9a-f]{64}$/.test(r.leaf_hash));
  const at = bad < 0 ? start + rows.length : start + bad;
  throw new AuditIntegrityError(`audit log has a gap or a malformed leaf hash at index ${at}`, at);
}

/**
 * Extends audit_nodes with every complete aligned subtree (level >= NODE_FLOOR) of the log as it
 * is now. Cheap when up to date (two indexed lookups); idempotent and safe to run concurrently.
 * Each chunk's nodes go in one batch, so the cache is always "every level complete up to the
 * covered prefix", which is what `cachedLeaves` reads.
 */
export async function syncTree(db: Db, opts: { sha?: Sha256; chunk?: number } = {}): Promise<{ size: number; cached: number; added: number }> {
  const h = opts.sha ?? defaultSha256;
  const chunk = opts.chunk ?? SYNC_CHUNK;
  if (chunk % FLOOR_LEAVES !== 0 || chunk <= 0) throw new RangeError(`syncTree: chunk must be a positive multiple of ${FLOOR_LEAVES}`);
  const size = await treeSize(db);
  const target = Math.floor(size / FLOOR_LEAVES) * FLOOR_LEAVES;
  let covered = await cachedLeaves(db);
  let added = 0;
  while (covered < target) {
    const end = Math.min(target, covered + chunk);
    let level = 0;
    let nodes = await leafHashesIn(db, covered, end);
    // Below the floor: pairwise, the chunk is aligned to 2^NODE_FLOOR.
    while (level < NODE_FLOOR) {
      const up: Hash[] = [];
      for (let i = 0; i < nodes.length; i += 2) up.push(hashChildren(nodes[i]!, nodes[i + 1]!, h));
      nodes = up;
      level++;
    }
    const rows: Array<[number, number, Hash]> = nodes.map((hash, i) => [NODE_FLOOR, covered / FLOOR_LEAVES + i, hash]);
    // Above: the new nodes of level l are [floor(covered / 2^l), floor(end / 2^l)); a new parent's
    // left child may be the last node of an earlier chunk (at most one per level), read from the
    // cache in one query.
    const carried: Block[] = [];
    for (let l = NODE_FLOOR + 1; Math.floor(end / 2 ** l) > Math.floor(covered / 2 ** l); l++) {
      const childFirst = Math.floor(covered / 2 ** (l - 1));
      if (childFirst % 2 === 1) carried.push({ level: l - 1, index: childFirst - 1 });
    }
    const carriedHashes = new Map((await storedNodes(db, carried)).map((hash, i) => [carried[i]!.level, hash]));
    let first = covered / FLOOR_LEAVES; // index of nodes[0] at `level`
    for (;;) {
      const pFirst = Math.floor(covered / 2 ** (level + 1));
      const pEnd = Math.floor(end / 2 ** (level + 1));
      if (pEnd <= pFirst) break;
      let children = nodes;
      if (first > 2 * pFirst) {
        children = [carriedHashes.get(level)!, ...nodes];
        first = 2 * pFirst;
      }
      const parents: Hash[] = [];
      for (let p = pFirst; p < pEnd; p++) parents.push(hashChildren(children[2 * p - first]!, children[2 * p + 1 - first]!, h));
      level++;
      parents.forEach((hash, i) => rows.push([level, pFirst + i, hash]));
      nodes = parents;
      first = pFirst;
    }
    const statements = [];
    for (let i = 0; i < rows.length; i += INSERT_ROWS) {
      const values = rows
        .slice(i, i + INSERT_ROWS)
        .map(([l, x, hash]) => `(${l}, ${x}, '${hashToHex(hash)}')`)
        .join(', ');
      statements.push(db.run(sql.raw(`insert or ignore into audit_nodes (level, idx, hash) values ${values}`)));
    }
    if (statements.length > 0) await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    added += rows.length;
    covered = end;
  }
  return { size, cached: covered, added };
}

/** Reads stored nodes (all at level >= NODE_FLOOR); throws if one is not in the cache. */
async function storedNodes(db: Db, blocks: Block[]): Promise<Hash[]> {
  if (blocks.length === 0) return [];
  const where = sql.join(
    blocks.map((b) => sql`(level = ${int(b.level)} and idx = ${int(b.index)})`),
    sql` or `,
  );
  const rows = await db.all<{ level: number; idx: number; hash: string }>(sql`select level, idx, hash from audit_nodes where ${where}`);
  const byKey = new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
  return blocks.map((b) => {
    const hex = byKey.get(`${b.level}:${b.index}`);
    if (!hex) throw new AuditIntegrityError(`audit node cache has no node at level ${b.level}, index ${b.index}`, b.index * 2 ** b.level);
    return hexToHash(hex);
  });
}

/**
 * MTH(D[a:b]) for each range (each a node of the RFC 9162 tree of the current size): complete
 * blocks at or above the floor come from audit_nodes, smaller ones are hashed from their leaves.
 * Two queries whatever the number of ranges. The caller has run `syncTree` after the log reached
 * the largest `b`.
 */
export async function subtreeHashes(db: Db, ranges: ReadonlyArray<readonly [number, number]>, h: Sha256 = defaultSha256): Promise<Hash[]> {
  const perRange = ranges.map(([a, b]) => completeBlocks(a, b));
  const unique = new Map<string, Block>();
  for (const bs of perRange) for (const b of bs) unique.set(`${b.level}:${b.index}`, b);
  const all = [...unique.values()];
  const big = all.filter((b) => b.level >= NODE_FLOOR);
  const small = all.filter((b) => b.level < NODE_FLOOR);
  const hashes = new Map<string, Hash>();

  const bigHashes = await storedNodes(db, big);
  big.forEach((b, i) => hashes.set(`${b.level}:${b.index}`, bigHashes[i]!));

  if (small.length > 0) {
    // Small blocks lie inside at most a few 2^NODE_FLOOR-aligned windows: read those windows' leaves.
    const windows = [...new Set(small.map((b) => Math.floor((b.index * 2 ** b.level) / FLOOR_LEAVES)))];
    const where = sql.join(
      windows.map((w) => sql`(seq >= ${int(w * FLOOR_LEAVES)} and seq < ${int((w + 1) * FLOOR_LEAVES)})`),
      sql` or `,
    );
    const rows = await db.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries where ${where}`);
    const leaves = new Map(rows.map((r) => [Number(r.seq), r.leaf_hash]));
    for (const b of small) {
      const start = b.index * 2 ** b.level;
      const hs: Hash[] = [];
      for (let i = start; i < start + 2 ** b.level; i++) {
        const hex = leaves.get(i);
        if (!hex) throw new AuditIntegrityError(`audit log has a gap at index ${i}`, i);
        hs.push(hexToHash(hex));
      }
      hashes.set(`${b.level}:${b.index}`, rootFromLeafHashes(hs, h));
    }
  }
  return perRange.map((bs) => foldBlocks(bs.map((b) => hashes.get(`${b.level}:${b.index}`)!), h));
}

/** RFC 9162 section 2.1.1: MTH of the first `size` leaves, from storage. */
export async function storedRoot(db: Db, size: number): Promise<Hash> {
  if (size === 0) return EMPTY_ROOT;
  const [root] = await subtreeHashes(db, [[0, size]]);
  return root!;
}

/** RFC 9162 section 2.1.3.1 over storage. */
export async function storedInclusionProof(db: Db, index: number, size: number): Promise<Hash[]> {
  return subtreeHashes(db, inclusionPathRanges(index, size));
}

/** RFC 9162 section 2.1.4.1 over storage. */
export async function storedConsistencyProof(db: Db, size1: number, size2: number): Promise<Hash[]> {
  return subtreeHashes(db, consistencyPathRanges(size1, size2));
}
