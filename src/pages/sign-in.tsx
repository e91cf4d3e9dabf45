import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { authenticate } from '../auth/tokens.js';
import { LANG_COOKIE, parseLang } from './i18n.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, type PageContext } from './layout.js';
import { renderErrorPage } from './errors.js';
import { clearSessionCookie, endSession, isHttps, sessionIdOf, setSessionCookie, staffOf, startSession } from './session.js';

/**
 * A same-site relative path to return to, or undefined. Rejects absolute URLs, protocol-relative
 * `//host`, backslash tricks (`/\host`, which browsers treat as `//host`) and control characters.
 */
export function safeLocalPath(value: string | undefined | null): string | undefined {
  if (!value || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  try {
    const u = new URL(value, 'http://same.invalid');
    if (u.origin !== 'http://same.invalid') return undefined;
    return u.pathname + u.search + u.hash;
  } catch {
    return undefined;
  }
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
    return c.redirect(next ?? '/', 303);
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
