import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { createRouter, type AppEnv } from '../core/http.js';
import { pageSchema } from '../core/pagination.js';
import { bearerSecurity, problemResponses, ProblemSchema } from '../core/openapi.js';
import { recordDecision, recordDecisionInput, requireDecider } from './record.js';
import { decisionSchema, getDecision, listDecisions, listDecisionsQuery } from './list.js';
import { idPath } from '../core/openapi.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const recordRoute = createRoute({
  method: 'post',
  path: '/api/v1/decisions',
  tags: ['decisions'],
  summary: 'Record a discretionary decision (officer; hr linked to an officer). The caller is the decider; amendments are new records.',
  security: bearerSecurity,
  // Who may decide is checked before the body is validated (401/403 rather than 400).
  middleware: [createMiddleware<AppEnv>(async (c, next) => {
    requireDecider(c.get('ctx').actor);
    await next();
  })],
  request: { body: { content: { 'application/json': { schema: recordDecisionInput } }, required: true } },
  responses: {
    201: {
      description: 'Recorded; auditIndex and leafHash are the receipt',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), auditIndex: z.number().int(), leafHash: z.string(), threshold: z.number().nullable() }),
        },
      },
    },
    ...problemResponses,
    409: problem('The original was already amended'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/decisions',
  tags: ['decisions'],
  summary: 'The decision register, newest first (hr, supervisor; officers see their own).',
  security: bearerSecurity,
  request: { query: listDecisionsQuery },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: pageSchema(decisionSchema) } } },
    ...problemResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/decisions/{id}',
  tags: ['decisions'],
  summary: 'One decision with its review panel and the records amending it.',
  security: bearerSecurity,
  request: { params: idPath },
  responses: {
    200: { description: 'The decision', content: { 'application/json': { schema: decisionSchema.extend({ amendedBy: z.array(z.string()) }) } } },
    ...problemResponses,
    404: problem('No such decision'),
  },
});

/** The decisions API. */
export const decisionsRoutes = createRouter()
  .openapi(recordRoute, async (c) => c.json(await recordDecision({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(listRoute, async (c) => c.json(await listDecisions({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(getRoute, async (c) => c.json(await getDecision({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200));
