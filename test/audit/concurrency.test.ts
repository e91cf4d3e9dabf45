import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { makeDb } from '../support/app.js';
import { makeTestApp } from '../support/app.js';
import { appendEntries } from '../support/audit.js';
import { isSeqRace } from '../../src/audit/append.js';
import { verifyLog } from '../../src/audit/verify.js';

function writer(url: string, count: number, name: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/audit-writer.ts', url, String(count), name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`writer ${name} exited ${code}: ${err}`))));
  });
}

describe('concurrent appends', () => {
  it('several processes writing one database get distinct, gap-free indices', async () => {
    const { db, url, close } = await makeDb();
    const results = await Promise.all([writer(url, 120, 'a'), writer(url, 120, 'b'), writer(url, 120, 'c')]);
    const all = results.flat().sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 360 }, (_, i) => i));
    const rows = await db.all<{ n: number; hi: number }>(sql`select count(*) as n, max(seq) as hi from audit_entries`);
    expect(rows[0]).toEqual({ n: 360, hi: 359 });
    expect((await verifyLog(db, new Uint8Array(32))).ok).toBe(true);
    close();
  }, 120_000);

  it('retries only a lost race for the next seq, never another failure', async () => {
    const t = await makeTestApp();
    await appendEntries(t.ctx(), 3);
    const raceError = await t.db
      .run(sql`insert into audit_entries (seq, at, actor, action, entity, entity_id, leaf, leaf_hash) values (0, 'x', 'x', 'x', 'x', 'x', 'x', 'x')`)
      .then(() => null, (e: unknown) => e);
    expect(raceError).not.toBeNull();
    expect(isSeqRace(raceError)).toBe(true);
    const otherError = await t.db.run(sql`insert into users (id) values (null)`).then(() => null, (e: unknown) => e);
    expect(otherError).not.toBeNull();
    expect(isSeqRace(otherError)).toBe(false);
  });
});
