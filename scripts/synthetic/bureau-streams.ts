/**
 * What the two event streams (feedback responses and decisions) share: drawing an officer by
 * weight, a day they were at work, a taxpayer they served, and putting a drawn stream in time order.
 */
import type { Rng } from './prng.js';
import type { Drawn, OfficerTraits } from './bureau-model.js';

/** Draws one of `items` with probability proportional to `w` (binary search on the running sums). */
export const cumulative = (items: OfficerTraits[], w: (t: OfficerTraits) => number) => {
  const cum: number[] = [];
  let s = 0;
  for (const t of items) cum.push((s += w(t)));
  return (rng: Rng) => {
    const r = rng.next() * s;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
};

/** For an officer: a day in the window they were at work (null if none), and a taxpayer they served. */
export function officerDraws(d: Drawn) {
  const { windowDay, todayDay, taxpayers, taxpayersByUnit } = d;
  const activeDay = (rng: Rng, t: OfficerTraits) => {
    const a = Math.max(windowDay, t.hire);
    const b = Math.min(todayDay - 1, t.leave ?? todayDay - 1);
    return b < a ? null : rng.int(a, b);
  };
  const unitTaxpayer = (rng: Rng, t: OfficerTraits) => {
    if (t.managed.length > 0 && rng.chance(0.7)) return taxpayers[rng.pick(t.managed)]!.code;
    const pool = taxpayersByUnit[t.unitIdx]!;
    return taxpayers[pool.length > 0 ? rng.pick(pool) : rng.int(0, taxpayers.length - 1)]!.code;
  };
  return { activeDay, unitTaxpayer };
}

/**
 * The streams in time order, indices renumbered to match (an amendment still points at an
 * earlier index: it is always decided after its original). Time order makes the ids (which
 * start with the time) ascending, like a real log, and keeps bulk inserts sequential.
 */
export function* chronological<T extends { index: number; amends?: number }>(drawn: Generator<T>, time: (t: T) => string): Generator<T> {
  const all = [...drawn];
  const order = all.map((_, i) => i).sort((x, y) => {
    const a = time(all[x]!), b = time(all[y]!);
    return a < b ? -1 : a > b ? 1 : x - y;
  });
  const newIndex = new Int32Array(all.length);
  order.forEach((old, i) => (newIndex[old] = i));
  for (let i = 0; i < order.length; i++) {
    const ev = all[order[i]!]!;
    ev.index = i;
    if (ev.amends !== undefined) ev.amends = newIndex[ev.amends]!;
    yield ev;
  }
}
