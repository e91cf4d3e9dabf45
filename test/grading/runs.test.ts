import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { gradingResults } from '../../db/schema.js';
import { expandDetail } from '../../src/grading/detail.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { addResponse, expectedInput, seedGrading, standardFixture } from '../support/grading.js';
import { body, setup, start, type Json } from '../support/runs.js';
import { gradeOfficers } from '../../scoring/index.js';
import { defaultPolicy } from '../../scoring/policy.js';
import { loadEngineInput } from '../../src/grading/inputs.js';
import { parsePeriod } from '../../src/core/period.js';

async function allResults(t: TestApp, token: string, runId: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.call('GET', `/api/v1/grading-runs/${runId}/results?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status).toBe(200);
    const page = await body(res);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('starting a run', () => {
  it('aggregates the inputs per officer in SQL exactly as the fixture specifies', async () => {
    const { t, fixture } = await setup();
    const got = await loadEngineInput(t.db, parsePeriod('2026Q3')!, defaultPolicy);
    expect(got).toEqual(expectedInput(fixture));
    // Noise that must not count is really there: voided and other-period responses, flags outside the period.
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from feedback_responses where status = 'voided' or period <> '2026Q3'`);
    expect(n).toBe(24);
    expect(got.officers.find((o) => o.code === 'O002')!.penalties.map((p) => p.severity)).toEqual(['high']);
  });

  it('stores one result per officer equal to the engine output, the policy by hash, and one audit entry', async () => {
    const { t, fixture, hr1 } = await setup();
    const auditBefore = (await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n;
    const run = await start(t, hr1);
    expect(run.status).toBe('computed');
    expect(run.inputDigest).toMatch(/^[0-9a-f]{64}$/);

    const engine = gradeOfficers(defaultPolicy, expectedInput(fixture));
    const items = await allResults(t, hr1, run.id);
    expect(items.map((i) => i.officerCode)).toEqual(fixture.officers.map((o) => o.code));
    for (const r of engine.results) {
      const item = items.find((i) => i.officerCode === r.officerCode)!;
      expect(item.status).toBe(r.status);
      expect(item.composite).toBe(r.composite);
      expect(item.components).toEqual(r.components ?? { workload: null, assessment: null, feedback: null, tenure: null });
      expect(item.rank).toBe(r.rank);
      expect(item.tier).toBe(r.tier);
      expect(item.incentive).toBe(r.payout);
      expect(item.explanation).toEqual(r.explanation);
    }
    // The row stores the compact breakdown (src/grading/detail.ts); expanded with the row's columns
    // it is the engine's result, explanation included, key for key.
    const stored = await t.db.select().from(gradingResults).where(eq(gradingResults.runId, run.id));
    for (const row of stored) {
      expect(JSON.stringify(expandDetail(row, row.detail))).toBe(JSON.stringify(engine.results.find((r) => r.officerCode === row.officerCode)));
    }
    expect(items.find((i) => i.officerCode === 'O012')!.status).toBe('not_graded');
    expect(items.find((i) => i.officerCode === 'O005')!.incomplete).toBe(true);
    expect(items.find((i) => i.officerCode === 'O002')!.penalty).toBe(5);

    const [policyRow] = await t.db.all<{ version: string; n: number }>(sql`select version, (select count(*) from policies) as n from policies`);
    expect(policyRow).toEqual({ version: 'v2', n: 1 });
    const entries = await t.db.all<{ action: string; leaf: string }>(sql`select action, leaf from audit_entries where seq >= ${auditBefore} order by seq`);
    expect(entries.map((e) => e.action)).toEqual(['policy.store', 'grading_run.compute']);
    const payload = JSON.parse(entries[1]!.leaf).payload;
    expect(payload).toMatchObject({ period: '2026Q3', inputDigest: run.inputDigest, counts: { officers: 12, graded: 11, notGraded: 1 } });
    expect(Object.values(payload.tierCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(11);

    const got = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}`, { token: hr1 }));
    expect(got).toMatchObject({ id: run.id, period: '2026Q3', status: 'computed', counts: { graded: 11, notGraded: 1 } });
    const list = await body(await t.call('GET', '/api/v1/grading-runs?period=2026Q3', { token: hr1 }));
    expect(list.items.map((r: Json) => r.id)).toEqual([run.id]);
  });

  it('gives the same input digest for the same inputs and a new one when an input changes', async () => {
    const { t, hr1 } = await setup();
    const a = await start(t, hr1);
    const b = await start(t, hr1);
    expect(b.inputDigest).toBe(a.inputDigest);
    expect(b.resultsDigest).toBe(a.resultsDigest);
    // The second run reuses the stored policy document.
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from policies`))[0]!.n).toBe(1);
    await addResponse(t.db, 'O001', '2026Q3', [5, 5, 5, 4]);
    const c = await start(t, hr1);
    expect(c.inputDigest).not.toBe(a.inputDigest);
    // A response of another period changes nothing.
    await addResponse(t.db, 'O001', '2026Q4', [1, 1, 1, 1]);
    expect((await start(t, hr1)).inputDigest).toBe(c.inputDigest);
  });

  it('reads the period as a person types it (2026-q3) and answers with the one spelling, 2026Q3', async () => {
    const { t, hr1 } = await setup();
    const run = await start(t, hr1, { period: '2026-q3' });
    const got = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}`, { token: hr1 }));
    expect(got).toMatchObject({ id: run.id, period: '2026Q3' });
    const listed = await body(await t.call('GET', '/api/v1/grading-runs?period=2026q3', { token: hr1 }));
    expect(listed.items.map((r: Json) => r.id)).toContain(run.id);
  });

  it('validates the period and the policy, naming the field', async () => {
    const { t, hr1 } = await setup();
    const bad = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026-Q7' } });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([{ path: 'period', message: 'expected YYYYQn' }]);

    const policy = structuredClone(defaultPolicy) as Json;
    policy.components.workload = 0.5;
    policy.tiers[1].maxShare = 0;
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3', policy } });
    expect(res.status).toBe(400);
    const p = await body(res);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(p.errors.map((e: Json) => e.path).sort()).toEqual(['policy.components', 'policy.tiers[1].maxShare']);
    const notObject = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3', policy: 'v2' } });
    expect((await body(notObject)).errors[0].path).toBe('policy');

    const officer = await t.userToken('officer', { officerCode: 'O001' });
    expect((await t.call('POST', '/api/v1/grading-runs', { token: officer, json: { period: '2026Q3' } })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/grading-runs', { json: { period: '2026Q3' } })).status).toBe(401);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from grading_runs`))[0]!.n).toBe(0);
  });

  it('computes an empty run for a period nobody worked in, and lists officers hired late as not graded', async () => {
    const { t, hr1 } = await setup();
    const empty = await start(t, hr1, { period: '2001Q1' });
    expect(await allResults(t, hr1, empty.id)).toEqual([]);
    const got = await body(await t.call('GET', `/api/v1/grading-runs/${empty.id}`, { token: hr1 }));
    expect(got.counts).toEqual({ graded: 0, notGraded: 0 });
    // O012 was hired 2026-09-01: 30 active days in 2026Q3.
    const run = await start(t, hr1);
    const o12 = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O012`, { token: hr1 }));
    expect(o12).toMatchObject({ status: 'not_graded', composite: null, tier: null, incentive: null });
    expect(o12.reason).toMatch(/30/);
  });

  it('chunks a large run into statements of at most 100 bound parameters and stores every result', async () => {
    const t = await makeTestApp();
    const fixture = standardFixture('2026Q3');
    const many = Array.from({ length: 230 }, (_, i) => ({ ...fixture.officers[i % 11]!, code: `M${String(i).padStart(4, '0')}`, flags: [] }));
    await seedGrading(t.db, { ...fixture, officers: many });
    const hr = await t.userToken('hr');
    const run = await start(t, hr);
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from grading_results where run_id = ${run.id}`);
    expect(n).toBe(230);
  });
});

describe('publication', () => {
  it('freezes the run: republish, adjustments and decisions on it are 409', async () => {
    const { t, hr1, hr2 } = await setup();
    const run = await start(t, hr1);
    const pending = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O001', toTier: 1, reason: 'test' } }));
    // Pending adjustments block publication until decided (hr2 publishes: hr1 computed the run).
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 })).status).toBe(409);
    expect((await t.call('POST', `/api/v1/adjustments/${pending.id}/decision`, { token: hr2, json: { decision: 'reject', reason: 'no' } })).status).toBe(200);
    const pub = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 });
    expect(pub.status).toBe(200);
    expect(await body(pub)).toMatchObject({ status: 'published', publishedAt: '2026-10-10T08:00:00.000Z' });

    const again = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 });
    expect(again.status).toBe(409);
    expect((await body(again)).code).toBe('run_published');
    const adj = await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O002', toTier: 3, reason: 'late' } });
    expect(adj.status).toBe(409);
    expect(adj.headers.get('content-type')).toContain('application/problem+json');

    // A second run of the period cannot be published next to the first.
    const other = await start(t, hr1);
    expect((await t.call('POST', `/api/v1/grading-runs/${other.id}/publish`, { token: hr2 })).status).toBe(409);
  });

  it('recomputes an unpublished, unadjusted run in place; refuses once adjusted or published', async () => {
    const { t, hr1, hr2 } = await setup();
    const { recomputeRun } = await import('../../src/grading/compute-run.js');
    const run = await start(t, hr1);
    // Only the HR user who computed a run recomputes it (maker-checker): act as hr1.
    const [maker] = await t.db.all<{ created_by: string }>(sql`select created_by from grading_runs where id = ${run.id}`);
    const hrActor = { kind: 'user', userId: maker!.created_by, username: 'hr1', role: 'hr', officerCode: null, tokenId: 'x' } as const;
    const other = { ...hrActor, userId: 'u-someone-else', username: 'hrx' };
    await expect(recomputeRun({ ctx: t.ctx(other), input: { id: run.id } })).rejects.toMatchObject({ status: 403, code: 'maker_checker' });
    await addResponse(t.db, 'O001', '2026Q3', [5, 5, 5, 5]);
    const again = await recomputeRun({ ctx: t.ctx(hrActor), input: { id: run.id } });
    expect(again.id).toBe(run.id);
    expect(again.inputDigest).not.toBe(run.inputDigest);
    const fresh = await start(t, hr1);
    expect(again.inputDigest).toBe(fresh.inputDigest);
    expect(again.resultsDigest).toBe(fresh.resultsDigest);
    const [{ n }] = await t.db.all<{ n: number }>(sql`select count(*) as n from grading_results where run_id = ${run.id}`);
    expect(n).toBe(12);
    const [entry] = await t.db.all<{ leaf: string }>(sql`select leaf from audit_entries where action = 'grading_run.recompute'`);
    expect(JSON.parse(entry!.leaf).payload).toMatchObject({ previousInputDigest: run.inputDigest, inputDigest: again.inputDigest });

    const adj = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O001', toTier: 1, reason: 'r' } }));
    await expect(recomputeRun({ ctx: t.ctx(hrActor), input: { id: run.id } })).rejects.toMatchObject({ status: 409, code: 'run_adjusted' });
    await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'reject', reason: 'no' } });
    await t.call('POST', `/api/v1/grading-runs/${fresh.id}/publish`, { token: hr2 });
    await expect(recomputeRun({ ctx: t.ctx(hrActor), input: { id: fresh.id } })).rejects.toMatchObject({ status: 409, code: 'run_published' });
  });

  it('never publishes a what-if run', async () => {
    const { t, hr1 } = await setup();
    const w = await start(t, hr1, { period: '2026Q3', whatIf: true });
    expect(w.whatIf).toBe(true);
    const res = await t.call('POST', `/api/v1/grading-runs/${w.id}/publish`, { token: await t.userToken('hr') });
    expect(res.status).toBe(409);
    expect((await body(res)).code).toBe('what_if_run');
  });

  it('lets an officer read only their own result, only once published', async () => {
    const { t, hr1 } = await setup();
    const o1 = await t.userToken('officer', { officerCode: 'O001' });
    const run = await start(t, hr1);
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O001`, { token: o1 })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}`, { token: o1 })).status).toBe(404);
    expect((await body(await t.call('GET', '/api/v1/grading-runs', { token: o1 }))).items).toEqual([]);
    expect((await body(await t.call('GET', '/api/v1/me/grades', { token: o1 }))).items).toEqual([]);

    await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr') });
    const own = await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O001`, { token: o1 });
    expect(own.status).toBe(200);
    expect(await body(own)).toMatchObject({ officerCode: 'O001', runStatus: 'published' });
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O002`, { token: o1 })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/results`, { token: o1 })).status).toBe(403);
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: o1 })).status).toBe(403);
    const mine = await body(await t.call('GET', '/api/v1/me/grades', { token: o1 }));
    expect(mine.items.map((i: Json) => [i.runId, i.officerCode])).toEqual([[run.id, 'O001']]);
    const sup = await t.userToken('supervisor');
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/results`, { token: sup })).status).toBe(403);
  });
});

describe('adjustments (four eyes)', () => {
  it('refuses self-approval and records an approved change as a grade_adjustment decision', async () => {
    const { t, hr1, hr2 } = await setup();
    const run = await start(t, hr1);
    const before = (await allResults(t, hr1, run.id)).find((r) => r.officerCode === 'O003')!;
    const toTier = before.tier === 5 ? 4 : before.tier + 1;
    const res = await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O003', toTier, reason: 'Led the 2026 audit campaign' } });
    expect(res.status).toBe(201);
    const adj = await body(res);
    expect(adj).toMatchObject({ status: 'pending', fromTier: before.tier, toTier });

    const self = await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr1, json: { decision: 'approve', reason: 'ok' } });
    expect(self.status).toBe(403);
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr2, json: { officerCode: 'O003', toTier: 1, reason: 'x' } })).status).toBe(409);
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr2, json: { officerCode: 'O003', toTier: 9, reason: 'x' } })).status).toBe(400);
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr2, json: { officerCode: 'O012', toTier: 3, reason: 'x' } })).status).toBe(409);

    const ok = await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'approve', reason: 'Agreed' } });
    expect(ok.status).toBe(200);
    const decided = await body(ok);
    expect(decided).toMatchObject({ status: 'approved', decisionReason: 'Agreed' });
    expect((await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'reject', reason: 'again' } })).status).toBe(409);

    const after = (await allResults(t, hr1, run.id)).find((r) => r.officerCode === 'O003')!;
    const tier = defaultPolicy.tiers.find((x) => x.level === toTier)!;
    expect(after).toMatchObject({ tier: toTier, coefficient: tier.coefficient, incentive: Math.round(3000 * tier.coefficient * 100) / 100, adjusted: { fromTier: before.tier, toTier } });
    const [detail] = await t.db.all<{ detail: string }>(sql`select detail from grading_results where run_id = ${run.id} and officer_code = 'O003'`);
    expect(JSON.parse(detail!.detail).tier).toBe(before.tier);

    const [dec] = await t.db.all<Json>(sql`select d.*, u.username from decisions d join users u on u.id = d.decider_user_id where d.id = ${decided.decisionId}`);
    expect(dec).toMatchObject({ type: 'grade_adjustment', username: 'hr2', decider_code: null, subject_officer_code: 'O003', amount: toTier, threshold: null, taxpayer_code: null });
    expect(dec!.justification).toContain('Led the 2026 audit campaign');
    const [entry] = await t.db.all<{ action: string; entity_id: string }>(sql`select action, entity_id from audit_entries where seq = ${dec!.audit_index}`);
    expect(entry).toEqual({ action: 'decision.record', entity_id: decided.decisionId });

    const list = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1 }));
    expect(list.items.map((a: Json) => a.status)).toEqual(['approved']);
  });
});

describe('appeals', () => {
  async function published() {
    const s = await setup();
    const run = await start(s.t, s.hr1);
    const adj = await body(await s.t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: s.hr1, json: { officerCode: 'O001', toTier: 1, reason: 'r' } }));
    await s.t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: s.hr2, json: { decision: 'reject', reason: 'no' } });
    s.t.clock.set('2026-10-20T15:00:00.000Z');
    expect((await s.t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: s.hr2 })).status).toBe(200);
    const o1 = await s.t.userToken('officer', { officerCode: 'O001' });
    const o2 = await s.t.userToken('officer', { officerCode: 'O002' });
    return { ...s, run, o1, o2 };
  }

  it('accepts an appeal on day 15 after publication and refuses it on day 16', async () => {
    const { t, run, o1, o2 } = await published();
    t.clock.set('2026-11-04T23:59:00.000Z'); // day 15
    const ok = await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o1, json: { reason: 'My workload was undercounted.' } });
    expect(ok.status).toBe(201);
    expect(await body(ok)).toMatchObject({ officerCode: 'O001', status: 'pending' });
    expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o1, json: { reason: 'again' } })).status).toBe(409);
    t.clock.set('2026-11-05T00:01:00.000Z'); // day 16
    const late = await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o2, json: { reason: 'late' } });
    expect(late.status).toBe(409);
    expect((await body(late)).code).toBe('appeal_window_closed');
  });

  it('is decided only by HR who neither graded nor adjusted that officer', async () => {
    const { t, run, o1, hr1, hr2, hr3 } = await published();
    const appeal = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o1, json: { reason: 'Feedback window wrong.' } }));
    const decide = (token: string, json: Json) => t.call('POST', `/api/v1/appeals/${appeal.id}/decision`, { token, json });
    expect((await decide(hr1, { outcome: 'dismissed', reason: 'x' })).status).toBe(403); // computed the run
    expect((await decide(hr2, { outcome: 'dismissed', reason: 'x' })).status).toBe(403); // published it, decided an adjustment of O001
    expect((await decide(o1, { outcome: 'dismissed', reason: 'x' })).status).toBe(403);
    expect((await decide(hr3, { outcome: 'upheld', reason: 'x' })).status).toBe(400); // upheld needs the corrected tier
    const res = await decide(hr3, { outcome: 'upheld', reason: 'Workload import missed a month.', correctedTier: 4 });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ status: 'upheld', correctedTier: 4, decisionReason: 'Workload import missed a month.' });
    expect((await decide(hr3, { outcome: 'dismissed', reason: 'x' })).status).toBe(409);
    // The frozen run is unchanged; the correction is a recorded grade_adjustment decision.
    const own = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O001`, { token: o1 }));
    expect(own.adjusted).toBeNull();
    const [dec] = await t.db.all<Json>(sql`select type, subject_officer_code, amount from decisions where justification like ${`%${appeal.id}%`}`);
    expect(dec).toEqual({ type: 'grade_adjustment', subject_officer_code: 'O001', amount: 4 });

    const mine = await body(await t.call('GET', '/api/v1/appeals', { token: o1 }));
    expect(mine.items.map((a: Json) => a.id)).toEqual([appeal.id]);
    const upheld = await body(await t.call('GET', '/api/v1/appeals?status=upheld', { token: hr1 }));
    expect(upheld.items.length).toBe(1);
    expect((await body(await t.call('GET', '/api/v1/appeals?status=pending', { token: hr1 }))).items).toEqual([]);
  });
});

describe('payroll export', () => {
  it('is UTF-8 with BOM, CRLF, a bilingual header and quoted fields', async () => {
    const { t, hr1 } = await setup();
    const run = await start(t, hr1);
    expect((await t.call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: hr1 })).status).toBe(409);
    await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr') });
    const res = await t.call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: hr1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.slice(0, -2).split('\r\n');
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(lines[0]).toBe('工号 officer code,姓名 name,单位 unit,能级 tier,系数 coefficient,绩效奖金 payout,原能级 original tier,更正 correction');
    expect(lines.length).toBe(13);
    const items = await allResults(t, hr1, run.id);
    const o3 = items.find((i) => i.officerCode === 'O003')!;
    expect(lines[3]).toBe(`O003,"张三, ""小张""",市区分局,${o3.tier},${o3.coefficient.toFixed(2)},${o3.incentive.toFixed(2)},${o3.tier},`);
    // Not graded: empty tier, coefficient and payout (the reason comes with ?reasons=true).
    expect(lines[12]).toBe('O012,Officer 12,县局,,,,,');
  });
});

describe('what-if and compare', () => {
  it('compares two runs of a period: transition matrix, movers with reasons, distributions', async () => {
    const { t, hr1 } = await setup();
    const real = await start(t, hr1);
    const candidate = structuredClone(defaultPolicy);
    candidate.version = 'v2-candidate';
    candidate.components = { workload: 0.1, assessment: 0.2, feedback: 0.6, tenure: 0.1 };
    candidate.tiers = candidate.tiers.map((x) => ({ ...x, minScore: x.level === 1 ? 0 : x.minScore - 20 }));
    const whatIf = await start(t, hr1, { period: '2026Q3', policy: candidate, whatIf: true });

    const res = await t.call('GET', `/api/v1/grading-runs/compare?a=${real.id}&b=${whatIf.id}`, { token: hr1 });
    expect(res.status).toBe(200);
    const cmp = await body(res);
    expect(cmp.labels).toEqual(['5', '4', '3', '2', '1', 'not_graded']);
    const a = (await allResults(t, hr1, real.id)).map((r) => [r.officerCode, r.tier]);
    const b = new Map((await allResults(t, hr1, whatIf.id)).map((r) => [r.officerCode, r.tier]));
    const lab = (x: number | null) => (x === null ? 'not_graded' : String(x));
    const expected = cmp.labels.map(() => cmp.labels.map(() => 0));
    let moved = 0;
    for (const [code, tier] of a) {
      const i = cmp.labels.indexOf(lab(tier));
      const j = cmp.labels.indexOf(lab(b.get(code)));
      expected[i][j]++;
      if (i !== j) moved++;
    }
    expect(cmp.matrix).toEqual(expected);
    expect(moved).toBeGreaterThan(0);
    expect(cmp.moved).toBe(moved);
    const m = cmp.movers[0];
    expect(m.why.en).toMatch(/^Composite /);
    expect(Object.keys(m.contributionDeltas).sort()).toEqual(['assessment', 'feedback', 'tenure', 'workload']);
    expect(cmp.byPeerGroup.map((g: Json) => [g.group, g.a.n, g.b.n])).toEqual([['county', 4, 4], ['urban', 8, 8]]);
    expect(cmp.byTeam.map((g: Json) => g.group)).toEqual(['assessment', 'risk_analysis', 'service']);
    const urban = cmp.byPeerGroup[1];
    const urbanComposites = (await allResults(t, hr1, real.id)).filter((r) => Number(r.officerCode.slice(1)) <= 8).map((r) => r.composite);
    expect(urban.a.meanComposite).toBeCloseTo(urbanComposites.reduce((x: number, y: number) => x + y, 0) / 8, 2);

    const q2 = await start(t, hr1, { period: '2026Q2' });
    expect((await t.call('GET', `/api/v1/grading-runs/compare?a=${real.id}&b=${q2.id}`, { token: hr1 })).status).toBe(400);
  });
});
