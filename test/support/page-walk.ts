import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Walking every page a signed-in person can reach, and what a page must be at any width: no
 * horizontal overflow of the page itself, no table cell squeezed to a column of single
 * characters, no serious or critical axe finding.
 */

/** The links a walk never follows: actions, downloads, assets, the API. */
const skip = /^\/(logout|lang|api\/|assets\/|docs\/assets|openapi\.json|metrics|healthz)|\.(csv|svg|json|js|png|ico|pdf)$/;

/**
 * One page per route shape: a path segment holding a digit or an id (`E0119`, `2026Q3`, a uuid)
 * counts as a parameter, and the query is dropped, so `/hr/runs/:x/officers/:x` is walked once.
 */
export function routeShape(path: string): string {
  return path
    .split('?')[0]!
    .split('/')
    .map((s) => (/\d/.test(s) || s.length >= 16 ? ':x' : s))
    .join('/');
}

/** Same-origin paths linked from the page, minus the ones a walk skips. */
export async function linksOf(page: Page, base: string): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
  const out: string[] = [];
  for (const h of hrefs) {
    if (!h.startsWith(`${base}/`)) continue;
    const u = new URL(h);
    const path = u.pathname + u.search;
    if (skip.test(u.pathname)) continue;
    out.push(path);
  }
  return out;
}

/**
 * Visits every page reachable from `start` by following links, one page per route shape
 * (breadth first, at most `max` pages). The `start` pages are all visited, even several of one
 * shape (one flag of each rule, say). Calls `check` on each; returns the paths visited.
 */
export async function walk(page: Page, base: string, start: string[], check: (path: string, status: number) => Promise<void>, max = 80): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...start];
  const visited: string[] = [];
  const given = new Set(start);
  while (queue.length > 0 && visited.length < max) {
    const path = queue.shift()!;
    const shape = routeShape(path);
    if (seen.has(shape) && !given.has(path)) continue;
    given.delete(path);
    seen.add(shape);
    const res = await page.goto(`${base}${path}`);
    visited.push(path);
    await check(path, res?.status() ?? 0);
    for (const l of await linksOf(page, base)) if (!seen.has(routeShape(l))) queue.push(l);
  }
  return visited;
}

/** What overflows the viewport sideways: the page's width and the widest elements that stick out. */
export async function overflowOf(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 0.5 && r.width > 0) {
        // Only the outermost offender: its children stick out because it does.
        const parent = el.parentElement?.getBoundingClientRect();
        if (parent && parent.right > vw + 0.5) continue;
        culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, culprits: culprits.slice(0, 5) };
  });
}

/**
 * Table cells squeezed so narrow that their text wraps one or two characters per line (a name
 * stacked into a column of single characters): three lines or more, at most two characters each.
 */
export async function crushedCells(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('td, th'))) {
      const text = (el.textContent ?? '').replace(/\s+/g, '');
      if (text.length < 3) continue;
      // Lines of text: the text's boxes, by their middles, counted as one while closer than half a line.
      const mids: number[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of Array.from(range.getClientRects())) if (r.width > 0) mids.push((r.top + r.bottom) / 2);
      }
      const half = (parseFloat(getComputedStyle(el).lineHeight) || 24) / 2;
      mids.sort((a, b) => a - b);
      const lines = mids.filter((m, i) => i === 0 || m - mids[i - 1]! > half).length;
      if (lines >= 3 && text.length / lines <= 2) out.push(`${text.slice(0, 30)} (${lines} lines)`);
    }
    return out.slice(0, 5);
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core run in the page: its findings of the given impacts (serious and critical unless told),
 * plus any empty table header whatever axe rates it, as `rule (impact, count): targets` lines.
 */
export async function axeFindings(page: Page, impacts: string[] = ['serious', 'critical']): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), n: v.nodes.length }));
  });
  return violations.filter((v) => impacts.includes(v.impact) || v.id === 'empty-table-header').map((v) => `${v.id} (${v.impact}, ${v.n}): ${v.targets.join(' | ')}`);
}

/** Chart labels (SVG text) drawn smaller than `minPx` CSS pixels once the chart is scaled to the screen. */
export async function tinyChartText(page: Page, minPx = 10): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('svg text'))) {
      const text = el as SVGTextElement;
      const ctm = text.getScreenCTM();
      if (!ctm || text.getClientRects().length === 0) continue;
      const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(ctm.a, ctm.b);
      if (px < min) out.push(`"${(text.textContent ?? '').slice(0, 20)}" ${px.toFixed(1)}px`);
    }
    return out.slice(0, 5);
  }, minPx);
}
