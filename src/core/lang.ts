/**
 * The languages of everything a person reads (pages and problem+json alike), with the one
 * lookup over catalogues. Here in core so the error handler renders refusals in the request's
 * language; the page shell re-exports it (pages/i18n.ts).
 *
 * One translation mechanism: each string is written once per language, side by side, in the
 * catalogue that owns it (a domain's `messages.ts`; refusals in core/problems.ts, terms in
 * core/glossary.ts). zh-CN is the default because the service's users are a Chinese tax bureau
 * and its taxpayers.
 */
export type Lang = 'zh-CN' | 'en';
export type Messages = Record<string, { 'zh-CN': string; en: string }>;
export type Translate = (key: string, params?: Record<string, string | number>) => string;

export const langs: readonly Lang[] = ['zh-CN', 'en'];
export const defaultLang: Lang = 'zh-CN';

/** `en`, `en-GB`, `EN` -> en; `zh`, `zh-CN`, `zh-Hans` -> zh-CN; anything else: undefined. */
export function parseLang(value: string | undefined | null): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v.startsWith('zh-')) return 'zh-CN';
  return undefined;
}

/**
 * Accept-Language (RFC 9110 section 12.5.4): the supported language with the highest q wins; on a
 * tie the earlier one. Unsupported languages are ignored, so `fr, en;q=0.5` gives en.
 */
export function langFromAcceptLanguage(header: string | undefined | null): Lang | undefined {
  if (!header) return undefined;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...rest] = part.trim().split(';');
    const lang = parseLang(tag);
    if (!lang) continue;
    let q = 1;
    for (const p of rest) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang;
}

/**
 * A lookup function over one or more catalogues; a later catalogue overrides an earlier one for
 * the same key. `{name}` placeholders are filled from `params`. A missing key renders as the key
 * itself, which is visible in review and in tests instead of an empty string.
 */
export function translator(lang: Lang, ...catalogues: Messages[]): Translate {
  return (key, params) => {
    let text: string | undefined;
    for (let i = catalogues.length - 1; i >= 0 && text === undefined; i--) {
      const entry = catalogues[i]![key];
      if (entry) text = entry[lang] ?? entry[defaultLang];
    }
    if (text === undefined) return key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}
