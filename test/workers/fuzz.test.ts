/**
 * The fuzz suite on the Worker (workerd + D1), the same engine as the Node suite
 * (test/fuzz/engine.ts): every operation of the Worker's own /openapi.json, for every role, a bogus
 * token and anonymous callers. FUZZ_RUNS cases per operation and caller (default 1 here: about
 * 420 generated and 170 hostile requests, some 30-60 s on a 2-core machine; `npm run fuzz` runs more).
 */
import { describe, expect, it } from 'vitest';
import { checkedCall, fuzzOperations, summarise, type Call, type Failure, type OpenApiDocument } from '../fuzz/engine.js';
import { runHostileCases } from '../fuzz/hostile.js';
import { buildWorld } from '../fuzz/world.js';
import { ADMIN_TOKEN, workerOnD1 } from './support.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 11);

const onD1 = workerOnD1();

describe(`fuzz over /openapi.json on the Worker with D1 (${RUNS} cases per operation and caller, seed ${SEED})`, () => {
  it('answers every generated and hostile request as documented, never 5xx, and stays up', { timeout: 120_000 + RUNS * 120_000 }, async () => {
    const call: Call = async (method, path, init) =>
      (await onD1.mf.dispatchFetch(`https://grading.test${path}`, { method, headers: init.headers, body: init.body })) as unknown as Response;
    const doc = (await (await call('GET', '/openapi.json', { headers: {} })).json()) as OpenApiDocument;
    const setupFailures: Failure[] = [];
    const world = await buildWorld(checkedCall(call, doc, setupFailures), ADMIN_TOKEN, 'wz');
    expect(summarise(setupFailures)).toBe('');

    const hostile = await runHostileCases(call, doc, world.callers);
    expect(summarise(hostile.failures)).toBe('');
    expect((await call('GET', '/api/v1/units?limit=1000', { headers: { authorization: `Bearer ${world.callers[1]!.token}` } })).status).toBe(200);

    const generated = await fuzzOperations({ call, doc, callers: world.callers, pools: world.pools, runs: RUNS, seed: SEED });
    console.log(`fuzz (Worker): ${hostile.requests} hostile and ${generated.requests} generated requests; statuses ${JSON.stringify(generated.byStatus)}`);
    expect(summarise(generated.failures)).toBe('');
    expect((await call('GET', '/healthz', { headers: {} })).status).toBe(200);
  });
});
