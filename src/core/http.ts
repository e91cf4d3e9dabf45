import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { TrieRouter } from 'hono/router/trie-router';
import { bodyTooLarge, type BodyState } from './body.js';
import type { Ctx } from './context.js';
import { ApiError, problem, type FieldError } from './errors.js';
import { defaultLang, langFromAcceptLanguage } from './lang.js';
import { inLanguage } from './problems.js';
import { badText, textProblem } from './text.js';
import { completeRoute } from './openapi.js';

export type AppEnv = {
  Variables: {
    ctx: Ctx;
    requestId: string;
    /** Set by the body limit for a streamed body (core/body.ts). */
    body?: BodyState;
    /** The counts beside navigation links, by link (src/nav-counts.ts; set by the app for pages). */
    navCounts?: NavCounts;
  };
};

/** A count beside a navigation link: for which roles, and the read that counts what waits there. */
export type NavCounts = Record<string, { roles: readonly string[]; count: (ctx: Ctx) => Promise<number> }>;

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

/** 400 naming each string that is not well-formed text (core/text.ts), or nothing. */
export function refuseBadText(schema: unknown, value: unknown, prefix: PropertyKey[] = []): void {
  const issues = badText(schema, value, prefix);
  if (issues.length) {
    throw new ApiError(400, 'validation_failed', 'The request holds text the service does not accept.', issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
}

type ValidationResult = { success: true; data: unknown; target: string } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

function refuseInvalid(result: ValidationResult): void {
  if (!result.success) {
    throw new ApiError(400, 'validation_failed', 'The request does not match the schema.', zodErrors(result.error.issues));
  }
}

/** The zod schema a route declares for its JSON or form body. */
function bodySchema(route: RouteConfig, target: string): unknown {
  const content = route.request?.body?.content as Record<string, { schema?: unknown }> | undefined;
  if (!content) return undefined;
  for (const [type, media] of Object.entries(content)) {
    const json = /json/i.test(type);
    if ((target === 'json') === json) return media.schema;
  }
  return undefined;
}

/**
 * Every router of the service. Its `openapi()` validates as @hono/zod-openapi does, and then:
 * a zod failure is a 400 problem+json naming the fields; a JSON or form body that passed is
 * checked for well-formed text (core/text.ts) against the same schema, which says which fields
 * are free text. (Query and path values are checked for every request by `wellFormedUrl`.)
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: (result) => refuseInvalid(result as ValidationResult) });
  // Every route this router documents (through openapi() or registerPath) gets the statuses the
  // shared request stack can answer (core/openapi.ts completeRoute, ADR 0058).
  const registry = router.openAPIRegistry;
  const registerPath = registry.registerPath.bind(registry);
  registry.registerPath = (route) => registerPath(completeRoute(route as never));
  const openapi = router.openapi;
  router.openapi = ((route: RouteConfig, handler: never, hook?: never) =>
    openapi(
      route as never,
      handler,
      hook ??
        (((result: ValidationResult) => {
          refuseInvalid(result);
          if (result.success && (result.target === 'json' || result.target === 'form')) refuseBadText(bodySchema(route, result.target), result.data);
        }) as never),
    )) as typeof router.openapi;
  return router;
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
  // The detail in the request's language: Accept-Language, else zh-CN (core/problems.ts).
  const lang = langFromAcceptLanguage(c.req.header('accept-language')) ?? defaultLang;
  if (body?.overflowed) return problemResponse(c, inLanguage(bodyTooLarge(body.limit), lang).problem(instance));
  if (err instanceof ApiError) return problemResponse(c, inLanguage(err, lang).problem(instance), err.headers);
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

/** `decodeURIComponent`, leaving malformed escapes as they are (as Hono does for params). */
function decodeTolerant(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * 400 for a path segment, a query parameter's name or a value that is not well-formed
 * single-line text (core/text.ts), for every request: what a handler would read from the URL is
 * checked once, here, before anything uses it.
 */
export function wellFormedUrl(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const errors: FieldError[] = [];
    const path = c.req.path;
    for (const segment of path.includes('%') ? path.split('/').map(decodeTolerant) : [path]) {
      const p = textProblem(segment);
      if (p) {
        errors.push({ path: 'path', message: `a path segment ${p}` });
        break;
      }
    }
    if (c.req.url.includes('?')) {
      for (const [name, values] of Object.entries(c.req.queries())) {
        const p = textProblem(name);
        if (p) {
          errors.push({ path: 'query', message: `a parameter name ${p}` });
          continue;
        }
        for (const v of values) {
          const pv = textProblem(v);
          if (pv) errors.push({ path: name, message: `query parameter ${pv}` });
        }
      }
    }
    if (errors.length) throw new ApiError(400, 'validation_failed', 'The URL holds text the service does not accept.', errors);
    await next();
  };
}
