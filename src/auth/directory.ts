import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { tokens, users } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { requireRole } from './tokens.js';

export interface UserSummary {
  id: string;
  username: string;
  role: (typeof users.$inferSelect)['role'];
  officerCode: string | null;
  createdAt: string;
  disabledAt: string | null;
  /** Tokens neither revoked nor expired. */
  activeTokens: number;
}

/**
 * Admin read: users by username with their count of usable tokens, one page at a time (keyset on
 * username). The count is a SQL aggregate, so the page never loads token rows.
 */
export async function listUsers({ ctx, after, limit = 100 }: { ctx: Ctx; after?: string; limit?: number }): Promise<{ items: UserSummary[]; next: string | null }> {
  requireRole(ctx.actor, 'admin');
  const now = ctx.clock.now().toISOString();
  const n = Math.min(Math.max(limit, 1), 1000);
  const active = sql<number>`count(${tokens.id})`;
  const rows = await ctx.db
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      officerCode: users.officerCode,
      createdAt: users.createdAt,
      disabledAt: users.disabledAt,
      activeTokens: active,
    })
    .from(users)
    .leftJoin(tokens, and(eq(tokens.userId, users.id), isNull(tokens.revokedAt), or(isNull(tokens.expiresAt), gt(tokens.expiresAt, now))))
    .where(after ? gt(users.username, after) : undefined)
    .groupBy(users.id)
    .orderBy(asc(users.username))
    .limit(n + 1);
  const items = rows.slice(0, n).map((r) => ({ ...r, activeTokens: Number(r.activeTokens) }));
  return { items, next: rows.length > n ? items[items.length - 1]!.username : null };
}

export interface TokenSummary {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** Admin read: one user and its tokens (never their hashes), newest first. */
export async function getUserTokens({ ctx, userId }: { ctx: Ctx; userId: string }) {
  requireRole(ctx.actor, 'admin');
  const [user] = await ctx.db
    .select({ id: users.id, username: users.username, role: users.role, officerCode: users.officerCode, createdAt: users.createdAt, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw notFound(`No user ${userId}.`);
  const now = ctx.clock.now().toISOString();
  const rows = await ctx.db
    .select({ id: tokens.id, createdAt: tokens.createdAt, expiresAt: tokens.expiresAt, revokedAt: tokens.revokedAt })
    .from(tokens)
    .where(eq(tokens.userId, userId))
    .orderBy(sql`${tokens.createdAt} desc`, sql`${tokens.id} desc`)
    .limit(1000);
  const items: TokenSummary[] = rows.map((r) => ({
    ...r,
    status: r.revokedAt ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active',
  }));
  return { user, tokens: items };
}

/** Usernames for user ids (pages show who did what). */
export async function usernames(ctx: Ctx, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return new Map();
  const rows = await ctx.db.select({ id: users.id, username: users.username }).from(users).where(sql`${users.id} in ${want}`);
  return new Map(rows.map((r) => [r.id, r.username]));
}
