import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, type Db } from '../db/client.js';
import { runStatements } from '../db/prepared.js';
import { makeDb } from './support/app.js';

/**
 * runStatements has two executors: statements kept prepared on a second connection (Node file
 * databases) and drizzle's batch (everything else; here a `:memory:` libsql database). Both must
 * give the same rows and the same all-or-nothing transaction.
 */
const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

async function memoryDb(): Promise<Db> {
  const { db, client } = await openDb({ url: ':memory:' });
  closers.push(() => client.close());
  await db.run(sql`create table scratch (id text primary key, amount real not null, note text)`);
  return db;
}

async function fileDb(): Promise<Db> {
  const { db } = await makeDb();
  await db.run(sql`create table scratch (id text primary key, amount real not null, note text)`);
  return db;
}

const ADD = 'insert into scratch (id, amount) values (?, ?) returning id, amount';

for (const [name, open] of [
  ['kept prepared (file database)', fileDb],
  ["through drizzle's batch (:memory:)", memoryDb],
] as const) {
  describe(`runStatements ${name}`, () => {
    it('returns rows where asked, in statement order, and reuses a statement text', async () => {
      const db = await open();
      for (let i = 0; i < 3; i++) {
        const out = await runStatements(db, [
          { sql: ADD, args: [`t${i}`, 100_000 + i + 0.5], rows: true },
          { sql: 'update scratch set note = ? where id = ?', args: ['seen', `t${i}`] },
          { sql: 'select count(*) as n, max(note) as note from scratch', args: [], rows: true },
        ]);
        expect(out).toEqual([[{ id: `t${i}`, amount: 100_000 + i + 0.5 }], undefined, [{ n: i + 1, note: 'seen' }]]);
      }
    });

    it('writes nothing when one statement fails', async () => {
      const db = await open();
      await expect(
        runStatements(db, [
          { sql: ADD, args: ['x1', 1] },
          { sql: ADD, args: ['x1', 2] },
        ]),
      ).rejects.toThrow(/UNIQUE|constraint/i);
      const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from scratch where id = 'x1'`);
      expect(n).toBe(0);
      // And the connection is usable again afterwards (no transaction left open).
      await runStatements(db, [{ sql: ADD, args: ['x2', 3] }]);
      const [{ m }] = await db.all<{ m: number }>(sql`select count(*) as m from scratch where id = 'x2'`);
      expect(m).toBe(1);
    });
  });
}
