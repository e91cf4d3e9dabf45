/**
 * Group commit for feedback submissions (docs/adr/0004-feedback-group-commit.md).
 *
 * A 200 must mean "on disk", and on a file database every commit is an fsync of the WAL. One batch
 * per submission would cap throughput at one fsync per request; instead submissions that arrive
 * together wait a moment in a queue and are written by ONE `db.batch` (one transaction, one
 * fsync), after which each waiter learns its own outcome.
 *
 * Items never fail their neighbours:
 * - each item's statements are conditional (INSERT ... SELECT ... WHERE, UPDATE ... WHERE), so an
 *   item that lost a race (its token was used meanwhile, maybe by an item earlier in the same
 *   batch) is a no-op inside the batch, detected afterwards by `settle` from its own results;
 * - if the batch fails anyway (a constraint we did not foresee, a disk error), every item of it
 *   is retried in a batch of its own, so only the item that really fails reports an error.
 *
 * One flush runs at a time per database, which also keeps the audit seq (max + 1 inside the
 * batch) gap-free. On Workers there is no long-lived process shared by requests, so the queue
 * usually holds one item and this degenerates to one batch per submission, which is correct.
 */
import type { Db } from '../../db/client.js';
import type { Write } from '../audit/append.js';

export interface GroupItem<T> {
  /** The item's statements, each conditional so that a lost race is a no-op. */
  statements: Write[];
  /** Reads the item's outcome from the results of its own statements (same order). */
  settle(results: unknown[]): T;
}

interface Pending {
  item: GroupItem<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Items (not statements) per batch: bounds a transaction's size and a waiter's latency. */
export const MAX_GROUP_ITEMS = 256;

const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

export class GroupCommitter {
  #pending: Pending[] = [];
  #scheduled = false;
  #flushing = false;
  /** Batches written and items carried, for the benchmark's report. */
  readonly stats = { batches: 0, items: 0, fallbacks: 0, maxItems: 0 };

  constructor(
    private readonly db: Db,
    private readonly maxItems = MAX_GROUP_ITEMS,
  ) {}

  submit<T>(item: GroupItem<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ item, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule() {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    // Not a microtask: wait until the event loop has read the other requests that arrived with
    // this one, so they join the same batch.
    later(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush() {
    this.#flushing = true;
    try {
      while (this.#pending.length) {
        const group = this.#pending.splice(0, this.maxItems);
        await this.#write(group);
      }
    } finally {
      this.#flushing = false;
      if (this.#pending.length) this.#schedule();
    }
  }

  async #write(group: Pending[]) {
    const statements = group.flatMap((p) => p.item.statements);
    if (statements.length === 0) {
      for (const p of group) settleOne(p, []);
      return;
    }
    let results: unknown[];
    try {
      results = (await this.db.batch(statements as [Write, ...Write[]])) as unknown[];
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One item broke the whole transaction; nothing of it was written. Retry each alone.
      this.stats.fallbacks++;
      for (const p of group) {
        try {
          const own = (await this.db.batch(p.item.statements as [Write, ...Write[]])) as unknown[];
          settleOne(p, own);
        } catch (e) {
          p.reject(e);
        }
      }
      return;
    }
    this.stats.batches++;
    this.stats.items += group.length;
    this.stats.maxItems = Math.max(this.stats.maxItems, group.length);
    let at = 0;
    for (const p of group) {
      const n = p.item.statements.length;
      settleOne(p, results.slice(at, at + n));
      at += n;
    }
  }
}

function settleOne(p: Pending, results: unknown[]) {
  try {
    p.resolve(p.item.settle(results));
  } catch (e) {
    p.reject(e);
  }
}

const committers = new WeakMap<Db, GroupCommitter>();

/** The committer of a database handle: one queue per handle, shared by all requests using it. */
export function groupCommitterFor(db: Db): GroupCommitter {
  let g = committers.get(db);
  if (!g) {
    g = new GroupCommitter(db);
    committers.set(db, g);
  }
  return g;
}
