/**
 * User administration beyond creating users and tokens (users.ts): deactivating and reactivating
 * a user, and changing a user's role. Each is a verb of the admin role, audited in the same batch
 * as its write, and never about oneself: an admin cannot deactivate themselves or change their own
 * role (403 `own_case`, the one refusal for acting on one's own case). A deactivated user's tokens
 * stop working at once (tokens.ts refuses disabled users), page sessions included; reactivating
 * brings back the tokens that are neither revoked nor expired.
 */
import { eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { roles, users } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { ApiError, badRequest, conflict, notFound } from '../core/errors.js';
import { commit } from '../audit/append.js';
import { parseInput, type Unchecked } from '../core/validate.js';

const reason = z.string().trim().min(1).max(2000).openapi({ description: 'Why (kept in the audit log).' });

export const userStatusInput = z.object({ reason }).openapi('UserStatusChange');
export const changeRoleInput = z.object({ role: z.enum(roles), reason }).openapi('UserRoleChange');

/** What the verbs answer: the user as it now is. */
export interface UserState {
  id: string;
  username: string;
  role: (typeof roles)[number];
  officerCode: string | null;
  disabledAt: string | null;
}

/** The target user, after the checks every one of these verbs makes: admin, exists, not oneself. */
async function target(ctx: Ctx, id: string, what: string): Promise<UserState> {
  requireRole(ctx.actor, 'admin');
  const [u] = await ctx.db
    .select({ id: users.id, username: users.username, role: users.role, officerCode: users.officerCode, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, id));
  if (!u) throw notFound(`No user ${id}.`);
  if (u.id === ctx.actor.userId) throw new ApiError(403, 'own_case', `Nobody acts on their own case: an admin cannot ${what} themselves.`);
  return u;
}

/** Deactivates a user: their tokens and page sessions stop working; nothing else about them changes. */
export async function deactivateUser({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof userStatusInput>> }): Promise<UserState> {
  const input = parseInput(userStatusInput, { reason: given.reason });
  const u = await target(ctx, given.id, 'deactivate');
  if (u.disabledAt) throw conflict(`User ${u.username} is already deactivated.`, 'user_disabled');
  const at = ctx.clock.now().toISOString();
  await commit(ctx, [ctx.db.update(users).set({ disabledAt: at }).where(eq(users.id, u.id))], [
    { action: 'user.deactivate', entity: 'user', entityId: u.id, payload: { username: u.username, reason: input.reason } },
  ]);
  return { ...u, disabledAt: at };
}

/** Reactivates a deactivated user: their tokens that are neither revoked nor expired work again. */
export async function reactivateUser({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof userStatusInput>> }): Promise<UserState> {
  const input = parseInput(userStatusInput, { reason: given.reason });
  const u = await target(ctx, given.id, 'reactivate');
  if (!u.disabledAt) throw conflict(`User ${u.username} is active.`, 'user_active');
  await commit(ctx, [ctx.db.update(users).set({ disabledAt: null }).where(eq(users.id, u.id))], [
    { action: 'user.reactivate', entity: 'user', entityId: u.id, payload: { username: u.username, reason: input.reason } },
  ]);
  return { ...u, disabledAt: null };
}

/**
 * Changes a user's role. The rules of creating a user hold for the new role: admin and intake
 * users do not act as an officer (a linked user cannot become one), and an officer user names
 * its officer record (an unlinked user cannot become one); either is a 400 naming `role`.
 */
export async function changeUserRole({ ctx, input: given }: { ctx: Ctx; input: { id: string } & Unchecked<z.input<typeof changeRoleInput>> }): Promise<UserState> {
  const input = parseInput(changeRoleInput, { role: given.role, reason: given.reason });
  const u = await target(ctx, given.id, 'change the role of');
  if (u.role === input.role) throw conflict(`User ${u.username} already has the role ${input.role}.`, 'role_unchanged');
  if (u.officerCode && (input.role === 'admin' || input.role === 'intake')) {
    throw badRequest('Admin and intake users do not act as an officer.', [{ path: 'role', message: `user is linked to officer ${u.officerCode}; not allowed for role ${input.role}` }]);
  }
  if (!u.officerCode && input.role === 'officer') {
    throw badRequest('An officer user must name its officer record.', [{ path: 'role', message: 'user is not linked to an officer record; required for role officer' }]);
  }
  await commit(ctx, [ctx.db.update(users).set({ role: input.role }).where(eq(users.id, u.id))], [
    { action: 'user.role_change', entity: 'user', entityId: u.id, payload: { username: u.username, from: u.role, to: input.role, reason: input.reason } },
  ]);
  return { ...u, role: input.role };
}
