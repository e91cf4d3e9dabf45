/**
 * The performance devices of the taxpayer form's POST, in this one module, each with its line
 * (what it saves in the bench) in docs/adr/0030-the-form-post-devices-live-in-one-module-and-
 * each-earns-its-keep.md. Everything else on the path (form-routes.tsx -> submit.ts ->
 * group-commit.ts -> audit/append.ts) is the plain mechanism; take a device out and the form
 * still works, only slower. One device lives in db/ instead: the statements kept prepared on a
 * second connection (db/prepared.ts), because only db/client.ts, on Node, may open a native
 * connection (this module is in the Worker bundle).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsx } from 'hono/jsx/jsx-runtime';
import type { AppEnv } from '../core/http.js';
import type { Db } from '../../db/client.js';
import { runStatements } from '../../db/prepared.js';
import { jsonParam } from '../../db/json-param.js';
import { GroupQueue } from './group-commit.js';

// ---------------------------------------------------------------------------------------------
// 1. The body limit, decided from the headers

/**
 * The form is four digits and two texts of at most 1,000 and 2,000 characters: 12 KB of UTF-8 at
 * most (4 bytes a character), which the page posts as multipart/form-data; a larger body is
 * refused before it is read (API.md: 16 KiB for the taxpayer form, larger is 413).
 */
export const FORM_MAX_BYTES = 16 * 1024;

/**
 * Hono's bodyLimit at FORM_MAX_BYTES, with the same decision taken from the headers alone when the
 * request has a Content-Length and no Transfer-Encoding: Hono's first asks for the request's body
 * stream, which on @hono/node-server builds a whole WHATWG Request. Chunked bodies still go
 * through Hono's, which counts their bytes. `tooLarge` answers the 413.
 */
export function formBodyLimit(tooLarge: (c: Context<AppEnv>) => Response | Promise<Response>): MiddlewareHandler<AppEnv> {
  const countingLimit = bodyLimit({ maxSize: FORM_MAX_BYTES, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return countingLimit(c, next);
    if (parseInt(length || '0', 10) > FORM_MAX_BYTES) return tooLarge(c);
    await next();
  };
}

// ---------------------------------------------------------------------------------------------
// 2. The thank-you page, rendered once per app and language

/** A rendered page cut at its placeholders, as UTF-8: odd entries name the value that goes there. */
type Template = (Uint8Array<ArrayBuffer> | 'T' | 'H' | 'I')[];
const utf8 = new TextEncoder();
const thanksTemplates = new WeakMap<object, Map<string, Template>>();

/**
 * The thank-you page, as the bytes of the response body. It is the same for every submission but
 * for the token (in the language switch link) and the receipt, so it is rendered once per app and
 * language with the first request's own values, which are then swapped for placeholders (the
 * token is 256 random bits, the receipt a number and a hex hash: none can collide with other page
 * text), and kept as UTF-8: a response is the parts and three ASCII values copied into one buffer,
 * neither rendered nor encoded again. `render` renders the page with this request's values.
 */
export async function thanksPage(
  c: Context<AppEnv>,
  lang: string,
  token: string,
  receipt: { auditIndex: number; leafHash: string },
  render: () => Promise<string>,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = c.get('ctx').config;
  let byLang = thanksTemplates.get(key);
  if (!byLang) thanksTemplates.set(key, (byLang = new Map()));
  let tpl = byLang.get(lang);
  if (!tpl) {
    const { auditIndex, leafHash } = receipt;
    const html = await render();
    const marked = html
      .split(token).join('\u0000T\u0000')
      .split(leafHash).join('\u0000H\u0000')
      .split(`>${auditIndex}<`).join('>\u0000I\u0000<')
      .split(`index=${auditIndex}&`).join('index=\u0000I\u0000&');
    tpl = marked.split('\u0000').map((part, i) => (i % 2 ? (part as 'T' | 'H' | 'I') : utf8.encode(part)));
    byLang.set(lang, tpl);
  }
  const values = { T: utf8.encode(token), H: utf8.encode(receipt.leafHash), I: utf8.encode(String(receipt.auditIndex)) };
  const parts = tpl.map((part) => (typeof part === 'string' ? values[part] : part));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. Token look-ups that arrive together, read in one statement

const coalescedReads = new WeakMap<Db, Map<string, GroupQueue<string, Record<string, unknown> | undefined>>>();

/**
 * The row whose `keyField` is `key`, read by `statement` (constant text, one parameter: a JSON
 * array of keys, `... in (select value from json_each(?))`). The keys of requests that arrive
 * together are read in one statement (the group-commit queue, flushed once per turn of the event
 * loop): under load the form's token look-up costs one statement per group, not one per request.
 */
export function coalescedRead<T extends object>(db: Db, statement: string, keyField: keyof T & string, key: string): Promise<T | undefined> {
  let byStatement = coalescedReads.get(db);
  if (!byStatement) coalescedReads.set(db, (byStatement = new Map()));
  let queue = byStatement.get(statement);
  if (!queue) {
    queue = new GroupQueue(async (keys: string[]) => {
      const [rows] = await runStatements(db, [{ sql: statement, args: [jsonParam([...new Set(keys)])], rows: true }]);
      const byKey = new Map(rows!.map((r) => [r[keyField] as string, r]));
      return keys.map((k) => byKey.get(k));
    });
    byStatement.set(statement, queue);
  }
  return queue.submit(key) as Promise<T | undefined>;
}

// ---------------------------------------------------------------------------------------------
// 4. hono/jsx without async hooks

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
