/**
 * D1 under the Worker: a wrapper of the binding that counts what D1 counts against its limit of
 * queries per invocation (every statement, each statement of a batch too), refuses to go past it
 * (as D1 itself would: local D1 does not enforce it, so without this the Workers suite could not
 * fail on it), and times each call against D1's 30 s per query (and per batch); and drizzle's D1
 * database over it, one per invocation, so the count is the invocation's own.
 *
 * Nothing here imports Node: the Worker bundle includes it.
 */
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import type { Db } from '../../db/client.js';

/** The slice of a D1 binding this code uses (the full type lives in @cloudflare/workers-types). */
export interface D1Binding {
  prepare(sql: string): D1Statement;
  batch(statements: D1Statement[]): Promise<unknown[]>;
}
export interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  run(): Promise<unknown>;
  all(): Promise<unknown>;
  first(column?: string): Promise<unknown>;
  raw(options?: unknown): Promise<unknown>;
}

/** D1's documented limit on Workers Paid (50 on Workers Free); `D1_QUERY_LIMIT` overrides it. */
export const D1_QUERIES_PER_INVOCATION = 1000;

/** What one invocation spent on D1. */
export class StatementCounter {
  statements = 0;
  calls = 0;
  /** The longest single call (a statement or a whole batch), in ms: D1 allows 30 s. */
  slowestMs = 0;
  /** The start of that call's SQL (text only, never its bound values), to name it in the log. */
  slowestSql = '';

  constructor(readonly limit: number) {}

  get left(): number {
    return this.limit - this.statements;
  }

  take(n: number): void {
    if (this.statements + n > this.limit) {
      throw new Error(`D1 runs at most ${this.limit} queries per Worker invocation; this one would run ${this.statements + n}. Split the work into job steps (src/jobs).`);
    }
    this.statements += n;
    this.calls++;
  }

  async timed<T>(p: Promise<T>, sql: () => string): Promise<T> {
    const t0 = Date.now();
    try {
      return await p;
    } finally {
      const ms = Date.now() - t0;
      if (ms > this.slowestMs) {
        this.slowestMs = ms;
        this.slowestSql = sql().replace(/\s+/g, ' ').trim().slice(0, 120);
      }
    }
  }
}

class CountedStatement implements D1Statement {
  constructor(
    /** The binding's own statement, which the binding's `batch` takes. */
    readonly inner: D1Statement,
    private readonly counter: StatementCounter,
    readonly sql: string,
  ) {}

  bind(...values: unknown[]): D1Statement {
    return new CountedStatement(this.inner.bind(...values), this.counter, this.sql);
  }
  run() {
    this.counter.take(1);
    return this.counter.timed(this.inner.run(), () => this.sql);
  }
  all() {
    this.counter.take(1);
    return this.counter.timed(this.inner.all(), () => this.sql);
  }
  first(column?: string) {
    this.counter.take(1);
    return this.counter.timed(column === undefined ? this.inner.first() : this.inner.first(column), () => this.sql);
  }
  raw(options?: unknown) {
    this.counter.take(1);
    return this.counter.timed(this.inner.raw(options), () => this.sql);
  }
}

/** The binding, counted against `counter`. */
export function countedD1(d1: D1Binding, counter: StatementCounter): D1Binding {
  return {
    prepare: (sql) => new CountedStatement(d1.prepare(sql), counter, sql),
    batch: (statements) => {
      counter.take(statements.length);
      return counter.timed(d1.batch(statements.map((s) => (s instanceof CountedStatement ? s.inner : s))), () => `batch of ${statements.length}: ${(statements[0] as CountedStatement | undefined)?.sql ?? ''}`);
    },
  };
}

/**
 * drizzle's D1 database over the counted binding, typed as the `Db` every verb uses: both are
 * drizzle's async SQLite dialect with an atomic `batch`, which is everything the verbs use (no
 * interactive transactions anywhere; only the result type of raw `run()` differs, and no verb
 * reads it). Built per invocation, without drizzle's relational schema (which would cost a third
 * of a millisecond per request): nothing in the service uses `db.query`.
 */
export function d1Database(d1: D1Binding, counter: StatementCounter): Db {
  const db = drizzleD1(countedD1(d1, counter) as unknown as Parameters<typeof drizzleD1>[0]);
  patchD1Batch(db);
  return db as unknown as Db;
}

interface BatchQuery {
  _prepare(): { stmt?: D1Statement; getQuery(): { sql: string; params: unknown[] }; mapResult(result: unknown, isFromBatch: boolean): unknown };
}

/**
 * drizzle-orm 0.45's D1 `batch` binds parameters on `preparedQuery.stmt`, which raw queries
 * (`db.all(sql...)`, `db.run(sql...)`) do not have, so a batch holding a raw query with
 * parameters throws "Cannot read properties of undefined (reading 'bind')" on D1 while the same
 * batch works on libsql. The verbs batch raw aggregate reads and writes (grading inputs, feedback,
 * the audit tree), so the Worker prepares such items itself; everything else is drizzle's own path
 * (docs/adr/0029).
 */
export function patchD1Batch(db: ReturnType<typeof drizzleD1>): void {
  const session = (db as unknown as { session: { client: D1Binding; batch: unknown } }).session;
  session.batch = async (queries: BatchQuery[]) => {
    const prepared = queries.map((q) => q._prepare());
    const statements = prepared.map((p) => {
      const { sql, params } = p.getQuery();
      return (p.stmt ?? session.client.prepare(sql)).bind(...params);
    });
    const results = await session.client.batch(statements);
    return results.map((r, i) => prepared[i]!.mapResult(r, true));
  };
}
