import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../core/http.js';
import type { Role } from '../../db/schema.js';
import { ApiError } from '../core/errors.js';
import { authenticate } from '../auth/tokens.js';
import { LANG_COOKIE, parseLang } from './i18n.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, type PageContext } from './layout.js';
import { renderErrorPage } from './errors.js';
import { clearSessionCookie, endSession, isHttps, sessionIdOf, setSessionCookie, staffOf, startSession } from './session.js';

const SENTINEL = 'http://same.invalid';

/**
 * Where signing in lands without a `next`: the role's own page, where its work waits (HR's inbox,
 * the supervisor's assigned flags, the officer's page). The intake system has no page: its token
 * is refused at sign-in, so its entry is never followed.
 */
const landing: Record<Role, string> = { hr: '/hr', supervisor: '/flags', officer: '/me', admin: '/admin', intake: '/' };

export function landingOf(role: Role): string {
  return landing[role];
}

/**
 * A same-origin path to return to after sign-in (`?next=`, `/lang?back=`), or undefined. What a
 * browser would do with the value decides, not how it looks: the value is percent-decoded (up to
 * three times, for double encoding; malformed escapes stay as they are) and must then be a path (`/...`) with no backslash (browsers
 * read `/\host` as `//host`) and no control character; it is normalised as a browser resolves it
 * (`/.//evil.example` and `/a/..//evil.example` become `//evil.example`, a host), and the result
 * must still be a path on this origin that does not start with `//`, and resolve to itself.
 */
export function safeLocalPath(value: string | undefined | null): string | undefined {
  if (!value || value.length > 2000) return undefined;
  // Each %XX as its byte (enough to see slashes, backslashes and controls), three times over.
  let decoded = value;
  for (let i = 0; i < 3 && decoded.includes('%'); i++) decoded = decoded.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  for (const form of [value, decoded]) {
    if (!form.startsWith('/') || form.startsWith('//')) return undefined;
    if (/[\u0000-\u001f\u007f\\]/.test(form)) return undefined;
  }
  let out: string;
  try {
    const u = new URL(value, SENTINEL);
    if (u.origin !== SENTINEL) return undefined;
    out = u.pathname + u.search + u.hash;
  } catch {
    return undefined;
  }
  if (!out.startsWith('/') || out.startsWith('//') || out.startsWith('/\\')) return undefined;
  // Resolving the normalised path again must give the same path on the same origin.
  const again = new URL(out, SENTINEL);
  if (again.origin !== SENTINEL || again.pathname + again.search + again.hash !== out) return undefined;
  return out;
}

function LoginPage(props: { c: PageContext; next?: string; error?: string; info?: string }) {
  const { c } = props;
  const { lang, t } = pageT(c);
  const staff = staffOf(c);
  return (
    <Layout c={c} title={t('login.title')} lang={lang}>
      <h1>{t('login.title')}</h1>
      {props.info && <Notice kind="ok">{props.info}</Notice>}
      {staff && <Notice>{t('login.already', { username: staff.username })}</Notice>}
      <ErrorBox error={props.error} lang={lang} />
      <p>{t('login.intro')}</p>
      <form method="post" action="/login">
        <CsrfInput c={c} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <label for="token">
          {t('login.token')}
          <span class="hint" id="token-hint">
            {t('login.tokenHint')}
          </span>
        </label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          required
          aria-describedby="token-hint"
          aria-invalid={props.error ? 'true' : undefined}
        />
        <div>
          <button type="submit">{t('login.submit')}</button>
        </div>
      </form>
    </Layout>
  );
}

/** Sign-in, sign-out and the language switch. */
export const signInRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = safeLocalPath(c.req.query('next'));
    const info = c.req.query('bye') === '1' ? pageT(c).t('logout.done') : undefined;
    return renderPage(c, <LoginPage c={c} next={next} info={info} />);
  })
  .post('/login', async (c) => {
    const body = await c.req.parseBody();
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const next = safeLocalPath(typeof body.next === 'string' ? body.next : undefined);
    const { t } = pageT(c);
    if (!token) return renderPage(c, <LoginPage c={c} next={next} error={t('login.empty')} />, 400);
    const ctx = c.get('ctx');
    let actor;
    try {
      actor = await authenticate(ctx.db, ctx.clock, token);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return renderPage(c, <LoginPage c={c} next={next} error={t('login.bad')} />, 401);
      throw e;
    }
    // The intake system is a machine client: its token is for the API and has no pages to use.
    if (actor.role === 'intake') return renderPage(c, <LoginPage c={c} next={next} error={t('login.intake')} />, 403);
    const { sessionId } = await startSession(ctx, actor);
    setSessionCookie(c, sessionId);
    return c.redirect(next ?? landingOf(actor.role), 303);
  })
  // A typed or bookmarked /logout gets a button rather than a 405: sign-out must stay a POST.
  .get('/logout', (c) => {
    const { lang, t } = pageT(c);
    if (!staffOf(c)) return c.redirect('/login', 303);
    return renderPage(
      c,
      <Layout c={c} title={t('session.signOut')} lang={lang}>
        <h1>{t('logout.confirm')}</h1>
        <form method="post" action="/logout">
          <CsrfInput c={c} />
          <button type="submit">{t('session.signOut')}</button>
        </form>
      </Layout>,
    );
  })
  .post('/logout', async (c) => {
    const sid = sessionIdOf(c);
    if (sid) await endSession(c.get('ctx'), sid);
    clearSessionCookie(c);
    return c.redirect('/login?bye=1', 303);
  })
  .get('/lang', (c) => {
    const to = parseLang(c.req.query('to'));
    const backParam = c.req.query('back');
    const back = backParam === undefined ? '/' : safeLocalPath(backParam);
    const { t } = pageT(c);
    if (!to) return renderErrorPage(c, 400, 'to: zh-CN | en');
    if (!back) return renderErrorPage(c, 400, t('lang.badBack'));
    setCookie(c, LANG_COOKIE, to, { path: '/', sameSite: 'Lax', maxAge: 365 * 86_400, secure: isHttps(c) });
    return c.redirect(back, 303);
  });
