/**
 * The Merkle tree of the audit log, exactly as RFC 9162 section 2.1 defines it (the same tree as
 * Certificate Transparency, RFC 6962): SHA-256, leaf hash `SHA-256(0x00 || leaf)`, interior node
 * `SHA-256(0x01 || left || right)`, and a tree of n leaves split at k, the largest power of two
 * strictly below n.
 *
 * Everything here is pure and synchronous (SHA-256 from @noble/hashes, so it runs unchanged on
 * Node, Workers and in tests). Proof generation does not touch leaves directly: it names the
 * subtree ranges `[start, end)` it needs (`inclusionPathRanges`, `consistencyPathRanges`) and asks
 * a `SubtreeHash` provider for them, so the same code works over an in-memory array and over the
 * stored tree (`tree-store.ts`), which answers each range from at most log2(n) stored nodes.
 *
 * Sizes and indices are JavaScript numbers; no 32-bit bit operations are used, so they are exact
 * up to 2^53.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../core/ids.js';
import { defaultSha256, type Sha256 } from '../core/sha256.js';

export { defaultSha256, type Sha256 };

export type Hash = Uint8Array;

/** MTH({}) = SHA-256() (RFC 9162 section 2.1.1). */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** RFC 9162 section 2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function hashLeaf(leaf: Uint8Array | string, h: Sha256 = defaultSha256): Hash {
  const bytes = typeof leaf === 'string' ? new TextEncoder().encode(leaf) : leaf;
  const buf = new Uint8Array(bytes.length + 1);
  buf.set(bytes, 1);
  return h(buf);
}

/** RFC 9162 section 2.1.1: an interior node, SHA-256(0x01 || left || right). */
export function hashChildren(left: Hash, right: Hash, h: Sha256 = defaultSha256): Hash {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return h(buf);
}

/** k of RFC 9162 section 2.1.1: the largest power of two strictly smaller than n (n > 1). */
export function splitPoint(n: number): number {
  if (!(n > 1)) throw new RangeError(`splitPoint: n must be > 1, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** A complete, aligned subtree: leaves `[index * 2^level, (index + 1) * 2^level)`. */
export interface Block {
  level: number;
  index: number;
}

export function blockStart(b: Block): number {
  return b.index * 2 ** b.level;
}

/**
 * The complete aligned subtrees whose hashes make up MTH(D[start:end]) for a range that is a node
 * of the RFC 9162 tree (start a multiple of the smallest power of two >= end - start): left to
 * right, sizes strictly decreasing. MTH(D[start:end]) is then their right fold with
 * `hashChildren` (`foldBlocks`): the RFC recursion always splits off a complete left part.
 * A range of n leaves has at most ceil(log2(n)) + 1 blocks.
 */
export function completeBlocks(start: number, end: number): Block[] {
  const out: Block[] = [];
  let a = start;
  while (a < end) {
    let size = 1;
    let level = 0;
    while (size * 2 <= end - a) {
      size *= 2;
      level++;
    }
    if (a % size !== 0) throw new RangeError(`completeBlocks: [${start}, ${end}) is not a subtree of the RFC 9162 tree`);
    out.push({ level, index: a / size });
    a += size;
  }
  return out;
}

/** MTH of a range from its complete blocks (left to right): the RFC 9162 right fold. */
export function foldBlocks(hashes: Hash[], h: Sha256 = defaultSha256): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc, h);
  return acc;
}

/** RFC 9162 section 2.1.1: MTH(D[n]) over leaf hashes held in memory (O(n) time, O(log n) space). */
export function rootFromLeafHashes(leafHashes: readonly Hash[], h: Sha256 = defaultSha256): Hash {
  const stack = new MerkleStack(h);
  for (const lh of leafHashes) stack.push(lh);
  return stack.root();
}

/** MTH(D[start:end]) over an in-memory array of leaf hashes (for tests and small ranges). */
export function subtreeHashInMemory(leafHashes: readonly Hash[], start: number, end: number, h: Sha256 = defaultSha256): Hash {
  return rootFromLeafHashes(leafHashes.slice(start, end), h);
}

/**
 * A streaming MTH: push leaf hashes in order, read the root of the leaves so far at any time.
 * Holds one hash per set bit of the size (a compact range), so memory is O(log n) for any n.
 * `onNode` sees every complete subtree as it forms, which the verifier uses to check the stored
 * node cache without keeping the tree.
 */
export class MerkleStack {
  private readonly hashes: Hash[] = [];
  private readonly levels: number[] = [];
  private count = 0;
  private readonly buf = new Uint8Array(65);

  constructor(
    private readonly h: Sha256 = defaultSha256,
    private readonly onNode?: (level: number, index: number, hash: Hash) => void,
  ) {
    this.buf[0] = 0x01;
  }

  get size(): number {
    return this.count;
  }

  push(leafHash: Hash): void {
    let hash = leafHash;
    let level = 0;
    this.count++;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      const left = this.hashes.pop()!;
      this.buf.set(left, 1);
      this.buf.set(hash, 33);
      hash = this.h(this.buf);
      level++;
      if (this.onNode) this.onNode(level, this.count / 2 ** level - 1, hash);
    }
    this.hashes.push(hash);
    this.levels.push(level);
  }

  /** MTH of the leaves pushed so far. */
  root(): Hash {
    return foldBlocks(this.hashes, this.h);
  }
}

/**
 * RFC 9162 section 2.1.3.1, PATH(m, D[n]) as ranges: the subtree `[start, end)` of every hash of
 * the inclusion proof of leaf m in a tree of n leaves, from the leaf level up.
 */
export function inclusionPathRanges(index: number, size: number): Array<[number, number]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`inclusion proof: index ${index} is not below size ${size}`);
  const out: Array<[number, number]> = [];
  const walk = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      out.push([start + k, end]);
    } else {
      walk(m - k, start + k, end);
      out.push([start, start + k]);
    }
  };
  walk(index, 0, size);
  return out;
}

/**
 * RFC 9162 section 2.1.4.1, PROOF(m, D[n]) = SUBPROOF(m, D[n], true), as ranges in proof order.
 * Empty when m = 0 or m = n.
 */
export function consistencyPathRanges(m: number, n: number): Array<[number, number]> {
  if (!(m >= 0 && m <= n)) throw new RangeError(`consistency proof: size ${m} is not within 0..${n}`);
  const out: Array<[number, number]> = [];
  if (m === 0 || m === n) return out;
  const sub = (mm: number, start: number, end: number, b: boolean) => {
    const nn = end - start;
    if (mm === nn) {
      if (!b) out.push([start, end]);
      return;
    }
    const k = splitPoint(nn);
    if (mm <= k) {
      sub(mm, start, start + k, b);
      out.push([start + k, end]);
    } else {
      sub(mm - k, start + k, end, false);
      out.push([start, start + k]);
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** Returns MTH(D[start:end]) for a range of the tree. */
export type SubtreeHash = (start: number, end: number) => Hash;

/** RFC 9162 section 2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(index: number, size: number, subtreeHash: SubtreeHash): Hash[] {
  return inclusionPathRanges(index, size).map(([a, b]) => subtreeHash(a, b));
}

/** RFC 9162 section 2.1.4.1: the consistency proof between the trees of m and n leaves. */
export function consistencyProof(m: number, n: number, subtreeHash: SubtreeHash): Hash[] {
  return consistencyPathRanges(m, n).map(([a, b]) => subtreeHash(a, b));
}

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/**
 * RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or null when the proof cannot
 * be a proof for (index, size) (wrong length, index out of range, bad hash sizes).
 */
export function rootFromInclusionProof(index: number, size: number, leafHash: Hash, proof: readonly Hash[], h: Sha256 = defaultSha256): Hash | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leafHash.length !== 32 || proof.some((p) => p.length !== 32)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r, h);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p, h);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 section 2.1.3.2: does `proof` show leaf `index` (with `leafHash`) in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leafHash: Hash, proof: readonly Hash[], root: Hash, h: Sha256 = defaultSha256): boolean {
  const r = rootFromInclusionProof(index, size, leafHash, proof, h);
  return r !== null && equalHashes(r, root);
}

/**
 * RFC 9162 section 2.1.4.2: does `proof` show that the tree of `size1` leaves with `root1` is a
 * prefix of the tree of `size2` leaves with `root2`? Equal sizes need an empty proof and equal
 * roots; size1 = 0 is consistent with anything (and needs an empty proof).
 */
export function verifyConsistency(size1: number, size2: number, root1: Hash, root2: Hash, proof: readonly Hash[], h: Sha256 = defaultSha256): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && equalHashes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr, h);
      sr = hashChildren(c, sr, h);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c, h);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalHashes(fr, root1) && equalHashes(sr, root2);
}

/** Bytes to lowercase hex (the project's one hex encoder). */
export const hashToHex: (bytes: Uint8Array) => string = toHex;

/** Hex to bytes; throws on anything that is not an even-length hex string. */
export function hexToHash(hex: string): Hash {
  if (hex.length % 2 !== 0) throw new TypeError('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new TypeError('not a hex string');
    out[i] = hi * 16 + lo;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}
