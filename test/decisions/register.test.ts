import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEntries, decisions } from '../../db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json, officer, taxpayer, threshold } from '../support/oversight.js';

async function setup() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'O1');
  await officer(t, 'O2');
  await officer(t, 'O3');
  await taxpayer(t, 'TP1');
  const o1 = await t.userToken('officer', { officerCode: 'O1' });
  const o2 = await t.userToken('officer', { officerCode: 'O2' });
  return { t, o1, o2 };
}

const base = { type: 'assessed_turnover', taxpayerCode: 'TP1', amount: 19_500, justification: 'Site visit; ledger incomplete.', decidedAt: '2026-09-30' };

const post = (t: TestApp, token: string, body: unknown) => t.call('POST', '/api/v1/decisions', { token, json: body });

describe('decision register', () => {
  it('records a decision by the caller, with the audit index and threshold looked up from reference data', async () => {
    const { t, o1 } = await setup();
    await threshold(t, 'assessed_turnover', 15_000, '2025-01-01', '2026-06-30');
    await threshold(t, 'assessed_turnover', 20_000, '2026-07-01');
    const res = await post(t, o1, { ...base, investigators: ['O3'] });
    expect(res.status).toBe(201);
    const out = await json(res);
    expect(out.threshold).toBe(20_000);
    expect(out.status).toBe('pending_review');
    const [row] = await t.db.select().from(decisions).where(eq(decisions.id, out.id));
    expect(row!.deciderCode).toBe('O1');
    expect(row!.auditIndex).toBe(out.auditIndex);
    const [entry] = await t.db.select().from(auditEntries).where(eq(auditEntries.seq, out.auditIndex));
    expect(entry!.entityId).toBe(out.id);
    expect(entry!.leafHash).toBe(out.leafHash);

    // Earlier date: the earlier threshold; an explicit threshold wins.
    const earlier = await json(await post(t, o1, { ...base, decidedAt: '2026-03-01' }));
    expect(earlier.threshold).toBe(15_000);
    const explicit = await json(await post(t, o1, { ...base, threshold: 5_000 }));
    expect(explicit.threshold).toBe(5_000);

    const got = await json(await t.call('GET', `/api/v1/decisions/${out.id}`, { token: o1 }));
    expect(got).toMatchObject({ status: 'pending_review', proposedAmount: 19_500, amount: null, investigators: ['O3'] });
    // O2 is the only other officer who can vote (O3 investigated and has no user): a panel of one.
    expect(got.panel).toEqual([{ officerCode: 'O2', voted: false }]);
  });

  it('refuses votes typed by the decider, unknown references and missing fields (400)', async () => {
    const { t, o1 } = await setup();
    for (const reviewers of [[{ officerCode: 'O2', vote: 'approve' }], [{ officerCode: 'O1', vote: 'approve' }], [{ officerCode: 'O2' }]]) {
      const typed = await post(t, o1, { ...base, reviewers });
      expect(typed.status).toBe(400);
      expect((await json(typed)).errors.map((e: { path: string }) => e.path)).toEqual(['reviewers']);
    }
    expect(await t.db.select().from(decisions)).toEqual([]);
    const bad = await post(t, o1, { ...base, taxpayerCode: 'NOPE', investigators: ['X9'] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors.map((e: { path: string }) => e.path).sort()).toEqual(['investigators[0]', 'taxpayerCode']);
    const noAmount = await post(t, o1, { ...base, amount: undefined });
    expect((await json(noAmount)).errors[0].path).toBe('amount');
    const waiver = await post(t, o1, { ...base, type: 'penalty_waiver' });
    expect((await json(waiver)).errors[0].path).toBe('violationType');
    const future = await post(t, o1, { ...base, decidedAt: '2026-12-01' });
    expect(future.status).toBe(400);
    const grade = await post(t, o1, { ...base, type: 'grade_adjustment' });
    expect(grade.status).toBe(400);
    const dup = await post(t, o1, { ...base, investigators: ['O2', 'O2'] });
    expect(dup.status).toBe(400);
  });

  it('lets only officers (and hr linked to an officer) record; others are refused', async () => {
    const { t } = await setup();
    const hr = await t.userToken('hr');
    expect((await post(t, hr, base)).status).toBe(403);
    const sup = await t.userToken('supervisor', { officerCode: 'O3' });
    expect((await post(t, sup, base)).status).toBe(403);
    expect((await t.call('POST', '/api/v1/decisions', { json: base })).status).toBe(401);
  });

  it('amends by a new record pointing at the original, only by its decider, only the latest', async () => {
    const { t, o1, o2 } = await setup();
    const orig = await json(await post(t, o1, base));
    const noReason = await post(t, o1, { ...base, amount: 18_000, amends: orig.id });
    expect(noReason.status).toBe(400);
    // Another officer's decision is not one o2 may know of: the same 400 as an unknown id.
    const other = await post(t, o2, { ...base, amount: 18_000, amends: orig.id, amendReason: 'x' });
    expect(other.status).toBe(400);
    const am = await post(t, o1, { ...base, amount: 18_000, amends: orig.id, amendReason: 'Corrected ledger.' });
    expect(am.status).toBe(201);
    const amId = (await json(am)).id;
    const again = await post(t, o1, { ...base, amount: 17_000, amends: orig.id, amendReason: 'again' });
    expect(again.status).toBe(409);
    const wrongType = await post(t, o1, { ...base, type: 'tax_relief', amends: amId, amendReason: 'x' });
    expect(wrongType.status).toBe(400);
    const original = await json(await t.call('GET', `/api/v1/decisions/${orig.id}`, { token: o1 }));
    expect(original.proposedAmount).toBe(19_500); // never edited
    expect(original.status).toBe('superseded'); // its review ended with the amendment
    expect(original.amendedBy).toEqual([amId]);
  });

  it('lists with filters and pagination; officers see only their own', async () => {
    const { t, o1, o2 } = await setup();
    for (let i = 1; i <= 5; i++) await post(t, o1, { ...base, decidedAt: `2026-09-0${i}` });
    await post(t, o2, { ...base, decidedAt: '2026-09-03' });
    const sup = await t.userToken('supervisor');
    const page1 = await json(await t.call('GET', '/api/v1/decisions?officerCode=O1&limit=2', { token: sup }));
    expect(page1.items.map((d: { decidedAt: string }) => d.decidedAt)).toEqual(['2026-09-05', '2026-09-04']);
    const page2 = await json(await t.call('GET', `/api/v1/decisions?officerCode=O1&limit=2&cursor=${page1.nextCursor}`, { token: sup }));
    expect(page2.items.map((d: { decidedAt: string }) => d.decidedAt)).toEqual(['2026-09-03', '2026-09-02']);
    const ranged = await json(await t.call('GET', '/api/v1/decisions?from=2026-09-02&to=2026-09-03', { token: sup }));
    expect(ranged.items).toHaveLength(3);
    const own = await json(await t.call('GET', '/api/v1/decisions', { token: o2 }));
    expect(own.items.every((d: { deciderCode: string }) => d.deciderCode === 'O2')).toBe(true);
    expect((await t.call('GET', '/api/v1/decisions?officerCode=O1', { token: o2 })).status).toBe(403);
    // O2 reads an O1 decision only where the service drew O2 onto its panel (the case they vote on).
    const deferral = await json(await post(t, o1, { ...base, type: 'deferral' }));
    expect((await t.call('GET', `/api/v1/decisions/${deferral.id}`, { token: o2 })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/decisions/${page1.items[0].id}`, { token: o2 })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/decisions', { token: await t.userToken('intake') })).status).toBe(403);
  });
});
