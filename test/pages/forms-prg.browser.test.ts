/**
 * The forms converted to post, redirect, get in Chromium (ADR 0095, 0096): a refused policy
 * proposal comes back to /hr/policies with the field marked and the document as typed, and a
 * reload shows the page as it stands (no re-post); rejecting a tier adjustment asks once more.
 * Screenshots in screenshots/forms/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';

const shots = screenshotDir('forms');

describe('post, redirect, get in a browser: policies and adjustments', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let hr1: string;
  let hr2: string;

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    hr1 = await t.userToken('hr', { username: 'hr-one' });
    hr2 = await t.userToken('hr', { username: 'hr-two' });
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('a refused policy proposal comes back with the document as typed and its field marked; a reload does not post again', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInPage(page, base, hr1, '/hr/policies');
    await page.fill('#pol-from', '2027Q1');
    await page.fill('#pol-reason', '调整基数');
    await page.fill('#pol-document', '{not json');
    await Promise.all([page.waitForURL(`${base}/hr/policies#pol-from`), page.click('form[action="/hr/policies"] button[type=submit]')]);
    expect(await page.inputValue('#pol-document')).toBe('{not json');
    expect(await page.inputValue('#pol-reason')).toBe('调整基数');
    expect(await page.getAttribute('#pol-document', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#pol-document-error')).toContain('方案文档不是有效的 JSON');
    await page.screenshot({ path: `${shots}/policy-refused-phone.png`, fullPage: true });
    // A reload is a GET of the page: the refusal is gone, nothing was proposed.
    const again = await page.reload();
    expect(again!.status()).toBe(200);
    expect(await page.locator('#pol-document-error').count()).toBe(0);
    expect(await t.db.all(sql`select id from policy_proposals`)).toEqual([]);
    await context.close();
  });

  it('rejecting a tier adjustment asks once more; only the confirmation rejects', async () => {
    const setup = await browser.newContext({ locale: 'zh-CN' });
    const one = await setup.newPage();
    await signInPage(one, base, hr1, '/hr');
    await one.fill('#period', '2026Q3');
    await Promise.all([one.waitForURL(/\/hr\/runs\/run_/), one.click('form[action="/hr/runs"] button[type=submit]')]);
    const run = new URL(one.url()).pathname;
    await one.fill('#adj-officer', 'O004');
    await one.selectOption('#adj-tier', '1');
    await one.fill('#adj-reason', '长期病假');
    await Promise.all([one.waitForURL(/done=proposed/), one.click('form[action$="/adjustments"] button[type=submit]')]);
    await setup.close();

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInPage(page, base, hr2, run);
    const [adj] = await t.db.all<{ id: string }>(sql`select id from adjustments`);
    await page.fill(`#reason-${adj!.id}`, '病假证明不全');
    await Promise.all([page.waitForURL(`${base}${run}#adj-${adj!.id}`), page.click(`[data-adjustment="${adj!.id}"] button[value=reject]`)]);
    const ask = page.locator('[data-testid=reject-confirm]');
    expect(await ask.textContent()).toContain('确定驳回 O004 从');
    expect(await page.inputValue(`#reason-${adj!.id}`)).toBe('病假证明不全');
    expect((await t.db.all<{ status: string }>(sql`select status from adjustments`))[0]!.status).toBe('pending');
    await page.screenshot({ path: `${shots}/reject-confirm-phone.png`, fullPage: true });
    await Promise.all([page.waitForURL(/done=rejected/), ask.locator('button[type=submit]').click()]);
    expect(await page.textContent('main')).toContain('调整申请已驳回。');
    expect((await t.db.all<{ status: string }>(sql`select status from adjustments`))[0]!.status).toBe('rejected');
    await context.close();
  });
});
