/**
 * The fuzz suite on Node (issue 11): every operation of /openapi.json, for every role, a bogus
 * token and anonymous callers, with generated and hand-written hostile requests (test/fuzz/engine.ts).
 *
 * Size: FUZZ_RUNS generated cases per operation and caller (default 2 in `npm test`: about
 * 60 operations x 7 callers x 2 = some 850 requests, plus 24 hostile cases x 7 callers; about
 * 20-40 s on a 2-core machine); `npm run fuzz` runs 50 (FUZZ_RUNS to change it, FUZZ_SEED to
 * replay or vary the cases).
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { checkedCall, fuzzOperations, summarise, type Call, type Failure, type OpenApiDocument } from './engine.js';
import { runHostileCases } from './hostile.js';
import { buildWorld } from './world.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2);
const SEED = Number(process.env.FUZZ_SEED ?? 11);

describe(`fuzz over /openapi.json on Node (${RUNS} cases per operation and caller, seed ${SEED})`, () => {
  it('answers every generated and hostile request as documented, never 5xx, and stays up', { timeout: 60_000 + RUNS * 60_000 }, async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const call: Call = (method, path, init) => Promise.resolve(t.app.request(path, { method, headers: init.headers, body: init.body }));
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as OpenApiDocument;
    const setupFailures: Failure[] = [];
    const world = await buildWorld(checkedCall(call, doc, setupFailures), t.adminToken);
    expect(summarise(setupFailures)).toBe('');

    const hostile = await runHostileCases(call, doc, world.callers);
    expect(summarise(hostile.failures)).toBe('');
    // The surrogate import left nothing behind that would stop a read (it aborted the process once).
    expect((await call('GET', '/api/v1/units?limit=1000', { headers: { authorization: `Bearer ${world.callers[1]!.token}` } })).status).toBe(200);

    const generated = await fuzzOperations({ call, doc, callers: world.callers, pools: world.pools, runs: RUNS, seed: SEED });
    console.log(`fuzz (Node): ${hostile.requests} hostile and ${generated.requests} generated requests; statuses ${JSON.stringify(generated.byStatus)}`);
    expect(summarise(generated.failures)).toBe('');
    // Not only refusals: the world lets a share of the requests through.
    expect(Object.entries(generated.byStatus).filter(([s]) => Number(s) < 300).reduce((n, [, k]) => n + k, 0)).toBeGreaterThan(20);

    const health = await t.call('GET', '/healthz');
    expect(health.status).toBe(200);
  });
});
