import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
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
