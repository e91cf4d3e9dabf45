import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';

// The flags keep Chromium from phoning home or updating itself in the middle of a test run;
// --no-sandbox because the test user cannot create the sandbox's namespaces.
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The system Chromium (playwright-core ships no browser of its own). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

export interface ServedApp {
  /** http://127.0.0.1:<port>, no trailing slash. */
  baseUrl: string;
  close: () => Promise<void>;
}

/** Serves the app over real HTTP on a free port of 127.0.0.1, so a browser can reach it. */
export async function serveApp(t: { app: { fetch: (req: Request) => Response | Promise<Response> } }): Promise<ServedApp> {
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * What a browser test needs in its beforeAll: the app served on a free port and Chromium.
 * `close` shuts both (safe to call from afterAll even if setup failed half-way).
 */
export async function browserOn(t: Parameters<typeof serveApp>[0]): Promise<{ browser: Browser; baseUrl: string; close: () => Promise<void> }> {
  const served = await serveApp(t);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await served.close();
    throw err;
  }
  return {
    browser,
    baseUrl: served.baseUrl,
    close: async () => {
      await browser.close();
      await served.close();
    },
  };
}

/**
 * Signs in through the page shell by pasting a token on /login, as a person would, and waits
 * until the browser lands on `next`. A page already sent to that login page stays there.
 */
export async function signInPage(page: Page, baseUrl: string, token: string, next = '/'): Promise<void> {
  const login = `${baseUrl}/login?next=${encodeURIComponent(next)}`;
  if (page.url() !== login) await page.goto(login);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${baseUrl}${next}`), page.click('main button[type=submit]')]);
}

/** screenshots/<domain> (gitignored), created if missing. */
export function screenshotDir(domain: string): string {
  const dir = `screenshots/${domain}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}
