import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity, problemResponses } from '../core/openapi.js';
import { invitationOutput, issueInvitation, issueInvitationInput, tokenPattern } from './invitations.js';
import { checkReturnVisits, drawInput, drawOutput, drawReturnVisits, sampleCheckOutput } from './return-visits.js';
import {
  feedbackSummary,
  listResponses,
  responsesOutput,
  responsesQuery,
  summaryOutput,
  summaryQuery,
  voidInput,
  voidResponse,
} from './reports.js';
import { formRoutes } from './form-routes.js';
import { idPath, langQuery } from '../core/openapi.js';
import { responseRatesOutput } from './response-rates.js';
import { ratesPages } from './rates-page.js';


const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((s) => [s, { description: String(s), content: { 'application/problem+json': { schema: ProblemSchema } } }]));

const issueRoute = createRoute({
  method: 'post',
  path: '/api/v1/invitations',
  middleware: allowRoles('intake', 'hr'),
  tags: ['feedback'],
  summary: 'Invite the taxpayer of one interaction to rate it (intake, hr). The token is shown once.',
  security: bearerSecurity,
  request: { body: { content: { 'application/json': { schema: issueInvitationInput } }, required: true } },
  responses: {
    201: { description: 'Issued', content: { 'application/json': { schema: invitationOutput } } },
    ...problemResponses,
    ...problems(409, 422),
  },
});

const drawRoute = createRoute({
  method: 'post',
  path: '/api/v1/return-visits',
  middleware: allowRoles('hr'),
  tags: ['feedback'],
  summary: 'Draw a reproducible random sample of taxpayers per officer and invite them (hr).',
  security: bearerSecurity,
  request: { body: { content: { 'application/json': { schema: drawInput } }, required: true } },
  responses: { 201: { description: 'Drawn', content: { 'application/json': { schema: drawOutput } } }, ...problemResponses },
});

const checkDrawRoute = createRoute({
  method: 'get',
  path: '/api/v1/return-visits/{id}',
  middleware: allowRoles('hr', 'supervisor'),
  tags: ['feedback'],
  summary: 'A recorded draw re-run from its seed beside the invitations it produced (hr, supervisor).',
  security: bearerSecurity,
  request: { params: idPath },
  responses: { 200: { description: 'The check', content: { 'application/json': { schema: sampleCheckOutput } } }, ...problemResponses, ...problems(404) },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/v1/feedback/summary',
  middleware: allowRoles('officer', 'supervisor', 'hr'),
  tags: ['feedback'],
  summary: 'Average ratings and response rate of one officer in one period (officers: their own, averages from 5 responses up); without officerCode (hr, supervisor) the response rates of every officer and unit.',
  security: bearerSecurity,
  request: { query: summaryQuery },
  responses: { 200: { description: 'Summary', content: { 'application/json': { schema: z.union([summaryOutput, responseRatesOutput]) } } }, ...problemResponses },
});

const responsesRoute = createRoute({
  method: 'get',
  path: '/api/v1/feedback/responses',
  middleware: allowRoles('hr', 'supervisor'),
  tags: ['feedback'],
  summary: 'Single responses with comments (hr, supervisor; never about oneself). Paginated.',
  security: bearerSecurity,
  request: { query: responsesQuery },
  responses: { 200: { description: 'Responses', content: { 'application/json': { schema: responsesOutput } } }, ...problemResponses },
});

const voidRoute = createRoute({
  method: 'post',
  path: '/api/v1/feedback/responses/{id}/void',
  middleware: allowRoles('supervisor'),
  tags: ['feedback'],
  summary: 'Void a response with a reason (supervisor; not about oneself). Excluded from grading.',
  security: bearerSecurity,
  request: {
    params: idPath,
    body: { content: { 'application/json': { schema: voidInput } }, required: true },
  },
  responses: {
    200: {
      description: 'Voided',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), status: z.literal('voided'), voidReason: z.string(), voidedAt: z.string(), auditIndex: z.number().int() }),
        },
      },
    },
    ...problemResponses,
    ...problems(404, 409),
  },
});

/** The feedback API, and the taxpayer pages under /f (form-routes.tsx). */
export const feedbackRoutes = createRouter()
  .openapi(issueRoute, async (c) => c.json(await issueInvitation({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(drawRoute, async (c) => c.json(await drawReturnVisits({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(checkDrawRoute, async (c) => c.json(await checkReturnVisits({ ctx: c.get('ctx'), input: c.req.valid('param') }), 200))
  .openapi(summaryRoute, async (c) => c.json(await feedbackSummary({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(responsesRoute, async (c) => c.json(await listResponses({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(voidRoute, async (c) =>
    c.json(await voidResponse({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, reason: c.req.valid('json').reason } }), 200),
  )
  .route('/', formRoutes)
  .route('/', ratesPages);

// The taxpayer pages are HTML, served by form-routes.tsx; described here so that /openapi.json
// lists the whole public contract of API.md "Feedback".
const tokenParam = z.object({ token: z.string().regex(tokenPattern).openapi({ description: 'The invitation token from the link or QR code.' }) });
// The page language (src/pages/i18n.ts): ?lang= over the cookie and Accept-Language.
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const pageRefusals = {
  404: html('Unknown or malformed token: a friendly page.'),
  410: html('Used or expired token: a friendly page.'),
  429: html('Too many bad tokens from this address (never for valid tokens).'),
};
feedbackRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/f/{token}',
  tags: ['feedback'],
  summary: 'The rating form (public; zh-CN by default, ?lang=en, Accept-Language).',
  request: { params: tokenParam, query: langQuery },
  responses: { 200: html('The form.'), ...pageRefusals },
});
feedbackRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/f/{token}',
  tags: ['feedback'],
  summary: 'Submit the form; 200 is the thank-you page with the audit receipt (leaf index and hash).',
  request: {
    params: tokenParam,
    query: langQuery,
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            professionalism: z.string().openapi({ example: '5' }),
            attitude: z.string(),
            efficiency: z.string(),
            integrity: z.string(),
            comment: z.string().max(1000).optional(),
            complaint: z.string().max(2000).optional(),
            fileComplaint: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: { 200: html('Thank-you page with the receipt.'), 400: html('The form again, naming the fields to correct.'), ...pageRefusals },
});
feedbackRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/f/{token}/qr.svg',
  tags: ['feedback'],
  summary: 'The QR code of the form link, as SVG.',
  request: { params: tokenParam, query: langQuery },
  responses: { 200: { description: 'SVG', content: { 'image/svg+xml': { schema: z.string() } } }, ...pageRefusals },
});
feedbackRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/f/{token}/slip',
  tags: ['feedback'],
  summary: 'A printable slip: bureau, officer, QR code and short link.',
  request: { params: tokenParam, query: langQuery },
  responses: { 200: html('The slip.'), ...pageRefusals },
});
