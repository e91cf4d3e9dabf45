/**
 * Chinese all the way through (issue 17): a small demo bureau (scripts/synthetic, the same
 * generator as `npm run demo`), each role signed in through /login in a zh-CN browser, every page
 * of that role reached by following its links, and the public pages. A page fails when its
 * rendered text shows a raw code (`assessed_turnover`, `no_quorum`) or an English sentence from
 * any catalogue (the domains', the shell's, the refusals', the glossary).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeDb } from '../support/app.js';
import { launchChromium, serveApp, signInPage, screenshotDir } from '../support/browser.js';
import { createApp } from '../../src/app.js';
import { ensureAdmin } from '../../src/auth/users.js';
import { fixedClock } from '../../src/core/clock.js';
import { defaultConfig } from '../../src/core/config.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';
import { demoStart, demoTokens, fillDemo } from '../../scripts/synthetic/fill-demo.js';
import { demoSize, type BureauSize } from '../../scripts/synthetic/sizes.js';
import { englishSentences } from '../support/catalogues.js';

const shots = screenshotDir('lang');
// Small enough to fill in seconds, big enough that the scan finds flags of several rules, panels,
// appeals, adjustments, complaints and an annual review.
const size: BureauSize = { ...demoSize, label: 'lang-scan', officers: 60, taxpayers: 800, responses: 600, decisions: 400 };
/** How many pages of one shape (`/flags/:id`) a role's walk opens: enough to meet each kind. */
const PER_SHAPE = 3;
const MAX_PAGES = 90;

/** A raw code: lower-case words joined by underscores. */
const rawCode = /\b[a-z]+(?:_[a-z]+)+\b/g;


/** `/flags/01J9...` -> `/flags/:id`: a page's shape, so the walk opens a few of each, not all. */
function shapeOf(path: string): string {
  return path
    .split('/')
    .map((s) => (/\d/.test(s) && s.length > 3 ? ':id' : s))
    .join('/');
}

/** Links a person could follow from here, on this site, that answer a page (not a download). */
async function pageLinks(page: Page, base: string): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  const out: string[] = [];
  for (const h of hrefs) {
    if (!h.startsWith(base)) continue;
    const u = new URL(h);
    if (/^\/(lang|logout|docs|openapi\.json|api|metrics|favicon)/.test(u.pathname)) continue;
    if (/\.(csv|json|xlsx|svg|png|txt|pdf)$/.test(u.pathname) || /(^|\/)(export|download|slip|qr)(\/|$)/.test(u.pathname)) continue;
    if (u.searchParams.has('format')) continue;
    out.push(u.pathname + u.search);
  }
  return out;
}

type Finding = string;

/** What a page shows that is not Chinese: raw codes and catalogue English. */
async function scan(page: Page, path: string, sentences: readonly string[]): Promise<Finding | null> {
  expect(await page.getAttribute('html', 'lang'), path).toBe('zh-CN');
  const text = await page.evaluate(() => document.body.innerText);
  const codes = [...new Set(text.match(rawCode) ?? [])];
  // (What people wrote, such as a decision's justification, is theirs and may be in any language.)
  const english = sentences.filter((s) => text.includes(s));
  return codes.length || english.length ? `${path}: ${[...codes, ...english].join(' | ')}` : null;
}

/** Opens `starts` and what they link to, breadth first, a few pages of each shape; scans each. */
async function walk(page: Page, base: string, starts: string[], sentences: readonly string[], shot: string): Promise<{ seen: string[]; findings: Finding[] }> {
  const queue = [...starts];
  const seen = new Set<string>();
  const perShape = new Map<string, number>();
  const findings: Finding[] = [];
  while (queue.length && seen.size < MAX_PAGES) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    const shape = shapeOf(new URL(path, base).pathname);
    if ((perShape.get(shape) ?? 0) >= PER_SHAPE) continue;
    perShape.set(shape, (perShape.get(shape) ?? 0) + 1);
    seen.add(path);
    const res = await page.goto(`${base}${path}`);
    expect(res?.status(), path).toBeLessThan(500);
    if (new URL(page.url()).pathname === '/login' && !path.startsWith('/login')) continue;
    const found = await scan(page, path, sentences);
    if (found) findings.push(found);
    if (seen.size === 1) await page.screenshot({ path: `${shots}/${shot}-zh.png`, fullPage: true });
    for (const l of await pageLinks(page, base)) if (!seen.has(l)) queue.push(l);
  }
  return { seen: [...seen], findings };
}

describe('zh-CN pages speak Chinese', () => {
  let browser: Browser;
  let base: string;
  let closeServer: (() => Promise<void>) | undefined;
  let tokens: Map<string, string>;
  let invitationPath: string | null = null;
  const sentences = englishSentences();

  beforeAll(async () => {
    const { db } = await makeDb();
    const today = new Date().toISOString().slice(0, 10);
    const signer = signerFromSeed(randomSeed());
    const adminToken = `tgo_admin_lang_${Math.random().toString(36).slice(2)}`;
    await ensureAdmin(db, fixedClock(demoStart(today, size)), adminToken);
    const { staff } = await fillDemo({ db, signer, today, size, config: defaultConfig });
    const out = await demoTokens({ db, signer, staff, config: defaultConfig });
    tokens = new Map(out.tokens.map((x) => [x.role === 'supervisor' || x.role === 'officer' ? x.role : x.username, x.token]));
    tokens.set('admin', adminToken);
    invitationPath = out.invitationUrl ? new URL(out.invitationUrl).pathname : null;
    const app = createApp({ db, clock: { now: () => new Date() }, signer, config: defaultConfig });
    const served = await serveApp({ app });
    base = served.baseUrl;
    closeServer = served.close;
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
  });

  it('has English sentences to look for', () => {
    // The scan is only as good as its list: the catalogues' English, placeholders cut out.
    expect(sentences.length).toBeGreaterThan(300);
    expect(sentences).toContain('This flag was drawn to another reviewer.');
  });

  /** For each role, a page shape its walk must reach, so the scan cannot pass by seeing little. */
  const roles: [string, string, string[], RegExp][] = [
    ['hr.wang', 'hr', ['/', '/hr', '/hr/policies', '/hr/response-rates', '/hr/annual', '/hr/import', '/complaints', '/spot-checks', '/flags'], /^\/hr\/runs\/[^/]+\/officers\//],
    ['hr.li', 'hr-second', ['/hr'], /^\/hr\/runs\/[^/]+$/],
    ['supervisor', 'supervisor', ['/', '/flags', '/complaints', '/me/reviews', '/spot-checks'], /^\/flags\/[^/]+$/],
    ['officer', 'officer', ['/', '/me', '/me/reviews'], /^\/me\/decisions\/[^/]+$/],
    ['admin', 'admin', ['/', '/admin'], /^\/admin\/users\/[^/]+$/],
  ];

  it.each(roles)('%s: every page in zh-CN shows no raw code and no English sentence', async (who, shot, starts, mustReach) => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await signInPage(page, base, tokens.get(who)!, '/');
      const { seen, findings } = await walk(page, base, starts, sentences, shot);
      expect(seen.length, `pages opened for ${who}`).toBeGreaterThan(starts.length - 1);
      expect(seen.some((p) => mustReach.test(p)), `${who} reached ${mustReach}: ${seen.join(' ')}`).toBe(true);
      expect(findings, `pages of ${who} that are not all Chinese`).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);

  it('the public pages: home, sign-in, the public summary, /verify, the taxpayer form', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    try {
      const starts = ['/', '/login', '/public', '/verify', ...(invitationPath ? [invitationPath] : [])];
      const { seen, findings } = await walk(page, base, starts, sentences, 'public');
      expect(seen.length).toBeGreaterThanOrEqual(starts.length);
      expect(findings).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);
});
