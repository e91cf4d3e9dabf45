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
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
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

  it('accepts a hash pasted with spaces and line breaks, as a phone receipt wraps it', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/verify`);
    // Pasted from a receipt that wrapped: the browser drops the line breaks, the spaces stay.
    const wrapped = receipt.hash.match(/.{1,16}/g)!.join(' \n ');
    await page.fill('#receipt-index', ` ${receipt.index} `);
    await page.fill('#receipt-hash', wrapped);
    await Promise.all([page.waitForURL(/\/verify\?index=/), page.click('button[type=submit]')]);
    expect(await page.getAttribute('[data-server-result]', 'data-server-result')).toBe('included');
    expect(await page.inputValue('#receipt-hash')).toBe(receipt.hash);
    await context.close();
  });

  it('always says why a check failed, in the language of the page, and marks the field at fault', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    // Beyond the end of the log, and a hash that is not at that index: a reason after the colon.
    for (const [index, hash, reason] of [
      [999, receipt.hash, '不在其中'],
      [receipt.index, other, '与此哈希不符'],
    ] as const) {
      await page.goto(`${base}/verify?index=${index}&hash=${hash}`);
      const text = (await page.textContent('[data-server-result="not-included"]'))!;
      expect(text).toContain(reason);
      expect(text.split('服务器核验未通过：')[1]!.trim().length).toBeGreaterThan(10);
      expect(text).not.toMatch(/[A-Za-z]{4,}/);
    }
    // Both fields wrong: both named at once, both marked invalid, nothing checked.
    const res = await page.goto(`${base}/verify?index=x&hash=abc`);
    expect(res!.status()).toBe(400);
    const alert = (await page.textContent('[role=alert]'))!;
    expect(alert).toContain('回执序号');
    expect(alert).toContain('您填写的有 3 位');
    expect(await page.getAttribute('#receipt-index', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#receipt-hash', 'aria-invalid')).toBe('true');
    expect(await page.locator('[data-server-result]').count()).toBe(0);
    await page.screenshot({ path: `${shots}/verify-invalid-zh-phone.png`, fullPage: true });
    await context.close();
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
