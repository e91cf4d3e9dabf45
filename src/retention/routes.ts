/** The retention API: a taxpayer's erasure request (the job itself runs on the schedule). */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity, problemResponses, codeParam } from '../core/openapi.js';
import { eraseTaxpayer, eraseTaxpayerInput, erasureOutput } from './erase-taxpayer.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const eraseRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/taxpayers/{code}/erasure',
  tags: ['retention'],
  summary: "Carry out a taxpayer's erasure request (hr, with a reason): feedback links cut, free text erased, an individual's name erased; decisions and assignments stay (legal retention).",
  security: bearerSecurity,
  request: { params: z.object({ code: codeParam }), body: { required: true, content: { 'application/json': { schema: eraseTaxpayerInput } } } },
  responses: { 200: { description: 'Erased', content: { 'application/json': { schema: erasureOutput } } }, ...problemResponses, 404: problem('No such taxpayer'), 409: problem('Already erased') },
});

export const retentionRoutes = createRouter().openapi(eraseRoute, async (c) =>
  c.json(await eraseTaxpayer({ ctx: c.get('ctx'), input: { code: c.req.valid('param').code, ...c.req.valid('json') } }), 200),
);
