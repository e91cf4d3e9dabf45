import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOn, screenshotDir } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const shots = screenshotDir('pages');

describe('page shell in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp();
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('signs in by pasting a token, shows the nav, switches language, signs out', async () => {
    const hrToken = await t.userToken('hr', { username: 'hr-chen' });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();

    await page.goto(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: `${shots}/home-signed-out.png`, fullPage: true });

    await page.click('a[href^="/login"] >> nth=0');
    await page.waitForURL(/\/login/);
    await page.fill('#token', hrToken);
    await page.screenshot({ path: `${shots}/login.png`, fullPage: true });
    // Signing in from home (no `next`) lands on the role's own page: HR's console.
    await Promise.all([page.waitForURL(`${base}/hr`), page.click('button[type=submit] >> text=登录')]);

    await expect.poll(() => page.textContent('header')).toContain('hr-chen');
    expect(await page.locator('nav.main a').allTextContents()).toEqual(['人事控制台', '评定方案', '评价回复率', '年度考核', '疑点队列', '投诉', '随机抽查', '监督公示', '回执核验']);
    const cookies = await context.cookies();
    const sid = cookies.find((c) => c.name === 'sid')!;
    expect(sid.httpOnly).toBe(true);
    expect(sid.sameSite).toBe('Strict');
    await page.screenshot({ path: `${shots}/home-hr-zh.png`, fullPage: true });

    await Promise.all([page.waitForURL(`${base}/hr`), page.click('header a[href^="/lang"]')]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('nav.main a').allTextContents()).toEqual(['HR console', 'Policies', 'Response rates', 'Annual reviews', 'Flag queue', 'Complaints', 'Spot checks', 'Public summary', 'Verify a receipt']);
    await page.screenshot({ path: `${shots}/home-hr-en.png`, fullPage: true });

    // The keyboard reaches the skip link first, and focus is visible.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/hr');
    await page.screenshot({ path: `${shots}/focus-nav-en.png` });

    await Promise.all([page.waitForURL(/\/login\?bye=1/), page.click('header button:has-text("Sign out")')]);
    expect(await page.textContent('main')).toContain('You have signed out.');
    expect((await context.cookies()).find((c) => c.name === 'sid')).toBeUndefined();
    await page.screenshot({ path: `${shots}/signed-out-en.png`, fullPage: true });

    await page.goto(`${base}/admin`);
    expect(page.url()).toBe(`${base}/login?next=%2Fadmin`);
    await context.close();
  });

  it('shows the admin page on a desktop and renders an HTML 404', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/login?next=%2Fadmin`);
    await page.fill('#token', t.adminToken);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('main button[type=submit]')]);
    await page.fill('#username', 'sup-browser');
    await page.selectOption('#role', 'supervisor');
    await page.click('text=Create user and issue token');
    const token = await page.textContent('[data-testid=new-token]');
    expect(token).toMatch(/^tgo_/);
    await page.screenshot({ path: `${shots}/admin-en.png`, fullPage: true });

    const res = await page.goto(`${base}/nowhere`);
    expect(res!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await page.screenshot({ path: `${shots}/404-en.png`, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.site').isVisible()).toBe(false);
    await context.close();
  });
});
