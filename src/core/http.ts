import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { TrieRouter } from 'hono/router/trie-router';
import { bodyTooLarge, type BodyState } from './body.js';
import type { Ctx } from './context.js';
import { ApiError, problem, type FieldError } from './errors.js';

export type AppEnv = {
  Variables: {
    ctx: Ctx;
    requestId: string;
    /** Set by the body limit for a streamed body (core/body.ts). */
    body?: BodyState;
  };
};

/** zod issue path -> `officers[3].hireDate` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(body)';
}

export function zodErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Every router of the service: zod validation failures become 400 problem+json naming fields. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(400, 'validation_failed', 'The request does not match the schema.', zodErrors(result.error.issues));
      }
    },
  });
}

export function problemResponse(c: Context, p: ReturnType<typeof problem>, headers?: Record<string, string>) {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...(headers ?? {}) },
  });
}

const httpCodes: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 413: 'too_large', 415: 'unsupported_media_type', 429: 'busy' };

/** RFC 9457 for everything: our errors, Hono's, and the unexpected (logged, never leaked). */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const instance = c.get('requestId');
  // A streamed body passed its route's limit: whoever was reading it (a validator that calls it
  // malformed JSON, a form parser) failed because of that, so the answer is the 413.
  const body = c.get('body');
  if (body?.overflowed) return problemResponse(c, bodyTooLarge(body.limit).problem(instance));
  if (err instanceof ApiError) return problemResponse(c, err.problem(instance), err.headers);
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = httpCodes[status] ?? 'http_error';
    return problemResponse(c, problem(status, code, err.message || 'Request refused.', undefined, instance));
  }
  if (err instanceof SyntaxError) {
    return problemResponse(c, problem(400, 'malformed_body', 'The request body is not valid JSON.', undefined, instance));
  }
  console.error(`[${instance}]`, err);
  return problemResponse(c, problem(500, 'internal', 'Something went wrong on our side; the request id names it in our logs.', undefined, instance));
};

/** What `methodNotAllowed` needs of the app: its routes (Hono's `app.routes`). */
interface RouteTable {
  routes: readonly { method: string; path: string }[];
}

/**
 * 405 with `Allow` for a path that other methods serve, decided before anything else handles the
 * request. Hono's own `methodNotAllowed` looks after the handlers ran (on their 404), so a
 * middleware that answers first (the page CSRF check refusing an unsafe TRACE on /f/...) answered
 * 403 instead. The table of methods per path is built once, at the first request, from the app's
 * routes (middleware, registered as ALL, serves no method). HEAD is allowed wherever GET is.
 */
export function methodNotAllowed(options: {
  app: RouteTable;
  onMethodNotAllowed: (c: Context<AppEnv>, methods: string[]) => Response | Promise<Response>;
}): MiddlewareHandler<AppEnv> {
  let router: TrieRouter<string[]> | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of options.app.routes) {
      if (r.method === 'ALL') continue;
      const set = byPath.get(r.path) ?? new Set<string>();
      set.add(r.method);
      if (r.method === 'GET') set.add('HEAD');
      byPath.set(r.path, set);
    }
    const trie = new TrieRouter<string[]>();
    for (const [path, methods] of byPath) trie.add('ALL', path, [...methods]);
    return trie;
  };
  return async (c, next) => {
    router ??= build();
    const allowed = new Set<string>();
    for (const [methods] of router.match('ALL', c.req.path)[0]) for (const m of methods) allowed.add(m);
    if (allowed.size === 0 || allowed.has(c.req.method)) return next();
    const methods = [...allowed].sort();
    return options.onMethodNotAllowed(c, methods);
  };
}
