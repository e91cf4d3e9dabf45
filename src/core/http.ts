import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { and, eq, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.js';
import { ApiError, problem, type FieldError } from './errors.js';

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
