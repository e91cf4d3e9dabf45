import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { expectedInput, seedGrading, standardFixture, type GradingFixture } from '../support/grading.js';
import { gradeOfficers, policyV1, policyV2 } from '../../scoring/index.js';

type Json = Record<string, any>;
const body = async (res: Response): Promise<Json> => (await res.json()) as Json;

/** The standard fixture plus O013, hired 2026-08-17: 45 active days of 2026Q3's 92. */
function fixture(): GradingFixture {
  const f = standardFixture('2026Q3');
  f.officers.push({ ...f.officers[0]!, code: 'O013', name: '王五', hireDate: '2026-08-17', feedback: [], otherFeedback: [], otherWorkload: [] });
  return f;
}

async function published(policy: unknown = policyV2) {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  const f = fixture();
  await seedGrading(t.db, f);
  const [hr1, hr2, hr3] = [await t.userToken('hr', { username: 'hr1' }), await t.userToken('hr', { username: 'hr2' }), await t.userToken('hr', { username: 'hr3' })];
  // Another policy than the built-in one is published only once two HR users put it in effect for
  // the quarter (four eyes, DESIGN 3), which they did when 2026Q3 began.
  if (policy !== policyV2) {
    t.clock.set('2026-07-01T09:00:00.000Z');
    const proposed = await t.call('POST', '/api/v1/policies', { token: hr1, json: { document: policy, effectiveFrom: '2026Q3', reason: 'The bureau keeps v1 for 2026Q3.' } });
    expect(proposed.status, await proposed.clone().text()).toBe(201);
    const { hash } = await body(proposed);
    const approved = await t.call('POST', `/api/v1/policies/${hash}/decision`, { token: hr2, json: { decision: 'approve', reason: 'Agreed.' } });
    expect(approved.status, await approved.clone().text()).toBe(200);
    t.clock.set('2026-10-10T08:00:00.000Z');
  }
  const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3', policy } });
  expect(res.status, await res.clone().text()).toBe(201);
  const run = await body(res);
  t.clock.set('2026-10-12T09:00:00.000Z');
  expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 })).status).toBe(200);
  return { t, f, run, hr1, hr2, hr3 };
}

async function uphold(t: TestApp, runId: string, officerCode: string, hr: string, correctedTier: number) {
  const officer = await t.userToken('officer', { officerCode });
  const filed = await t.call('POST', `/api/v1/grading-runs/${runId}/appeals`, { token: officer, json: { reason: 'My tier is wrong.' } });
  expect(filed.status).toBe(201);
  const appeal = await body(filed);
  t.clock.set('2026-10-20T10:00:00.000Z');
  const decided = await t.call('POST', `/api/v1/appeals/${appeal.id}/decision`, { token: hr, json: { outcome: 'upheld', reason: 'Workload was undercounted.', correctedTier } });
  expect(decided.status, await decided.clone().text()).toBe(200);
  return { appealId: appeal.id as string, officer };
}

const csvLines = (text: string) => text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');

describe('corrections: an upheld appeal reaches every payroll figure', () => {
  it('pays the corrected tier prorated: O013, 45 of 92 days, tier 5 = 3000 x 1.3 x 45 / 92 = 1907.608.. -> 1907.61', async () => {
    const { t, run, hr1, hr3 } = await published();
    const engine = gradeOfficers(policyV2, expectedInput(fixture())).results.find((r) => r.officerCode === 'O013')!;
    expect(engine.activeDays).toBe(45);
    expect(engine.tier).not.toBe(5);
    const { appealId, officer } = await uphold(t, run.id, 'O013', hr3, 5);

    // Results API: the published figures, the active days, and what is paid.
    const page = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results?limit=1000`, { token: hr1 }));
    const item = page.items.find((i: Json) => i.officerCode === 'O013');
    expect(item).toMatchObject({ tier: engine.tier, payout: engine.payout, incentive: engine.payout, activeDays: 45 });
    expect(item.effective).toEqual({ tier: 5, coefficient: 1.3, payout: 1907.61, correction: appealId });
    const other = page.items.find((i: Json) => i.officerCode === 'O001');
    expect(other.effective).toEqual({ tier: other.tier, coefficient: other.coefficient, payout: other.payout, correction: null });

    // One result, and the officer's own view.
    const one = await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O013`, { token: officer }));
    expect(one.effective).toEqual(item.effective);
    const mine = await body(await t.call('GET', '/api/v1/me/grades', { token: officer }));
    expect(mine.items[0].effective).toEqual(item.effective);

    // The export: effective tier, coefficient and payout, the original tier and the appeal.
    const csv = await t.call('GET', `/api/v1/grading-runs/${run.id}/export.csv`, { token: hr1 });
    const lines = csvLines(await csv.text());
    expect(lines[0]).toBe('工号 officer code,姓名 name,单位 unit,能级 tier,系数 coefficient,绩效奖金 payout,原能级 original tier,更正 correction');
    expect(lines.find((l) => l.startsWith('O013,'))).toBe(`O013,王五,市区分局,5,1.30,1907.61,${engine.tier},${appealId}`);
    expect(lines.find((l) => l.startsWith('O001,'))).toBe(`O001,Officer 1,市区分局,${other.tier},${other.coefficient.toFixed(2)},${other.payout.toFixed(2)},${other.tier},`);

    // corrections.csv since a day: what payroll pays in addition.
    const fix = csvLines(await (await t.call('GET', `/api/v1/grading-runs/${run.id}/corrections.csv?since=2026-10-20`, { token: hr1 })).text());
    const coef = (await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results/O013`, { token: hr1 }))).coefficient as number;
    expect(fix).toEqual([
      '工号 officer code,姓名 name,单位 unit,原能级 original tier,原系数 original coefficient,原绩效 original payout,能级 tier,系数 coefficient,绩效奖金 payout,差额 difference,更正 correction,日期 date',
      `O013,王五,市区分局,${engine.tier},${coef.toFixed(2)},${engine.payout!.toFixed(2)},5,1.30,1907.61,${(1907.61 - engine.payout!).toFixed(2)},${appealId},2026-10-20`,
    ]);
    expect(csvLines(await (await t.call('GET', `/api/v1/grading-runs/${run.id}/corrections.csv?since=2026-10-21`, { token: hr1 })).text())).toHaveLength(1);
    const bad = await t.call('GET', `/api/v1/grading-runs/${run.id}/corrections.csv?since=20-10-2026`, { token: hr1 });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors).toEqual([{ path: 'since', message: 'expected YYYY-MM-DD' }]);

    // Recorded, audited on the run (its history) and as a grade_adjustment decision.
    const [row] = await t.db.all<Json>(sql`select * from corrections`);
    expect(row).toMatchObject({ run_id: run.id, officer_code: 'O013', source: 'appeal', source_id: appealId, from_tier: engine.tier, to_tier: 5, coefficient: 1.3, payout: 1907.61, original_payout: engine.payout });
    const [dec] = await t.db.all<Json>(sql`select id, type, amount from decisions where id = ${row.decision_id}`);
    expect(dec).toMatchObject({ type: 'grade_adjustment', amount: 5 });
    const entries = await t.db.all<Json>(sql`select action, leaf from audit_entries where entity = 'grading_run' and entity_id = ${run.id} order by seq`);
    expect(entries.map((e) => e.action)).toEqual(['grading_run.compute', 'grading_run.publish', 'grading_run.correct']);
    expect(JSON.parse(entries[2]!.leaf).payload).toMatchObject({ officerCode: 'O013', sourceId: appealId, fromTier: engine.tier, toTier: 5, payout: 1907.61, activeDays: 45 });
  });

  it('sorts the console by the effective tier and payout', async () => {
    const { t, run, hr3 } = await published();
    await uphold(t, run.id, 'O013', hr3, 5);
    const { browseResults } = await import('../../src/grading/results.js');
    const hr = { kind: 'user', userId: 'hr-x', username: 'x', role: 'hr', officerCode: null, tokenId: 't' } as const;
    const all = await browseResults({ ctx: t.ctx(hr), input: { id: run.id, sort: 'tier', dir: 'desc', offset: 0, limit: 100 } });
    const tiers = all.rows.map((r) => r.effective.tier ?? 0);
    expect(tiers).toEqual([...tiers].sort((a, b) => b - a));
    expect(all.rows.filter((r) => r.effective.tier === 5).map((r) => r.officerCode)).toContain('O013');
    const byPay = await browseResults({ ctx: t.ctx(hr), input: { id: run.id, sort: 'payout', dir: 'asc', offset: 0, limit: 100 } });
    const pays = byPay.rows.filter((r) => r.effective.payout !== null).map((r) => r.effective.payout!);
    expect(pays).toEqual([...pays].sort((a, b) => a - b));
  });

  it('the back-fill migration rebuilds a v1 correction exactly as the verb writes it', async () => {
    const { t, run, hr3 } = await published(policyV1);
    await uphold(t, run.id, 'O001', hr3, 5);
    const [made] = await t.db.all<Json>(sql`select * from corrections`);
    expect(made).toMatchObject({ to_tier: 5, coefficient: 1.3, payout: 3900 });
    await t.db.run(sql`delete from corrections`);
    const file = readFileSync(new URL('../../db/migrations/0017_backfill_corrections_from_upheld_appeals.sql', import.meta.url), 'utf8');
    await t.db.run(sql.raw(file));
    const [rebuilt] = await t.db.all<Json>(sql`select * from corrections`);
    expect({ ...rebuilt, id: null }).toEqual({ ...made, id: null });
    // Run again: nothing twice.
    await t.db.run(sql.raw(file));
    expect((await t.db.all<Json>(sql`select count(*) as n from corrections`))[0]!.n).toBe(1);
  });
});

describe('periods (DESIGN 3): future refused, current provisional, discard', () => {
  async function setup(now: string) {
    const t = await makeTestApp({ now });
    await seedGrading(t.db, fixture());
    return { t, hr1: await t.userToken('hr', { username: 'hr1' }), hr2: await t.userToken('hr', { username: 'hr2' }) };
  }

  it('refuses a quarter that has not started: 2027Q1 on 2026-12-06 is 422, and nothing is stored', async () => {
    const { t, hr1 } = await setup('2026-12-06T08:00:00.000Z');
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2027Q1' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = await body(res);
    expect(p).toMatchObject({ status: 422, code: 'period_not_started', errors: [{ path: 'period', message: '2027Q1 has not started (starts 2027-01-01)' }] });
    expect((await t.db.all<Json>(sql`select count(*) as n from grading_runs`))[0]!.n).toBe(0);
  });

  it('computes the quarter in progress only as a provisional what-if that is never published', async () => {
    const { t, hr1, hr2 } = await setup('2026-12-06T08:00:00.000Z');
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q4' } });
    expect(res.status).toBe(201);
    const run = await body(res);
    expect(run).toMatchObject({ provisional: true, whatIf: true });
    const publish = await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 });
    expect(publish.status).toBe(409);
    expect((await body(publish)).code).toBe('provisional_run');
    expect(await body(await t.call('GET', `/api/v1/grading-runs/${run.id}`, { token: hr1 }))).toMatchObject({ provisional: true, status: 'computed' });
    // The first day of a quarter is in progress; the day after its last is past.
    t.clock.set('2026-10-01T00:00:00.000Z');
    expect((await body(await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q4' } }))).provisional).toBe(true);
    t.clock.set('2027-01-01T00:00:00.000Z');
    expect((await body(await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q4' } }))).provisional).toBe(false);
  });

  it('discards an unpublished run (kept, audited) and refuses everything on it afterwards', async () => {
    const { t, hr1, hr2 } = await setup('2026-10-10T08:00:00.000Z');
    const run = await body(await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3' } }));
    const res = await t.call('POST', `/api/v1/grading-runs/${run.id}/discard`, { token: hr2, json: { reason: 'Imported the wrong workload file.' } });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ id: run.id, status: 'discarded', discardReason: 'Imported the wrong workload file.', discardedAt: '2026-10-10T08:00:00.000Z' });
    const codeOf = async (r: Promise<Response>) => [(await r).status, (await body(await r)).code];
    expect(await codeOf(t.call('POST', `/api/v1/grading-runs/${run.id}/discard`, { token: hr1 }))).toEqual([409, 'run_discarded']);
    expect(await codeOf(t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr2 }))).toEqual([409, 'run_discarded']);
    expect(await codeOf(t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O001', toTier: 2, reason: 'x' } }))).toEqual([409, 'run_discarded']);
    // Kept: the results are still there to read.
    expect((await body(await t.call('GET', `/api/v1/grading-runs/${run.id}/results`, { token: hr1 }))).items.length).toBe(13);
    const [entry] = await t.db.all<Json>(sql`select leaf from audit_entries where action = 'grading_run.discard'`);
    expect(JSON.parse(entry!.leaf)).toMatchObject({ entityId: run.id, payload: { period: '2026Q3', reason: 'Imported the wrong workload file.' } });

    // A published run is never discarded.
    const other = await body(await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3' } }));
    expect((await t.call('POST', `/api/v1/grading-runs/${other.id}/publish`, { token: hr2 })).status).toBe(200);
    expect(await codeOf(t.call('POST', `/api/v1/grading-runs/${other.id}/discard`, { token: hr1 }))).toEqual([409, 'run_published']);
    // Without a body, too.
    const third = await body(await t.call('POST', '/api/v1/grading-runs', { token: hr1, json: { period: '2026Q3', whatIf: true } }));
    expect((await t.call('POST', `/api/v1/grading-runs/${third.id}/discard`, { token: hr1 })).status).toBe(200);
  });
});
