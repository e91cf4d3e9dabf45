/**
 * Issue 15's walk in Chromium: a hotline complaint entered by the intake system (through the API:
 * intake tokens do not sign in to pages), followed by the complainant at /c/{receipt} on a phone,
 * closed by a supervisor on the complaint's page, the outcome seen by the complainant; HR records
 * a letter on the page; the quarter's analysis with its charts. Screenshots: screenshots/complaints/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { json } from '../support/oversight.js';
import { complaintWorld, fileVia, type ComplaintWorld } from '../support/complaints.js';

const shots = screenshotDir('complaints');

describe('complaints in a browser', () => {
  let t: TestApp;
  let w: ComplaintWorld;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    w = await complaintWorld(t);
    // Something to analyse: last quarter and this one.
    for (const [category, channel, receivedAt, unitCode] of [
      ['attitude', 'letter', '2026-08-03', 'U1'],
      ['efficiency', 'web', '2026-09-12', 'U2'],
      ['efficiency', 'hotline_12366', '2026-10-02', 'U2'],
      ['wrong_information', 'service_hall', '2026-10-05', 'U1'],
      ['attitude', 'hotline_12366', '2026-10-09', 'U1'],
    ] as const) {
      expect((await fileVia(t, w.intake, { category, channel, receivedAt, unitCode })).status).toBe(201);
    }
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('follows a hotline complaint from intake to its outcome, as the complainant sees it', async () => {
    // The 12366 system records the call through the API and reads the receipt to the caller.
    const filed = await json(await fileVia(t, w.intake, { channel: 'hotline_12366', category: 'attitude', officerCode: 'O1', text: '窗口人员态度生硬，不耐烦地打断我说话。', receivedAt: '2026-10-14' }));

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const taxpayer = await phone.newPage();
    await taxpayer.goto(`${base}/c`);
    await taxpayer.fill('#receipt', filed.receipt.toLowerCase().replace(/-/g, ' '));
    await Promise.all([taxpayer.waitForURL(`${base}/c/${filed.receipt}`), taxpayer.click('main button[type=submit]')]);
    expect(await taxpayer.locator('[data-testid=status]').innerText()).toBe('已受理');
    const received = await taxpayer.locator('main').innerText();
    for (const secret of ['O1', '态度生硬', 'Officer']) expect(received).not.toContain(secret);
    await taxpayer.screenshot({ path: `${shots}/01-tracking-received-phone.png`, fullPage: true });

    // The supervisor drawn for its flag works it on the complaint's page.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const sup = await desk.newPage();
    await signInPage(sup, base, w.sup.token, '/complaints');
    const row = sup.locator(`tr[data-complaint="${filed.id}"]`);
    expect(await row.count()).toBe(1);
    await sup.screenshot({ path: `${shots}/02-list.png`, fullPage: true });
    await Promise.all([sup.waitForURL(`${base}/complaints/${filed.id}`), row.locator('a').click()]);
    expect(await sup.locator('[data-testid=complaint-text]').innerText()).toContain('态度生硬');
    await Promise.all([sup.waitForURL(/done=1/), sup.click('button:has-text("开始核查")')]);
    expect(await sup.locator('[data-testid=status]').innerText()).toContain('核查中');
    await taxpayer.reload();
    expect(await taxpayer.locator('[data-testid=status]').innerText()).toBe('核查中');
    await sup.check('input[name=outcome][value=upheld]');
    await sup.screenshot({ path: `${shots}/03-closing.png`, fullPage: true });
    await Promise.all([sup.waitForURL(/done=1/), sup.click('button:has-text("办结并告知结果")')]);
    expect(await sup.locator('[data-testid=status]').innerText()).toContain('已办结');

    await taxpayer.reload();
    expect(await taxpayer.locator('[data-testid=status]').innerText()).toBe('已办结');
    expect(await taxpayer.locator('[data-testid=outcome]').innerText()).toBe('经核查，您反映的问题属实，已依规处理。');
    await taxpayer.screenshot({ path: `${shots}/04-tracking-closed-phone.png`, fullPage: true });
    // The same in English, by the language switch.
    await Promise.all([taxpayer.waitForURL(/\/c\//), taxpayer.click('a[hreflang=en]')]);
    expect(await taxpayer.locator('[data-testid=outcome]').innerText()).toBe('We looked into it: what you reported happened, and it has been dealt with under the rules.');
    await taxpayer.screenshot({ path: `${shots}/05-tracking-closed-en.png`, fullPage: true });
    await phone.close();
    await desk.close();
  });

  it('HR records a letter on the page and gets the receipt to send back', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInPage(page, base, w.hr, '/complaints/new');
    await page.selectOption('#channel', 'letter');
    await page.selectOption('#category', 'law_enforcement');
    await page.fill('#text', '没有告知陈述申辩的权利就作出了处罚。');
    await page.fill('#receivedAt', '2026-10-13');
    await page.fill('#officerCode', 'O2');
    await page.screenshot({ path: `${shots}/06-new-letter.png`, fullPage: true });
    await page.click('main form button[type=submit]');
    const receipt = await page.locator('[data-testid=receipt]').innerText();
    expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(await page.locator('[data-testid=tracking-url]').innerText()).toBe(`http://localhost:8787/c/${receipt}`);
    await page.screenshot({ path: `${shots}/07-new-letter-receipt.png`, fullPage: true });
    // A refused form comes back with what was typed and the field named.
    await page.goto(`${base}/complaints/new`);
    await page.selectOption('#category', 'other');
    await page.fill('#text', '测试');
    await page.fill('#officerCode', 'NOPE');
    await page.click('main form button[type=submit]');
    const refusal = await page.locator('.notice.error').innerText();
    expect(refusal).toContain('请修改以下问题');
    expect(refusal).toContain('officerCode: 没有这个代码：NOPE');
    expect(await page.inputValue('#officerCode')).toBe('NOPE');
    await context.close();
  });

  it('shows the quarter’s analysis with its charts and exports it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    await signInPage(page, base, w.hr, '/complaints/analysis');
    expect(await page.locator('h1').innerText()).toBe('投诉定期分析 2026Q4');
    for (const chart of ['by-category', 'by-channel', 'by-unit']) expect(await page.locator(`svg[data-chart=${chart}]`).count()).toBe(1);
    const attitude = page.locator('svg[data-chart=by-category] g[data-label=服务态度]');
    expect(await attitude.getAttribute('data-current')).toBe('2');
    expect(await attitude.getAttribute('data-previous')).toBe('1');
    expect(await page.locator('[data-unit]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${shots}/08-analysis.png`, fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("导出 CSV")')]);
    expect(download.suggestedFilename()).toBe('complaints-2026Q4.csv');
    await context.close();
  });
});
