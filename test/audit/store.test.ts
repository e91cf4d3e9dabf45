import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { makeTestApp } from '../support/app.js';
import { allLeafHashes, appendEntries } from '../support/audit.js';
import { consistencyProof, hashToHex, inclusionProof, rootFromLeafHashes, subtreeHashInMemory } from '../../src/audit/merkle.js';
import { NODE_FLOOR, storedConsistencyProof, storedInclusionProof, storedRoot, syncTree, treeSize } from '../../src/audit/tree-store.js';

describe('the stored tree', () => {
  it('gives the same roots and proofs as the in-memory tree, at random sizes and sync points', async () => {
    const t = await makeTestApp();
    const db = t.db;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 90 }), fc.boolean(), fc.nat(), fc.nat(), async (add, sync, r1, r2) => {
        await appendEntries(t.ctx(), add);
        if (sync) await syncTree(db, { chunk: 32 });
        await syncTree(db, { chunk: 48 });
        const n = await treeSize(db);
        const hs = await allLeafHashes(db);
        expect(hs.length).toBe(n);
        const mem = (a: number, b: number) => subtreeHashInMemory(hs, a, b);
        const m = 1 + (r1 % n);
        const i = r2 % m;
        expect(hashToHex(await storedRoot(db, m))).toBe(hashToHex(rootFromLeafHashes(hs.slice(0, m))));
        expect((await storedInclusionProof(db, i, m)).map(hashToHex)).toEqual(inclusionProof(i, m, mem).map(hashToHex));
        expect((await storedConsistencyProof(db, m, n)).map(hashToHex)).toEqual(consistencyProof(m, n, mem).map(hashToHex));
      }),
      { numRuns: 25 },
    );
    // Every complete aligned subtree at or above the floor is cached, and nothing else.
    const n = await treeSize(db);
    const rows = await db.all<{ level: number; c: number }>(sql`select level, count(*) as c from audit_nodes group by level order by level`);
    for (const r of rows) expect(Number(r.c)).toBe(Math.floor(n / 2 ** Number(r.level)));
    expect(Number(rows[0]!.level)).toBe(NODE_FLOOR);
  });

  it('is idempotent and cheap when up to date', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 100);
    const first = await syncTree(t.db);
    expect(first.cached).toBe(96);
    expect(first.added).toBe(6 + 3 + 1);
    const again = await syncTree(t.db);
    expect(again.added).toBe(0);
  });
});
