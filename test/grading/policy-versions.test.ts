import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { gradingResults } from '../../db/schema.js';
import { expandDetail, type StoredDetail } from '../../src/grading/detail.js';
import { makeTestApp } from '../support/app.js';
import { expectedInput, seedGrading, standardFixture } from '../support/grading.js';
import { gradeOfficers, policyV1, policyV2 } from '../../scoring/index.js';

/**
 * A run stores a compact breakdown and renders the result on read (detail.ts). Under either
 * policy the stored row must expand to the engine's result byte for byte: v1 runs keep the
 * 15-element run facts they were stored with, v2 runs add exact sums and proration.
 */
describe.each([
  ['v1', policyV1, 15],
  ['v2', policyV2, 17],
] as const)('a %s run stores and reads back exactly', (_, policy, facts) => {
  it('expands every stored row to the engine output, explanation included', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    const fixture = standardFixture('2026Q3');
    await seedGrading(t.db, fixture);
    const hr = await t.userToken('hr');
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3', policy } });
    expect(res.status, await res.clone().text()).toBe(201);
    const run = (await res.json()) as { id: string };
    const engine = gradeOfficers(policy, expectedInput(fixture));
    const rows = await t.db.select().from(gradingResults).where(eq(gradingResults.runId, run.id));
    expect(rows.length).toBe(engine.results.length);
    for (const row of rows) {
      expect((row.detail as StoredDetail).run.length).toBe(facts);
      expect(JSON.stringify(expandDetail(row, row.detail))).toBe(JSON.stringify(engine.results.find((r) => r.officerCode === row.officerCode)));
    }
  });
});
