/**
 * The collective review in Chromium, without JavaScript: a decider records an assessed turnover
 * just under the threshold, the service draws the panel, two members read the case file on
 * /me/reviews and vote, and the decision becomes approved; the decider then sees how each voted.
 * Screenshots in screenshots/reviews/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { officer, taxpayer, threshold } from '../support/oversight.js';

const shots = screenshotDir('reviews');

describe('a collective review in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    // One unit: the decider and exactly three colleagues who can vote, so all three are drawn.
    for (const c of ['D1', 'M1', 'M2', 'M3']) await officer(t, c, { unit: 'U1' });
    await taxpayer(t, 'TP-9');
    await threshold(t, 'assessed_turnover', 20_000, '2020-01-01');
    for (const c of ['D1', 'M1', 'M2', 'M3']) tokens[c] = await t.userToken('officer', { username: `user-${c.toLowerCase()}`, officerCode: c });
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  async function pageAs(code: string, next: string, locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}${next}`);
    await signInPage(page, base, tokens[code]!, next);
    return page;
  }

  it('a decider records a turnover near the threshold; two members vote from /me/reviews; it is approved', async () => {
    const decider = await pageAs('D1', '/me/decisions/new');
    await decider.selectOption('#dec-type', 'assessed_turnover');
    await decider.fill('#dec-taxpayer', 'TP-9');
    await decider.fill('#dec-amount', '19,800');
    await decider.fill('#dec-justification', 'Books incomplete: turnover assessed from three months of invoices and a site visit.');
    await decider.fill('#dec-decided', '2026-10-14');
    // No panel on the form: the service draws it.
    expect(await decider.locator('[name^=reviewer_vote]').count()).toBe(0);
    await decider.screenshot({ path: `${shots}/01-record.png`, fullPage: true });
    await Promise.all([decider.waitForURL(/\/me\/decisions\/dec_[^?]+\?recorded=1$/), decider.click('form[action="/me/decisions"] button[type=submit]')]);
    const id = decodeURIComponent(new URL(decider.url()).pathname.split('/').pop()!);
    expect(await decider.textContent('[data-testid=decision-status]')).toBe('under review');
    expect(await decider.textContent('[data-testid=review-state]')).toContain('0 of 3 members have voted, 2 needed');
    expect(await decider.locator('[data-testid=panel-member]').count()).toBe(3);
    await decider.screenshot({ path: `${shots}/02-pending.png`, fullPage: true });

    // The first member reads the case file and approves, in Chinese.
    const m1 = await pageAs('M1', '/me/reviews', 'zh-CN');
    const card = m1.locator(`[data-testid=case][data-id="${id}"]`);
    expect(await card.locator('[data-testid=proposed]').textContent()).toBe('19,800');
    expect(await card.textContent()).toContain('比临界值 −1.0%');
    expect(await card.textContent()).toContain('Books incomplete');
    await m1.screenshot({ path: `${shots}/03-case-file-zh.png`, fullPage: true });
    await card.locator('input[name=vote][value=approve]').check();
    await card.locator('textarea[name=reason]').fill('发票与实地核查记录相符，同意核定。');
    await Promise.all([m1.waitForURL(/voted=/), card.locator('button[type=submit]').click()]);
    expect(await m1.locator(`[data-testid=case][data-id="${id}"] [data-testid=my-vote]`).textContent()).toContain('同意');

    // The decider sees that one member voted, not how.
    await decider.goto(`${base}/me/decisions/${id}`);
    expect(await decider.textContent('[data-testid=review-state]')).toContain('1 of 3');
    expect(await decider.textContent('[data-testid=panel]')).not.toContain('发票');

    // The second member approves: quorum (2 of 3), approved.
    const m2 = await pageAs('M2', '/me/reviews');
    const card2 = m2.locator(`[data-testid=case][data-id="${id}"]`);
    await card2.locator('input[name=vote][value=approve]').check();
    await card2.locator('textarea[name=reason]').fill('The invoices cover the quarter; the amount is plausible for a stall this size.');
    await m2.screenshot({ path: `${shots}/04-vote-en.png`, fullPage: true });
    await Promise.all([m2.waitForURL(/voted=/), card2.locator('button[type=submit]').click()]);
    const closed = m2.locator(`[data-testid=case][data-id="${id}"]`);
    expect(await closed.getAttribute('data-status')).toBe('approved');
    expect(await closed.locator('[data-testid=outcome]').textContent()).toContain('approved (approve 2, reject 0)');

    // The third member has nothing left to vote on.
    const m3 = await pageAs('M3', '/me/reviews');
    expect(await m3.locator('[data-testid=none-pending]').count()).toBe(1);

    await decider.goto(`${base}/me/decisions/${id}`);
    expect(await decider.textContent('[data-testid=decision-status]')).toBe('approved');
    expect(await decider.textContent('[data-testid=panel]')).toContain('The invoices cover the quarter');
    await decider.screenshot({ path: `${shots}/05-approved.png`, fullPage: true });
    const [row] = await t.db.all<{ status: string; decided_amount: number }>(sql`select status, decided_amount from decision_reviews where decision_id = ${id}`);
    expect(row).toEqual({ status: 'approved', decided_amount: 19_800 });
  });
});
