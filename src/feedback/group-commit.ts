/**
 * Group commit for feedback submissions (docs/adr/0004-feedback-submissions-are-committed-in-groups.md).
 *
 * A 200 must mean "on disk": after its commit a write waits for an fsync of the WAL (`durable`,
 * db/durable.ts). One batch per submission would cost one commit and a share of an fsync each;
 * instead submissions that arrive together wait a moment in a queue and are written in ONE
 * transaction (`runStatements`, db/prepared.ts), after which each waiter learns its own outcome once the group is
 * durable. The same queue coalesces the token
 * look-ups of requests that arrive together into one query.
 *
 * Items never fail their neighbours: the writer makes each item's effect conditional, so an item
 * that lost a race is a no-op reported as such; and if a group's batch fails anyway (a constraint
 * we did not foresee, a disk error), each of its items is retried alone, so only the item that
 * really fails reports an error.
 *
 * One flush runs at a time per queue, which also keeps the audit seq (max + 1 inside the batch)
 * gap-free. On Workers there is no long-lived process shared by requests, so a queue usually
 * holds one item and this degenerates to one batch per submission, which is correct.
 */

/** Writes (or reads) a group of items in one go; returns one result per item, in order. */
export type GroupWriter<I, R> = (items: I[]) => Promise<R[]>;

interface Pending<I, R> {
  item: I;
  resolve(value: R): void;
  reject(err: unknown): void;
}

/** Items per group: bounds a transaction's size and a waiter's latency. */
export const MAX_GROUP_ITEMS = 256;

const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

export class GroupQueue<I, R> {
  #pending: Pending<I, R>[] = [];
  #scheduled = false;
  #flushing = false;
  /** Groups written and items carried, for tests and the benchmark's report. */
  readonly stats = { groups: 0, items: 0, fallbacks: 0, maxItems: 0, writerMs: 0 };

  constructor(
    private readonly writer: GroupWriter<I, R>,
    private readonly maxItems = MAX_GROUP_ITEMS,
    /** Resolves once every group written so far is on disk (db/durable.ts); none for reads. */
    private readonly durable?: () => Promise<void>,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule() {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    // Not a microtask: wait until the event loop has read the other requests that arrived with
    // this one, so that they join the same group.
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
        await this.#run(group);
      }
    } finally {
      this.#flushing = false;
      if (this.#pending.length) this.#schedule();
    }
  }

  async #run(group: Pending<I, R>[]) {
    let results: R[];
    const started = performance.now();
    try {
      results = await this.writer(group.map((p) => p.item));
      this.stats.writerMs += performance.now() - started;
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One item broke the whole transaction; nothing of the group was written. Retry each alone.
      this.stats.fallbacks++;
      for (const p of group) {
        try {
          const [own] = await this.writer([p.item]);
          this.#settle([p], [own!]);
        } catch (e) {
          p.reject(e);
        }
      }
      return;
    }
    this.stats.groups++;
    this.stats.items += group.length;
    this.stats.maxItems = Math.max(this.stats.maxItems, group.length);
    this.#settle(group, results);
  }

  /**
   * Answers a written group once it is durable. Not awaited by the flush loop: the next group is
   * written while this one's fsync runs on the thread pool, and that fsync (or the next one) makes
   * both durable. A failed fsync fails its waiters: their rows may be in the file, but nobody may
   * be told they are on disk.
   */
  #settle(group: Pending<I, R>[], results: R[]) {
    if (!this.durable) {
      group.forEach((p, i) => p.resolve(results[i]!));
      return;
    }
    this.durable().then(
      () => group.forEach((p, i) => p.resolve(results[i]!)),
      (err: unknown) => group.forEach((p) => p.reject(err)),
    );
  }
}

/** One queue per (database handle, purpose), shared by all requests using that handle. */
export function queueFor<K extends object, I, R>(
  registry: WeakMap<K, GroupQueue<I, R>>,
  key: K,
  make: () => GroupWriter<I, R>,
  durable?: () => Promise<void>,
): GroupQueue<I, R> {
  let q = registry.get(key);
  if (!q) {
    q = new GroupQueue(make(), MAX_GROUP_ITEMS, durable);
    registry.set(key, q);
  }
  return q;
}
