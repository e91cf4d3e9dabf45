/**
 * Small named reads the HR console's pages need beside the verbs (who did what, which periods
 * exist). Pages hold no SQL: they call these or the verbs.
 */
import { sql } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import type { Ctx } from '../core/context.js';

/** Usernames for user ids (pages show who did what). */
export async function usernames(ctx: Ctx, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return new Map();
  const rows = await ctx.db.select({ id: users.id, username: users.username }).from(users).where(sql`${users.id} in ${want}`);
  return new Map(rows.map((r) => [r.id, r.username]));
}
