import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleStack,
  completeBlocks,
  consistencyProof,
  foldBlocks,
  hashLeaf,
  hashToHex,
  hexToHash,
  inclusionProof,
  rootFromLeafHashes,
  subtreeHashInMemory,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/audit/merkle.js';

// Known answers from transparency-dev/merkle (testonly/constants.go and proof/verify_test.go),
// which are the RFC 6962 reference vectors; RFC 9162 section 2.1 hashes the tree the same way.
const leafInputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexToHash);
const roots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leafHashesHex = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
// { leaf (0-based), size, proof }
const inclusionVectors: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const consistencyVectors: Array<{ size1: number; size2: number; proof: string[] }> = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const leafHashes = leafInputs.map((l) => hashLeaf(l));
const mem = (hashes: readonly Hash[]) => (a: number, b: number) => subtreeHashInMemory(hashes, a, b);
const hex = (hs: Hash[]) => hs.map(hashToHex);
const someHash = hexToHash('abacaba000000000000000000000000000000000000000000060061e00123456');

describe('RFC 6962 / 9162 tree hashes (transparency-dev/merkle vectors)', () => {
  it('hashes the 8 reference leaves', () => {
    expect(hex(leafHashes)).toEqual(leafHashesHex);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('root of the first %i leaves', (n) => {
    expect(hashToHex(rootFromLeafHashes(leafHashes.slice(0, n)))).toBe(roots[n]);
  });

  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(hashToHex(EMPTY_ROOT)).toBe(roots[0]);
  });
});

describe('inclusion proofs (RFC 9162 2.1.3)', () => {
  it.each(inclusionVectors)('leaf $index in a tree of $size', ({ index, size, proof }) => {
    const got = inclusionProof(index, size, mem(leafHashes));
    expect(hex(got)).toEqual(proof);
    expect(verifyInclusion(index, size, leafHashes[index]!, got, hexToHash(roots[size]!))).toBe(true);
  });

  it.each(inclusionVectors.filter((v) => v.proof.length > 0))('refuses corrupted proofs for leaf $index of $size', ({ index, size, proof }) => {
    const p = proof.map(hexToHash);
    const root = hexToHash(roots[size]!);
    const lh = leafHashes[index]!;
    const bad: Array<[string, boolean]> = [
      ['index - 1', verifyInclusion(index - 1, size, lh, p, root)],
      ['index + 1', verifyInclusion(index + 1, size, lh, p, root)],
      ['index ^ 2', verifyInclusion(index ^ 2, size, lh, p, root)],
      ['size * 2', verifyInclusion(index, size * 2, lh, p, root)],
      ['size / 2', verifyInclusion(index, Math.floor(size / 2), lh, p, root)],
      ['wrong leaf', verifyInclusion(index, size, hashLeaf('WrongLeaf'), p, root)],
      ['empty root', verifyInclusion(index, size, lh, p, EMPTY_ROOT)],
      ['random root', verifyInclusion(index, size, lh, p, someHash)],
      ['trailing root (node added)', verifyInclusion(index, size, lh, [...p, root], root)],
      ['preceding root (node added)', verifyInclusion(index, size, lh, [root, ...p], root)],
      ['node missing', verifyInclusion(index, size, lh, p.slice(0, -1), root)],
      ['inserted component', verifyInclusion(index, size, lh, [p[0]!, someHash, ...p.slice(1)], root)],
      ...p.map((_, i): [string, boolean] => {
        const q = p.map((x) => x.slice());
        q[i]![0]! ^= 8;
        return [`flipped bit in proof[${i}]`, verifyInclusion(index, size, lh, q, root)];
      }),
    ];
    expect(bad.filter(([, ok]) => ok).map(([d]) => d)).toEqual([]);
  });

  it('refuses out-of-range indices', () => {
    expect(verifyInclusion(0, 0, someHash, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(2, 1, someHash, [], someHash)).toBe(false);
    expect(verifyInclusion(0, 1, someHash, [], someHash)).toBe(true);
  });
});

describe('consistency proofs (RFC 9162 2.1.4)', () => {
  it.each(consistencyVectors)('from $size1 to $size2', ({ size1, size2, proof }) => {
    const got = consistencyProof(size1, size2, mem(leafHashes));
    expect(hex(got)).toEqual(proof);
    expect(verifyConsistency(size1, size2, hexToHash(roots[size1]!), hexToHash(roots[size2]!), got)).toBe(true);
  });

  it.each(consistencyVectors.filter((v) => v.proof.length > 0))('refuses corrupted proofs from $size1 to $size2', ({ size1, size2, proof }) => {
    const p = proof.map(hexToHash);
    const r1 = hexToHash(roots[size1]!);
    const r2 = hexToHash(roots[size2]!);
    const bad: Array<[string, boolean]> = [
      ['size1 - 1', verifyConsistency(size1 - 1, size2, r1, r2, p)],
      ['size1 + 1', verifyConsistency(size1 + 1, size2, r1, r2, p)],
      ['size1 ^ 2', verifyConsistency(size1 ^ 2, size2, r1, r2, p)],
      ['size2 * 2', verifyConsistency(size1, size2 * 2, r1, r2, p)],
      ['size2 / 2', verifyConsistency(size1, Math.floor(size2 / 2), r1, r2, p)],
      ['wrong root1', verifyConsistency(size1, size2, someHash, r2, p)],
      ['wrong root2', verifyConsistency(size1, size2, r1, someHash, p)],
      ['swapped roots', verifyConsistency(size1, size2, r2, r1, p)],
      ['empty proof', verifyConsistency(size1, size2, r1, r2, [])],
      ['trailing root1 (node added)', verifyConsistency(size1, size2, r1, r2, [...p, r1])],
      ['trailing root2 (node added)', verifyConsistency(size1, size2, r1, r2, [...p, r2])],
      ['preceding root1', verifyConsistency(size1, size2, r1, r2, [r1, ...p])],
      ['preceding proof[0]', verifyConsistency(size1, size2, r1, r2, [p[0]!, ...p])],
      ['node missing', verifyConsistency(size1, size2, r1, r2, p.slice(0, -1))],
      ...p.map((_, i): [string, boolean] => {
        const q = p.map((x) => x.slice());
        q[i]![0]! ^= 16;
        return [`flipped bit in proof[${i}]`, verifyConsistency(size1, size2, r1, r2, q)];
      }),
    ];
    expect(bad.filter(([, ok]) => ok).map(([d]) => d)).toEqual([]);
  });

  it('handles the trivial cases as transparency-dev does', () => {
    const a = hexToHash(roots[1]!);
    const b = hexToHash(roots[2]!);
    expect(verifyConsistency(0, 0, a, a, [])).toBe(true);
    expect(verifyConsistency(0, 1, a, b, [])).toBe(true);
    expect(verifyConsistency(1, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 2, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 1, a, a, [EMPTY_ROOT])).toBe(false);
  });
});

describe('properties over random trees', () => {
  const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(`leaf ${i}`));

  it('every inclusion proof verifies, and fails for any other leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, r) => {
        const hs = leavesOf(n);
        const i = r % n;
        const root = rootFromLeafHashes(hs);
        const p = inclusionProof(i, n, mem(hs));
        expect(p.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(verifyInclusion(i, n, hs[i]!, p, root)).toBe(true);
        if (n > 1) expect(verifyInclusion(i, n, hs[(i + 1) % n]!, p, root)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('every consistency proof verifies, and fails against a forked tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, r) => {
        const hs = leavesOf(n);
        const m = 1 + (r % n);
        const p = consistencyProof(m, n, mem(hs));
        const r1 = rootFromLeafHashes(hs.slice(0, m));
        const r2 = rootFromLeafHashes(hs);
        expect(verifyConsistency(m, n, r1, r2, p)).toBe(true);
        const forked = [...hs];
        forked[m - 1] = hashLeaf('forked');
        if (m < n) expect(verifyConsistency(m, n, rootFromLeafHashes(forked.slice(0, m)), r2, p)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a range is the fold of its complete aligned blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (n) => {
        const hs = leavesOf(n);
        const blocks = completeBlocks(0, n);
        const parts = blocks.map((b) => subtreeHashInMemory(hs, b.index * 2 ** b.level, (b.index + 1) * 2 ** b.level));
        expect(hashToHex(foldBlocks(parts))).toBe(hashToHex(rootFromLeafHashes(hs)));
      }),
    );
  });

  it('the streaming stack reports every complete subtree once', () => {
    const seen: string[] = [];
    const s = new MerkleStack(undefined, (level, index) => seen.push(`${level}:${index}`));
    for (const h of leafHashes) s.push(h);
    expect(seen).toEqual(['1:0', '1:1', '2:0', '1:2', '1:3', '2:1', '3:0']);
    expect(hashToHex(s.root())).toBe(roots[8]);
  });
});
