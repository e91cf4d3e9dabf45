/**
 * The inboxes in Chromium, as each role lands on them after signing in: HR's "waiting for me"
 * (only what this HR user may decide or publish), the supervisor's "assigned to me" queue
 * (sorted, searched, exported) and the officer's panels and flags to answer at the top of /me,
 * with the counts on the navigation. Screenshots (desktop and 390 px) in screenshots/inbox/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { browserOn, screenshotDir } from '../support/browser.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedGrading, standardFixture } from '../support/grading.js';
import { assign, bunchingQueue, decisionsFor, supervisor } from '../support/oversight.js';
import { scanFlags } from '../../src/flags/scan.js';

const shots = screenshotDir('inbox');

/** Signs in on /login without a `next`, as a person would, and returns where the browser landed. */
async function signInBare(browser: Browser, base: string, token: string, width = 1280): Promise<{ context: BrowserContext; page: Page; landed: string }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('main button[type=submit]')]);
  return { context, page, landed: new URL(page.url()).pathname };
}

/** Desktop and phone screenshots of the page a role lands on. */
async function landingShots(browser: Browser, base: string, token: string, name: string): Promise<void> {
  for (const [suffix, width] of [['desktop', 1280], ['phone', 390]] as const) {
    const { context, page } = await signInBare(browser, base, token, width);
    await page.screenshot({ path: `${shots}/${name}-${suffix}.png`, fullPage: true });
    await context.close();
  }
}

const kinds = (page: Page) => page.locator('[data-testid=inbox-item]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.querySelector('.what')?.textContent ?? ''}`));
async function navCount(page: Page, href: string): Promise<string> {
  const badge = page.locator(`nav.main a[href="${href}"] [data-testid=nav-count]`);
  return (await badge.count()) === 0 ? '0' : ((await badge.getAttribute('data-count')) ?? '');
}

describe('HR: waiting for me', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  const tok: Record<string, string> = {};
  let runId = '';

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-10T08:00:00.000Z' });
    await seedGrading(t.db, standardFixture('2026Q3'));
    tok.wang = await t.userToken('hr', { username: 'hr-wang' });
    tok.li = await t.userToken('hr', { username: 'hr-li' });
    // An HR user who is also officer O004: never her own case.
    tok.zhao = await t.userToken('hr', { username: 'hr-zhao', officerCode: 'O004' });
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('lists what each HR user may decide or publish, and nothing they may not', async () => {
    const run = await t.call('POST', '/api/v1/grading-runs', { token: tok.wang!, json: { period: '2026Q3' } });
    expect(run.status).toBe(201);
    runId = ((await run.json()) as { id: string }).id;
    const tiers = await t.db.all<{ officer_code: string; tier: number }>(sql`select officer_code, tier from grading_results where run_id = ${runId} and status = 'graded'`);
    const other = (code: string) => (tiers.find((r) => r.officer_code === code)!.tier === 1 ? 2 : 1);
    const propose = async (who: string, code: string) => {
      const res = await t.call('POST', `/api/v1/grading-runs/${runId}/adjustments`, { token: tok[who]!, json: { officerCode: code, toTier: other(code), reason: `Proposed by ${who}` } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const byWang = await propose('wang', 'O004');
    const byLi = await propose('li', 'O007');

    // hr-li: wang's proposal and wang's run (blocked until the adjustments are decided); not his own.
    const li = await signInBare(browser, base, tok.li!);
    expect(li.landed).toBe('/hr');
    const liItems = await kinds(li.page);
    expect(liItems).toHaveLength(2);
    expect(liItems[0]).toMatch(/^adjustment:.*李四（O004）/);
    expect(liItems[1]).toMatch(/^run:2026Q3/);
    expect(liItems.join()).not.toContain('O007');
    expect(await li.page.locator('[data-testid=hr-inbox]').getAttribute('data-total')).toBe('2');
    expect(await navCount(li.page, '/hr')).toBe('2');
    expect(await li.page.locator('a[href="/hr/import"]').count()).toBe(1);
    expect(await li.page.locator('nav.main a[href="/flags"]').count()).toBe(1);
    // The link to act opens the run's adjustments.
    await Promise.all([li.page.waitForURL(new RegExp(`/hr/runs/${runId}#adjustments$`)), li.page.locator('[data-kind=adjustment] a').click()]);

    // hr-wang: li's proposal only; he computed the run, so it is not his to publish.
    const wang = await signInBare(browser, base, tok.wang!);
    const wangItems = await kinds(wang.page);
    expect(wangItems).toHaveLength(1);
    expect(wangItems[0]).toMatch(/^adjustment:.*O007/);
    expect(await navCount(wang.page, '/hr')).toBe('1');

    // hr-zhao (officer O004): li's proposal and the run, never the adjustment of her own tier.
    const zhao = await signInBare(browser, base, tok.zhao!);
    const zhaoItems = await kinds(zhao.page);
    expect(zhaoItems.map((k) => k.split(':')[0])).toEqual(['adjustment', 'run']);
    expect(zhaoItems[0]).toContain('O007');
    expect(zhaoItems.join()).not.toContain('O004');

    // Decided, the adjustments leave the inboxes; the run is now ready to publish for li.
    expect((await t.call('POST', `/api/v1/adjustments/${byWang}/decision`, { token: tok.li!, json: { decision: 'approve', reason: 'ok' } })).status).toBe(200);
    expect((await t.call('POST', `/api/v1/adjustments/${byLi}/decision`, { token: tok.wang!, json: { decision: 'reject', reason: 'no' } })).status).toBe(200);
    await li.page.goto(`${base}/hr`);
    expect(await kinds(li.page)).toEqual(['run:2026Q3 评定批次待发布']);
    expect(await li.page.locator('[data-kind=run] a').getAttribute('href')).toBe(`/hr/runs/${runId}/publish`);
    await wang.page.goto(`${base}/hr`);
    expect(await wang.page.locator('[data-testid=inbox-item]').count()).toBe(0);
    expect(await navCount(wang.page, '/hr')).toBe('0');
    for (const s of [li, wang, zhao]) await s.context.close();
  });

  it('lists appeals only for HR users who did not grade the run, never about themselves', async () => {
    expect((await t.call('POST', `/api/v1/grading-runs/${runId}/publish`, { token: tok.li! })).status).toBe(200);
    for (const code of ['O004', 'O006']) {
      const officerToken = await t.userToken('officer', { officerCode: code });
      expect((await t.call('POST', `/api/v1/grading-runs/${runId}/appeals`, { token: officerToken, json: { reason: `Appeal of ${code}` } })).status).toBe(201);
    }
    // wang computed, li published: neither decides. zhao decides O006's, not her own (O004).
    for (const who of ['wang', 'li']) {
      const s = await signInBare(browser, base, tok[who]!);
      expect((await kinds(s.page)).filter((k) => k.startsWith('appeal:')), who).toEqual([]);
      await s.context.close();
    }
    const zhao = await signInBare(browser, base, tok.zhao!);
    const appeals = (await kinds(zhao.page)).filter((k) => k.startsWith('appeal:'));
    expect(appeals).toHaveLength(1);
    expect(appeals[0]).toContain('O006');
    expect(await zhao.page.locator('[data-kind=appeal] a').getAttribute('href')).toBe(`/hr/runs/${runId}/officers/O006#appeals`);
    expect(await navCount(zhao.page, '/hr')).toBe('1');
    await zhao.context.close();
    await landingShots(browser, base, tok.zhao!, 'hr');
  });
});

describe('supervisor and officer: assigned to me, and what waits on /me', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let zhao: { token: string; userId: string };
  let qian: { token: string; userId: string };
  let o1Token = '';

  beforeAll(async () => {
    t = await makeTestApp({ now: '2026-10-15T08:00:00.000Z' });
    await bunchingQueue(t);
    await assign(t, 'TPY', 'O1', '2018-01-01');
    zhao = await supervisor(t, 'sup-zhao');
    await scanFlags({ ctx: t.ctx() });
    qian = await supervisor(t, 'sup-qian');
    o1Token = await t.userToken('officer', { username: 'officer-o1', officerCode: 'O1' });
    // Panels O1 sits on: one waiting for its vote, one it voted on, one closed.
    await decisionsFor(t, [
      { decider: 'S1', taxpayer: 'TPP1', amount: 19_900, threshold: 20_000, decidedAt: '2026-10-14', recordedAt: '2026-10-14T09:00:00.000Z', reviewers: [{ officerCode: 'O1', vote: null }, { officerCode: 'O2', vote: null }], review: 'pending_review' },
      { decider: 'S1', taxpayer: 'TPP2', amount: 19_800, threshold: 20_000, decidedAt: '2026-10-14', recordedAt: '2026-10-14T09:00:00.000Z', reviewers: [{ officerCode: 'O1' }, { officerCode: 'O2', vote: null }], review: 'pending_review' },
      { decider: 'S1', taxpayer: 'TPP3', amount: 19_700, threshold: 20_000, decidedAt: '2026-10-01', recordedAt: '2026-10-01T09:00:00.000Z', reviewers: [{ officerCode: 'O1' }, { officerCode: 'O2' }], review: 'approved' },
    ]);
    ({ browser, baseUrl: base, close } = await browserOn(t));
  });

  afterAll(() => close?.());

  it('opens the supervisor on the flags drawn to them, sortable, searchable, exported as shown', async () => {
    const all = await t.db.all<{ id: string; subject_code: string }>(sql`select id, subject_code from flags where status <> 'closed' order by id`);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all.map((f) => f.subject_code))).toEqual(new Set(['O1', 'O2']));
    // As if the draw had picked sup-qian for one of them; another is 20 days old (overdue).
    const theirs = all.find((f) => f.subject_code === 'O2')!.id;
    await t.db.run(sql`update flags set reviewer_user_id = ${qian.userId} where id = ${theirs}`);
    const old = all.find((f) => f.id !== theirs)!.id;
    await t.db.run(sql`update flags set raised_at = '2026-09-25T08:00:00.000Z' where id = ${old}`);
    const mine = all.filter((f) => f.id !== theirs).map((f) => f.id);

    const s = await signInBare(browser, base, zhao.token);
    expect(s.landed).toBe('/flags');
    const page = s.page;
    const rowIds = () => page.locator('[data-testid=flag-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
    expect(await page.getAttribute('[data-testid=tab-mine]', 'aria-current')).toBe('page');
    expect((await rowIds()).sort()).toEqual([...mine].sort());
    expect(await navCount(page, '/flags')).toBe(String(mine.length));
    // Sorted by due date (soonest first): the overdue one leads, marked.
    const first = page.locator('[data-testid=flag-row]').first();
    expect(await first.getAttribute('data-id')).toBe(old);
    expect(await first.getAttribute('data-overdue')).toBe('1');
    expect(await first.locator('.badge.overdue').count()).toBe(1);
    const dues = await page.locator('[data-testid=flag-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-due')!));
    expect(dues).toEqual([...dues].sort());
    // Officer names beside codes.
    expect(await page.locator('[data-testid=flag-row] [data-testid=subject]').first().textContent()).toMatch(/Officer O\d/);

    // "All" holds sup-qian's flag too.
    await Promise.all([page.waitForURL(/view=all/), page.click('[data-testid=tab-all]')]);
    expect((await rowIds()).sort()).toEqual(all.map((f) => f.id).sort());

    // Sorted by severity: never a lower severity before a higher one.
    await Promise.all([page.waitForURL(/sort=severity/), page.click('[data-sort=severity]')]);
    const rank = { low: 1, medium: 2, high: 3, critical: 4 } as Record<string, number>;
    const sev = await page.locator('[data-testid=flag-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')!));
    expect(sev.map((x) => rank[x]!)).toEqual([...sev.map((x) => rank[x]!)].sort((a, b) => b - a));

    // Search in any case, by code or by name.
    await page.fill('#f-q', 'o2');
    await Promise.all([page.waitForURL(/q=o2/), page.click('form.filters button[type=submit]')]);
    const o2 = all.filter((f) => f.subject_code === 'O2').map((f) => f.id).sort();
    expect((await rowIds()).sort()).toEqual(o2);
    await page.fill('#f-q', 'OFFICER o1');
    await Promise.all([page.waitForURL(/q=OFFICER/), page.click('form.filters button[type=submit]')]);
    expect((await rowIds()).sort()).toEqual(all.filter((f) => f.subject_code === 'O1').map((f) => f.id).sort());

    // The export holds exactly the rows of this filter.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
    const csv = (await import('node:fs')).readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('工号 officer code');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(await rowIds().then((r) => r.sort()));
    expect(lines.slice(1).every((l) => l.includes('Officer O1'))).toBe(true);
    await s.context.close();
    await landingShots(browser, base, zhao.token, 'supervisor');
  });

  it('shows the officer, at the top of /me, the panels to vote on and the flags to answer', async () => {
    // Before any review starts, O1 has only its panel.
    let s = await signInBare(browser, base, o1Token);
    expect(s.landed).toBe('/me');
    expect(await s.page.getAttribute('[data-testid=officer-inbox]', 'data-total')).toBe('1');
    expect(await s.page.getAttribute('[data-testid=waiting-panels]', 'data-count')).toBe('1');
    expect(await s.page.locator('[data-testid=waiting-flags]').count()).toBe(0);
    await s.context.close();

    // The reviewer starts the review of a penalty-carrying flag about O1: O1 is told and may answer.
    const [flag] = await t.db.all<{ id: string }>(sql`select id from flags where subject_code = 'O1' and severity in ('medium', 'high', 'critical') and status = 'open' and reviewer_user_id = ${zhao.userId} limit 1`);
    expect(flag).toBeDefined();
    expect((await t.call('POST', `/api/v1/flags/${flag!.id}/transition`, { token: zhao.token, json: { to: 'in_review', reason: 'Looking into it' } })).status).toBe(200);
    s = await signInBare(browser, base, o1Token);
    expect(await s.page.getAttribute('[data-testid=officer-inbox]', 'data-total')).toBe('2');
    expect(await s.page.locator('[data-testid=waiting-flag]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual([flag!.id]);
    await Promise.all([s.page.waitForURL(new RegExp(`/me/flags/${flag!.id}$`)), s.page.click('[data-testid=waiting-flag] a')]);
    await s.page.goto(`${base}/me`);
    await Promise.all([s.page.waitForURL(/\/me\/reviews$/), s.page.click('[data-testid=waiting-panels] a')]);
    await s.context.close();
    await landingShots(browser, base, o1Token, 'officer');

    // Admins land on their own page too.
    const admin = await signInBare(browser, base, t.adminToken);
    expect(admin.landed).toBe('/admin');
    await admin.context.close();
    await landingShots(browser, base, t.adminToken, 'admin');
  });
});
