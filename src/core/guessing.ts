/**
 * The guessing limit on the public pages that take a secret in their path (the feedback form's
 * token, a complaint's receipt). The token (256 random bits) is the real gate; this limit
 * only caps how many bad tokens (unknown, malformed, used, expired) one address may present per
 * window, so a scanner is slowed and shows up in the counters. Valid tokens are never limited:
 * the taxpayers of a service hall share one address, and a real taxpayer must always get through.
 */
import type { Context } from 'hono';
import { sql } from 'drizzle-orm';
import type { Ctx } from './context.js';
import { sha256HexSync } from './sha256.js';

/** Bad secrets (unknown, malformed, used, expired) per address per window. */
export const GUESS_LIMIT = 20;
export const GUESS_WINDOW_MS = 10 * 60_000;

/**
 * The client's address: the socket's peer on Node (not a header, which anyone can set), else
 * Cloudflare's `cf-connecting-ip` on Workers, else 'unknown' (all unknowns share one counter).
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const fromSocket = env?.incoming?.socket?.remoteAddress;
  if (fromSocket) return fromSocket;
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}

/** Addresses are stored hashed: the counter needs identity, not the address itself. */
function limitKey(address: string): string {
  return `feedback-guess:${sha256HexSync(address).slice(0, 32)}`;
}

/**
 * Counts one bad token from `address` and says whether the address is now over the limit.
 * Written outside commit() on purpose: the counter is a throttle, not a domain fact; auditing it
 * would let any scanner grow the permanent, append-only log at will.
 */
export async function noteBadToken(ctx: Pick<Ctx, 'db' | 'clock'>, address: string): Promise<{ count: number; limited: boolean }> {
  const now = ctx.clock.now().getTime();
  const windowStart = new Date(now - (now % GUESS_WINDOW_MS)).toISOString();
  const key = limitKey(address);
  const rows = await ctx.db.all<{ count: number }>(sql`
    insert into rate_limits (key, window_start, count) values (${key}, ${windowStart}, 1)
    on conflict (key, window_start) do update set count = count + 1
    returning count`);
  const count = Number(rows[0]?.count ?? 1);
  if (count === 1) {
    // A new window: drop this address's old windows so the table does not grow without bound.
    await ctx.db.run(sql`delete from rate_limits where key = ${key} and window_start < ${windowStart}`);
  }
  return { count, limited: count > GUESS_LIMIT };
}
