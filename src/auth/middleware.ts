/**
 * The API's authentication middleware: who the bearer of a token is, and which roles a route
 * admits. It lives with the tokens it reads; `core/` only defines the `AppEnv` it runs in.
 */
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../../db/schema.js';
import { requireRole, type Actor } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import type { AppEnv } from '../core/http.js';
import { authenticate } from './tokens.js';

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
