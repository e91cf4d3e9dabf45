import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { bearerSecurity, problemResponses, ProblemSchema } from '../core/openapi.js';
import { getPublicSummary, publicSummarySchema } from './read.js';
import { periodParam, publishPublicSummary } from './publish.js';
import { publicPages } from './pages.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/public/{period}',
  tags: ['public'],
  summary: 'The quarter\'s public summary (no token): flags by rule and unit, spot-check outcomes, feedback averages and complaint counts by unit (cells under 5 cases suppressed), with the audit leaf that commits the figures and whether it matches.',
  request: { params: z.object({ period: periodParam }) },
  responses: {
    200: { description: 'The latest published version', content: { 'application/json': { schema: publicSummarySchema } } },
    400: problem('Not a quarter'),
    404: problem('Not published'),
  },
});

const publishRoute = createRoute({
  method: 'post',
  path: '/api/v1/public/{period}',
  tags: ['public'],
  summary: 'Publish (a new version of) a finished quarter\'s public summary (hr); its figures\' digest is committed in the audit log. The schedule publishes each quarter once, 30 days after it ends.',
  security: bearerSecurity,
  middleware: allowRoles('hr'),
  request: { params: z.object({ period: periodParam }) },
  responses: {
    201: {
      description: 'Published',
      content: { 'application/json': { schema: z.object({ period: z.string(), version: z.number().int(), digest: z.string(), auditIndex: z.number().int(), leafHash: z.string() }) } },
    },
    ...problemResponses,
    409: problem('Another version was published at the same moment'),
    422: problem('The quarter has not ended'),
  },
});

/** The public summary: its API and its pages. */
export const publicSummaryRoutes = createRouter()
  .openapi(getRoute, async (c) => c.json(await getPublicSummary({ ctx: c.get('ctx'), period: c.req.valid('param').period }), 200))
  .openapi(publishRoute, async (c) => c.json(await publishPublicSummary({ ctx: c.get('ctx'), period: c.req.valid('param').period }), 201));

publicSummaryRoutes.route('/', publicPages);
