import { and, asc, eq, gt, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { roles, tokens, users } from '../../db/schema.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { requireRole, type Ctx } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { keyset } from '../core/pagination.js';

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

const byUsername = keyset('asc', [users.username], (u: { username: string }) => [u.username]);

/** The search of the user list: part of the username or officer code (case-insensitive), a role, active or deactivated. */
export const userFilterShape = {
  q: z.string().trim().min(1).max(64).optional().openapi({ description: 'Part of the username or the linked officer code, case-insensitive.' }),
  role: z.enum(roles).optional(),
  status: z.enum(['active', 'disabled']).optional(),
};
const userFilterSchema = z.object(userFilterShape);
export type UserFilter = z.output<typeof userFilterSchema>;

function userFilterWhere(f: UserFilter): SQL | undefined {
  const needle = f.q?.toLowerCase();
  return and(
    needle ? sql`(instr(lower(${users.username}), ${needle}) > 0 or instr(lower(coalesce(${users.officerCode}, '')), ${needle}) > 0)` : undefined,
    f.role ? eq(users.role, f.role) : undefined,
    f.status === 'active' ? isNull(users.disabledAt) : f.status === 'disabled' ? isNotNull(users.disabledAt) : undefined,
  );
}

/**
 * Admin read: users by username with their count of usable tokens, one page at a time (keyset on
 * username), optionally searched and filtered. The count is a SQL aggregate, so the page never
 * loads token rows.
 */
export async function listUsers({
  ctx,
  cursor,
  limit = 100,
  filter = {},
}: {
  ctx: Ctx;
  cursor?: string;
  limit?: number;
  filter?: Unchecked<UserFilter>;
}): Promise<{ items: UserSummary[]; nextCursor: string | null }> {
  requireRole(ctx.actor, 'admin');
  const f = parseInput(userFilterSchema, filter);
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
    .where(and(byUsername.after(cursor), userFilterWhere(f)))
    .groupBy(users.id)
    .orderBy(asc(users.username))
    .limit(n + 1);
  const { items, nextCursor } = byUsername.page(rows, n);
  return { items: items.map((r) => ({ ...r, activeTokens: Number(r.activeTokens) })), nextCursor };
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
