/**
 * GET /metrics: the Prometheus text exposition, for a scraper holding `METRICS_TOKEN` (a static
 * bearer token of its own, not a user's: a scraper has no role). Without a token configured, or
 * on a runtime without metrics (Workers), the route answers 404.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, problemResponse } from '../core/http.js';
import { ApiError, problem as problemBody } from '../core/errors.js';
import { sha256HexSync } from '../core/sha256.js';
import { bearerSecurity, ProblemSchema } from '../core/openapi.js';
import type { Metrics } from './telemetry.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics (text exposition format 0.0.4), for the bearer of METRICS_TOKEN. docs/operations.md lists them.',
  security: bearerSecurity,
  responses: {
    200: { description: 'The metrics', content: { 'text/plain': { schema: z.string() } } },
    401: problem('No token, or not METRICS_TOKEN'),
    404: problem('Metrics are not enabled here (no METRICS_TOKEN, or a runtime without metrics)'),
  },
});

export function opsRoutes(deps: { metrics?: Metrics; metricsToken?: string }) {
  const expected = deps.metricsToken ? sha256HexSync(deps.metricsToken) : null;
  return createRouter().openapi(metricsRoute, async (c) => {
    if (!deps.metrics || !expected) throw new ApiError(404, 'not_found', 'Metrics are not enabled on this instance.');
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    // Compared as digests: equal length whatever was sent, so the comparison says nothing of the token.
    if (!m || sha256HexSync(m[1]!) !== expected) {
      const body = problemBody(401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".', undefined, c.get('requestId'));
      return problemResponse(c, body, { 'www-authenticate': 'Bearer realm="metrics"' }) as never;
    }
    return c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' }) as never;
  });
}
