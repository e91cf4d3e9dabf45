import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../../db/schema.js';
import { HTTPException } from 'hono/http-exception';
import { and, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema.js';
import type { Actor, Ctx } from './context.js';
import { ApiError, problem, type FieldError } from './errors.js';
import { sha256Hex } from './ids.js';
import { authenticate, requireRole } from '../auth/tokens.js';

export type AppEnv = {
  Variables: {
    ctx: Ctx;
    requestId: string;
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

/** RFC 9457 for everything: our errors, Hono's, and the unexpected (logged, never leaked). */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const instance = c.get('requestId');
  if (err instanceof ApiError) return problemResponse(c, err.problem(instance));
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 403 ? 'forbidden' : status === 401 ? 'unauthorized' : status === 413 ? 'too_large' : 'http_error';
    return problemResponse(c, problem(status, code, err.message || 'Request refused.', undefined, instance));
  }
  if (err instanceof SyntaxError) {
    return problemResponse(c, problem(400, 'malformed_body', 'The request body is not valid JSON.', undefined, instance));
  }
  console.error(`[${instance}]`, err);
  return problemResponse(c, problem(500, 'internal', 'Something went wrong on our side; the request id names it in our logs.', undefined, instance));
};

/** Resolves `Authorization: Bearer` to the actor; no header: anonymous (verbs then answer 401). */
export function bearerActor(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new ApiError(401, 'unauthorized', 'Authorization must be "Bearer <token>".');
      const base = c.get('ctx');
      const actor: Actor = await authenticate(base.db, base.clock, m[1]!);
      c.set('ctx', { ...base, actor });
    }
    await next();
  };
}

const DAY = 86_400_000;

/**
 * `Idempotency-Key` on POSTs: the same key and body within 24 h replays the first response and
 * writes nothing more; the same key with another body is 422. Keys are scoped per user. The store
 * is a response cache, not a domain write, so it is not audited.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || !key) return next();
    if (key.length > 200) throw new ApiError(400, 'validation_failed', 'Idempotency-Key is too long.', [{ path: 'Idempotency-Key', message: 'at most 200 characters' }]);
    const { db, clock, actor } = c.get('ctx');
    const scope = actor.kind === 'user' ? actor.userId : 'anon';
    const body = await c.req.raw.clone().arrayBuffer();
    const requestHash = await sha256Hex(new Uint8Array([...new TextEncoder().encode(`${c.req.method} ${c.req.path}\n`), ...new Uint8Array(body)]));
    const since = new Date(clock.now().getTime() - DAY).toISOString();
    const [hit] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, since)));
    if (hit) {
      if (hit.requestHash !== requestHash) {
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request in the last 24 hours.');
      }
      return new Response(hit.body, { status: hit.status, headers: { 'content-type': hit.contentType, 'idempotent-replayed': 'true' } });
    }
    await next();
    const res = c.res;
    if (res.status >= 500) return;
    const text = await res.clone().text();
    await db
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash, status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: text, createdAt: clock.now().toISOString() })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: { requestHash, status: res.status, body: text, createdAt: clock.now().toISOString() },
        setWhere: lt(idempotencyKeys.createdAt, since),
      });
  };
}

/** Pagination: `?limit=` (default 100, max 1000) and an opaque cursor (base64url of the last key). */
export function encodeCursor(value: string): string {
  return btoa(unescape(encodeURIComponent(value))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const invalidCursor = () =>
  new ApiError(400, 'validation_failed', 'The cursor is not one this service issued.', [{ path: 'cursor', message: 'invalid cursor' }]);

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    return decodeURIComponent(escape(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))));
  } catch {
    throw invalidCursor();
  }
}

/**
 * Keyset cursor of a list ordered newest first by `(time desc, id desc)`: the last row's
 * `time|id`. The id breaks ties between rows of the same time, so no row is skipped or repeated
 * between pages; the split is at the last `|` because ids never contain one.
 */
export const keysetCursor = {
  encode: (time: string, id: string): string => encodeCursor(`${time}|${id}`),
  /** undefined for no cursor; 400 for one this service did not issue. */
  decode(cursor: string | undefined): { time: string; id: string } | undefined {
    const raw = decodeCursor(cursor);
    if (!raw) return undefined;
    const sep = raw.lastIndexOf('|');
    if (sep < 0) throw invalidCursor();
    return { time: raw.slice(0, sep), id: raw.slice(sep + 1) };
  },
  /** The rows after the cursor in `(time desc, id desc)` order: `time < t or (time = t and id < i)`. */
  after(cursor: string | undefined, time: AnyColumn, id: AnyColumn): SQL | undefined {
    const at = keysetCursor.decode(cursor);
    return at ? or(lt(time, at.time), and(eq(time, at.time), lt(id, at.id))) : undefined;
  },
  /** Cuts the `limit + 1` rows a query fetched to one page; the extra row only says there is more. */
  page<T>(rows: T[], limit: number, key: (row: T) => { time: string; id: string }): { page: T[]; nextCursor: string | null } {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    if (rows.length <= limit || !last) return { page, nextCursor: null };
    const k = key(last);
    return { page, nextCursor: keysetCursor.encode(k.time, k.id) };
  },
};

/**
 * Route middleware for `createRoute({ middleware: allowRoles(...) })`: who may call comes before
 * what they sent, so an anonymous caller gets 401 and a refused role 403 whatever the body (the
 * zod validators run after route middleware). The verbs check again: pages call them too.
 */
export const allowRoles = (...roles: Role[]) => [
  createMiddleware<AppEnv>(async (c, next) => {
    requireRole(c.get('ctx').actor, ...roles);
    await next();
  }),
];
