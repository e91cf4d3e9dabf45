import { count, eq } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { officers, roles, tokens, users } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../core/clock.js';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest, conflict, forbidden, notFound, type FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { commit } from '../audit/append.js';
import { generateToken, tokenRow } from './tokens.js';
import { InputError, parseInput, type Unchecked } from '../core/validate.js';

export const createUserInput = z
  .object({
    username: z.string().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    role: z.enum(roles),
    officerCode: z.string().min(1).optional(),
    /** Token lifetime in days; omitted: 365. */
    tokenTtlDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('CreateUser');

export type CreateUserInput = z.infer<typeof createUserInput>;

/** Admin creates a user and its first token; the token is returned once and never again. */
export async function createUser({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof createUserInput>> }) {
  requireRole(ctx.actor, 'admin');
  // Every error at once (a form shows them together): the schema's, then the rules on the fields
  // the schema let through, whether or not another field failed.
  let input: CreateUserInput | undefined;
  const errors: FieldError[] = [];
  try {
    input = parseInput(createUserInput, given);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    errors.push(...(e.errors ?? []));
  }
  const role = typeof given.role === 'string' ? given.role : undefined;
  const officerCode = typeof given.officerCode === 'string' && given.officerCode ? given.officerCode : undefined;
  let detail = 'The user is not valid.';
  if (officerCode && !errors.some((e) => e.path === 'officerCode')) {
    // HR staff are bureau officers too; a linked hr user may record decisions as that officer.
    if (role === 'admin' || role === 'intake') {
      detail = 'Admin and intake users do not act as an officer.';
      errors.push({ path: 'officerCode', message: `not allowed for role ${role}` });
    } else {
      const [o] = await ctx.db.select({ code: officers.code }).from(officers).where(eq(officers.code, officerCode));
      if (!o) {
        detail = 'Unknown officer.';
        errors.push({ path: 'officerCode', message: `no officer ${officerCode}` });
      }
    }
  } else if (!officerCode && role === 'officer') {
    detail = 'An officer user must name its officer record.';
    errors.push({ path: 'officerCode', message: 'required for role officer' });
  }
  if (!input) throw new InputError(errors);
  if (errors.length) throw badRequest(detail, errors);
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
  if (existing) throw conflict(`A user named ${input.username} exists.`, 'username_taken').say('username_taken', { username: input.username });

  const now = ctx.clock.now();
  const id = newId('usr', now);
  const token = generateToken();
  const tok = await tokenRow(id, token, now, input.tokenTtlDays ?? 365);
  await commit(
    ctx,
    [
      ctx.db.insert(users).values({ id, username: input.username, role: input.role, officerCode: input.officerCode ?? null, createdAt: now.toISOString() }),
      ctx.db.insert(tokens).values(tok),
    ],
    [
      { action: 'user.create', entity: 'user', entityId: id, payload: { username: input.username, role: input.role, officerCode: input.officerCode ?? null } },
      { action: 'token.issue', entity: 'token', entityId: tok.id, payload: { userId: id, expiresAt: tok.expiresAt } },
    ],
  );
  return { id, token, tokenId: tok.id, expiresAt: tok.expiresAt };
}

/** Admin issues another token for a user (e.g. after a revocation). */
export async function issueUserToken({ ctx, userId, ttlDays }: { ctx: Ctx; userId: string; ttlDays?: number }) {
  requireRole(ctx.actor, 'admin');
  const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!u) throw notFound(`No user ${userId}.`);
  const now = ctx.clock.now();
  const token = generateToken();
  const tok = await tokenRow(userId, token, now, ttlDays ?? 365);
  await commit(ctx, [ctx.db.insert(tokens).values(tok)], [
    { action: 'token.issue', entity: 'token', entityId: tok.id, payload: { userId, expiresAt: tok.expiresAt } },
  ]);
  return { tokenId: tok.id, token, expiresAt: tok.expiresAt };
}

/** Revokes a token (admin, or the token's own user); its page sessions end with it. */
export async function revokeToken({ ctx, tokenId }: { ctx: Ctx; tokenId: string }) {
  requireRole(ctx.actor, 'admin', 'hr', 'supervisor', 'officer', 'intake');
  const [t] = await ctx.db.select().from(tokens).where(eq(tokens.id, tokenId));
  if (!t) throw notFound(`No token ${tokenId}.`);
  if (ctx.actor.role !== 'admin' && t.userId !== ctx.actor.userId) throw forbidden('Only an admin revokes another user’s token.').say('token_other_user');
  if (t.revokedAt) return { tokenId, revokedAt: t.revokedAt };
  const at = ctx.clock.now().toISOString();
  await commit(ctx, [ctx.db.update(tokens).set({ revokedAt: at }).where(eq(tokens.id, tokenId))], [
    { action: 'token.revoke', entity: 'token', entityId: tokenId, payload: { userId: t.userId } },
  ]);
  return { tokenId, revokedAt: at };
}

/**
 * At start-up: a database with no admin gets one. With `ADMIN_TOKEN` set, that token; otherwise a
 * random one, returned so the entry can print it once.
 */
export async function ensureAdmin(db: Db, clock: Clock, adminToken?: string): Promise<string | null> {
  const [{ n }] = await db.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
  if (n > 0) return null;
  const token = adminToken || generateToken();
  const now = clock.now();
  const id = newId('usr', now);
  const tok = await tokenRow(id, token, now, null);
  const ctx = { db, clock, actor: { kind: 'system', name: 'startup' } as const };
  await commit(
    ctx,
    [
      db.insert(users).values({ id, username: 'admin', role: 'admin', officerCode: null, createdAt: now.toISOString() }),
      db.insert(tokens).values(tok),
    ],
    [
      { action: 'user.create', entity: 'user', entityId: id, payload: { username: 'admin', role: 'admin', officerCode: null } },
      { action: 'token.issue', entity: 'token', entityId: tok.id, payload: { userId: id, expiresAt: null } },
    ],
  );
  return adminToken ? null : token;
}
