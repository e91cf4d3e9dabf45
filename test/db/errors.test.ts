import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBusy, isConstraintViolation, isUniqueViolation } from '../../db/errors.js';
import { makeDb } from '../support/app.js';

describe('db/errors: the one SQLite error classifier, on errors a real database throws', () => {
  let t: Awaited<ReturnType<typeof makeDb>>;
  const fails = (q: ReturnType<typeof sql>) => t.db.run(q).then(() => null, (e: unknown) => e);
  beforeAll(async () => {
    t = await makeDb();
    await t.db.run(sql`create table u (id text primary key not null, ref text unique, n integer not null)`);
    await t.db.run(sql`insert into u (id, ref, n) values ('a', 'r1', 1)`);
  });
  afterAll(() => t.close());

  it('names the column of a UNIQUE violation, through drizzle\'s wrapping', async () => {
    const dup = await fails(sql`insert into u (id, ref, n) values ('b', 'r1', 1)`);
    expect(dup).not.toBeNull();
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isUniqueViolation(dup, 'ref')).toBe(true);
    expect(isUniqueViolation(dup, 'u.ref')).toBe(true);
    expect(isUniqueViolation(dup, 'id')).toBe(false);
    expect(isUniqueViolation(dup, 'other.ref')).toBe(false);
    expect(isConstraintViolation(dup)).toBe(true);
    expect(isBusy(dup)).toBe(false);
    const pk = await fails(sql`insert into u (id, ref, n) values ('a', 'r2', 1)`);
    expect(isUniqueViolation(pk, 'u.id')).toBe(true);
  });

  it('tells a NOT NULL violation (a failed guard) from a unique one, and other errors from both', async () => {
    const guard = await fails(sql`insert into u (id, ref, n) select (select 'c' where 0), 'r3', 1`);
    expect(guard).not.toBeNull();
    expect(isConstraintViolation(guard)).toBe(true);
    expect(isUniqueViolation(guard)).toBe(false);
    const syntax = await fails(sql`insert into nowhere values (1)`);
    expect(syntax).not.toBeNull();
    expect(isConstraintViolation(syntax)).toBe(false);
    expect(isUniqueViolation(syntax)).toBe(false);
    expect(isBusy(syntax)).toBe(false);
  });

  it('reads D1-style messages and BUSY codes too', () => {
    const d1 = new Error('D1_ERROR: UNIQUE constraint failed: audit_entries.seq: SQLITE_CONSTRAINT');
    expect(isUniqueViolation(new Error('wrapped', { cause: d1 }), 'audit_entries.seq')).toBe(true);
    expect(isBusy(Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isBusy(new Error('no such table'))).toBe(false);
  });
});
