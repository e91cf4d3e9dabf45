import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { bearerSecurity, problemResponses, ProblemSchema, idPath, idParam } from '../core/openapi.js';
import { drawSpotCheck, drawSpotCheckInput, spotCheckCreated } from './create.js';
import { getSpotCheck, listSpotChecks, spotCheckSchema } from './read.js';
import { outcomeInput, recordSpotCheckOutcome } from './outcome.js';
import { spotCheckPages } from './pages.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const drawRoute = createRoute({
  method: 'post',
  path: '/api/v1/spot-checks',
  tags: ['spot-checks'],
  summary: 'Draw the random spot check of a finished quarter (hr, supervisor): 2% of each decision type, at least one per officer with decisions, each to a randomly drawn supervisor; seeded from the period and the audit-log head.',
  security: bearerSecurity,
  middleware: allowRoles('hr', 'supervisor'),
  request: { body: { content: { 'application/json': { schema: drawSpotCheckInput } }, required: true } },
  responses: {
    201: { description: 'Drawn', content: { 'application/json': { schema: spotCheckCreated } } },
    ...problemResponses,
    409: problem('The quarter already has its spot check'),
    422: problem('The quarter has not ended'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/spot-checks',
  tags: ['spot-checks'],
  summary: 'Every spot check, newest quarter first, with its tallies (hr, supervisor).',
  security: bearerSecurity,
  middleware: allowRoles('hr', 'supervisor'),
  responses: {
    200: {
      description: 'The spot checks',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(z.object({ id: z.string(), period: z.string(), createdAt: z.string(), items: z.number().int(), compliant: z.number().int(), findings: z.number().int(), pending: z.number().int() })) }),
        },
      },
    },
    ...problemResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/spot-checks/{id}',
  tags: ['spot-checks'],
  summary: 'One spot check with its items, outcomes and its draw re-run (`reproducible`) (hr, supervisor).',
  security: bearerSecurity,
  middleware: allowRoles('hr', 'supervisor'),
  request: { params: idPath },
  responses: {
    200: { description: 'The spot check', content: { 'application/json': { schema: spotCheckSchema } } },
    ...problemResponses,
    404: problem('No such spot check'),
  },
});

const outcomeRoute = createRoute({
  method: 'post',
  path: '/api/v1/spot-checks/{id}/items/{decisionId}',
  tags: ['spot-checks'],
  summary: 'The drawn supervisor records the check of one decision: compliant, or a finding (which may raise a spot_check flag on the decider). Once.',
  security: bearerSecurity,
  middleware: allowRoles('supervisor'),
  request: { params: idPath.extend({ decisionId: idParam }), body: { content: { 'application/json': { schema: outcomeInput } }, required: true } },
  responses: {
    201: {
      description: 'Recorded',
      content: { 'application/json': { schema: z.object({ spotCheckId: z.string(), decisionId: z.string(), outcome: z.enum(['compliant', 'finding']), flagId: z.string().nullable(), auditIndex: z.number().int() }) } },
    },
    ...problemResponses,
    404: problem('The decision is not in this spot check'),
    409: problem('Already recorded'),
  },
});

/** The spot-check API and pages. */
export const spotCheckRoutes = createRouter()
  .openapi(drawRoute, async (c) => c.json(await drawSpotCheck({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(listRoute, async (c) => c.json({ items: await listSpotChecks({ ctx: c.get('ctx') }) }, 200))
  .openapi(getRoute, async (c) => c.json(await getSpotCheck({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(outcomeRoute, async (c) => {
    const p = c.req.valid('param');
    return c.json(await recordSpotCheckOutcome({ ctx: c.get('ctx'), spotCheckId: p.id, decisionId: p.decisionId, input: c.req.valid('json') }), 201);
  });

spotCheckRoutes.route('/', spotCheckPages);
