/**
 * The results tools in Chromium (issue 17): HR filters and searches a run's results with the form
 * (the URL keeps the view, the sort keeps the filter), prints every report of the run in one
 * document with one officer per sheet, and an admin deactivates a user from /admin. At desktop
 * and phone widths; screenshots under screenshots/results-tools/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';

const shots = screenshotDir('results-tools');

describe('results tools in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let runId: string;

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    const res = await t.call('POST', '/api/v1/grading-runs', { token: await t.userToken('hr', { username: 'hr-maker' }), json: { period: '2026Q3' } });
    runId = ((await res.json()) as { id: string }).id;
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('filters, searches and sorts the results, then prints every report one per sheet', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInPage(page, base, await t.userToken('hr', { username: 'hr-viewer' }), '/hr');
    await page.goto(`${base}/hr/runs/${runId}`);

    // Search case-insensitively and choose a unit, with the form.
    await page.fill('#f-q', 'OFFICER');
    await page.selectOption('#f-unit', 'U-COUNTY');
    await Promise.all([page.waitForURL(/unit=U-COUNTY/), page.click('form.results-filter button[type=submit]')]);
    const rows = () => page.locator('tbody tr[data-officer]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-officer')));
    expect((await rows()).sort()).toEqual(['O009', 'O010', 'O011', 'O012']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('OFFICER');
    await page.screenshot({ path: `${shots}/01-filtered-desktop.png`, fullPage: true });

    // Sorting keeps the filter.
    await Promise.all([page.waitForURL(/sort=code/), page.click('th a[href*="sort=code"]')]);
    expect(await rows()).toEqual(['O009', 'O010', 'O011', 'O012']);
    const sorted = new URL(page.url()).searchParams;
    expect([sorted.get('unit'), sorted.get('q')]).toEqual(['U-COUNTY', 'OFFICER']);

    // On a phone the filters stack and the page does not overflow sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${shots}/02-filtered-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Bulk print of the filtered view: one article per officer, each on its own sheet in print.
    await Promise.all([page.waitForURL(/\/reports\?/), page.click(`a[href^="/hr/runs/${runId}/reports"]`)]);
    expect(await page.locator('article.report').count()).toBe(4);
    await page.emulateMedia({ media: 'print' });
    const breaks = await page.locator('article.report').evaluateAll((as) => as.map((a) => getComputedStyle(a).breakAfter));
    expect(breaks).toEqual(['page', 'page', 'page', 'auto']);
    expect(await page.locator('header.site').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4' });
    // Four officers, at least four sheets: a PDF counts its pages as /Type /Page objects.
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThanOrEqual(4);
    await page.emulateMedia({ media: 'screen' });
    await page.screenshot({ path: `${shots}/03-bulk-print.png` });
    await context.close();
  });

  it('an admin finds a user and deactivates them with a confirmed reason; their session ends', async () => {
    const victim = await t.userToken('hr', { username: 'hr-leaving' });
    const victimContext = await browser.newContext({ locale: 'zh-CN' });
    const victimPage = await victimContext.newPage();
    await signInPage(victimPage, base, victim, '/hr');

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInPage(page, base, t.adminToken, '/admin');
    await page.fill('#q', 'LEAVING');
    await Promise.all([page.waitForURL(/q=LEAVING/), page.click('form[role=search] button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/admin\/users\//), page.click('a:has-text("hr-leaving")')]);
    await page.fill('#deactivate-reason', '调离本局');
    // Without the confirmation the browser itself holds the form back.
    await page.click('form[action$="/deactivate"] button[type=submit]');
    expect(page.url()).not.toContain('done=');
    await page.check('form[action$="/deactivate"] input[name=confirm]');
    await Promise.all([page.waitForURL(/done=deactivated/), page.click('form[action$="/deactivate"] button[type=submit]')]);
    expect(await page.textContent('main')).toContain('用户已停用。');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${shots}/04-admin-deactivated-phone.png`, fullPage: true });

    await victimPage.goto(`${base}/hr`);
    expect(victimPage.url()).toContain('/login');
    await victimContext.close();
    await context.close();
  });
});
