/**
 * The full scan in steps, on Node with the Worker's limits (statements counted as D1 counts them,
 * no statement over 100 bound parameters): the first invocation runs the rules and raises what it
 * can, the candidates left wait in job_items, the later steps raise them; every flag has its
 * entry, none is raised twice, and one scan runs at a time.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Client } from '@libsql/client';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, officer, supervisor } from '../support/oversight.js';
import { workerLike } from '../support/invocations.js';
import { findCandidates, scanFlags } from '../../src/flags/scan.js';
import type { Actor } from '../../src/core/context.js';

// One statement appends a whole batch's leaves (ADR 0031), so a raise costs few statements: the
// limit is low enough that the candidates left after the first invocation need several more.
const LIMIT = 150;
const OFFICERS = 120;

async function setup() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  const codes: string[] = [];
  for (let i = 0; i < OFFICERS; i++) codes.push(await officer(t, `K${String(i).padStart(3, '0')}`, { unit: i % 2 ? 'U1' : 'U2' }));
  // Each officer: two late amendments (two flags), and amounts bunched under the threshold (one
  // threshold_bunching flag): more than 40 bunching groups, so the chunked evidence reads of that
  // rule must stay within 100 bound parameters, and some 360 flags, far more than one invocation.
  const T = 20_000;
  const originals = await decisionsFor(
    t,
    codes.flatMap((o) => [
      { decider: o, amount: 25_000, threshold: T, decidedAt: '2026-06-01' },
      { decider: o, amount: 26_000, threshold: T, decidedAt: '2026-06-02' },
    ]),
  );
  await decisionsFor(
    t,
    originals.map((id, i) => ({ decider: codes[i >> 1]!, amount: 24_000, threshold: T, decidedAt: '2026-06-01', recordedAt: '2026-08-20T09:00:00.000Z', amends: id })),
  );
  await decisionsFor(t, codes.flatMap((o) => Array.from({ length: 8 }, (_, k) => ({ decider: o, amount: 18_500 + k * 100, threshold: T, decidedAt: `2026-0${1 + k}-15` }))));
  const sup = await supervisor(t, 'sup-steps');
  const actor: Actor = { kind: 'user', userId: sup.userId, username: 'sup-steps', role: 'supervisor', officerCode: null, tokenId: 'x' };
  const worker = workerLike((t.db as unknown as { $client: Client }).$client, LIMIT);
  return { t, sup, actor, worker };
}

const n = async (t: TestApp, q: ReturnType<typeof sql>) => Number((await t.db.all<{ n: number }>(q))[0]!.n);

describe('the full scan in steps', () => {
  it('raises every candidate over several invocations, each within the limit, with one entry per flag', async () => {
    const { t, sup, actor, worker } = await setup();
    const found = await findCandidates(t.ctx());
    const rules = new Set(found.map((c) => c.rule));
    expect([...rules].filter((r) => r === 'late_amendment' || r === 'threshold_bunching').sort()).toEqual(['late_amendment', 'threshold_bunching']);
    const all = found.length;
    expect(all).toBeGreaterThanOrEqual(OFFICERS * 3);
    const first = await scanFlags({ ctx: worker.ctx(t.ctx(actor)) });
    expect(first.status).toBe('running');
    expect(first.candidates).toBe(all);
    expect(first.raised).toBeGreaterThan(0);
    expect(first.raised).toBeLessThan(all);
    expect(await n(t, sql`select count(*) as n from job_items`)).toBeGreaterThan(0);

    // One scan at a time: a second one is refused while this one runs; the scheduler skips.
    await expect(scanFlags({ ctx: worker.ctx(t.ctx(actor)) })).rejects.toMatchObject({ status: 409, code: 'job_running' });
    const skipped = await scanFlags({ ctx: worker.ctx(t.ctx({ kind: 'system', name: 'flag-scan' })) });
    expect(skipped).toMatchObject({ status: 'running', raised: 0 });

    const [outcome] = await worker.drain(t.ctx());
    expect(outcome!.failed).toBeUndefined();
    expect(outcome!.steps).toBeGreaterThan(1);
    expect(Math.max(...worker.counted.perInvocation)).toBeLessThanOrEqual(LIMIT);

    const flags = await n(t, sql`select count(*) as n from flags`);
    expect(flags).toBe(all);
    expect(await n(t, sql`select count(*) as n from (select rule, condition_key from flags group by 1, 2 having count(*) > 1)`)).toBe(0);
    expect(await n(t, sql`select count(*) as n from audit_entries where action = 'flag.raise'`)).toBe(flags);
    expect(await n(t, sql`select count(*) as n from job_items`)).toBe(0);
    const job = (await (await t.call('GET', `/api/v1/jobs/${(first as { jobId: string }).jobId}`, { token: sup.token })).json()) as Record<string, unknown>;
    expect(job).toMatchObject({ kind: 'flag-scan', status: 'done', done: all, total: all });
    expect((job.output as { raised: number }).raised).toBe(all);

    // Nothing is left to raise: a scan in one go (Node, no limit) finds the same and raises none.
    const again = await scanFlags({ ctx: t.ctx(actor) });
    expect(again).toMatchObject({ status: 'done', raised: 0, candidates: all });
  });
});
