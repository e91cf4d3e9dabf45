/** The jobs API: a long job's progress (GET /api/v1/jobs/{id}). */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { bearerSecurity, problemResponses, ProblemSchema, idPath } from '../core/openapi.js';
import { getJob, jobSchema } from './status.js';

const getJobRoute = createRoute({
  middleware: allowRoles('hr', 'supervisor', 'admin'),
  method: 'get',
  path: '/api/v1/jobs/{id}',
  tags: ['jobs'],
  summary: 'A long-running job (a grading run or flag scan too large for one Worker invocation): status and progress.',
  security: bearerSecurity,
  request: { params: idPath },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: jobSchema } } },
    ...problemResponses,
    404: { description: 'No such job', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const jobsRoutes = createRouter().openapi(getJobRoute, async (c) => c.json(await getJob({ ctx: c.get('ctx'), input: c.req.valid('param') }), 200));
