/**
 * Reads the audit log's leaves in pages by seq range and returns their recomputed leaf hashes
 * (RFC 9162 2.1.1, SHA-256(0x00 || leaf)), checked against the stored leaf_hash and for gaps. Used
 * by the verifier and before signing a checkpoint.
 *
 * A page is one aggregated row: the leaves as one blob, each preceded by a newline (canonical
 * JSON never contains a raw newline), and the leaf hashes as one string. The driver costs several
 * microseconds per result row, more than hashing the leaf, so per-row reads would dominate. A
 * page that is not plainly whole and correct is re-read row by row to name the exact problem.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { hashLeaf, hashToHex, hexToHash, type Hash, type Sha256 } from './merkle.js';

/** On failure, `hashes` holds the good leaves before `index`, so a caller can still check them. */
export type LeafPage = { ok: true; hashes: Hash[] } | { ok: false; index: number; problem: string; hashes: Hash[] };

/** Leaf hashes of entries [a, b), or the first bad index in that range with what is wrong. */
export async function readLeafPage(db: Db, a: number, b: number, sha: Sha256): Promise<LeafPage> {
  const [page] = await db.all<AggregatedPage>(
    sql`select count(*) as n, min(seq) as lo, max(seq) as hi,
               cast(char(10) || group_concat(leaf, char(10)) as blob) as leaves,
               group_concat(leaf_hash, '') as hashes
        from (select seq, leaf, leaf_hash from audit_entries where seq >= ${a} and seq < ${b} order by seq)`,
  );
  const fast = fastPage(page, a, b, sha);
  if (fast) return { ok: true, hashes: fast };
  const rows = await db.all<{ seq: number; leaf: string; leaf_hash: string }>(
    sql`select seq, leaf, leaf_hash from audit_entries where seq >= ${a} and seq < ${b} order by seq`,
  );
  const out: Hash[] = [];
  for (let i = 0; i < b - a; i++) {
    const row = rows[i];
    const seq = a + i;
    if (!row || Number(row.seq) !== seq) return { ok: false, index: seq, problem: `Entry ${seq} is missing (a gap in the sequence).`, hashes: out };
    const h = hashLeaf(row.leaf, sha);
    if (hashToHex(h) !== row.leaf_hash) return { ok: false, index: seq, problem: `Entry ${seq}: its bytes do not hash to its stored leaf hash (edited or moved).`, hashes: out };
    out.push(h);
  }
  return { ok: true, hashes: out };
}

interface AggregatedPage {
  n: number;
  lo: number | null;
  hi: number | null;
  leaves: unknown;
  hashes: string | null;
}

function toBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Uint8Array.from(v as number[]); // D1 returns blobs as arrays
  return null;
}

/**
 * The leaf hashes of entries [a, b) from one aggregated page, or null when the page is not
 * plainly whole and correct (a gap, a leaf containing a newline, any hash mismatch): the caller
 * then re-reads it row by row to name the exact problem. The blob is hashed in place: the
 * newline before each leaf is overwritten with the 0x00 leaf prefix.
 */
function fastPage(
  page: AggregatedPage | undefined,
  a: number,
  b: number,
  sha: Sha256,
): Hash[] | null {
  const n = b - a;
  if (!page || Number(page.n) !== n || Number(page.lo) !== a || Number(page.hi) !== b - 1) return null;
  const buf = toBytes(page.leaves);
  if (!buf || typeof page.hashes !== 'string' || page.hashes.length !== 64 * n) return null;
  let expected: Uint8Array;
  try {
    expected = hexToHash(page.hashes);
  } catch {
    return null;
  }
  const out: Hash[] = new Array(n);
  let start = 0; // position of the newline before leaf i
  for (let i = 0; i < n; i++) {
    if (buf[start] !== 0x0a) return null;
    let end = buf.indexOf(0x0a, start + 1);
    if (end < 0) end = buf.length;
    if (i === n - 1 ? end !== buf.length : end === buf.length) return null;
    buf[start] = 0x00;
    const h = sha(buf.subarray(start, end));
    buf[start] = 0x0a;
    for (let k = 0; k < 32; k++) if (h[k] !== expected[32 * i + k]) return null;
    out[i] = h;
    start = end;
  }
  return out;
}
