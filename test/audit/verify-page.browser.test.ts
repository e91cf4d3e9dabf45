import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOn, screenshotDir } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { appendEntries } from '../support/audit.js';

const shots = screenshotDir('audit');

describe('the /verify page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let receipt: { index: number; hash: string };
  let other: string;

  beforeAll(async () => {
    t = await makeTestApp();
    const { indices, leafHashes } = await appendEntries(t.ctx(), 41);
    receipt = { index: indices[29]!, hash: leafHashes[29]! };
    other = leafHashes[30]!;
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('checks a receipt on the server and again in the browser, with no CSP violations', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('404')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/verify`);
    await page.fill('#receipt-index', String(receipt.index));
    await page.fill('#receipt-hash', receipt.hash);
    await Promise.all([page.waitForURL(/\/verify\?index=/), page.click('button[type=submit]')]);
    expect(await page.getAttribute('[data-server-result]', 'data-server-result')).toBe('included');
    await page.waitForSelector('#browser-verdict[data-result]');
    expect(await page.getAttribute('#browser-verdict', 'data-result')).toBe('included');
    expect(await page.textContent('#browser-verdict')).toContain('浏览器核验');
    await page.screenshot({ path: `${shots}/verify-included-zh.png`, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('says no, in both places, for a hash that is not at that index', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/verify?index=${receipt.index}&hash=${other}&lang=en`);
    expect(await page.getAttribute('[data-server-result]', 'data-server-result')).toBe('not-included');
    await page.waitForSelector('#browser-verdict[data-result]');
    expect(await page.getAttribute('#browser-verdict', 'data-result')).toBe('not-included');
    await page.screenshot({ path: `${shots}/verify-not-included-en.png`, fullPage: true });
  });

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/verify`);
    await page.fill('#receipt-index', String(receipt.index));
    await page.fill('#receipt-hash', receipt.hash);
    await Promise.all([page.waitForURL(/\/verify\?index=/), page.click('button[type=submit]')]);
    expect(await page.getAttribute('[data-server-result]', 'data-server-result')).toBe('included');
  });
});
