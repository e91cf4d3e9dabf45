import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { commit, type AuditEvent } from '../../src/audit/append.js';
import type { Ctx } from '../../src/core/context.js';
import { hexToHash, type Hash } from '../../src/audit/merkle.js';

let counter = 0;

/** Appends `n` audit entries through commit() (in batches of up to 500) and returns their leaf hashes. */
export async function appendEntries(ctx: Ctx, n: number): Promise<{ indices: number[]; leafHashes: string[] }> {
  const indices: number[] = [];
  const leafHashes: string[] = [];
  for (let done = 0; done < n; ) {
    const k = Math.min(500, n - done);
    const events: AuditEvent[] = Array.from({ length: k }, () => {
      const id = `t${++counter}`;
      return { action: 'test.touch', entity: 'test', entityId: id, payload: { id, note: `entry ${counter}`, zh: '纳税人' } };
    });
    const out = await commit(ctx, [], events);
    indices.push(...out.auditIndices);
    leafHashes.push(...out.leafHashes);
    done += k;
  }
  return { indices, leafHashes };
}

/** Every stored leaf hash in seq order (tests only: reads the whole table). */
export async function allLeafHashes(db: Db): Promise<Hash[]> {
  const rows = await db.all<{ leaf_hash: string }>(sql`select leaf_hash from audit_entries order by seq`);
  return rows.map((r) => hexToHash(r.leaf_hash));
}

/** Removes the append-only triggers, as someone with write access to the database file could. */
export async function dropAuditTriggers(db: Db): Promise<void> {
  for (const t of ['audit_entries_no_update', 'audit_entries_no_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete', 'audit_nodes_no_update', 'audit_nodes_no_delete']) {
    await db.run(sql.raw(`drop trigger if exists ${t}`));
  }
}
