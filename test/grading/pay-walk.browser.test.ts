/**
 * The pay walk of issue 14 in Chromium, through the pages only: HR publishes the last quarter of
 * 2026 after the confirmation that lists what the run is missing; the officer appeals on /me;
 * another HR user upholds it with a corrected tier; the run page and the payroll export show the
 * effective tier with the original beside it; HR computes the 2026 annual review, another HR user
 * publishes it, and the officer sees the annual result. Screenshots in screenshots/pay/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { workload } from '../../db/schema.js';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';

const shots = screenshotDir('pay');

describe('pay in a browser: corrections into payroll, and the year', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp({ now: '2027-01-06T08:00:00.000Z' });
    const f = standardFixture('2026Q3');
    // O013 joined on 2026-11-16: 46 of 2026Q4's 92 days, so its pay is prorated.
    f.officers.push({ ...f.officers[2]!, code: 'O013', name: '赵六', hireDate: '2026-11-16', feedback: [], otherFeedback: [], otherWorkload: [] });
    await seedGrading(t.db, f);
    await t.db.run(sql`delete from workload where period <> '2026Q3'`);
    for (const p of ['2026Q1', '2026Q2', '2026Q4']) {
      await t.db.insert(workload).values(f.officers.flatMap((o) => Object.entries(o.workload ?? {}).map(([kind, count]) => ({ officerCode: o.code, period: p, kind, count }))));
    }
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  async function signedIn(token: string, next: string, locale = 'zh-CN'): Promise<BrowserContext> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInPage(page, base, token, next);
    await page.close();
    return context;
  }

  it('publish, appeal upheld, the export shows the effective tier; the annual review computed and published', async () => {
    const tokens = {
      hr1: await t.userToken('hr', { username: 'hr-wang' }),
      hr2: await t.userToken('hr', { username: 'hr-li' }),
      hr3: await t.userToken('hr', { username: 'hr-zhao' }),
      officer: await t.userToken('officer', { officerCode: 'O004' }),
    };
    // The first three quarters are graded and published already.
    for (const p of ['2026Q1', '2026Q2', '2026Q3']) {
      const run = (await (await t.call('POST', '/api/v1/grading-runs', { token: tokens.hr1, json: { period: p } })).json()) as { id: string };
      expect((await t.call('POST', `/api/v1/grading-runs/${run.id}/publish`, { token: tokens.hr2 })).status).toBe(200);
    }
    const hr1 = await signedIn(tokens.hr1, '/hr', 'en-US');
    const hr2 = await signedIn(tokens.hr2, '/hr');
    const hr3 = await signedIn(tokens.hr3, '/hr');
    const officer = await signedIn(tokens.officer, '/me');

    // 2026Q4: computed by hr-wang; the next quarter is refused (it has not started).
    const p1 = await hr1.newPage();
    await p1.goto(`${base}/hr`);
    await p1.fill('#period', '2027Q2');
    await Promise.all([p1.waitForLoadState(), p1.click('button:has-text("Compute")')]);
    expect(await p1.textContent('.notice.error')).toContain('That quarter has not started');
    await p1.fill('#period', '2026Q4');
    await Promise.all([p1.waitForURL(/\/hr\/runs\/run_/), p1.click('button:has-text("Compute")')]);
    const runUrl = p1.url();
    const runId = runUrl.split('/').pop()!;

    // hr-li publishes after the confirmation that lists what the run is missing.
    const p2 = await hr2.newPage();
    await p2.goto(`${runUrl}/publish`);
    // The fixture's responses are all in 2026Q3: in 2026Q4 none of the 13 graded officers has one.
    expect(await p2.getAttribute('[data-testid=gap-responses]', 'data-count')).toBe('13');
    expect(await p2.textContent('[data-testid=gap-responses]')).toContain('O013 赵六');
    await p2.screenshot({ path: `${shots}/01-publish-confirmation-gaps.png`, fullPage: true });
    await Promise.all([p2.waitForURL(/done=published/), p2.click('button.danger')]);

    // The officer appeals on /me.
    const po = await officer.newPage();
    await po.goto(`${base}/me`);
    const card = po.locator(`[data-run="${runId}"]`);
    await card.locator('textarea[name=reason]').fill('第四季度我承担了窗口代班，工作量漏计，请求复核。');
    await po.screenshot({ path: `${shots}/02-officer-appeals.png`, fullPage: true });
    await Promise.all([po.waitForURL(/appealed=/), card.locator('button[type=submit]').click()]);
    expect(await po.textContent(`[data-run="${runId}"] [data-testid=appeal-status]`)).toContain('待处理');

    // hr-zhao, who neither computed nor published the run, upholds it with tier 3.
    const before = (await (await t.call('GET', `/api/v1/grading-runs/${runId}/results/O004`, { token: tokens.hr1 })).json()) as { tier: number; payout: number };
    const to = before.tier === 3 ? 4 : 3;
    const p3 = await hr3.newPage();
    await p3.goto(`${runUrl}/officers/O004`);
    await p3.selectOption('select[name=outcome]', 'upheld');
    await p3.selectOption('select[name=correctedTier]', String(to));
    await p3.fill('textarea[name=reason]', '核实排班记录，代班业务量确未计入。');
    await Promise.all([p3.waitForURL(/#appeals$/), p3.click('button:has-text("提交处理结果")')]);
    expect(await p3.textContent('[data-testid=correction-line]')).toContain(`更正为 ${to} 级`);
    await p3.screenshot({ path: `${shots}/03-appeal-upheld.png`, fullPage: true });

    // The run page: the effective tier with the original beside it, the correction, the history.
    await p1.goto(`${runUrl}?sort=code`);
    const row = p1.locator('tr[data-officer="O004"]');
    expect(await row.locator('td[data-tier]').getAttribute('data-tier')).toBe(String(to));
    expect(await row.locator('td[data-tier]').textContent()).toContain(`(corrected from ${before.tier})`);
    expect(await p1.locator('#corrections tr[data-officer="O004"]').count()).toBe(1);
    expect(await p1.locator('#history tr[data-action="grading_run.correct"]').count()).toBe(1);
    await p1.screenshot({ path: `${shots}/04-run-with-correction.png`, fullPage: true });

    // The payroll export: effective tier, coefficient and payout, original tier and the appeal.
    const [download] = await Promise.all([p1.waitForEvent('download'), p1.click('a:has-text("Export payroll CSV")')]);
    const text = readFileSync((await download.path())!).toString('utf8');
    const [appeal] = await t.db.all<{ id: string }>(sql`select id from appeals where officer_code = 'O004'`);
    const line = text.split('\r\n').find((l) => l.startsWith('O004,'))!;
    const coefficient = { 3: '1.00', 4: '1.15' }[to]!;
    expect(line).toBe(`O004,李四,市区分局,${to},${coefficient},${(3000 * Number(coefficient)).toFixed(2)},${before.tier},${appeal!.id},`);
    // O013 is paid for 46 of 92 days.
    const o13 = (await (await t.call('GET', `/api/v1/grading-runs/${runId}/results/O013`, { token: tokens.hr1 })).json()) as { activeDays: number; payout: number; coefficient: number };
    expect(o13.activeDays).toBe(46);
    expect(o13.payout).toBe(Math.round(3000 * o13.coefficient * 50) / 100);

    // The year: hr-wang computes the 2026 annual review; hr-li publishes it.
    await p1.goto(`${base}/hr/annual`);
    await p1.fill('#year', '2026');
    await p1.screenshot({ path: `${shots}/05-annual-compute.png`, fullPage: true });
    await Promise.all([p1.waitForURL(/\/hr\/annual\/ann_/), p1.click('button:has-text("Compute")')]);
    const reviewUrl = p1.url().replace(/\?.*$/, '');
    expect(await p1.locator('svg.histogram g.tier-boundary').count()).toBe(3);
    expect(await p1.textContent('[data-testid=quota]')).toMatch(/\d+\/1 places used \(15%\)/);
    await p1.screenshot({ path: `${shots}/06-annual-review.png`, fullPage: true });
    await p2.goto(`${reviewUrl}/publish`);
    await Promise.all([p2.waitForURL(/done=published/), p2.click('button.danger')]);
    expect(await p2.textContent('[data-testid=review-status]')).toContain('已发布');
    await p2.screenshot({ path: `${shots}/07-annual-published.png`, fullPage: true });

    // The officer's page: the corrected quarter and the year.
    await po.goto(`${base}/me`);
    expect(await po.textContent(`[data-run="${runId}"] h3`)).toContain(`能级 ${to}`);
    expect(await po.locator('[data-testid=annual-result][data-year="2026"]').count()).toBe(1);
    await po.screenshot({ path: `${shots}/08-officer-annual.png`, fullPage: true });
    for (const c of [hr1, hr2, hr3, officer]) await c.close();
  });
});
