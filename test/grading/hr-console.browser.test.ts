import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { sql } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { defaultPolicy } from '../../scoring/policy.js';

const shots = screenshotDir('grading');

describe('HR console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  async function signedIn(token: string, locale = 'en-US'): Promise<BrowserContext> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInPage(page, base, token, '/hr');
    await page.close();
    return context;
  }

  it('starts a run, shows the chart, adjusts with two HR users, publishes with confirmation and exports', async () => {
    const hr1 = await signedIn(await t.userToken('hr', { username: 'hr-wang' }));
    const hr2 = await signedIn(await t.userToken('hr', { username: 'hr-li' }));
    const p1 = await hr1.newPage();

    // Start a run.
    await p1.goto(`${base}/hr`);
    await p1.fill('#period', '2026Q3');
    await p1.screenshot({ path: `${shots}/01-start-run.png`, fullPage: true });
    await Promise.all([p1.waitForURL(/\/hr\/runs\/run_/), p1.click('button:has-text("Compute")')]);
    const runUrl = p1.url();
    const runId = runUrl.split('/').pop()!;

    // The chart: bars, tier boundaries, cap usage.
    expect(await p1.locator('svg.histogram rect').count()).toBe(20);
    expect(await p1.locator('svg.histogram g.tier-boundary').count()).toBe(4);
    expect(await p1.textContent('[data-testid=cap-usage]')).toMatch(/tier 5: \d+\/1 places used/);
    await p1.screenshot({ path: `${shots}/02-run-chart.png`, fullPage: true });

    // Sort by composite without JavaScript: a plain link.
    await Promise.all([p1.waitForURL(/sort=composite/), p1.click('th a:has-text("Composite")')]);
    const firstRows = await p1.locator('tbody tr[data-officer]').evaluateAll((rows) => rows.slice(0, 3).map((r) => r.getAttribute('data-officer')));
    const best = await t.db.all<{ officer_code: string }>(sql`select officer_code from grading_results where run_id = ${runId} and status = 'graded' order by composite desc, officer_code limit 3`);
    expect(firstRows).toEqual(best.map((b) => b.officer_code));

    // Officer detail, then propose an adjustment as hr1.
    await Promise.all([p1.waitForURL(/\/officers\/O004/), p1.click('a[href$="/officers/O004"]')]);
    expect(await p1.locator('svg.components g[data-component]').count()).toBe(5);
    await p1.screenshot({ path: `${shots}/03-officer-detail.png`, fullPage: true });
    await p1.selectOption('#adj-tier', '1');
    await p1.fill('#adj-reason', 'Two late filings this quarter; agreed at the HR meeting.');
    await Promise.all([p1.waitForURL(/\/officers\/O004/), p1.click('button:has-text("Propose")')]);
    await p1.goto(runUrl);
    expect(await p1.textContent('#adjustments')).toContain('a different HR user must decide it');
    await p1.screenshot({ path: `${shots}/04-adjustment-pending.png`, fullPage: true });

    // hr2 approves it.
    const p2 = await hr2.newPage();
    await p2.goto(runUrl);
    await p2.fill('#adjustments input[name=reason]', 'Checked the filings.');
    await Promise.all([p2.waitForURL(/done=approved/), p2.click('#adjustments button:has-text("Approve")')]);
    expect(await p2.textContent('main')).toContain('Adjustment approved.');
    expect(await p2.textContent('tr[data-officer="O004"] td[data-tier]')).toContain('1');
    await p2.screenshot({ path: `${shots}/05-adjustment-approved.png`, fullPage: true });

    // Publish with a confirmation step, by hr2: hr1 computed the run (maker-checker).
    await p2.goto(runUrl);
    await Promise.all([p2.waitForURL(/\/publish$/), p2.click('a:has-text("Publish")')]);
    await p2.screenshot({ path: `${shots}/06-publish-confirm.png`, fullPage: true });
    await Promise.all([p2.waitForURL(/done=published/), p2.click('button:has-text("Publish now")')]);
    expect(await p2.textContent('[data-testid=run-status]')).toContain('published');
    await p2.screenshot({ path: `${shots}/07-published.png`, fullPage: true });
    await p1.goto(runUrl);

    // Download the payroll export.
    const [download] = await Promise.all([p1.waitForEvent('download'), p1.click('a:has-text("Export payroll CSV")')]);
    const path = await download.path();
    const bytes = readFileSync(path!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('工号 officer code');
    expect(text).toContain('O004,李四,市区分局,1,0.80,2400.00,1,,\r\n');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    // A what-if run with a candidate policy, compared with the published one.
    const candidate = { ...defaultPolicy, version: 'v2-candidate', components: { workload: 0.2, assessment: 0.2, feedback: 0.5, tenure: 0.1 } };
    await p1.goto(`${base}/hr`);
    await p1.check('input[name=whatIf]');
    await p1.fill('#policy', JSON.stringify(candidate, null, 2));
    await Promise.all([p1.waitForURL(/\/hr\/runs\/run_/), p1.click('button:has-text("Compute")')]);
    expect(await p1.textContent('[data-testid=run-status]')).toContain('what-if');
    await p1.selectOption('#cmp-b', runId);
    await Promise.all([p1.waitForURL(/\/hr\/compare\?/), p1.click('button:has-text("Compare")')]);
    expect(await p1.locator('[data-testid=transition-matrix] tbody tr').count()).toBe(6);
    expect(await p1.locator('[data-testid=by-peer-group]').count()).toBe(2);
    await p1.screenshot({ path: `${shots}/08-compare.png`, fullPage: true });

    // The officer reads their own printable report in Chinese.
    const officer = await signedIn(await t.userToken('officer', { username: 'o-li', officerCode: 'O004' }), 'zh-CN');
    const po = await officer.newPage();
    await po.goto(`${base}/reports/${runId}/O004`);
    expect(await po.textContent('h1')).toContain('季度绩效报告');
    expect(await po.textContent('[data-testid=fewer-than-5]')).toContain('少于 5 份');
    expect(await po.textContent('[data-testid=adjustment-line]')).toMatch(/由 \d 级调整为 1 级/);
    await po.emulateMedia({ media: 'print' });
    await po.screenshot({ path: `${shots}/09-officer-report-print.png`, fullPage: true });
    await officer.close();

    // The published run in Chinese on a narrow screen: the table scrolls, the chart scales.
    await p1.setViewportSize({ width: 390, height: 844 });
    await p1.goto(`${runUrl}?lang=zh-CN`);
    expect(await p1.textContent('h1')).toContain('评定批次');
    expect(await p1.textContent('[data-testid=cap-usage]')).toMatch(/5 级：已用 \d+\/1 个名额/);
    await p1.screenshot({ path: `${shots}/10-run-zh-phone.png`, fullPage: true });

    await hr1.close();
    await hr2.close();
  });
});
