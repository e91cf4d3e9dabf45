import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { browserOn, screenshotDir } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { invite, seedFeedbackWorld, type FeedbackWorld } from '../support/feedback.js';

const shots = screenshotDir('feedback');

/** Tabs forward until the focused element matches, so the test does not hard-code the tab order. */
async function tabTo(page: Page, check: string, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, check)) return;
  }
  throw new Error(`never reached ${check} by Tab`);
}

describe('the taxpayer form in a browser', () => {
  let t: TestApp;
  let w: FeedbackWorld;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp();
    w = await seedFeedbackWorld(t);
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('is filled by keyboard alone, shows the receipt, then says "already used"', async () => {
    const inv = await invite(t, w, 'O2');
    const path = new URL(inv.url).pathname;
    const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false, viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    const res = await page.goto(`${base}${path}`);
    expect(res!.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: `${shots}/form-zh.png`, fullPage: true });

    // Each group: Tab into it, Space picks 1, ArrowRight moves (and selects) up to the rating.
    const wanted = { professionalism: 5, attitude: 4, efficiency: 3, integrity: 2 };
    for (const [dim, rating] of Object.entries(wanted)) {
      await tabTo(page, `input[name=${dim}]`);
      await page.keyboard.press('Space');
      for (let i = 1; i < rating; i++) await page.keyboard.press('ArrowRight');
      expect(await page.evaluate((d) => (document.querySelector(`input[name=${d}]:checked`) as HTMLInputElement | null)?.value, dim)).toBe(String(rating));
      // the focused radio is visibly outlined (focus-visible on its label)
      const outline = await page.evaluate(() => {
        const input = document.activeElement as HTMLInputElement;
        return getComputedStyle(document.querySelector(`label[for="${input.id}"]`)!).outlineStyle;
      });
      expect(outline).toBe('solid');
    }
    await tabTo(page, '#comment');
    await page.keyboard.type('窗口人员讲解很清楚。');
    await tabTo(page, 'button[type=submit]');
    // the honeypot was never in the tab order
    await page.screenshot({ path: `${shots}/form-zh-filled.png`, fullPage: true });
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.waitForSelector('#receipt-index');
    const index = Number(await page.textContent('#receipt-index'));
    const hash = (await page.textContent('#receipt-hash'))!.trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getAttribute('#receipt-verify', 'href')).toBe(`/verify?index=${index}&hash=${hash}`);
    await page.screenshot({ path: `${shots}/thanks-zh.png`, fullPage: true });
    // the receipt checks out on the audit engineer's /verify page
    await tabTo(page, '#receipt-verify');
    await Promise.all([page.waitForURL(/\/verify\?/), page.keyboard.press('Enter')]);
    expect(await page.locator('#receipt-check .notice.ok').count()).toBe(1);
    await page.screenshot({ path: `${shots}/verify-zh.png`, fullPage: true });

    const [row] = await t.db.all<{ professionalism: number; attitude: number; efficiency: number; integrity: number; comment: string; audit_index: number }>(
      sql`select * from feedback_responses`,
    );
    expect(row).toMatchObject({ professionalism: 5, attitude: 4, efficiency: 3, integrity: 2, comment: '窗口人员讲解很清楚。', audit_index: index });

    const again = await page.goto(`${base}${path}`);
    expect(again!.status()).toBe(410);
    expect(await page.textContent('h1')).toContain('此评价链接已使用');
    await page.screenshot({ path: `${shots}/used-zh.png`, fullPage: true });
    await context.close();
  });

  it('renders in English and on a phone', async () => {
    const inv = await invite(t, w, 'O3');
    const path = new URL(inv.url).pathname;
    const en = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 900 } });
    const page = await en.newPage();
    await page.goto(`${base}${path}`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('legend >> nth=0')).toContain('Professionalism');
    await page.screenshot({ path: `${shots}/form-en.png`, fullPage: true });
    await en.close();

    const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p2 = await phone.newPage();
    await p2.goto(`${base}${path}`);
    // mobile first: nothing wider than the screen, the 1-5 scale fits in one row
    expect(await p2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const tops = await p2.$$eval('#professionalism-group .scale label', (ls) => ls.map((l) => Math.round(l.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    await p2.screenshot({ path: `${shots}/form-phone.png`, fullPage: true });
    const slip = await p2.goto(`${base}${path}/slip`);
    expect(slip!.status()).toBe(200);
    await p2.screenshot({ path: `${shots}/slip-phone.png`, fullPage: true });
    await phone.close();
  });
});
