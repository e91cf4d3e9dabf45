import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { createRouter, type AppEnv } from '../core/http.js';
import { pageSchema } from '../core/pagination.js';
import { bearerSecurity, problemResponses, ProblemSchema } from '../core/openapi.js';
import { recordDecision, recordDecisionInput, requireDecider } from './record.js';
import { decisionSchema, getDecision, listDecisions, listDecisionsQuery } from './list.js';
import { idPath } from '../core/openapi.js';
import { decisionStatuses, drawSchema } from './view.js';
import { castVote, voteInput, voterRoles } from './vote.js';
import { allowRoles } from '../auth/middleware.js';
import { reviewPages } from './reviews-page.js';

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
          schema: z.object({ id: z.string(), auditIndex: z.number().int(), leafHash: z.string(), threshold: z.number().nullable(), status: z.enum(['effective', 'pending_review']) }),
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
  summary: 'One decision with its status, proposed and decided amount, the panel the service drew (how each member voted: to the decider only once closed), the draw re-run, and the records amending it. Officers: their own, and those whose panel they sit on.',
  security: bearerSecurity,
  request: { params: idPath },
  responses: {
    200: { description: 'The decision', content: { 'application/json': { schema: decisionSchema.extend({ draw: drawSchema.nullable(), amendedBy: z.array(z.string()) }) } } },
    ...problemResponses,
    404: problem('No such decision'),
  },
});

const voteRoute = createRoute({
  method: 'post',
  path: '/api/v1/decisions/{id}/votes',
  tags: ['decisions'],
  summary: 'A panel member votes on a decision under collective review, with their own token (officer or supervisor user linked to the member), once, with a reason. The vote reaching quorum closes the review.',
  security: bearerSecurity,
  middleware: allowRoles(...voterRoles),
  request: { params: idPath, body: { content: { 'application/json': { schema: voteInput } }, required: true } },
  responses: {
    201: {
      description: 'Cast; status is the review\'s after the vote',
      content: { 'application/json': { schema: z.object({ auditIndex: z.number().int(), status: z.enum(decisionStatuses), closed: z.boolean() }) } },
    },
    ...problemResponses,
    403: problem('Not a member of the panel, or the decider (own case)'),
    404: problem('No such decision'),
    409: problem('A second vote, or a closed (or lapsed) review'),
  },
});

/** The decisions API. */
export const decisionsRoutes = createRouter()
  .openapi(recordRoute, async (c) => c.json(await recordDecision({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(listRoute, async (c) => c.json(await listDecisions({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(getRoute, async (c) => c.json(await getDecision({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(voteRoute, async (c) => c.json(await castVote({ ctx: c.get('ctx'), decisionId: c.req.valid('param').id, input: c.req.valid('json') }), 201));

decisionsRoutes.route('/', reviewPages);
