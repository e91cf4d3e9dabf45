/**
 * The flag page's evidence in Chromium, as a supervisor sees it: for a real flag of every rule the
 * sentence is there and readable, and where the figures are a distribution the chart is drawn,
 * fits a phone without overflowing and keeps its labels legible, with its numbers one click away.
 * Screenshots under screenshots/evidence/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { evidenceRules, evidenceWorld, type EvidenceRule, type EvidenceWorld } from '../support/evidence.js';

const shots = screenshotDir('evidence');
const charted: Partial<Record<EvidenceRule, string>> = {
  threshold_bunching: 'svg.flag-histogram',
  peer_outlier: 'svg.chart-peer',
  benford: 'svg.chart-benford',
  feedback_burst: 'svg.chart-burst',
  reviewer_concentration: 'svg.chart-concentration',
};

describe('flag evidence in a browser', () => {
  let w: EvidenceWorld;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    w = await evidenceWorld();
    ({ browser, baseUrl: base, close } = await browserOn(w.t));
  }, 60_000);

  afterAll(() => close?.());

  async function signedIn(locale: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ locale, viewport });
    const page = await context.newPage();
    await signInPage(page, base, w.sup.token, '/flags');
    return page;
  }

  it('shows why every flag was raised, in Chinese, with the chart of its distribution (desktop)', async () => {
    const page = await signedIn('zh-CN', { width: 1280, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const rule of evidenceRules) {
      await page.goto(`${base}/flags/${w.flags[rule]}`);
      const why = page.locator('[data-testid=why]');
      expect(await why.isVisible(), rule).toBe(true);
      const text = await why.innerText();
      expect(text.length, rule).toBeGreaterThan(20);
      expect(text, rule).toMatch(/[\u4e00-\u9fff]{5}/);
      expect(text, rule).not.toMatch(/[a-z]+_[a-z]+/);
      const chart = charted[rule];
      if (chart) {
        const box = await page.locator(chart).boundingBox();
        expect(box?.width, rule).toBeGreaterThan(300);
        expect(box?.height, rule).toBeGreaterThan(80);
      }
      await page.screenshot({ path: `${shots}/${rule}-zh-desktop.png`, fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the charts inside a phone’s width with legible labels, and their numbers in a table', async () => {
    const page = await signedIn('en-US', { width: 390, height: 844 });
    for (const [rule, selector] of Object.entries(charted) as [EvidenceRule, string][]) {
      await page.goto(`${base}/flags/${w.flags[rule]}?lang=en`);
      const svg = page.locator(selector);
      const box = (await svg.boundingBox())!;
      expect(box.x, rule).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, rule).toBeLessThanOrEqual(390);
      if (rule !== 'threshold_bunching') {
        // Labels drawn at 14 units in a 420-unit drawing: at least 11 px on the phone.
        const px = await svg.evaluate((el) => Math.min(...[...el.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)));
        expect(px, rule).toBeGreaterThanOrEqual(11);
        // The numbers behind the chart, one click away.
        const figure = page.locator(`[data-testid=chart-${selector.slice('svg.chart-'.length)}]`);
        await figure.locator('details.chart-data summary').click();
        expect(await figure.locator('details.chart-data tbody tr').first().isVisible(), rule).toBe(true);
        expect(await figure.locator('details.chart-data tbody tr').count(), rule).toBeGreaterThan(2);
      }
      // The chart's accessible name is its title.
      expect(await svg.getAttribute('role')).toBe('img');
      await page.screenshot({ path: `${shots}/${rule}-en-phone.png`, fullPage: true });
    }
    await page.context().close();
  });
});
