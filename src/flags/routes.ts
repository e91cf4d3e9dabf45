import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { pageSchema } from '../core/pagination.js';
import { allowRoles } from '../auth/middleware.js';
import { bearerSecurity, problemResponses, ProblemSchema } from '../core/openapi.js';
import { scanFlags } from './scan.js';
import { flagSchema, getFlag, listFlags, listFlagsQuery, transitionSchema } from './list.js';
import { flagOutcomes, flagStatuses, transitionFlag, transitionInput } from './workflow.js';
import { flagsPages } from './page-routes.js';
import { idPath } from '../core/openapi.js';
import { answerFlag, answerInput } from './due-process.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const scanOutcome = z
  .object({
    status: z.enum(['done', 'running']),
    jobId: z.string().nullable().optional(),
    raised: z.number().int(),
    candidates: z.number().int(),
    byRule: z.record(z.string(), z.number().int()),
  })
  .openapi('ScanOutcome');

const scanRoute = createRoute({
  method: 'post',
  path: '/api/v1/flags/scan',
  tags: ['flags'],
  summary: 'Run every oversight rule now (supervisor, hr); returns how many flags were raised.',
  security: bearerSecurity,
  responses: {
    200: { description: 'Scanned', content: { 'application/json': { schema: scanOutcome } } },
    202: {
      description: 'Accepted: more flags than one Worker invocation can write; the figures so far, and the job raising the rest (GET /api/v1/jobs/{id})',
      content: { 'application/json': { schema: scanOutcome } },
    },
    409: problem('A scan is already running (job_running)'),
    ...problemResponses,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/flags',
  tags: ['flags'],
  summary: 'The flag queue, newest first (supervisor, hr).',
  security: bearerSecurity,
  request: { query: listFlagsQuery },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: pageSchema(flagSchema) } } },
    ...problemResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/flags/{id}',
  tags: ['flags'],
  summary: 'One flag with its evidence, its reviewer draw and its transitions.',
  security: bearerSecurity,
  request: { params: idPath },
  responses: {
    200: {
      description: 'The flag',
      content: {
        'application/json': {
          schema: flagSchema.extend({
            draw: z.record(z.string(), z.unknown()).nullable(),
            transitions: z.array(transitionSchema),
            /** When the subject was told (penalty-carrying flags, once reviewed), and until when they may answer. */
            notice: z.object({ toldAt: z.string(), answerDueAt: z.string() }).nullable(),
            /** The subject's answer (申辩). */
            answer: z.object({ text: z.string(), answeredAt: z.string() }).nullable(),
            escalations: z.array(z.object({ level: z.number().int(), escalatedBy: z.string(), reason: z.string(), at: z.string(), draw: z.record(z.string(), z.unknown()) })),
          }),
        },
      },
    },
    ...problemResponses,
    404: problem('No such flag'),
  },
});

const transitionRoute = createRoute({
  method: 'post',
  path: '/api/v1/flags/{id}/transition',
  tags: ['flags'],
  summary: 'Move a flag open -> in_review -> closed (with outcome when closing) with a reason (the drawn reviewer). Starting the review of a penalty-carrying flag tells its subject (7 days to answer); confirming before then without an answer needs earlyReason; escalated reopens it for a drawn supervisor outside the subject\'s unit.',
  security: bearerSecurity,
  middleware: allowRoles('supervisor', 'hr'),
  request: { params: idPath, body: { content: { 'application/json': { schema: transitionInput } }, required: true } },
  responses: {
    200: {
      description: 'Moved',
      content: {
        'application/json': {
          schema: z.object({
            id: z.string(),
            status: z.enum(flagStatuses),
            outcome: z.enum(flagOutcomes).nullable(),
            transitionId: z.string(),
            at: z.string(),
            /** Escalated: the higher reviewer drawn (null when none was eligible); the flag is open again for them. */
            escalatedTo: z.string().nullable().optional(),
          }),
        },
      },
    },
    ...problemResponses,
    404: problem('No such flag'),
    409: problem('Not a valid move from the current status, or the flag changed meanwhile'),
  },
});

const answerRoute = createRoute({
  method: 'post',
  path: '/api/v1/flags/{id}/answer',
  tags: ['flags'],
  summary: 'The flag\'s subject answers it (申辩), once, within 7 days of being told (officer, or supervisor linked to the subject).',
  security: bearerSecurity,
  middleware: allowRoles('officer', 'supervisor'),
  request: { params: idPath, body: { content: { 'application/json': { schema: answerInput } }, required: true } },
  responses: {
    201: { description: 'Answered', content: { 'application/json': { schema: z.object({ flagId: z.string(), answeredAt: z.string(), auditIndex: z.number().int() }) } } },
    ...problemResponses,
    404: problem('No such flag shown to the caller'),
    409: problem('Already answered, the window closed, or the flag is closed'),
  },
});

/** The flags API and the supervisor console pages. */
export const flagsRoutes = createRouter()
  .openapi(scanRoute, async (c) => {
    const out = await scanFlags({ ctx: c.get('ctx') });
    return out.status === 'done' ? c.json(out, 200) : c.json(out, 202);
  })
  .openapi(listRoute, async (c) => c.json(await listFlags({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(getRoute, async (c) => c.json(await getFlag({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(transitionRoute, async (c) => c.json(await transitionFlag({ ctx: c.get('ctx'), flagId: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(answerRoute, async (c) => c.json(await answerFlag({ ctx: c.get('ctx'), flagId: c.req.valid('param').id, input: c.req.valid('json') }), 201));

flagsRoutes.route('/', flagsPages);
