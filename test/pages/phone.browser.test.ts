/**
 * Every page at a phone's width (390 px), for every role and for the public: the page never
 * scrolls sideways (`scrollWidth <= innerWidth`; wide tables scroll inside their own box), no
 * table cell is squeezed to one or two characters a line, chart labels stay legible, and axe-core
 * finds nothing serious or critical (nor an empty table header). The pages are found by walking
 * the links from each role's home over the demo bureau, one page per route shape, plus one flag
 * of each rule (their evidence differs). Screenshots of each role's main page, phone and desktop,
 * go to screenshots/phone/.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../db/schema.js';
import { browserOn, screenshotDir, signInPage } from '../support/browser.js';
import { demoBureau, type DemoBureau } from '../support/demo-bureau.js';
import { axeFindings, crushedCells, overflowOf, routeShape, tinyChartText, walk } from '../support/page-walk.js';

const shots = screenshotDir('phone');
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };

describe('every page on a phone', () => {
  let d: DemoBureau;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let flagsByRule: string[];

  beforeAll(async () => {
    d = await demoBureau();
    ({ browser, baseUrl: base, close } = await browserOn(d));
    const rows = await d.db.all<{ id: string }>(sql`select min(id) as id from flags group by rule order by rule`);
    flagsByRule = rows.map((r) => `/flags/${r.id}`);
  }, 240_000);

  afterAll(() => close?.());

  /** What is wrong with the page on screen now, as lines (none when it is fine). */
  async function problemsOf(page: Page, path: string, status: number): Promise<string[]> {
    // Swagger UI draws /docs from /openapi.json after the page loads.
    if (routeShape(path) === '/docs') await page.waitForSelector('.opblock');
    const out: string[] = [];
    if (status >= 400) out.push(`${path}: status ${status}`);
    const o = await overflowOf(page);
    if (o.scrollWidth > o.innerWidth) out.push(`${path}: ${o.scrollWidth} px wide at ${o.innerWidth} (${o.culprits.join(', ')})`);
    for (const c of await crushedCells(page)) out.push(`${path}: squeezed cell ${c}`);
    for (const c of await tinyChartText(page)) out.push(`${path}: chart label ${c}`);
    for (const a of await axeFindings(page)) out.push(`${path}: axe ${a}`);
    return out;
  }

  async function phoneContext(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: phone });
    return { context, page: await context.newPage() };
  }

  /** The role's main page at phone and desktop width. */
  async function screenshots(page: Page, name: string, path: string) {
    await page.setViewportSize(phone);
    await page.goto(`${base}${path}`);
    await page.screenshot({ path: `${shots}/${name}-phone.png`, fullPage: true });
    await page.setViewportSize(desktop);
    await page.goto(`${base}${path}`);
    await page.screenshot({ path: `${shots}/${name}-desktop.png`, fullPage: true });
  }

  const staff: { role: Role; main: string; mustVisit: string[] }[] = [
    { role: 'hr', main: '/hr', mustVisit: ['/hr', '/hr/runs/:x', '/hr/runs/:x/officers/:x', '/hr/annual/:x', '/flags', '/complaints/analysis', '/docs'] },
    { role: 'supervisor', main: '/flags', mustVisit: ['/flags', '/flags/:x', '/me/reviews', '/spot-checks/:x', '/complaints/:x'] },
    { role: 'officer', main: '/me', mustVisit: ['/me', '/me/decisions/:x', '/me/reviews', '/reports/:x/:x'] },
    { role: 'admin', main: '/admin', mustVisit: ['/admin', '/admin/users/:x'] },
  ];

  for (const s of staff) {
    it(`${s.role}: every page fits 390 px, reads and passes axe`, { timeout: 600_000 }, async () => {
      const { context, page } = await phoneContext();
      await signInPage(page, base, d.tokens[s.role]);
      // One flag of each rule this person may open (nobody opens a flag about themselves).
      const flags: string[] = [];
      if (s.role === 'supervisor' || s.role === 'hr') for (const f of flagsByRule) if ((await page.request.get(`${base}${f}`)).status() === 200) flags.push(f);
      if (s.role === 'hr') expect(flags.length).toBe(flagsByRule.length);
      const start = ['/', ...flags];
      const problems: string[] = [];
      const visited = await walk(page, base, start, async (path, status) => {
        problems.push(...(await problemsOf(page, path, status)));
      });
      expect(problems).toEqual([]);
      const shapes = new Set(visited.map(routeShape));
      for (const m of s.mustVisit) expect(shapes, `${s.role} reached ${m}`).toContain(m);
      await screenshots(page, s.role, s.main);
      await context.close();
    });
  }

  it('intake: the refusal to sign in (the intake system has no pages) fits and passes axe', { timeout: 120_000 }, async () => {
    const { context, page } = await phoneContext();
    await page.goto(`${base}/login`);
    await page.fill('#token', d.tokens.intake);
    const [res] = await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    expect(res!.status()).toBe(403);
    expect(await problemsOf(page, '/login', 200)).toEqual([]);
    await page.screenshot({ path: `${shots}/intake-phone.png`, fullPage: true });
    await page.setViewportSize(desktop);
    await page.screenshot({ path: `${shots}/intake-desktop.png`, fullPage: true });
    await context.close();
  });

  it('the public pages (form, tracking, receipt check, summary, sign-in, API docs) fit and pass axe', { timeout: 600_000 }, async () => {
    const { context, page } = await phoneContext();
    const form = new URL(d.invitationUrl).pathname;
    const [leaf] = await d.db.all<{ seq: number; leaf_hash: string }>(sql`select seq, leaf_hash from audit_entries order by seq limit 1 offset 5`);
    const receipt = leaf ? [`/verify?index=${leaf.seq}&hash=${leaf.leaf_hash}`] : [];
    const problems: string[] = [];
    const visited = await walk(page, base, [form, '/c', '/verify', ...receipt, '/public', '/login', '/docs'], async (path, status) => {
      problems.push(...(await problemsOf(page, path, status)));
    });
    expect(problems).toEqual([]);
    for (const m of ['/f/:x', '/c', '/verify', '/public', '/public/:x', '/login', '/docs']) expect(visited.map(routeShape)).toContain(m);
    await screenshots(page, 'taxpayer-form', form);
    await screenshots(page, 'public-summary', '/public');
    await context.close();
  });
});
