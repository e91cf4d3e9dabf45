/** The policy API (API.md "Grading: policies") and the HR policy page. */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from '../auth/middleware.js';
import { ProblemSchema, bearerSecurity, problemResponses } from '../core/openapi.js';
import { decidePolicy, decidePolicyInput, listPolicies, listPoliciesQuery, proposePolicy, proposePolicyInput } from './policy-proposals.js';
import { policyPages } from './policies-page.js';

const tags = ['grading'];
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

const PolicyDocument = z.record(z.string(), z.unknown()).openapi('PolicyDocument', { description: 'A full grading policy document (scoring/policy.ts).' });
const Proposal = z
  .object({
    id: z.string(),
    hash: z.string(),
    version: z.string(),
    effectiveFrom: z.string(),
    status: z.enum(['proposed', 'approved', 'rejected']),
    reason: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    document: PolicyDocument,
  })
  .openapi('PolicyProposal');
const InEffect = z
  .object({
    hash: z.string(),
    effectiveFrom: z.string().nullable().openapi({ description: 'null: the built-in default (no policy approved yet)' }),
    builtIn: z.boolean(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    document: PolicyDocument,
  })
  .openapi('PolicyInEffect');

const proposeRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/policies',
  tags,
  summary: 'Propose a policy document from a quarter on (hr); it takes effect once a different HR user approves it.',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: proposePolicyInput } } } },
  responses: {
    201: json(Proposal.extend({ status: z.literal('proposed') }), 'Proposed'),
    ...problemResponses,
    409: problem('The same document is already waiting for a decision'),
  },
});

const decideRoute = createRoute({
  middleware: allowRoles('hr'),
  method: 'post',
  path: '/api/v1/policies/{hash}/decision',
  tags,
  summary: 'Approve or reject the proposal waiting for this document (hr, not the proposer).',
  security: bearerSecurity,
  request: { params: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'a policy hash: 64 hex digits').openapi({ example: 'a6fb3748f13ba9679790b44050824dc7ada55f4955a6f56c27db8bb42d944e85' }) }), body: { required: true, content: { 'application/json': { schema: decidePolicyInput } } } },
  responses: {
    200: json(Proposal, 'Decided'),
    ...problemResponses,
    404: problem('No proposal of this document'),
    409: problem('Already decided, or its first quarter is over'),
  },
});

const listRoute = createRoute({
  middleware: allowRoles('hr', 'supervisor', 'officer'),
  method: 'get',
  path: '/api/v1/policies',
  tags,
  summary: 'The policy in effect for a quarter (default: the current one) and the proposals, newest first (hr: all; others: approved ones).',
  security: bearerSecurity,
  request: { query: listPoliciesQuery },
  responses: {
    200: json(z.object({ period: z.string(), inEffect: InEffect, items: z.array(Proposal), nextCursor: z.string().nullable() }).openapi('Policies')),
    ...problemResponses,
  },
});

export const policyRoutes = createRouter()
  .openapi(proposeRoute, async (c) => c.json((await proposePolicy({ ctx: c.get('ctx'), input: c.req.valid('json') })) as never, 201))
  .openapi(decideRoute, async (c) => c.json((await decidePolicy({ ctx: c.get('ctx'), input: { hash: c.req.valid('param').hash, ...c.req.valid('json') } })) as never, 200))
  .openapi(listRoute, async (c) => c.json((await listPolicies({ ctx: c.get('ctx'), input: c.req.valid('query') })) as never, 200))
  .route('/', policyPages);
