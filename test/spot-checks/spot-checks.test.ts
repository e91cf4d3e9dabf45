/**
 * Spot checks (双随机, DESIGN section 4): the quarter's random sample of decisions, each to a
 * randomly drawn supervisor, re-runnable from the period, the audit-log head and the time. The
 * clock is 2026-10-15; the quarter sampled is 2026Q3.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { spotCheckItems } from '../../db/schema.js';
import { planSpotCheck, type SpotCheckDraw } from '../../src/spot-checks/plan.js';
import { scheduledSpotCheck } from '../../src/spot-checks/create.js';
import { sampleSize } from '../../src/spot-checks/policy.js';
import { drawSeed } from '../../src/core/draw.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { decisionsFor, json, officer, supervisor } from '../support/oversight.js';
import { pageRequest, signIn } from '../support/pages.js';

/**
 * O1 (supervised by SA), O2, O3 decide assessed turnover; O4 deferrals; O2 a few waivers. Also
 * decisions outside 2026Q3, one amended, one recorded after the draw. Supervisors: SA (O1's own),
 * SB, SC (no officer record).
 */
async function world() {
  const t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
  await officer(t, 'SA', { unit: 'U1' });
  await officer(t, 'SB', { unit: 'U2' });
  await officer(t, 'O1', { unit: 'U1', supervisorCode: 'SA' });
  for (const o of ['O2', 'O3', 'O4', 'R1']) await officer(t, o, { unit: 'U1' });
  const day = (i: number) => `2026-0${7 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const ids = await decisionsFor(t, [
    ...Array.from({ length: 120 }, (_, i) => ({ decider: ['O1', 'O2', 'O3'][i % 3]!, amount: 15_000 + i, threshold: 20_000, decidedAt: day(i) })),
    ...Array.from({ length: 10 }, (_, i) => ({ decider: 'O4', type: 'deferral', decidedAt: day(i) })),
    ...Array.from({ length: 3 }, (_, i) => ({ decider: 'O2', type: 'penalty_waiver', violationType: `v${i}`, decidedAt: day(i) })),
    // Outside the quarter.
    { decider: 'O1', amount: 1, decidedAt: '2026-06-30' },
    { decider: 'O1', amount: 1, decidedAt: '2026-10-01' },
  ]);
  // SB sat on the panel of one of O1's decisions: never its checker.
  await t.db.run(sql`insert into decision_reviewers (decision_id, officer_code, vote, investigated) values (${ids[0]}, 'SB', null, 0)`);
  const sups = { SA: await supervisor(t, 'sup-a', 'SA'), SB: await supervisor(t, 'sup-b', 'SB'), SC: await supervisor(t, 'sup-c') };
  const hr = await t.userToken('hr');
  return { t, ids, sups, hr };
}

const draw = (t: TestApp, token: string, period = '2026Q3') => t.call('POST', '/api/v1/spot-checks', { token, json: { period } });

describe('the spot-check draw', () => {
  it('samples 2% of each type, at least one per officer, each to an eligible supervisor; re-runnable', async () => {
    const { t, ids, sups, hr } = await world();
    const res = await draw(t, hr);
    expect(res.status, await res.clone().text()).toBe(201);
    const out = await json(res);
    const items = out.items as { decisionId: string; stratum: string; reviewerUserId: string | null; reviewerCode: string | null }[];
    const meta = new Map((await t.db.all<{ id: string; type: string; decider_code: string; decided_at: string }>(sql`select id, type, decider_code, decided_at from decisions`)).map((d) => [d.id, d]));
    const byType = (ty: string) => items.filter((i) => i.stratum === 'type' && meta.get(i.decisionId)!.type === ty).length;
    expect(byType('assessed_turnover')).toBe(sampleSize(120)); // ceil(2.4) = 3
    expect(sampleSize(120)).toBe(3);
    expect(byType('deferral')).toBe(1);
    expect(byType('penalty_waiver')).toBe(1);
    // Every officer with decisions in the quarter has one; none outside the quarter is drawn.
    expect(new Set(items.map((i) => meta.get(i.decisionId)!.decider_code))).toEqual(new Set(['O1', 'O2', 'O3', 'O4']));
    expect(items.every((i) => meta.get(i.decisionId)!.decided_at >= '2026-07-01' && meta.get(i.decisionId)!.decided_at <= '2026-09-30')).toBe(true);
    expect(new Set(items.map((i) => i.decisionId)).size).toBe(items.length);
    // Reviewers: never the decider's own supervisor (SA for O1), never a panel member (SB on ids[0]).
    for (const i of items) {
      expect(i.reviewerUserId).not.toBeNull();
      if (meta.get(i.decisionId)!.decider_code === 'O1') expect(i.reviewerUserId).not.toBe(sups.SA.userId);
      if (i.decisionId === ids[0]) expect(i.reviewerUserId).not.toBe(sups.SB.userId);
      expect(i.reviewerCode).toBe(i.reviewerUserId === sups.SC.userId ? 'sup-c' : i.reviewerUserId === sups.SA.userId ? 'SA' : 'SB');
    }

    // The same period, head and time give the same draw; another head gives another seed.
    const got = await json(await t.call('GET', `/api/v1/spot-checks/${out.id}`, { token: sups.SB.token }));
    expect(got.reproducible).toBe(true);
    const stored = got.draw as SpotCheckDraw;
    expect(out.seed).toBe(drawSeed('spot-check:2026Q3', stored.seedInputs));
    const again = await planSpotCheck(t.db, { period: '2026Q3', head: stored.seedInputs, asOf: stored.asOf, supervisors: stored.supervisors });
    expect(again.items).toEqual(items.map(({ reviewerCode: _c, ...i }) => i));
    const other = await planSpotCheck(t.db, { period: '2026Q3', head: { ...stored.seedInputs, auditSize: stored.seedInputs.auditSize + 1 }, asOf: stored.asOf, supervisors: stored.supervisors });
    expect(other.seed).not.toBe(out.seed);
    // Decisions recorded after the draw do not change its re-run.
    t.clock.set('2026-10-16T08:00:00.000Z');
    await decisionsFor(t, [{ decider: 'O4', type: 'deferral', decidedAt: '2026-09-30', recordedAt: '2026-10-16T07:00:00.000Z' }]);
    expect((await json(await t.call('GET', `/api/v1/spot-checks/${out.id}`, { token: hr }))).reproducible).toBe(true);
    // A swapped reviewer does not pass the re-run.
    await t.db.run(sql`update spot_check_items set reviewer_user_id = ${sups.SA.userId} where decision_id = ${items.find((i) => i.reviewerUserId !== sups.SA.userId)!.decisionId}`);
    expect((await json(await t.call('GET', `/api/v1/spot-checks/${out.id}`, { token: hr }))).reproducible).toBe(false);
  });

  it('draws a quarter once, only once it has ended, for hr and supervisors', async () => {
    const { t, sups, hr } = await world();
    expect((await draw(t, await t.userToken('officer', { officerCode: 'O1' }))).status).toBe(403);
    expect((await draw(t, hr, '2026Q4')).status).toBe(422);
    expect((await draw(t, hr, '2026Q5')).status).toBe(400);
    expect((await draw(t, sups.SB.token)).status).toBe(201);
    const second = await draw(t, hr);
    expect(second.status).toBe(409);
    expect((await json(second)).code).toBe('spot_check_exists');
    // The schedule draws the quarter just ended once: here it already has its draw.
    expect(await scheduledSpotCheck({ ctx: t.ctx({ kind: 'system', name: 'spot-check' }) })).toEqual({ period: '2026Q3', drawn: false, items: 0 });
  });

  it('the schedule draws the quarter just ended by itself', async () => {
    const { t } = await world();
    const out = await scheduledSpotCheck({ ctx: t.ctx({ kind: 'system', name: 'spot-check' }) });
    expect(out).toMatchObject({ period: '2026Q3', drawn: true });
    expect(out.items).toBeGreaterThan(4);
  });
});

describe('outcomes', () => {
  it('the drawn supervisor records each check once; a finding may raise a flag on the decider', async () => {
    const { t, sups, hr } = await world();
    const out = await json(await draw(t, hr));
    const byUser = Object.fromEntries(Object.values(sups).map((s) => [s.userId, s]));
    const [first, second] = out.items as { decisionId: string; reviewerUserId: string }[];
    const record = (token: string, decisionId: string, body: unknown) => t.call('POST', `/api/v1/spot-checks/${out.id}/items/${decisionId}`, { token, json: body });
    const owner = byUser[first!.reviewerUserId]!;
    const stranger = Object.values(sups).find((s) => s.userId !== first!.reviewerUserId)!;
    expect((await record(stranger.token, first!.decisionId, { outcome: 'compliant', note: 'x' })).status).toBe(403);
    expect((await record(hr, first!.decisionId, { outcome: 'compliant', note: 'x' })).status).toBe(403);
    expect((await record(owner.token, 'dec_none', { outcome: 'compliant', note: 'x' })).status).toBe(404);
    expect((await record(owner.token, first!.decisionId, { outcome: 'compliant', note: 'x', raiseFlag: true })).status).toBe(400);
    expect((await record(owner.token, first!.decisionId, { outcome: 'compliant', note: 'Invoices and site notes agree.' })).status).toBe(201);
    expect((await record(owner.token, first!.decisionId, { outcome: 'finding', note: 'again' })).status).toBe(409);

    const owner2 = byUser[second!.reviewerUserId]!;
    // Through the page form, as the drawn supervisor does it.
    const session = await signIn(t, owner2.token);
    const page = await (await pageRequest(t, 'GET', '/spot-checks?lang=en', { session })).text();
    expect(page).toContain(`action="/spot-checks/${out.id}/items/${second!.decisionId}"`);
    const posted = await pageRequest(t, 'POST', `/spot-checks/${out.id}/items/${second!.decisionId}`, { session, form: { outcome: 'finding', note: 'No site visit on file for an amount this close to the threshold.', raiseFlag: '1' } });
    expect(posted.status).toBe(303);
    const [item] = await t.db.select().from(spotCheckItems).where(sql`decision_id = ${second!.decisionId}`);
    expect(item).toMatchObject({ outcome: 'finding', recordedBy: owner2.userId });
    const [flag] = await t.db.all<{ id: string; rule: string; subject_code: string; reviewer_user_id: string | null; evidence: string }>(sql`select id, rule, subject_code, reviewer_user_id, evidence from flags where id = ${item!.flagId}`);
    const [decider] = await t.db.all<{ decider_code: string }>(sql`select decider_code from decisions where id = ${second!.decisionId}`);
    expect(flag).toMatchObject({ rule: 'spot_check', subject_code: decider!.decider_code });
    expect(JSON.parse(flag!.evidence)).toMatchObject({ spotCheckId: out.id, decisionIds: [second!.decisionId] });

    const detail = await (await pageRequest(t, 'GET', `/spot-checks/${out.id}?lang=en`, { session })).text();
    expect(detail).toContain('matches the record');
    const list = await json(await t.call('GET', '/api/v1/spot-checks', { token: hr }));
    expect(list.items[0]).toMatchObject({ period: '2026Q3', compliant: 1, findings: 1, pending: out.items.length - 2 });
  });

  it('nobody checks their own decision, whatever the draw says', async () => {
    const { t, hr } = await world();
    const out = await json(await draw(t, hr));
    const mine = (out.items as { decisionId: string }[])[0]!;
    const [d] = await t.db.all<{ decider_code: string }>(sql`select decider_code from decisions where id = ${mine.decisionId}`);
    const self = await supervisor(t, 'sup-self', d!.decider_code);
    await t.db.run(sql`update spot_check_items set reviewer_user_id = ${self.userId} where decision_id = ${mine.decisionId}`);
    const res = await t.call('POST', `/api/v1/spot-checks/${out.id}/items/${mine.decisionId}`, { token: self.token, json: { outcome: 'compliant', note: 'fine' } });
    expect(res.status).toBe(403);
    expect((await json(res)).code).toBe('own_case');
  });

  it('nobody reads the check of their own decisions: a reader linked to the decider (any role) gets the other items', async () => {
    const { t, sups, hr } = await world();
    const out = await json(await draw(t, hr));
    const all = (await json(await t.call('GET', `/api/v1/spot-checks/${out.id}`, { token: sups.SC.token }))).items as { deciderCode: string }[];
    expect(all.map((i) => i.deciderCode)).toContain('O1');
    const linked = { supervisor: (await supervisor(t, 'sup-o1', 'O1')).token, hr: await t.userToken('hr', { username: 'hr-o1', officerCode: 'O1' }) };
    for (const [role, token] of Object.entries(linked)) {
      const got = await json(await t.call('GET', `/api/v1/spot-checks/${out.id}`, { token }));
      expect(got.items.map((i: { deciderCode: string }) => i.deciderCode), role).not.toContain('O1');
      expect(got.items.length, role).toBe(all.filter((i) => i.deciderCode !== 'O1').length);
      expect(got.reproducible, role).toBe(true);
    }
  });
});
