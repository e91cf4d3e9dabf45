import { eq } from 'drizzle-orm';
import { tokens, users, type Role } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/context.js';
import { unauthorized } from '../core/errors.js';
import { newId, randomToken, sha256Hex } from '../core/ids.js';

/** Bearer tokens are 256 random bits; only their SHA-256 is stored. */
export function generateToken(): string {
  return `tgo_${randomToken(32)}`;
}

export const hashToken = (token: string) => sha256Hex(token);

export async function tokenRow(userId: string, token: string, now: Date, ttlDays: number | null) {
  return {
    id: newId('tok', now),
    userId,
    hash: await hashToken(token),
    createdAt: now.toISOString(),
    expiresAt: ttlDays === null ? null : new Date(now.getTime() + ttlDays * 86_400_000).toISOString(),
    revokedAt: null,
  };
}

/** The columns `tokenActor` needs; select them from `tokens` joined to `users`. */
export const tokenUserColumns = {
  tokenId: tokens.id,
  tokenExpiresAt: tokens.expiresAt,
  revokedAt: tokens.revokedAt,
  userId: users.id,
  username: users.username,
  role: users.role,
  officerCode: users.officerCode,
  disabledAt: users.disabledAt,
};

interface TokenUserRow {
  tokenId: string;
  tokenExpiresAt: string | null;
  revokedAt: string | null;
  userId: string;
  username: string;
  role: Role;
  officerCode: string | null;
  disabledAt: string | null;
}

/**
 * The user a token row stands for, or null when the token is revoked or expired or the user is
 * disabled. The one rule for bearer tokens and for page sessions (which ride on a token).
 */
export function tokenActor(row: TokenUserRow | undefined, now: string): (Actor & { kind: 'user' }) | null {
  if (!row || row.revokedAt || row.disabledAt || (row.tokenExpiresAt && row.tokenExpiresAt <= now)) return null;
  return { kind: 'user', userId: row.userId, username: row.username, role: row.role, officerCode: row.officerCode, tokenId: row.tokenId };
}

/**
 * Resolves a bearer token to its user. Unknown, expired and revoked tokens, and disabled users,
 * are all 401: the caller learns nothing about which.
 */
export async function authenticate(db: Db, clock: Clock, token: string): Promise<Actor & { kind: 'user' }> {
  const hash = await hashToken(token);
  const [row] = await db.select(tokenUserColumns).from(tokens).innerJoin(users, eq(users.id, tokens.userId)).where(eq(tokens.hash, hash)).limit(1);
  const actor = tokenActor(row, clock.now().toISOString());
  if (!actor) throw unauthorized('The token is unknown, expired or revoked.');
  return actor;
}
