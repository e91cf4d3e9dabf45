/**
 * The fuzz suite on the Worker (workerd + D1), the same engine as the Node suite
 * (test/fuzz/engine.ts, suite.ts): every operation of the Worker's own /openapi.json, for every
 * role, a bogus token and anonymous callers. FUZZ_RUNS cases per operation and caller (default 1
 * here: about 420 generated and 170 hostile requests, 30-60 s on a 2-core machine; `npm run fuzz`
 * runs more).
 */
import { describe, expect, it } from 'vitest';
import type { Call } from '../fuzz/engine.js';
import { runFuzz } from '../fuzz/suite.js';
import { ADMIN_TOKEN, workerOnD1 } from './support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 11);

const onD1 = workerOnD1();

describe(`fuzz over /openapi.json on the Worker with D1 (${RUNS} cases per operation and caller, seed ${SEED})`, () => {
  it('answers every generated and hostile request as documented, never 5xx, and stays up', { timeout: 120_000 + RUNS * 120_000 }, async () => {
    const call: Call = async (method, path, init) =>
      (await onD1.mf.dispatchFetch(`https://grading.test${path}`, { method, headers: init.headers, body: init.body })) as unknown as Response;
    const run = await runFuzz({ call, adminToken: ADMIN_TOKEN, tag: 'wz', runs: RUNS, seed: SEED, label: 'Worker' });
    console.log(run.report);
    expect(run.setup).toBe('');
    expect(run.hostile).toBe('');
    expect(run.unitsAfterHostile).toBe(200);
    expect(run.generated).toBe('');
    expect(run.succeeded).toBeGreaterThan(10);
    expect(run.health).toBe(200);
  });
});
