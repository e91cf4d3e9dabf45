import type { Clock } from '../src/core/clock.js';

/** A clock that starts at `startIso` and runs, so the bench data's "today" holds on any date. */
export function runningClock(startIso: string): Clock {
  const base = Date.parse(startIso);
  const t0 = Date.now();
  return { now: () => new Date(base + (Date.now() - t0)) };
}
