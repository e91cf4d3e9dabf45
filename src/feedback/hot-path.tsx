/**
 * The performance devices of the taxpayer form's POST, all in this one module, each with its line
 * (what it saves, measured) in docs/adr/0030-form-hot-path-devices.md. Everything else on the
 * path (form-routes.tsx -> submit.ts -> group-commit.ts -> audit/append.ts) is the plain
 * mechanism; remove a device here and the form still works, only slower.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsx } from 'hono/jsx/jsx-runtime';
import type { AppEnv } from '../core/http.js';
import { langOf, type Lang } from '../pages/i18n.js';
import { RefusalPage, ThanksPage } from './pages.js';

// ---------------------------------------------------------------------------------------------
// 1. The body limit, decided from the headers

/**
 * The form is four digits and two texts of at most 1,000 and 2,000 characters: 12 KB of UTF-8 at
 * most (4 bytes a character), which the page posts as multipart/form-data; a larger body is
 * refused before it is read (API.md: 16 KiB for the taxpayer form, larger is 413).
 */
export const FORM_MAX_BYTES = 16 * 1024;

const tooLarge = (c: Context<AppEnv>) => c.html(<RefusalPage c={c} lang={langOf(c)} kind="tooLarge" />, 413);

/** Hono's own limit, which counts the bytes of a body sent without Content-Length (chunked). */
const countingLimit = bodyLimit({ maxSize: FORM_MAX_BYTES, onError: tooLarge });

/**
 * The same decision as Hono's bodyLimit when the request has a Content-Length and no
 * Transfer-Encoding, taken from the headers alone: Hono's first asks for the request's body
 * stream, which on @hono/node-server builds a whole WHATWG Request. Chunked bodies still go
 * through Hono's, which counts them.
 */
export const formBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding') !== undefined) return countingLimit(c, next);
  if (parseInt(length || '0', 10) > FORM_MAX_BYTES) return tooLarge(c);
  await next();
};

// ---------------------------------------------------------------------------------------------
// 2. The thank-you page, rendered once per app and language

/** A rendered page cut at its placeholders: odd entries name the value that goes there. */
type Template = string[];
const thanksTemplates = new WeakMap<object, Map<Lang, Template>>();

/**
 * The thank-you page is the same for every submission but for the token (in the language switch
 * link) and the receipt. It is rendered once per app and language with the first request's own
 * values, which are then swapped for placeholders (the token is 256 random bits, the receipt a
 * number and a hex hash: none can collide with other page text).
 */
export async function thanksHtml(c: Context<AppEnv>, lang: Lang, token: string, receipt: { auditIndex: number; leafHash: string }): Promise<string> {
  const key = c.get('ctx').config;
  let byLang = thanksTemplates.get(key);
  if (!byLang) thanksTemplates.set(key, (byLang = new Map()));
  let tpl = byLang.get(lang);
  if (!tpl) {
    const { auditIndex, leafHash } = receipt;
    const html = String(await (<ThanksPage c={c} lang={lang} receipt={receipt} />).toString());
    const marked = html
      .split(token).join('\u0000T\u0000')
      .split(leafHash).join('\u0000H\u0000')
      .split(`>${auditIndex}<`).join('>\u0000I\u0000<')
      .split(`index=${auditIndex}&`).join('index=\u0000I\u0000&');
    tpl = marked.split('\u0000');
    byLang.set(lang, tpl);
  }
  const values: Record<string, string> = { T: token, H: receipt.leafHash, I: String(receipt.auditIndex) };
  let out = tpl[0]!;
  for (let i = 1; i < tpl.length; i += 2) out += values[tpl[i]!]! + tpl[i + 1]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. hono/jsx without async hooks

/**
 * hono/jsx (since 4.13) keeps each render's JSX-context values in an AsyncLocalStorage when the
 * runtime has one, so that an async component reading a context after an `await` gets its own
 * request's value. On Node 20 the first render enables async hooks for the whole process, and
 * from then on every promise of every request pays for them (about 25 µs per form POST), pages
 * or not. Our pages read no JSX context (no createContext/useContext; hono's own svg namespace
 * context is read synchronously), so they need no store across awaits.
 *
 * hono looks for AsyncLocalStorage once, at its first render, through `process.getBuiltinModule`.
 * Rendering a first element while that is hidden puts hono on its documented fallback path for
 * runtimes without AsyncLocalStorage: context values during synchronous rendering only, and a read
 * after an `await` gets the context's default, never another request's value. Called once, before
 * anything renders (createApp); test/feedback/hot-path.test.ts checks that a rendered page leaves
 * promises without async-hook bookkeeping.
 */
export function renderJsxWithoutAsyncHooks(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  if (!proc || typeof proc.getBuiltinModule !== 'function') return;
  const real = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    String(jsx('b', {}));
  } finally {
    proc.getBuiltinModule = real;
  }
}
