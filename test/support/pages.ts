import type { TestApp } from './app.js';

/** The origin `app.request` gives relative URLs; page form posts must come from it (CSRF check). */
export const PAGE_ORIGIN = 'http://localhost';

export interface PageSession {
  /** `sid=...` for the Cookie header. */
  cookie: string;
  /** The `_csrf` value this session's forms carry. */
  csrf: string;
}

/** Signs in through `POST /login` with a bearer token, as a browser would. */
export async function signIn(t: TestApp, token: string): Promise<PageSession> {
  const res = await t.app.request('/login', {
    method: 'POST',
    headers: { origin: PAGE_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  const m = /(?:^|[ ,])sid=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (res.status !== 303 || !m) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = `sid=${m[1]}`;
  const home = await (await t.app.request('/', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!csrf) throw new Error('no _csrf on the home page');
  return { cookie, csrf };
}

/**
 * A page request as a browser sends it: Accept text/html, Origin of the app, the session cookie,
 * and for a `form` body, form encoding plus the session's `_csrf` (unless `csrf: false`).
 */
export async function pageRequest(
  t: TestApp,
  method: string,
  path: string,
  opts: { session?: PageSession; form?: Record<string, string>; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/html', ...(opts.headers ?? {}) };
  if (method !== 'GET' && method !== 'HEAD' && !('origin' in headers)) headers.origin = PAGE_ORIGIN;
  if (opts.session) headers.cookie = [opts.session.cookie, headers.cookie].filter(Boolean).join('; ');
  let body: BodyInit | undefined;
  if (opts.form) {
    const form = new URLSearchParams(opts.form);
    if (opts.session && opts.csrf !== false && !form.has('_csrf')) form.set('_csrf', opts.session.csrf);
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = form;
  }
  return t.app.request(path, { method, headers, body });
}

/**
 * Follows a page POST's `303` as a browser does: GET the `Location` with the session and the
 * cookies the answer set (the sealed `flash` a refused form or a new token rides on).
 */
export async function followRedirect(t: TestApp, res: Response, session: PageSession, headers: Record<string, string> = {}): Promise<Response> {
  if (res.status !== 303) throw new Error(`expected a 303, got ${res.status}: ${await res.text()}`);
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => !/=$/.test(c));
  const location = res.headers.get('location')!;
  return pageRequest(t, 'GET', location, { session, headers: { ...headers, ...(set.length ? { cookie: set.join('; ') } : {}) } });
}

/**
 * A refused page POST as a browser lives it (post, redirect, get; ADR 0086): where the 303 went,
 * the page it shows (status and HTML), whether that answer cleared the flash cookie, and the same
 * page refreshed (a plain GET of the same address, the flash gone).
 */
export async function refusedRoundTrip(t: TestApp, res: Response, session: PageSession, headers: Record<string, string> = {}) {
  const location = res.status === 303 ? res.headers.get('location') : null;
  const page = await followRedirect(t, res, session, headers);
  const cleared = page.headers.getSetCookie().some((c) => /^flash=;/.test(c) && /Max-Age=0/i.test(c));
  const html = await page.text();
  const again = await pageRequest(t, 'GET', location!, { session, headers });
  return { location, status: page.status, html, cleared, refreshStatus: again.status, refresh: await again.text() };
}

/** A browser's multipart upload of one file (`file`) with other fields and the session's `_csrf`. */
export async function pageUpload(t: TestApp, path: string, session: PageSession, file: { name: string; content: BlobPart }, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', session.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new File([file.content], file.name, { type: 'text/csv' }));
  return t.app.request(path, { method: 'POST', headers: { accept: 'text/html', origin: PAGE_ORIGIN, cookie: session.cookie, ...headers }, body: form });
}
