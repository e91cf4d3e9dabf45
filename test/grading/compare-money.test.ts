import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.js';
import { pageRequest, signIn } from '../support/pages.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { policyV2 } from '../../scoring/index.js';

type Json = Record<string, any>;

describe('money in the compare (issue 14): total and per-unit payout of each run, and the difference', () => {
  it('a candidate with a 3,300 base pays exactly 10% more; corrections of the published run count', async () => {
    const t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    const [hr1, hr2, hr3] = [await t.userToken('hr', { username: 'hr1' }), await t.userToken('hr', { username: 'hr2' }), await t.userToken('hr', { username: 'hr3' })];
    const call = async (method: string, path: string, token: string, json?: unknown) => (await (await t.call(method, path, { token, json })).json()) as Json;
    const real = await call('POST', '/api/v1/grading-runs', hr1, { period: '2026Q3' });
    const candidate = await call('POST', '/api/v1/grading-runs', hr1, { period: '2026Q3', whatIf: true, policy: { ...policyV2, version: 'v2-base-3300', baseAllowance: 3300 } });
    const items = (await call('GET', `/api/v1/grading-runs/${real.id}/results?limit=1000`, hr1)).items as Json[];
    // Every graded officer of the standard fixture is in service for the whole quarter: 3000 x coefficient.
    const paid = items.filter((i) => i.payout !== null);
    expect(paid.length).toBe(11);
    for (const i of paid) expect(i.payout).toBe(Math.round(3000 * i.coefficient * 100) / 100);
    const fenA = paid.reduce((s, i) => s + Math.round(i.payout * 100), 0);

    const cmp = await call('GET', `/api/v1/grading-runs/compare?a=${real.id}&b=${candidate.id}`, hr1);
    expect(cmp.money.a).toEqual({ total: fenA / 100, paid: 11, perOfficer: Math.round(fenA / 11) / 100 });
    // Same tiers (same scores and lines), each payout 3300/3000 = 1.1 times: exactly 10% more in all.
    expect(cmp.money.b.total).toBe((fenA * 11) / 1000);
    expect(cmp.money.difference).toBe(fenA / 1000);
    const byUnit = (side: 'a' | 'b', unit: string) => cmp.money.byUnit.find((u: Json) => u.unit === unit)[side];
    const cityFen = paid.filter((i) => Number(i.officerCode.slice(1)) <= 8).reduce((s, i) => s + Math.round(i.payout * 100), 0);
    expect(cmp.money.byUnit.map((u: Json) => [u.unit, u.name])).toEqual([
      ['U-CITY', '市区分局'],
      ['U-COUNTY', '县局'],
    ]);
    expect(byUnit('a', 'U-CITY')).toMatchObject({ total: cityFen / 100, paid: 8 });
    expect(byUnit('a', 'U-COUNTY')).toMatchObject({ total: (fenA - cityFen) / 100, paid: 3 });

    // Publish the real run and uphold an appeal: its effective payouts are what it pays now.
    expect((await t.call('POST', `/api/v1/grading-runs/${real.id}/publish`, { token: hr2 })).status).toBe(200);
    const low = paid.find((i) => i.tier < 4 && Number(i.officerCode.slice(1)) <= 8)!;
    const officer = await t.userToken('officer', { officerCode: low.officerCode });
    const appeal = await call('POST', `/api/v1/grading-runs/${real.id}/appeals`, officer, { reason: 'r' });
    expect((await t.call('POST', `/api/v1/appeals/${appeal.id}/decision`, { token: hr3, json: { outcome: 'upheld', reason: 'ok', correctedTier: 5 } })).status).toBe(200);
    const after = await call('GET', `/api/v1/grading-runs/compare?a=${real.id}&b=${candidate.id}`, hr1);
    const extra = 390_000 - Math.round(low.payout * 100); // 3000 x 1.3 in fen, less what it paid
    expect(after.money.a.total).toBe((fenA + extra) / 100);
    expect(byUnit('a', 'U-CITY').total + extra / 100).toBeCloseTo(after.money.byUnit.find((u: Json) => u.unit === 'U-CITY').a.total, 9);
    expect(after.money.b).toEqual(cmp.money.b);
    expect(after.money.difference).toBe((fenA * 11) / 1000 - (fenA + extra) / 100);

    // The page shows it.
    const html = await (await pageRequest(t, 'GET', `/hr/compare?a=${real.id}&b=${candidate.id}`, { session: await signIn(t, hr1), headers: { 'accept-language': 'zh-CN' } })).text();
    expect(html).toContain('绩效奖金总额（元）');
    expect(html).toMatch(/data-testid="money-total"/);
    expect(html).toMatch(/data-testid="money-unit" data-unit="U-COUNTY"/);
  });
});
