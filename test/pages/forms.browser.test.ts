import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { tokens, users } from '../../db/schema.js';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const shots = screenshotDir('forms');

describe('forms in a browser: post, redirect, get; every error by its field; confirmations', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    t = await makeTestApp();
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('creating a user: errors all at once by field, then the token once; a refresh posts nothing', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInPage(page, base, t.adminToken, '/admin');

    await page.fill('#username', 'a b');
    await page.selectOption('#role', 'officer');
    await Promise.all([page.waitForURL(`${base}/admin#username`), page.click('button:has-text("创建用户并签发令牌")')]);
    // Back at the form's own page, not at the POST URL; both errors shown, tied to their fields.
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.inputValue('#username')).toBe('a b');
    expect(await page.getAttribute('#username', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#username', 'aria-describedby')).toBe('username-error');
    expect(await page.textContent('#username-error')).toContain('用户名只能由字母');
    expect(await page.getAttribute('#officerCode', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#officerCode', 'aria-describedby')).toBe('officerCode-hint officerCode-error');
    expect(await page.textContent('#officerCode-error')).toContain('税务人员用户必须填写人员编号');
    expect(await page.locator('[role=alert] li a').count()).toBe(2);
    await page.screenshot({ path: `${shots}/create-user-errors-phone.png`, fullPage: true });

    await page.fill('#username', 'sup-lin');
    await page.selectOption('#role', 'supervisor');
    await Promise.all([page.waitForURL(/\/admin\/users\/usr_/), page.click('button:has-text("创建用户并签发令牌")')]);
    const token = (await page.textContent('[data-testid=new-token]'))!.trim();
    expect(token).toMatch(/^tgo_/);
    // A refresh is a GET of the user's page: no second post, no 409, and the token is not shown again.
    const again = await page.reload();
    expect(again!.status()).toBe(200);
    expect(await page.locator('[data-testid=new-token]').count()).toBe(0);
    expect(await t.db.select().from(users).where(eq(users.username, 'sup-lin'))).toHaveLength(1);

    // Revoking asks first, on a page of its own; only the confirmation revokes.
    const [u] = await t.db.select().from(users).where(eq(users.username, 'sup-lin'));
    const [tok] = await t.db.select().from(tokens).where(eq(tokens.userId, u!.id));
    await Promise.all([page.waitForURL(/\/admin\/tokens\/revoke\?/), page.click(`button[aria-label$="${tok!.id}"]`)]);
    expect((await t.db.select().from(tokens).where(eq(tokens.id, tok!.id)))[0]!.revokedAt).toBeNull();
    await page.screenshot({ path: `${shots}/revoke-confirm-phone.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/admin\/users\/usr_.*\?revoked=/), page.click('[data-testid=confirm-revoke]')]);
    expect((await t.db.select().from(tokens).where(eq(tokens.id, tok!.id)))[0]!.revokedAt).not.toBeNull();
    await context.close();
  });

  it('a period typed as 2026-q3 or wrongly gets the project’s own message, not the browser’s', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInPage(page, base, await t.userToken('hr', { username: 'hr-form' }), '/hr');
    await page.fill('#period', '2026Q5');
    // No pattern attribute: the browser does not stop the form with its generic message.
    expect(await page.evaluate(() => (document.querySelector('#period') as HTMLInputElement).checkValidity())).toBe(true);
    await Promise.all([page.waitForURL(`${base}/hr#period`), page.click('form[action="/hr/runs"] button[type=submit]')]);
    expect(await page.textContent('main')).toContain('请填写季度，例如 2026Q3（也可写 2026q3 或 2026-Q3）');
    expect(await page.inputValue('#period')).toBe('2026Q5');
    await page.screenshot({ path: `${shots}/period-error-desktop.png`, fullPage: true });
    await context.close();
  });
});
