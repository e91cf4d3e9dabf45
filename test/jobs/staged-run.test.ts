/**
 * A grading run too large for one invocation, on Node with the Worker's limits (a libsql handle
 * that counts statements as D1 does and binds 100 parameters per statement): the same verb opens
 * the run `computing`, writes what the invocation allows and hands the rest over; the steps that
 * follow (as the Workflow runs them) write the rest, and the last one makes the run `computed`
 * with its audit entry. Readers never see a half-written run.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Client } from '@libsql/client';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, type OfficerSpec } from '../support/grading.js';
import { workerLike } from '../support/invocations.js';
import { pageRequest, signIn } from '../support/pages.js';
import { recomputeRun, startRun } from '../../src/grading/compute-run.js';
import type { Actor } from '../../src/core/context.js';

const LIMIT = 45; // statements per invocation: a run of 500 officers (72 INSERTs of 7) needs three

function officers(n: number): OfficerSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    code: `S${String(i).padStart(4, '0')}`,
    unitCode: i % 2 ? 'U-A' : 'U-B',
    team: i % 3 ? 'service' : 'assessment',
    workload: { key_taxpayer: (i * 37) % 23, general_taxpayer: (i * 11) % 17 },
    assessments: [{ category: 'tax_law', raw: 40 + ((i * 13) % 60), max: 100, takenOn: '2026-08-01' }],
    feedback: i % 4 ? [[5, 4, (i % 5) + 1, 4]] : [],
  }));
}

async function setup(n = 500) {
  const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
  await seedGrading(t.db, {
    period: '2026Q3',
    units: [
      { code: 'U-A', name: 'A', peerGroup: 'urban' },
      { code: 'U-B', name: 'B', peerGroup: 'county' },
    ],
    officers: officers(n),
  });
  const token = await t.userToken('hr', { username: 'hr-staged' });
  const [u] = await t.db.all<{ id: string }>(sql`select user_id as id from tokens order by created_at desc limit 1`);
  const actor: Actor = { kind: 'user', userId: u!.id, username: 'hr-staged', role: 'hr', officerCode: null, tokenId: 'x' };
  const worker = workerLike((t.db as unknown as { $client: Client }).$client, LIMIT);
  return { t, token, actor, worker };
}

const count = async (t: TestApp, q: ReturnType<typeof sql>) => Number((await t.db.all<{ n: number }>(q))[0]!.n);
const entries = (t: TestApp, runId: string) => t.db.all<{ action: string; actor: string }>(sql`select action, actor from audit_entries where entity_id = ${runId} order by seq`);

describe('a grading run in steps', () => {
  it('opens the run computing, hands the rest over, and finishes it with its one entry; within the limit in every invocation', async () => {
    const { t, token, actor, worker } = await setup();
    const out = await startRun({ ctx: worker.ctx(t.ctx(actor)), input: { period: '2026Q3' } });
    expect(out.status).toBe('computing');
    expect(worker.handed).toHaveLength(1);
    const runId = out.id;

    // Half-written: listed with its progress, but no results and no entry yet.
    const view = await t.call('GET', `/api/v1/grading-runs/${runId}`, { token });
    expect(view.status).toBe(200);
    const v = (await view.json()) as { status: string; progress: { done: number; total: number; status: string } };
    expect(v.status).toBe('computing');
    expect(v.progress).toMatchObject({ status: 'running', total: 500 });
    expect(v.progress.done).toBeGreaterThan(0);
    expect(v.progress.done).toBeLessThan(500);
    const results = await t.call('GET', `/api/v1/grading-runs/${runId}/results`, { token });
    expect(results.status).toBe(409);
    expect(((await results.json()) as { code: string }).code).toBe('run_not_ready');
    expect((await t.call('POST', `/api/v1/grading-runs/${runId}/publish`, { token })).status).toBe(409);
    expect(await entries(t, runId)).toEqual([]);
    // The HR console shows how far it has come, and refreshes itself until it is done.
    const session = await signIn(t, token);
    const page = await pageRequest(t, 'GET', `/hr/runs/${runId}`, { session });
    expect(page.status).toBe(200);
    expect(page.headers.get('refresh')).toBe('5');
    const html = await page.text();
    expect(html).toContain('计算中（结果尚未写完）');
    expect(html).toContain(`已写入 ${v.progress.done} / 500 条结果`);
    expect(html).toMatch(new RegExp(`<progress[^>]*value="${v.progress.done}"[^>]*max="500"`));
    expect(await (await pageRequest(t, 'GET', '/hr', { session })).text()).toContain('计算中（结果尚未写完）');

    const [done] = await worker.drain(t.ctx());
    expect(done).toMatchObject({ id: out.jobId, steps: 2 });
    expect(Math.max(...worker.counted.perInvocation)).toBeLessThanOrEqual(LIMIT);
    expect(worker.counted.perInvocation.length).toBe(3);

    // Final: the same results as a run computed in one go, and exactly one entry, by the HR user.
    const oneGo = await startRun({ ctx: t.ctx(actor), input: { period: '2026Q3' } });
    expect(oneGo.status).toBe('computed');
    expect(oneGo.resultsDigest).toBe(out.resultsDigest);
    const [run] = await t.db.all<{ status: string }>(sql`select status from grading_runs where id = ${runId}`);
    expect(run!.status).toBe('computed');
    const differ = await count(
      t,
      sql`select count(*) as n from grading_results a left join grading_results b on b.run_id = ${oneGo.id} and b.officer_code = a.officer_code
          where a.run_id = ${runId} and (b.officer_code is null or a.tier is not b.tier or a.composite is not b.composite or a.payout is not b.payout or a.detail <> b.detail)`,
    );
    expect(differ).toBe(0);
    expect(await count(t, sql`select count(*) as n from grading_results where run_id = ${runId}`)).toBe(500);
    expect(await entries(t, runId)).toEqual([{ action: 'grading_run.compute', actor: 'user:hr-staged' }]);
    const job = (await (await t.call('GET', `/api/v1/jobs/${out.jobId}`, { token })).json()) as { status: string; steps: number; done: number };
    expect(job).toMatchObject({ status: 'done', steps: 3, done: 500 });
    expect((await t.call('GET', `/api/v1/grading-runs/${runId}/results?limit=1000`, { token })).status).toBe(200);
    const after = await pageRequest(t, 'GET', `/hr/runs/${runId}`, { session });
    expect(after.headers.get('refresh')).toBeNull();
    expect(await after.text()).toContain('已计算（未发布）');
  });

  it('survives a step that runs again after its batch was written (a retried Workflow step)', async () => {
    const { t, actor, worker } = await setup();
    const out = await startRun({ ctx: worker.ctx(t.ctx(actor)), input: { period: '2026Q3' } });
    const job = worker.handed[0]!;
    // The Workflow retries a step whose batch committed but whose result was lost: run it twice.
    const { continueJob } = await import('../../src/jobs/run.js');
    const { jobOf } = await import('../../src/job-kinds.js');
    const first = await continueJob(worker.ctx(t.ctx(actor)), jobOf(job.kind), job);
    expect(first.done).toBe(false);
    await worker.drain(t.ctx());
    expect(await count(t, sql`select count(*) as n from grading_results where run_id = ${out.id}`)).toBe(500);
    expect((await entries(t, out.id)).map((e) => e.action)).toEqual(['grading_run.compute']);
  });

  it('fails the run, with an entry saying why and no results left, when its inputs change between steps', async () => {
    const { t, token, actor, worker } = await setup();
    const out = await startRun({ ctx: worker.ctx(t.ctx(actor)), input: { period: '2026Q3' } });
    // An import lands between two steps.
    await t.db.run(sql`update workload set count = count + 1 where officer_code = 'S0001'`);
    const [outcome] = await worker.drain(t.ctx());
    expect(outcome!.failed).toMatch(/inputs changed/);
    const [run] = await t.db.all<{ status: string }>(sql`select status from grading_runs where id = ${out.id}`);
    expect(run!.status).toBe('failed');
    expect(await count(t, sql`select count(*) as n from grading_results where run_id = ${out.id}`)).toBe(0);
    expect((await entries(t, out.id)).map((e) => e.action)).toEqual(['grading_run.fail']);
    const job = (await (await t.call('GET', `/api/v1/jobs/${out.jobId}`, { token })).json()) as { status: string; error: string };
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/inputs changed/);
    expect((await t.call('GET', `/api/v1/grading-runs/${out.id}/results`, { token })).status).toBe(409);
    const page = await (await pageRequest(t, 'GET', `/hr/runs/${out.id}`, { session: await signIn(t, token) })).text();
    expect(page).toContain('计算期间评定数据发生了变化');
  });

  it('recomputes a run in place in steps: computing again, the new results, one recompute entry', async () => {
    const { t, actor, worker } = await setup();
    const first = await startRun({ ctx: t.ctx(actor), input: { period: '2026Q3' } });
    await t.db.run(sql`update workload set count = count + 5 where officer_code = 'S0002'`);
    const again = await recomputeRun({ ctx: worker.ctx(t.ctx(actor)), input: { id: first.id } });
    expect(again.status).toBe('computing');
    await worker.drain(t.ctx());
    expect(Math.max(...worker.counted.perInvocation)).toBeLessThanOrEqual(LIMIT);
    const fresh = await startRun({ ctx: t.ctx(actor), input: { period: '2026Q3' } });
    expect(again.resultsDigest).toBe(fresh.resultsDigest);
    expect(again.resultsDigest).not.toBe(first.resultsDigest);
    expect((await entries(t, first.id)).map((e) => e.action)).toEqual(['grading_run.compute', 'grading_run.recompute']);
    expect(await count(t, sql`select count(*) as n from grading_results where run_id = ${first.id}`)).toBe(500);
  });
});
