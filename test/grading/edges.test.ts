import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';

type Json = Record<string, any>;

/**
 * DESIGN section 3's edges, end to end: rows inserted in the tables, aggregated by the run's SQL,
 * graded by the engine, read back through the API. The numbers are checked by hand here; the
 * engine's own tests cover the formulas in depth.
 */
describe('section 3 edges through the API', () => {
  async function run() {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    const f = standardFixture('2026Q3');
    f.officers.push(
      // 2026-08-17..2026-09-30 is 15 + 30 = 45 days counting both ends: graded.
      { code: 'E45', unitCode: 'U-CITY', hireDate: '2026-08-17', workload: { key_taxpayer: 3 } },
      // One day later: 44 days, not graded.
      { code: 'E44', unitCode: 'U-CITY', hireDate: '2026-08-18', workload: { key_taxpayer: 3 } },
      // Left on 2026-08-14: 2026-07-01..2026-08-14 is 31 + 14 = 45 days: graded.
      { code: 'L45', unitCode: 'U-CITY', leaveDate: '2026-08-14', workload: { key_taxpayer: 1 } },
      // A fourth graded county officer: the county peer group has 4, below 5, and falls back.
      { code: 'C04', unitCode: 'U-COUNTY', workload: { general_taxpayer: 7 } },
      // Left before the period: not in the run at all.
      { code: 'GONE', unitCode: 'U-CITY', leaveDate: '2026-06-30', workload: { key_taxpayer: 1 } },
    );
    await seedGrading(t.db, f);
    const hr = await t.userToken('hr');
    const id = ((await (await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3' } })).json()) as Json).id as string;
    const get = async (code: string) => (await (await t.call('GET', `/api/v1/grading-runs/${id}/results/${code}`, { token: hr })).json()) as Json;
    return { t, hr, id, get };
  }

  it('counts active days with both ends: 45 graded, 44 not; leavers too; gone officers absent', async () => {
    const { t, hr, id, get } = await run();
    expect((await get('E45')).status).toBe('graded');
    expect((await get('E45')).detail.activeDays).toBe(45);
    const e44 = await get('E44');
    expect(e44).toMatchObject({ status: 'not_graded', tier: null, incentive: null });
    expect(e44.detail.activeDays).toBe(44);
    expect((await get('L45')).detail.activeDays).toBe(45);
    expect((await t.call('GET', `/api/v1/grading-runs/${id}/results/GONE`, { token: hr })).status).toBe(404);
  });

  it('falls back from a peer group of 4 graded officers to the whole run', async () => {
    const { get } = await run();
    const county = await get('O009');
    expect(county.detail.raw).toMatchObject({ peerGroup: 'county', peerGroupSize: 4, peerFallback: true, peerGroupUsed: '*' });
    // Graded in the run: 11 of the fixture (O012 too late) + E45 + L45 + C04 = 14.
    expect(county.detail.raw.peerCount).toBe(14);
    const urban = await get('O001');
    expect(urban.detail.raw).toMatchObject({ peerGroup: 'urban', peerFallback: false, peerGroupUsed: 'urban' });
    expect(urban.detail.raw.peerCount).toBe(10);
    // Mid-rank percentile: 100 * (below + 0.5 * equal) / n.
    const r = urban.detail.raw;
    expect(urban.components.workload).toBeCloseTo((100 * (r.peerBelow + 0.5 * r.peerEqual)) / r.peerCount, 9);
  });

  it('shares a missing assessment weight out proportionally and marks the result incomplete', async () => {
    const { get } = await run();
    const o5 = await get('O005');
    expect(o5.incomplete).toBe(true);
    expect(o5.components.assessment).toBeNull();
    const w = o5.detail.weights;
    expect(w.assessment).toBe(0);
    expect(w.workload).toBeCloseTo(0.35 / 0.7, 12);
    expect(w.feedback).toBeCloseTo(0.25 / 0.7, 12);
    expect(w.tenure).toBeCloseTo(0.1 / 0.7, 12);
    const c = o5.components;
    expect(o5.composite).toBeCloseTo(w.workload * c.workload + w.feedback * c.feedback + w.tenure * c.tenure - o5.penalty, 9);
  });

  it('takes the latest result per category inside the 4-quarter lookback only', async () => {
    const { get } = await run();
    const o1 = await get('O001');
    const used = o1.detail.raw.assessmentsUsed as Json[];
    // law 2025-06-30 is before 2025-10-01; tax_law 2026-02-10 is superseded by 2026-08-10.
    expect(used.map((a) => [a.category, a.takenOn]).sort()).toEqual([
      ['accounting', '2025-11-20'],
      ['tax_law', '2026-08-10'],
    ]);
    // Weighted mean over the categories present: accounting 0.3, tax_law 0.3 -> 0.5 each.
    const [acc, tax] = [used.find((a) => a.category === 'accounting')!, used.find((a) => a.category === 'tax_law')!];
    expect(o1.components.assessment).toBeCloseTo(0.5 * ((100 * acc.raw) / acc.max) + 0.5 * ((100 * tax.raw) / tax.max), 9);
  });

  it('penalises only flags confirmed during the period, and shrinks feedback toward the run prior', async () => {
    const { get } = await run();
    const o2 = await get('O002');
    // high (5) confirmed in August counts; critical closed 2026-10-02 and a false positive do not.
    expect(o2.penalty).toBe(5);
    expect(o2.detail.raw.penalties.map((p: Json) => p.severity)).toEqual(['high']);
    const r = o2.detail.raw;
    expect(o2.components.feedback).toBeCloseTo((100 * ((10 * r.prior + r.feedbackSum) / (10 + r.feedbackN) - 1)) / 4, 9);
    expect(r.feedbackN).toBe(2);
  });

  it('breaks ties at a cap boundary by officer code: equal officers fill tier 5 in code order, the rest go down', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    const same = { unitCode: 'U-T', team: 'service', workload: { general_taxpayer: 10 }, feedback: [[4, 4, 4, 4]] as [number, number, number, number][],
      assessments: [{ category: 'tax_law', raw: 80, max: 100, takenOn: '2026-08-01' }] };
    // Codes deliberately inserted out of order.
    const codes = ['T07', 'T03', 'T10', 'T01', 'T05', 'T08', 'T02', 'T09', 'T04', 'T06', 'T12', 'T11', 'T14', 'T13', 'T15', 'T16', 'T17', 'T18', 'T20', 'T19'];
    await seedGrading(t.db, { period: '2026Q3', units: [{ code: 'U-T', name: 'Tie unit', peerGroup: 'urban' }], officers: codes.map((code) => ({ code, ...same })) });
    const hr = await t.userToken('hr');
    const { defaultPolicy } = await import('../../scoring/policy.js');
    // Everyone qualifies for 5 under this policy: 20 graded, caps floor(0.15 * 20) = 3 and floor(0.3 * 20) = 6.
    const policy = { ...defaultPolicy, version: 'ties', tiers: defaultPolicy.tiers.map((x) => ({ ...x, minScore: x.level === 1 ? 0 : x.level * 5 })) };
    const res = await t.call('POST', '/api/v1/grading-runs', { token: hr, json: { period: '2026Q3', policy } });
    expect(res.status, await res.clone().text()).toBe(201);
    const id = ((await res.json()) as Json).id;
    const items = ((await (await t.call('GET', `/api/v1/grading-runs/${id}/results`, { token: hr })).json()) as Json).items as Json[];
    expect(new Set(items.map((i) => i.composite)).size).toBe(1);
    const byRank = [...items].sort((a, b) => a.rank - b.rank);
    expect(byRank.map((i) => i.officerCode)).toEqual([...codes].sort());
    expect(byRank.map((i) => i.tier)).toEqual([5, 5, 5, 4, 4, 4, 4, 4, 4, ...Array(11).fill(3)]);
    const fourth = (await (await t.call('GET', `/api/v1/grading-runs/${id}/results/T04`, { token: hr })).json()) as Json;
    expect(fourth.detail.placement).toEqual({ qualifiedFor: 5, placedAt: 4, cappedAt: [5] });
  });
});

