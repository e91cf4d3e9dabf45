import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Role } from '../../db/schema.js';
import type { FieldError } from '../core/errors.js';
import { ApiError } from '../core/errors.js';
import { glossaryMessages } from '../core/glossary.js';
import { fieldMessage, problemDetail } from '../core/problems.js';
import { langOf, translator, type Lang, type Translate } from './i18n.js';
import { messages } from './messages.js';
import { csrfOf, staffOf, type PageContext } from './session.js';
import { hasNavCount, NavCount } from './nav-counts.js';

export type { PageContext } from './session.js';

/**
 * The one stylesheet of the pages, inline so a page is one request and works without JavaScript.
 * Mobile first; colours meet WCAG AA contrast; focus is always visible; print drops the chrome.
 */
const css = `
:root{--fg:#1a1a1a;--muted:#555;--bg:#fff;--line:#d0d4da;--accent:#0b4f8a;--accent-bg:#e8f0f8;--ok:#0f5c2e;--ok-bg:#e6f4ea;--bad:#8a1111;--bad-bg:#fdecec;--warn-bg:#fff6db;
font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",Roboto,"Helvetica Neue",Arial,sans-serif;
line-height:1.6;color:var(--fg);background:var(--bg);-webkit-text-size-adjust:100%}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-size:1rem;overflow-wrap:break-word}
a{color:var(--accent);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
/* Focus: a black ring inside a yellow one, visible on the white page and on the blue header alike. */
:focus-visible{outline:3px solid #0b0c0c;outline-offset:0;box-shadow:0 0 0 6px #ffdd00}
a:focus-visible{outline:3px solid transparent;background:#ffdd00;color:#0b0c0c!important;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c;text-decoration:none}
.skip{position:absolute;left:-9999px;top:0;background:var(--bg);padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.site{background:var(--accent);color:#fff}
header.site .bar{max-width:70rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;justify-content:space-between}
header.site a{color:#fff}
.brand{font-weight:700;font-size:1.1rem;text-decoration:none;display:flex;flex-direction:column;line-height:1.25}
.brand small{font-weight:400;font-size:.8rem;opacity:.9}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem .9rem}
nav.main a{text-decoration:none;padding:.2rem 0;display:inline-block}
nav.main a[aria-current="page"]{border-bottom:2px solid #fff}
.nav-count{display:inline-block;min-width:1.4em;padding:0 .35em;border-radius:999px;background:#fff;color:var(--accent);font-size:.8rem;font-weight:700;line-height:1.4;text-align:center}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .8rem;font-size:.9rem}
.who form{margin:0}
.who button{background:transparent;color:#fff;border:1px solid #fff;padding:.15rem .6rem;font-size:.9rem;min-height:auto}
main{max-width:70rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
footer.site{max-width:70rem;margin:2rem auto 0;padding:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
label{display:block;font-weight:600;margin:.8rem 0 .25rem}
.hint{display:block;font-weight:400;color:var(--muted);font-size:.85rem}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=number],input[type=date],select,textarea{width:100%;max-width:32rem;padding:.5rem .6rem;border:1px solid #767676;border-radius:4px;background:#fff;color:var(--fg)}
textarea{min-height:6rem}
button,.button{display:inline-block;min-height:2.75rem;padding:.5rem 1.1rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;margin-top:.8rem}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
legend{font-weight:700;padding:0 .3rem}
.table-wrap{overflow-x:auto;margin:.5rem 0 1rem;max-width:100%;position:relative}
table{border-collapse:collapse;width:100%;font-size:.95rem}
/* Chinese may break between any two characters, so a narrow screen would squeeze a column to one
   character per line: cells keep their words whole and a wide table scrolls inside its own box. */
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top;word-break:keep-all}
/* A long identifier in a cell breaks anywhere, leaving the width to the words beside it. */
td.id{word-break:break-all;min-width:7.5rem}
/* Free text (a reason) wraps as prose, with room for a few words a line. */
td.prose{word-break:normal;min-width:12rem}
svg{max-width:100%;height:auto}
figure{margin:1rem 0}
th{background:#f3f5f8;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.notice{border-left:5px solid var(--accent);background:var(--accent-bg);padding:.7rem 1rem;margin:1rem 0;border-radius:0 4px 4px 0}
.notice.ok{border-color:var(--ok);background:var(--ok-bg)}
.notice.warn{border-color:#8a6100;background:var(--warn-bg)}
.notice.error{border-color:var(--bad);background:var(--bad-bg)}
.notice ul{margin:.3rem 0 0;padding-left:1.2rem}
.field-error{color:var(--bad);font-weight:600;margin:.25rem 0}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true],fieldset[aria-invalid=true]{border:2px solid var(--bad)}
.secret{display:block;word-break:break-all;background:#fff;border:1px dashed var(--muted);padding:.5rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;user-select:all}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.muted{color:var(--muted)}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.inline-form{display:inline}
.inline-form button{margin-top:0;min-height:2rem;padding:.2rem .7rem}
.cards{display:grid;gap:1rem;grid-template-columns:1fr;padding:0;list-style:none}
.cards li{border:1px solid var(--line);border-radius:6px;padding:1rem}
@media (min-width:40rem){.cards{grid-template-columns:repeat(2,1fr)}h1{font-size:1.75rem}}
@media print{
 header.site,footer.site,.skip,nav,.no-print,form{display:none!important}
 :root{--fg:#000;--bg:#fff}
 body{font-size:11pt}
 main{max-width:none;padding:0}
 a{color:#000;text-decoration:none}
 table{page-break-inside:auto}tr{page-break-inside:avoid}thead{display:table-header-group}
 .notice{border:1px solid #000;background:none}
 h1,h2{page-break-after:avoid}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;

export interface LayoutProps {
  c: PageContext;
  title: string;
  children?: Child;
  /** Defaults to langOf(c). */
  lang?: Lang;
  /** Taxpayer pages: no staff navigation, no sign-in state. */
  public?: boolean;
}

const navByRole: { href: string; key: string; roles: Role[] | 'all' }[] = [
  { href: '/hr', key: 'nav.hr', roles: ['hr'] },
  { href: '/hr/policies', key: 'nav.policies', roles: ['hr'] },
  { href: '/hr/response-rates', key: 'nav.responseRates', roles: ['hr'] },
  { href: '/hr/annual', key: 'nav.annual', roles: ['hr'] },
  { href: '/flags', key: 'nav.flags', roles: ['supervisor', 'hr'] },
  { href: '/complaints', key: 'nav.complaints', roles: ['hr', 'supervisor'] },
  { href: '/admin', key: 'nav.admin', roles: ['admin'] },
  { href: '/me', key: 'nav.me', roles: ['officer'] },
  { href: '/me/reviews', key: 'nav.reviews', roles: ['officer', 'supervisor'] },
  { href: '/spot-checks', key: 'nav.spotChecks', roles: ['supervisor', 'hr'] },
  { href: '/public', key: 'nav.public', roles: 'all' },
  { href: '/verify', key: 'nav.verify', roles: 'all' },
];

/** The nav entries a role sees, in display order. */
export function navFor(role: Role | null): { href: string; key: string }[] {
  return navByRole.filter((n) => n.roles === 'all' || (role !== null && n.roles.includes(role)));
}

/** The current path and query without `lang`, so the language switch returns to the same page. */
export function currentPathForSwitch(c: PageContext): string {
  const url = new URL(c.req.url);
  url.searchParams.delete('lang');
  const q = url.searchParams.toString();
  return url.pathname + (q ? `?${q}` : '');
}

/** The link that switches to the other language and comes back here. */
export function langSwitchHref(c: PageContext, lang: Lang): string {
  const to = lang === 'en' ? 'zh-CN' : 'en';
  return `/lang?to=${encodeURIComponent(to)}&back=${encodeURIComponent(currentPathForSwitch(c))}`;
}

/**
 * The shell's own translator for a request (domains pass their catalogue: `pageT(c, messages)`).
 * It holds the glossary too, so any page says a code as `t('term.<family>.<code>')`.
 */
export function pageT(c: PageContext, ...catalogues: Parameters<typeof translator>[1][]): { lang: Lang; t: Translate } {
  const lang = langOf(c);
  return { lang, t: translator(lang, glossaryMessages, messages, ...catalogues) };
}

/** The whole HTML document: `return c.html(<Layout c={c} title="...">...</Layout>)`. */
export function Layout(props: LayoutProps) {
  const { c } = props;
  const lang = props.lang ?? langOf(c);
  const t = translator(lang, messages);
  const ctx = c.get('ctx');
  const navCounts = c.get('navCounts');
  const bureau = ctx.config.bureauName;
  const staff = props.public ? null : staffOf(c);
  const path = c.req.path;
  const nav = props.public ? [] : navFor(staff ? staff.role : null);
  // The current page is the longest nav entry that holds the path (/hr/policies, not /hr).
  const current = nav.filter((n) => path === n.href || path.startsWith(`${n.href}/`)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light" />
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <title>{`${props.title} · ${bureau}`}</title>
          <style>{raw(css)}</style>
        </head>
        <body>
          <a class="skip" href="#main">
            {t('shell.skip')}
          </a>
          <header class="site">
            <div class="bar">
              <a class="brand" href={props.public ? '#main' : '/'}>
                {bureau}
                <small>{t('shell.tagline')}</small>
              </a>
              {nav.length > 0 && (
                <nav class="main" aria-label={t('shell.nav')}>
                  <ul>
                    {nav.map((n) => (
                      <li>
                        <a href={n.href} aria-current={n.href === current ? 'page' : undefined}>
                          {t(n.key)}
                          {staff && navCounts && hasNavCount(navCounts, n.href, staff.role) && <NavCount counts={navCounts} ctx={ctx} href={n.href} t={t} />}
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
              )}
              <div class="who">
                <a href={langSwitchHref(c, lang)} lang={lang === 'en' ? 'zh-CN' : 'en'} hreflang={lang === 'en' ? 'zh-CN' : 'en'} aria-label={t('lang.switchLabel')}>
                  {t('lang.switch')}
                </a>
                {!props.public &&
                  (staff ? (
                    <>
                      <span class="user">{t('session.signedInAs', { username: staff.username, role: t(`role.${staff.role}`) })}</span>
                      <form method="post" action="/logout">
                        <CsrfInput c={c} />
                        <button type="submit">{t('session.signOut')}</button>
                      </form>
                    </>
                  ) : (
                    path !== '/login' && <a href={path === '/' ? '/login' : `/login?next=${encodeURIComponent(currentPathForSwitch(c))}`}>{t('session.signIn')}</a>
                  ))}
              </div>
            </div>
          </header>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
          <footer class="site">
            <p>
              {t('footer.text', { bureau })}
              {!props.public && (
                <>
                  {' · '}
                  <a href="/docs">{t('nav.docs')}</a>
                </>
              )}
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** Hidden `_csrf` field for the signed-in session; renders nothing when there is no session. */
export function CsrfInput(props: { c: PageContext }) {
  const token = csrfOf(props.c);
  return token ? <input type="hidden" name="_csrf" value={token} /> : <></>;
}

/** A message box. `kind` sets the colour; `role="status"` (or `alert` for errors) for screen readers. */
export function Notice(props: { kind?: 'info' | 'ok' | 'warn' | 'error'; title?: string; children?: Child }) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.title && <strong>{props.title}</strong>}
      {props.title && props.children ? <br /> : null}
      {props.children}
    </div>
  );
}

/**
 * A verb's refusal in the page's language: its sentence from the refusals' catalogue
 * (core/problems.ts, by the key it said or its code). In zh-CN a refusal the catalogue does not
 * know is said generally by its status rather than shown in English.
 */
export function problemText(error: ApiError, lang: Lang): string {
  const text = problemDetail(error, lang);
  if (text !== undefined) return text;
  const t = translator(lang, messages);
  const key = `error.${error.status}`;
  return t(key) === key ? t('error.title') : t(key);
}

/**
 * Shows an error from a verb: an ApiError's detail and field errors, or a plain message. Renders
 * nothing for `undefined`, so forms can always include it.
 */
export function ErrorBox(props: { error?: unknown; errors?: FieldError[]; title?: string; lang?: Lang }) {
  const { error } = props;
  if (error === undefined && !props.errors?.length) return <></>;
  // Only our own errors and plain strings are shown; anything else could leak internals.
  const detail = error instanceof ApiError ? problemText(error, props.lang ?? 'zh-CN') : typeof error === 'string' ? error : undefined;
  const fields = props.errors ?? (error instanceof ApiError ? error.errors : undefined) ?? [];
  const t = translator(props.lang ?? 'zh-CN', messages);
  return (
    <Notice kind="error" title={props.title ?? detail ?? t('error.title')}>
      {props.title && detail ? <span>{detail}</span> : null}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li>
              <code>{f.path}</code>: {fieldMessage(f.message, props.lang ?? 'zh-CN')}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

/**
 * A table that scrolls sideways on a phone instead of breaking the page; its box takes the
 * keyboard's focus so the scrolling works without a mouse, and is named by `caption` (or `label`).
 * `numeric` lists the column indices whose header is right-aligned (give their cells `class="num"`).
 */
export function Table(props: { caption?: string; label?: string; head: Child[]; numeric?: number[]; children?: Child; class?: string }) {
  const name = props.caption ?? props.label;
  return (
    <div class="table-wrap" tabindex={0} role={name ? 'region' : undefined} aria-label={name}>
      <table class={props.class}>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.head.map((h, i) => (
              <th scope="col" class={props.numeric?.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/**
 * Sends a page: `return renderPage(c, <Layout ...>...</Layout>, 400)`. Pages vary by cookie and
 * language and may show secrets once (a new token), so they are never stored by caches.
 */
export function renderPage(c: PageContext, page: Child, status: ContentfulStatusCode = 200) {
  c.header('cache-control', 'no-store');
  c.header('vary', 'Cookie, Accept-Language');
  return c.html(page as string | Promise<string>, status);
}
