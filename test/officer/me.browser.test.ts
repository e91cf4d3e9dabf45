import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { sql } from 'drizzle-orm';
import { officerWorld, type OfficerWorld } from '../support/officer.js';

const shots = screenshotDir('officer');

describe('/me in a browser, without JavaScript', () => {
  let w: OfficerWorld;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    w = await officerWorld();
    ({ browser, baseUrl: base, close } = await browserOn(w.t));
  });

  afterAll(() => close?.());

  /** Signs in through the page shell, as an officer pasting their token would. */
  async function signedIn(opts: { locale: string; width: number; height: number }): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: opts.locale, viewport: { width: opts.width, height: opts.height }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/me`);
    expect(page.url()).toBe(`${base}/login?next=%2Fme`);
    await signInPage(page, base, w.officerToken, '/me');
    await page.close();
    return context;
  }

  it('shows the own published result, records a decision by the form and shows its receipt', async () => {
    const context = await signedIn({ locale: 'en-US', width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${base}/me`);
    const card = page.locator(`[data-testid=result][data-run="${w.publishedRun}"]`);
    const [row] = await w.t.db.all<{ tier: number; composite: number }>(sql`select tier, composite from grading_results where run_id = ${w.publishedRun} and officer_code = 'O004'`);
    expect(await card.locator('h3').textContent()).toBe(`2026Q3 · tier ${row!.tier}`);
    expect(await card.textContent()).toContain(row!.composite.toFixed(2));
    expect(await page.locator(`[data-run="${w.unpublishedRun}"]`).count()).toBe(0);
    expect(await page.textContent('[data-testid=own-record]')).toContain('李四');
    await page.screenshot({ path: `${shots}/01-me.png`, fullPage: true });

    // Record a decision through the form.
    await Promise.all([page.waitForURL(`${base}/me/decisions/new`), page.click('a[href="/me/decisions/new"]')]);
    await page.selectOption('#dec-type', 'assessed_turnover');
    await page.fill('#dec-taxpayer', 'TP-A');
    await page.fill('#dec-amount', '19,800');
    await page.fill('#dec-justification', 'Turnover assessed from three months of invoices and a site visit.');
    await page.fill('#dec-decided', '2026-10-09');
    await page.fill('#dec-investigators', 'O001');
    await page.screenshot({ path: `${shots}/02-record-form.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/me\/decisions\/dec_[^?]+\?recorded=1$/), page.click('form[action="/me/decisions"] button[type=submit]')]);

    // The receipt: the decision's audit leaf index and hash, as stored.
    const receipt = page.locator('[data-testid=receipt]');
    const index = Number(await receipt.getAttribute('data-index'));
    const hash = await receipt.getAttribute('data-hash');
    const [d] = await w.t.db.all<{ id: string; audit_index: number; amount: number }>(sql`select id, audit_index, amount from decisions where decider_code = 'O004'`);
    const [leaf] = await w.t.db.all<{ leaf_hash: string }>(sql`select leaf_hash from audit_entries where seq = ${d!.audit_index}`);
    expect(d!.amount).toBe(19800);
    expect(index).toBe(d!.audit_index);
    expect(hash).toBe(leaf!.leaf_hash);
    expect(page.url()).toContain(encodeURIComponent(d!.id));
    expect(await receipt.textContent()).toContain(String(index));
    await page.screenshot({ path: `${shots}/03-receipt.png`, fullPage: true });

    // The receipt checks out on the public verify page.
    await Promise.all([page.waitForURL(/\/verify\?index=/), page.click('[data-testid=verify-link]')]);
    expect(await page.locator('[data-server-result=included]').count()).toBe(1);
    await page.screenshot({ path: `${shots}/04-verify.png`, fullPage: true });

    // And the decision is in the list.
    await page.goto(`${base}/me/decisions`);
    expect(await page.locator(`[data-testid=decision-row][data-id="${d!.id}"]`).count()).toBe(1);
    await context.close();
  });

  it('fits a phone in Chinese: no sideways scrolling of the page', async () => {
    const context = await signedIn({ locale: 'zh-CN', width: 375, height: 740 });
    const page = await context.newPage();
    await page.goto(`${base}/me`);
    expect(await page.textContent('h1')).toBe('我的报告');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/05-me-phone-zh.png`, fullPage: true });
    await page.goto(`${base}/me/decisions/new`);
    const formOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(formOverflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/06-record-form-phone-zh.png`, fullPage: true });
    await context.close();
  });
});
