import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from './middleware.js';
import { createUser, createUserInput, issueUserToken, revokeToken } from './users.js';
import { requireRole } from '../core/context.js';
import { ProblemSchema } from '../core/openapi.js';
import { idPath } from '../core/openapi.js';

const security = [{ bearer: [] }];

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Create a user and its first token (admin). The token is shown once.',
  security,
  middleware: allowRoles('admin'),
  request: { body: { content: { 'application/json': { schema: createUserInput } }, required: true } },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), token: z.string(), tokenId: z.string(), expiresAt: z.string().nullable() }),
        },
      },
    },
    400: { description: 'Invalid', content: { 'application/problem+json': { schema: ProblemSchema } } },
    403: { description: 'Not admin', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

const issueTokenRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/tokens',
  tags: ['users'],
  summary: 'Issue another token for a user (admin).',
  security,
  middleware: allowRoles('admin'),
  request: {
    params: idPath,
    body: { content: { 'application/json': { schema: z.object({ ttlDays: z.number().int().min(1).max(3650).optional() }) } }, required: false },
  },
  responses: {
    201: { description: 'Issued', content: { 'application/json': { schema: z.object({ tokenId: z.string(), token: z.string(), expiresAt: z.string().nullable() }) } } },
  },
});

const revokeRoute = createRoute({
  method: 'post',
  path: '/api/v1/tokens/{id}/revoke',
  tags: ['users'],
  summary: 'Revoke a token (admin, or its own user). Its page sessions end with it.',
  security,
  request: { params: idPath },
  responses: { 200: { description: 'Revoked', content: { 'application/json': { schema: z.object({ tokenId: z.string(), revokedAt: z.string() }) } } } },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/v1/me',
  tags: ['users'],
  summary: 'Who the token belongs to.',
  security,
  responses: {
    200: {
      description: 'The caller',
      content: { 'application/json': { schema: z.object({ userId: z.string(), username: z.string(), role: z.string(), officerCode: z.string().nullable() }) } },
    },
  },
});

export const authRoutes = createRouter()
  .openapi(createUserRoute, async (c) => {
    const out = await createUser({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.json(out, 201);
  })
  .openapi(issueTokenRoute, async (c) => {
    const body = c.req.valid('json') ?? {};
    const out = await issueUserToken({ ctx: c.get('ctx'), userId: c.req.valid('param').id, ttlDays: body.ttlDays });
    return c.json(out, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const out = await revokeToken({ ctx: c.get('ctx'), tokenId: c.req.valid('param').id });
    return c.json(out, 200);
  })
  .openapi(meRoute, async (c) => {
    const { actor } = c.get('ctx');
    requireRole(actor, 'admin', 'hr', 'supervisor', 'officer', 'intake');
    return c.json({ userId: actor.userId, username: actor.username, role: actor.role, officerCode: actor.officerCode }, 200);
  });
