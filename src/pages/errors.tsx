import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Role } from '../../db/schema.js';
import type { AppEnv } from '../core/http.js';
import { onError as apiOnError, problemResponse } from '../core/http.js';
import { ApiError, problem } from '../core/errors.js';
import { langOf, translator } from './i18n.js';
import { messages } from './messages.js';
import { Layout, problemText, renderPage } from './layout.js';
import { isApiPath, publicPagePrefixes, staffOf, type PageContext, type StaffActor } from './session.js';

/**
 * A refusal raised by a page handler: always answered as an HTML page (or a redirect), whatever
 * the Accept header says, because the request was made for a page.
 */
export class PageError extends HTTPException {
  constructor(
    status: ContentfulStatusCode | 302 | 303,
    readonly detail: string,
    readonly location?: string,
  ) {
    super(status as ContentfulStatusCode, { message: detail });
  }
}

/** Page paths answered for a browser get HTML errors; the API and machine clients problem+json. */
export function wantsHtml(c: PageContext): boolean {
  if (isApiPath(c.req.path) || c.req.path.startsWith('/docs/assets/')) return false;
  const accept = c.req.header('accept') ?? '';
  return /\btext\/html\b/i.test(accept);
}

export function ErrorPage(props: { c: PageContext; status: number; detail: string; public?: boolean }) {
  const lang = langOf(props.c);
  const t = translator(lang, messages);
  const titleKey = `error.${props.status}`;
  const title = t(titleKey) === titleKey ? t('error.title') : t(titleKey);
  return (
    <Layout c={props.c} title={title} lang={lang} public={props.public}>
      <h1>{title}</h1>
      <p>{props.detail}</p>
      {!props.public && (
        <p>
          <a href="/">{t('error.back')}</a>
        </p>
      )}
    </Layout>
  );
}

const renderable = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500] as const;

/** Renders an HTML error page with the shell (status kept, never cached). */
export function renderErrorPage(c: PageContext, status: number, detail: string) {
  const s = ((renderable as readonly number[]).includes(status) ? status : status >= 500 ? 500 : 400) as ContentfulStatusCode;
  const isPublic = publicPagePrefixes.some((p) => c.req.path.startsWith(p));
  return renderPage(c, <ErrorPage c={c} status={s} detail={detail} public={isPublic} />, s);
}

/** `/login?next=<this page>` */
export function loginRedirectPath(c: PageContext): string {
  const url = new URL(c.req.url);
  const next = c.req.method === 'GET' ? url.pathname + url.search : '/';
  return `/login?next=${encodeURIComponent(next)}`;
}

/**
 * Page guard: the signed-in staff user, or a thrown PageError that becomes a redirect to
 * `/login?next=...` (not signed in) or a 403 page (wrong role). With no roles, any staff user.
 */
export function requireStaffPage(c: PageContext, ...roles: Role[]): StaffActor {
  const staff = staffOf(c);
  const t = translator(langOf(c), messages);
  if (!staff) throw new PageError(303, t('login.required'), loginRedirectPath(c));
  if (roles.length > 0 && !roles.includes(staff.role)) {
    throw new PageError(403, t('error.403.role', { roles: roles.map((r) => t(`role.${r}`)).join(', '), role: t(`role.${staff.role}`) }));
  }
  return staff;
}

/** 404: an HTML page for browsers on page paths, problem+json otherwise. */
export const notFoundPage: NotFoundHandler<AppEnv> = (c) => {
  if (wantsHtml(c)) {
    const t = translator(langOf(c), messages);
    return renderErrorPage(c, 404, t('error.404.detail', { path: c.req.path }));
  }
  // Through the API's handler, so the detail follows Accept-Language like every refusal.
  return apiOnError(new ApiError(404, 'not_found', `Nothing at ${c.req.method} ${c.req.path}.`).say('nothing_at', { method: c.req.method, path: c.req.path }), c);
};

/**
 * 405 (hono's `methodNotAllowed` handler): chooses like the 404, an HTML page for browsers on page
 * paths and problem+json otherwise; both keep the `Allow` header. The page names no path, since
 * under `/f/` the path carries the taxpayer's form token.
 */
export function methodNotAllowedPage(c: PageContext, methods: string[]): Response | Promise<Response> {
  const allow = methods.join(', ');
  if (wantsHtml(c)) {
    const t = translator(langOf(c), messages);
    c.header('allow', allow);
    return renderErrorPage(c, 405, t('error.405.detail', { method: c.req.method, allow }));
  }
  return apiOnError(new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allow}.`, undefined, { Allow: allow }).say('method_not_allowed', { method: c.req.method, allow }), c);
}

/**
 * The app's error handler: PageErrors as pages or redirects; other errors on page paths asked
 * for by a browser as HTML pages with the same status and detail; everything else as the API's
 * problem+json (core `onError`). Unexpected errors are logged there and never leak details.
 */
export const pageAwareOnError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof PageError) {
    if (err.location) return c.redirect(err.location, err.status as 302 | 303);
    return renderErrorPage(c, err.status, err.detail);
  }
  if (!wantsHtml(c)) return apiOnError(err, c);
  const t = translator(langOf(c), messages);
  if (err instanceof ApiError) {
    if (err.status === 401 && !staffOf(c)) return c.redirect(loginRedirectPath(c), 303);
    return renderErrorPage(c, err.status, problemText(err, langOf(c)));
  }
  if (err instanceof HTTPException && err.status < 500) return renderErrorPage(c, err.status, err.message || t(`error.${err.status}`));
  // Let the API handler log it with the request id; render only its generic text.
  void apiOnError(err, c);
  return renderErrorPage(c, 500, t('error.500.detail', { id: c.get('requestId') ?? '-' }));
};
