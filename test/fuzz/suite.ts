/**
 * The whole fuzz run, the same on both runtimes: build the world (its answers checked too), send
 * the hostile cases, then the generated ones, and look at the service afterwards. The callers
 * (test/fuzz/fuzz.test.ts on Node, test/workers/fuzz.test.ts on the Worker) assert on the result.
 */
import { checkedCall, fuzzOperations, summarise, type Call, type Failure, type OpenApiDocument } from './engine.js';
import { runHostileCases } from './hostile.js';
import { buildWorld } from './world.js';

export interface FuzzRun {
  /** Failures of each phase, summarised ('' when none). */
  setup: string;
  hostile: string;
  generated: string;
  /** Status of reading the units after the hostile cases (the surrogate import once stopped it). */
  unitsAfterHostile: number;
  /** Status of /healthz at the end. */
  health: number;
  /** Generated requests answered 2xx: the world lets a share through, so not only refusals are checked. */
  succeeded: number;
  report: string;
}

export async function runFuzz(opts: { call: Call; adminToken: string; tag: string; runs: number; seed: number; label: string }): Promise<FuzzRun> {
  const { call } = opts;
  const doc = (await (await call('GET', '/openapi.json', { headers: {} })).json()) as OpenApiDocument;
  const setupFailures: Failure[] = [];
  const world = await buildWorld(checkedCall(call, doc, setupFailures), opts.adminToken, opts.tag);
  const hostile = await runHostileCases(call, doc, world.callers);
  const hr = world.callers.find((c) => c.name === 'hr')!;
  const unitsAfterHostile = (await call('GET', '/api/v1/units?limit=1000', { headers: { authorization: `Bearer ${hr.token}` } })).status;
  const generated = await fuzzOperations({ call, doc, callers: world.callers, pools: world.pools, runs: opts.runs, seed: opts.seed });
  const health = (await call('GET', '/healthz', { headers: {} })).status;
  const succeeded = Object.entries(generated.byStatus)
    .filter(([s]) => Number(s) < 300)
    .reduce((n, [, k]) => n + k, 0);
  return {
    setup: summarise(setupFailures),
    hostile: summarise(hostile.failures),
    generated: summarise(generated.failures),
    unitsAfterHostile,
    health,
    succeeded,
    report: `fuzz (${opts.label}): ${hostile.requests} hostile and ${generated.requests} generated requests; statuses ${JSON.stringify(generated.byStatus)}`,
  };
}
