import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { scanFlags } from '../../src/flags/scan.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { bunchingQueue, supervisor } from '../support/oversight.js';

const shots = screenshotDir('flags');

describe('supervisor queue in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let sup: { token: string; userId: string };

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    // O1 bunches under 20,000; O2 (another unit) has a rotation-due flag, so the unit filter has something to filter out.
    await bunchingQueue(t);
    // The only eligible supervisor: not in O1's chain, not on the panels (O2, S1 reviewed).
    sup = await supervisor(t, 'sup-zhao');
    await scanFlags({ ctx: t.ctx() });
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('filters the queue, opens a bunching flag, sees the chart and closes it as confirmed with a reason', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInPage(page, base, sup.token, '/flags');
    expect(await page.locator('[data-testid=flag-row]').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: `${shots}/01-queue.png`, fullPage: true });

    // Filter: unit U1, rule threshold bunching, open.
    await page.selectOption('#f-unit', 'U1');
    await page.selectOption('#f-rule', 'threshold_bunching');
    await page.selectOption('#f-status', 'open');
    await Promise.all([page.waitForURL(/\/flags\?/), page.click('form.filters button[type=submit]')]);
    expect(page.url()).toContain('rule=threshold_bunching');
    const rows = page.locator('[data-testid=flag-row]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-rule')).toBe('threshold_bunching');
    await page.screenshot({ path: `${shots}/02-filtered.png`, fullPage: true });

    // Open it: the chart with 20 bins and the threshold line.
    await Promise.all([page.waitForURL(/\/flags\/flg_/), rows.first().locator('a').first().click()]);
    const chart = page.locator('svg.flag-histogram');
    await expect.poll(() => chart.count()).toBe(1);
    expect(await chart.locator('rect.bin').count()).toBe(20);
    expect(await chart.locator('line.threshold').count()).toBe(1);
    expect(await page.locator('[data-testid=decision-row]').count()).toBe(14);
    expect(await page.locator('[data-testid=draw]').innerText()).toContain('sup-zhao');
    await page.screenshot({ path: `${shots}/03-flag-detail.png`, fullPage: true });

    // Start the review, then close as confirmed with a reason.
    await page.fill('#reason-start', 'Pulling the twelve case files.');
    await Promise.all([page.waitForURL(/done=1/), page.click('button:has-text("Start review")')]);
    expect(await page.locator('[data-testid=flag-status]').innerText()).toContain('In review');
    await page.check('input[name=outcome][value=confirmed]');
    await page.fill('#reason-close', 'Assessments were set just under the threshold without site evidence.');
    // The officer was told when the review started and has not answered yet: confirming now needs a reason.
    await page.fill('#early-reason', 'The case files are conclusive; the officer is on long leave.');
    await page.screenshot({ path: `${shots}/04-closing.png`, fullPage: true });
    await Promise.all([page.waitForURL(/done=1/), page.click('button:has-text("Close")')]);
    expect(await page.locator('[data-testid=flag-outcome]').innerText()).toBe('Confirmed');
    expect(await page.locator('[data-testid=transition-row]').count()).toBe(3);
    expect(await page.locator('[data-testid=transition-row]').last().innerText()).toContain('without site evidence');
    await page.screenshot({ path: `${shots}/05-closed.png`, fullPage: true });
    await context.close();
  });
});
