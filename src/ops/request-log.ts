/**
 * One JSON line per request (and one observation for /metrics), written after the response is
 * ready. Fields come from the matched route pattern and the actor the auth middleware resolved,
 * never from the path, query, headers or body (src/ops/telemetry.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ApiError } from '../core/errors.js';
import type { AppEnv } from '../core/http.js';
import { elapsed, type RequestRecord, type Telemetry } from './telemetry.js';

export function requestLog(t: Telemetry): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const actor = c.get('ctx')?.actor;
    const record: RequestRecord = {
      reqId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c) || '(none)',
      status: c.res.status,
      durationMs: elapsed(started),
      actorKind: !actor || (actor.kind === 'system' && actor.name === 'anonymous') ? 'anonymous' : actor.kind,
      ...(actor?.kind === 'user' ? { userId: actor.userId, role: actor.role } : {}),
      ...(c.error ? { error: c.error instanceof ApiError ? c.error.code : c.error.name } : {}),
    };
    const line = { ...record };
    if (record.status >= 500) t.log.error(line, 'request');
    else t.log.info(line, 'request');
    t.metrics?.request(record);
  };
}
