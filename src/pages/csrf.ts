import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../core/http.js';
import { langOf, translator } from './i18n.js';
import { messages } from './messages.js';
import { renderErrorPage } from './errors.js';
import { csrfOf, isApiPath, sameSecret, type PageContext } from './session.js';

const unsafe = (method: string) => !/^(GET|HEAD|OPTIONS)$/.test(method);

/** The origin of a URL, or null when it does not parse. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The origins a page form may come from: the request's own and the configured public URL's. */
function allowedOrigin(origin: string, c: PageContext): boolean {
  if (origin === originOf(c.req.url)) return true;
  return origin === originOf(c.get('ctx').config.publicUrl);
}

function refuse(c: PageContext) {
  const t = translator(langOf(c), messages);
  return renderErrorPage(c, 403, t('error.403.csrf'));
}

/**
 * CSRF defence for every unsafe request to a page path (see docs/adr/0011-csrf-is-an-origin-check-plus-a-session-derived-token.md):
 * 1. Hono's `csrf()`: a form post must come from our own origin (Origin or Sec-Fetch-Site).
 * 2. With a staff session, the form must also carry the session's synchronizer token `_csrf`
 *    (or an `X-CSRF-Token` header), so a same-site page we did not render cannot post either.
 * The API is exempt: it only honours the bearer header, which a browser never adds on its own.
 */
export function pageCsrf(): MiddlewareHandler<AppEnv> {
  const originCheck = csrf({ origin: allowedOrigin });
  return async (c, next) => {
    if (!unsafe(c.req.method) || isApiPath(c.req.path)) return next();
    let passed = false;
    try {
      await originCheck(c, async () => {
        passed = true;
      });
    } catch (e) {
      if (e instanceof HTTPException && e.status === 403) return refuse(c);
      throw e;
    }
    if (!passed) return refuse(c);
    const expected = csrfOf(c);
    if (expected) {
      let given = c.req.header('x-csrf-token');
      if (!given && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '')) {
        // parseBody caches the parsed body on the request, so the handler can parse it again.
        const body = await c.req.parseBody();
        const v = body['_csrf'];
        given = typeof v === 'string' ? v : undefined;
      }
      if (!given || !sameSecret(given, expected)) return refuse(c);
    }
    await next();
  };
}
