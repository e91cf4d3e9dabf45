import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { allowRoles } from './middleware.js';
import { createUser, createUserInput, issueUserToken, revokeToken } from './users.js';
import { requireRole } from '../core/context.js';
import { ProblemSchema } from '../core/openapi.js';
import { cursorParam, idPath, limitParam } from '../core/openapi.js';
import { pageSchema } from '../core/pagination.js';
import { roles } from '../../db/schema.js';
import { listUsers, userFilterShape } from './directory.js';
import { changeRoleInput, changeUserRole, deactivateUser, reactivateUser, userStatusInput } from './admin-users.js';

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

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const UserSummary = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(roles),
    officerCode: z.string().nullable(),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
    activeTokens: z.number().int(),
  })
  .openapi('UserSummary');
const UserState = z
  .object({ id: z.string(), username: z.string(), role: z.enum(roles), officerCode: z.string().nullable(), disabledAt: z.string().nullable() })
  .openapi('UserState');

const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags: ['users'],
  summary: 'Users by username, searched by part of the username or officer code and filtered by role and status (admin).',
  security,
  middleware: allowRoles('admin'),
  request: { query: z.object({ ...userFilterShape, limit: limitParam.optional(), cursor: cursorParam.optional() }) },
  responses: { 200: { description: 'A page of users', content: { 'application/json': { schema: pageSchema(UserSummary) } } } },
});

const userActionResponses = {
  200: { description: 'The user as it now is', content: { 'application/json': { schema: UserState } } },
  400: problem('Invalid input (a role the user cannot have names `role`)'),
  403: problem('Not admin, or about oneself (own_case)'),
  404: problem('No such user'),
  409: problem('Already in that state (user_disabled, user_active, role_unchanged)'),
};

const deactivateRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/deactivate',
  tags: ['users'],
  summary: 'Deactivate a user (admin, not oneself): their tokens and page sessions stop working. Audited with the reason.',
  security,
  middleware: allowRoles('admin'),
  request: { params: idPath, body: { content: { 'application/json': { schema: userStatusInput } }, required: true } },
  responses: userActionResponses,
});

const reactivateRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/reactivate',
  tags: ['users'],
  summary: 'Reactivate a deactivated user (admin): their tokens that are neither revoked nor expired work again. Audited with the reason.',
  security,
  middleware: allowRoles('admin'),
  request: { params: idPath, body: { content: { 'application/json': { schema: userStatusInput } }, required: true } },
  responses: userActionResponses,
});

const changeRoleRoute = createRoute({
  method: 'post',
  path: '/api/v1/users/{id}/role',
  tags: ['users'],
  summary: "Change a user's role (admin, not their own). A user linked to an officer cannot become admin or intake; an unlinked one cannot become officer. Audited with the reason.",
  security,
  middleware: allowRoles('admin'),
  request: { params: idPath, body: { content: { 'application/json': { schema: changeRoleInput } }, required: true } },
  responses: userActionResponses,
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
  .openapi(listUsersRoute, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(await listUsers({ ctx: c.get('ctx'), cursor, limit, filter }), 200);
  })
  .openapi(deactivateRoute, async (c) => c.json(await deactivateUser({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200))
  .openapi(reactivateRoute, async (c) => c.json(await reactivateUser({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200))
  .openapi(changeRoleRoute, async (c) => c.json(await changeUserRole({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, ...c.req.valid('json') } }), 200))
  .openapi(meRoute, async (c) => {
    const { actor } = c.get('ctx');
    requireRole(actor, 'admin', 'hr', 'supervisor', 'officer', 'intake');
    return c.json({ userId: actor.userId, username: actor.username, role: actor.role, officerCode: actor.officerCode }, 200);
  });
