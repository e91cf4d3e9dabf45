import type { Context } from 'hono';
import { defaultLang, langFromAcceptLanguage, parseLang, type Lang } from '../core/lang.js';

export { defaultLang, langFromAcceptLanguage, langs, parseLang, translator, type Lang, type Messages, type Translate } from '../core/lang.js';

export const LANG_COOKIE = 'lang';

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      // A malformed escape is not our cookie: no language from it (a URIError here was a 500).
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The page language: `?lang=`, then the `lang` cookie, then Accept-Language, else zh-CN. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function langOf(c: Context<any, any, any>): Lang {
  return (
    parseLang(c.req.query('lang')) ??
    parseLang(cookieValue(c.req.header('cookie'), LANG_COOKIE)) ??
    langFromAcceptLanguage(c.req.header('accept-language')) ??
    defaultLang
  );
}

