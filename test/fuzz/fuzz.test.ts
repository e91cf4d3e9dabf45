/**
 * The fuzz suite on Node (issue 11): every operation of /openapi.json, for every role, a bogus
 * token and anonymous callers, with generated and hand-written hostile requests (test/fuzz/engine.ts).
 *
 * Size: FUZZ_RUNS generated cases per operation and caller (default 2 in `npm test`: about
 * 60 operations x 7 callers x 2 = some 850 requests, plus 24 hostile cases x 7 callers; about
 * 15-30 s on a 2-core machine); `npm run fuzz` runs 50 (FUZZ_RUNS to change it, FUZZ_SEED to
 * replay or vary the cases).
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import type { Call } from './engine.js';
import { runFuzz } from './suite.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2);
const SEED = Number(process.env.FUZZ_SEED ?? 11);

describe(`fuzz over /openapi.json on Node (${RUNS} cases per operation and caller, seed ${SEED})`, () => {
  it('answers every generated and hostile request as documented, never 5xx, and stays up', { timeout: 60_000 + RUNS * 60_000 }, async () => {
    const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    const call: Call = (method, path, init) => Promise.resolve(t.app.request(path, { method, headers: init.headers, body: init.body }));
    const run = await runFuzz({ call, adminToken: t.adminToken, tag: 'fz', runs: RUNS, seed: SEED, label: 'Node' });
    console.log(run.report);
    expect(run.setup).toBe('');
    expect(run.hostile).toBe('');
    expect(run.unitsAfterHostile).toBe(200);
    expect(run.generated).toBe('');
    expect(run.succeeded).toBeGreaterThan(20);
    expect(run.health).toBe(200);
  });
});
