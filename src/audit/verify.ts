/**
 * The verifier: recomputes the audit log from its stored entries and checks everything the
 * service ever said about it. It trusts only the entries' bytes and the signing public key:
 * leaf_hash columns, the audit_nodes cache and the checkpoint rows are all checked against what
 * the bytes imply. One pass in seq order, O(log n) memory (a compact range of subtree hashes, as
 * in `MerkleStack`), entries read in pages by seq range.
 *
 * What it finds, named by the first index that is wrong:
 * - a gap in seq (a deleted entry): the missing index;
 * - leaf bytes that do not hash to the stored leaf_hash (an edited or swapped entry): its index;
 * - a stored node that differs from the recomputed subtree (an entry edited together with its
 *   leaf_hash, or an edited node): the first index the node covers;
 * - a checkpoint whose signature does not verify, whose row disagrees with its signed text, or
 *   whose signed root differs from the recomputed root at its size: for a root mismatch, the size
 *   of the last checkpoint that did match (the first index no matching checkpoint vouches for).
 *
 * It also reports every rewind a restore recorded (`rewinds`): the checkpoints of the replaced
 * history kept in audit_rewound_checkpoints, each checked for our signature and for the
 * `audit.rewind` entry that gives its reason.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { defaultSha256, EMPTY_ROOT, hashToHex, MerkleStack, type Hash, type Sha256 } from './merkle.js';
import { readLeafPage } from './leaf-pages.js';
import { verifyCheckpoint } from './checkpoint.js';
import { NODE_FLOOR, treeSize } from './tree-store.js';

export interface VerifyReport {
  ok: boolean;
  /** Leaves the log claims (max seq + 1). */
  size: number;
  /** The recomputed root of all `size` leaves (hex), when ok. */
  rootHash?: string;
  /** Stored checkpoints checked (signature, row, root). */
  checkpoints: number;
  /** Stored audit_nodes rows checked. */
  nodes: number;
  firstBadIndex?: number;
  problem?: string;
  /**
   * Signed checkpoints of a history that a restore rewound, kept beside the log, each with the
   * entry that records the rewind and its reason (src/ops/restore.ts).
   */
  rewinds: Rewind[];
}

export interface Rewind {
  /** The rewound checkpoint: its size, root and signing time. */
  size: number;
  rootHash: string;
  signedAt: string;
  /** False when this log does hold that tree after all (a rewind that lost no signed history). */
  diverges: boolean;
  /** The `audit.rewind` entry and the reason it gives. */
  entryIndex: number;
  reason: string;
}

export interface VerifyOptions {
  /** SHA-256 to use; defaults to @noble/hashes. Node callers may pass node:crypto (faster). */
  sha?: Sha256;
  /** Entries per read (default 4096: about 1 MB of leaves, under D1's 2 MB value limit). */
  pageSize?: number;
  /** When set, every checkpoint must name this origin. */
  origin?: string;
}

class Bad extends Error {
  constructor(
    readonly problem: string,
    readonly index?: number,
  ) {
    super(problem);
  }
}

interface CheckpointRow {
  size: number;
  root_hash: string;
  text: string;
}

/** Recomputes the whole log and checks every stored node and checkpoint (see the module comment). */
export async function verifyLog(db: Db, publicKey: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const sha = opts.sha ?? defaultSha256;
  const pageSize = opts.pageSize ?? 4096;
  const size = await treeSize(db);
  let checkpointsChecked = 0;
  let nodesChecked = 0;
  let lastGoodCheckpoint = 0;

  // Per-level state of the node cache: nodes must be contiguous from index 0 at every level.
  const missingFrom = new Map<number, number>();
  let pageNodes = new Map<string, string>();
  const onNode = (level: number, index: number, hash: Hash) => {
    if (level < NODE_FLOOR) return;
    const stored = pageNodes.get(`${level}:${index}`);
    const start = index * 2 ** level;
    if (stored === undefined) {
      if (!missingFrom.has(level)) missingFrom.set(level, index);
      return;
    }
    if (missingFrom.has(level)) {
      throw new Bad(`The node cache has a hole: level ${level} index ${missingFrom.get(level)} is missing but index ${index} is stored.`, missingFrom.get(level)! * 2 ** level);
    }
    nodesChecked++;
    if (stored !== hashToHex(hash)) {
      throw new Bad(`Stored node (level ${level}, index ${index}) over entries [${start}, ${start + 2 ** level}) does not match the entries.`, start);
    }
  };
  const stack = new MerkleStack(sha, onNode);
  // Rewound checkpoints: the recomputed root at each of their sizes says whether they diverge.
  const rewound = await db.all<{ size: number; root_hash: string; at: string; text: string; rewind_seq: number }>(
    sql`select size, root_hash, at, text, rewind_seq from audit_rewound_checkpoints order by size, id`,
  );
  const rootsAtRewound = new Map<number, string>();
  let rwAt = 0;

  const checkCheckpoint = (row: CheckpointRow, root: Hash) => {
    const cp = verifyCheckpoint(row.text, publicKey);
    if (!cp) throw new Bad(`The checkpoint at size ${row.size} does not carry a valid signature by the audit key.`);
    if (opts.origin !== undefined && cp.origin !== opts.origin) throw new Bad(`The checkpoint at size ${row.size} names origin "${cp.origin}", not "${opts.origin}".`);
    if (cp.size !== Number(row.size) || hashToHex(cp.rootHash) !== row.root_hash) {
      throw new Bad(`The checkpoint row at size ${row.size} disagrees with its signed text.`);
    }
    if (row.root_hash !== hashToHex(root)) {
      throw new Bad(
        `The entries [${lastGoodCheckpoint}, ${row.size}) differ from those signed in the checkpoint at size ${row.size} (its root does not match the recomputed one).`,
        lastGoodCheckpoint,
      );
    }
    checkpointsChecked++;
    lastGoodCheckpoint = Number(row.size);
  };

  try {
    const zero = await db.all<CheckpointRow>(sql`select size, root_hash, text from audit_checkpoints where size = 0`);
    if (zero[0]) checkCheckpoint(zero[0], EMPTY_ROOT);

    for (let a = 0; a < size; a += pageSize) {
      const b = Math.min(size, a + pageSize);
      const levels: ReturnType<typeof sql>[] = [];
      for (let l = NODE_FLOOR; 2 ** l <= b; l++) {
        const lo = Math.floor(a / 2 ** l);
        const hi = Math.floor(b / 2 ** l);
        if (hi > lo) levels.push(sql`(level = ${sql.raw(String(l))} and idx >= ${sql.raw(String(lo))} and idx < ${sql.raw(String(hi))})`);
      }
      const [page, nodeRows, cps] = await Promise.all([
        readLeafPage(db, a, b, sha),
        levels.length
          ? db.all<{ level: number; idx: number; hash: string }>(sql`select level, idx, hash from audit_nodes where ${sql.join(levels, sql` or `)}`)
          : Promise.resolve([]),
        db.all<CheckpointRow>(sql`select size, root_hash, text from audit_checkpoints where size > ${a} and size <= ${b} order by size`),
      ]);
      pageNodes = new Map(nodeRows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
      // The good prefix of a bad page is still checked, so a node or checkpoint problem that
      // starts earlier is the one reported.
      const hashes = page.hashes;
      let cpAt = 0;
      for (let i = 0; i < hashes.length; i++) {
        stack.push(hashes[i]!);
        while (cpAt < cps.length && Number(cps[cpAt]!.size) === a + i + 1) checkCheckpoint(cps[cpAt++]!, stack.root());
        while (rwAt < rewound.length && Number(rewound[rwAt]!.size) <= a + i + 1) {
          if (Number(rewound[rwAt]!.size) === a + i + 1) rootsAtRewound.set(a + i + 1, hashToHex(stack.root()));
          rwAt++;
        }
      }
      if (!page.ok) throw new Bad(page.problem, page.index);
    }

    const beyond = await db.all<CheckpointRow>(sql`select size, root_hash, text from audit_checkpoints where size > ${size} order by size limit 1`);
    if (beyond[0]) throw new Bad(`A checkpoint was signed at size ${beyond[0].size} but the log has only ${size} entries.`, size);

    // The cache must hold exactly the nodes that were checked, and be complete up to one prefix.
    const counted = await db.all<{ n: number }>(sql`select count(*) as n from audit_nodes`);
    const stored = Number(counted[0]?.n ?? 0);
    if (stored !== nodesChecked) {
      throw new Bad(`The node cache holds ${stored} nodes but only ${nodesChecked} are subtrees of the log (nodes beyond the log, or below level ${NODE_FLOOR}).`);
    }
    const covered = (missingFrom.get(NODE_FLOOR) ?? Math.floor(size / 2 ** NODE_FLOOR)) * 2 ** NODE_FLOOR;
    for (const [level, from] of missingFrom) {
      if (from !== Math.floor(covered / 2 ** level)) {
        throw new Bad(`The node cache is incomplete at level ${level}: index ${from} is missing.`, from * 2 ** level);
      }
    }

    const rewinds: Rewind[] = [];
    for (const r of rewound) {
      const cp = verifyCheckpoint(r.text, publicKey);
      if (!cp || cp.size !== Number(r.size) || hashToHex(cp.rootHash) !== r.root_hash) {
        throw new Bad(`The rewound checkpoint kept at size ${r.size} does not carry a valid signature by the audit key, or disagrees with its row.`);
      }
      const [entry] = await db.all<{ action: string; leaf: string }>(sql`select action, leaf from audit_entries where seq = ${r.rewind_seq}`);
      if (!entry || entry.action !== 'audit.rewind') {
        throw new Bad(`The rewound checkpoint kept at size ${r.size} names entry ${r.rewind_seq}, which does not record a rewind.`, Number(r.rewind_seq));
      }
      let reason = '';
      try {
        reason = String((JSON.parse(entry.leaf) as { payload?: { reason?: unknown } }).payload?.reason ?? '');
      } catch {
        reason = ''; // the leaf itself was checked above; an unreadable payload just has no reason to show
      }
      const root = rootsAtRewound.get(Number(r.size));
      rewinds.push({ size: Number(r.size), rootHash: r.root_hash, signedAt: r.at, diverges: root !== r.root_hash, entryIndex: Number(r.rewind_seq), reason });
    }

    return { ok: true, size, rootHash: hashToHex(stack.root()), checkpoints: checkpointsChecked, nodes: nodesChecked, rewinds };
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    return {
      ok: false,
      size,
      checkpoints: checkpointsChecked,
      nodes: nodesChecked,
      ...(err.index !== undefined ? { firstBadIndex: err.index } : {}),
      problem: err.problem,
      rewinds: [],
    };
  }
}
