/** Races in the grading verbs: decided inside the batch, never by a check before it. */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { body, setup, start, type Json } from '../support/runs.js';

describe('races are decided inside the batch', () => {
  it('two approvers at once: one wins, the other gets 409, one decision is recorded', async () => {
    const { t, hr1, hr2, hr3 } = await setup();
    const run = await start(t, hr1);
    const adj = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O004', toTier: 1, reason: 'r' } }));
    const auditBefore = (await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n;
    const [a, b] = await Promise.all([
      t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'approve', reason: 'a' } }),
      t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr3, json: { decision: 'reject', reason: 'b' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const decisions = await t.db.all<{ n: number }>(sql`select count(*) as n from decisions`);
    const [row] = await t.db.all<{ status: string; decision_id: string | null }>(sql`select status, decision_id from adjustments`);
    expect(decisions[0]!.n).toBe(row!.status === 'approved' ? 1 : 0);
    const [res] = await t.db.all<{ tier: number }>(sql`select tier from grading_results where run_id = ${run.id} and officer_code = 'O004'`);
    if (row!.status === 'approved') expect(res!.tier).toBe(1);
    else expect(res!.tier).not.toBe(1);
    // Only the winner's entries reached the log.
    const after = await t.db.all<{ action: string }>(sql`select action from audit_entries where seq >= ${auditBefore} order by seq`);
    expect(after.map((e) => e.action)).toEqual(row!.status === 'approved' ? ['decision.record', 'adjustment.approve'] : ['adjustment.reject']);
  });

  it('a publish and an approval at once never leave a frozen run changed', async () => {
    const { t, hr1, hr2, hr3 } = await setup();
    const run = await start(t, hr1);
    const adj = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr2, json: { officerCode: 'O004', toTier: 1, reason: 'r' } }));
    await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr1, json: { decision: 'reject', reason: 'no' } });
    const adj2 = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr2, json: { officerCode: 'O004', toTier: 1, reason: 'again' } }));
    const [pub, dec] = await Promise.all([
      t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: hr3 }), // hr1 computed it
      t.call('POST', `/api/v1/adjustments/${adj2.id}/decision`, { token: hr1, json: { decision: 'approve', reason: 'ok' } }),
    ]);
    const [runRow] = await t.db.all<{ status: string }>(sql`select status from grading_runs where id = ${run.id}`);
    const [adjRow] = await t.db.all<{ status: string }>(sql`select status from adjustments where id = ${adj2.id}`);
    // Either the approval landed first and then the publish, or the publish was refused while
    // the adjustment was pending; never a published run with a pending or later-approved change.
    if (runRow!.status === 'published') {
      expect(adjRow!.status).toBe('approved');
      expect(dec.status).toBe(200);
      expect(pub.status).toBe(200);
    } else {
      expect(pub.status).toBe(409);
    }
  });

  it('two appeals at once: one is filed', async () => {
    const { t, hr1 } = await setup();
    const run = await start(t, hr1);
    await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr') });
    const o1 = await t.userToken('officer', { officerCode: 'O001' });
    const res = await Promise.all([1, 2, 3].map((i) => t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o1, json: { reason: `r${i}` } })));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from appeals`))[0]!.n).toBe(1);
  });

  it('a change between the check and the batch fails the whole batch with 409 (guard)', async () => {
    const { t, hr1, hr2 } = await setup();
    const run = await start(t, hr1);
    const adj = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/adjustments`, { token: hr1, json: { officerCode: 'O004', toTier: 1, reason: 'r' } }));
    const { decideAdjustment } = await import('../../src/grading/adjustment.js');
    const { publishRun } = await import('../../src/grading/publish-run.js');
    // A db whose batch() first lets "another request" publish the run and decide the adjustment.
    const interfering = (stmt: ReturnType<typeof sql>) =>
      new Proxy(t.db, {
        get(target, prop, receiver) {
          if (prop === 'batch') return async (items: never) => (await target.run(stmt), target.batch(items));
          return Reflect.get(target, prop, receiver);
        },
      });
    const hr2Actor = { kind: 'user', userId: 'u-hr2', username: 'hr2x', role: 'hr', officerCode: null, tokenId: 'x' } as const;
    const auditBefore = (await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n;
    const ctx = { ...t.ctx(hr2Actor), db: interfering(sql`update adjustments set status = 'rejected' where id = ${adj.id}`) };
    await expect(decideAdjustment({ ctx, input: { id: adj.id, decision: 'approve', reason: 'late' } })).rejects.toMatchObject({ status: 409, code: 'adjustment_decided' });
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from decisions`))[0]!.n).toBe(0);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n).toBe(auditBefore);

    await t.db.run(sql`update adjustments set status = 'pending' where id = ${adj.id}`);
    const ctx2 = { ...t.ctx(hr2Actor), db: interfering(sql`update grading_runs set status = 'published' where id = ${run.id}`) };
    await expect(decideAdjustment({ ctx: ctx2, input: { id: adj.id, decision: 'approve', reason: 'late' } })).rejects.toMatchObject({ status: 409 });
    const [res] = await t.db.all<{ tier: number }>(sql`select tier from grading_results where run_id = ${run.id} and officer_code = 'O004'`);
    expect(res!.tier).not.toBe(1);

    await t.db.run(sql`update grading_runs set status = 'computed' where id = ${run.id}`);
    await t.call('POST', `/api/v1/adjustments/${adj.id}/decision`, { token: hr2, json: { decision: 'reject', reason: 'no' } });
    const hr1Actor = { ...hr2Actor, userId: 'u-hr1' };
    const ctx3 = { ...t.ctx(hr1Actor), db: interfering(sql`insert into adjustments (id, run_id, officer_code, from_tier, to_tier, reason, requested_by, requested_at, status) values ('adj_sneak', ${run.id}, 'O001', 4, 3, 'x', 'u', '2026-10-10', 'pending')`) };
    await expect(publishRun({ ctx: ctx3, input: { id: run.id } })).rejects.toMatchObject({ status: 409, code: 'run_changed' });
    expect((await t.db.all<{ status: string }>(sql`select status from grading_runs where id = ${run.id}`))[0]!.status).toBe('computed');
  });

  it('an appeal decided or filed between the check and the batch: 409, nothing written (the appeal core guard)', async () => {
    const { t, hr1 } = await setup();
    const run = await start(t, hr1);
    await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: await t.userToken('hr') });
    const o1 = await t.userToken('officer', { officerCode: 'O001' });
    const appeal = await body(await t.call('POST', `/api/v1/grading-runs/${run.id}/appeals`, { token: o1, json: { reason: 'r' } }));
    const { decideAppeal, fileAppeal } = await import('../../src/grading/appeal.js');
    const interfering = (stmt: ReturnType<typeof sql>) =>
      new Proxy(t.db, {
        get(target, prop, receiver) {
          if (prop === 'batch') return async (items: never) => (await target.run(stmt), target.batch(items));
          return Reflect.get(target, prop, receiver);
        },
      });
    const auditBefore = (await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n;
    const hr3Actor = { kind: 'user', userId: 'u-hr3', username: 'hr3x', role: 'hr', officerCode: null, tokenId: 'x' } as const;
    const ctx = { ...t.ctx(hr3Actor), db: interfering(sql`update appeals set status = 'dismissed' where id = ${appeal.id}`) };
    await expect(decideAppeal({ ctx, input: { id: appeal.id, outcome: 'upheld', reason: 'late', correctedTier: 1 } })).rejects.toMatchObject({ status: 409, code: 'appeal_decided' });
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from decisions`))[0]!.n).toBe(0);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n).toBe(auditBefore);

    const o2Actor = { kind: 'user', userId: 'u-o2', username: 'o2x', role: 'officer', officerCode: 'O002', tokenId: 'y' } as const;
    const sneak = sql`insert into appeals (id, run_id, officer_code, reason, filed_by, filed_at, status) values ('apl_sneak', ${run.id}, 'O002', 'x', 'u-o2', '2026-10-10', 'pending')`;
    await expect(fileAppeal({ ctx: { ...t.ctx(o2Actor), db: interfering(sneak) }, input: { runId: run.id, reason: 'twice' } })).rejects.toMatchObject({ status: 409, code: 'appeal_exists' });
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from appeals where officer_code = 'O002'`))[0]!.n).toBe(1);
    expect((await t.db.all<{ n: number }>(sql`select count(*) as n from audit_entries`))[0]!.n).toBe(auditBefore);
  });
});
