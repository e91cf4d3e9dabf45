import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { and, eq, isNotNull, lte, or, inArray } from 'drizzle-orm';
import { sessions, tokens, users } from '../../db/schema.js';
import type { AppEnv } from '../core/http.js';
import type { Actor, Ctx } from '../core/context.js';
import { base64url, randomToken, sha256Hex } from '../core/ids.js';
import { commit } from '../audit/append.js';
import { tokenActor, tokenUserColumns } from '../auth/tokens.js';

export const SESSION_COOKIE = 'sid';
export const SESSION_TTL_MS = 12 * 3_600_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PageContext = Context<AppEnv, any, any>;
export type StaffActor = Actor & { kind: 'user' };

/** What the session middleware learned about this request; kept beside the request, not in ctx. */
interface SessionInfo {
  sessionHash: string;
  csrf: string;
}
const perRequest = new WeakMap<Request, SessionInfo>();

/**
 * Paths whose pages act for a taxpayer (the feedback form at /f/{token}, a complaint's tracking
 * page at /c/{receipt}). A staff cookie gives them no authority: they never resolve a session,
 * so they are the same for everyone and are protected by their own secret in the path (plus the
 * Origin check for the form's post).
 */
export const publicPagePrefixes = ['/f/', '/c/'];

const machinePaths = ['/api', '/openapi.json', '/healthz'];

/** Paths for machines: bearer auth, problem+json errors, never cookies. */
export function isApiPath(path: string): boolean {
  return machinePaths.some((p) => path === p || path.startsWith(`${p}/`));
}

function isSessionPath(path: string): boolean {
  return !isApiPath(path) && !path.startsWith('/docs/assets/') && !publicPagePrefixes.some((p) => path.startsWith(p));
}

export function isHttps(c: PageContext): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/**
 * The synchronizer token for a session: HMAC-SHA256 keyed with the session id itself (the secret
 * that only the browser's HttpOnly cookie holds) over a fixed label. Nothing extra is stored, the
 * database (which only has SHA-256(sid)) cannot derive it, and another site cannot read it.
 */
export async function csrfTokenFor(sessionId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(sessionId), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('tgo-csrf-v1'));
  return base64url(new Uint8Array(mac));
}

/** Constant-time string comparison, so the check does not leak how much of a guess was right. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Resolves a session id to its user, applying the same rules as bearer `authenticate()`
 * (token unknown, revoked or expired, or user disabled: no actor) plus the session's own expiry.
 * Checked on every request, so revoking the token ends the session at once.
 */
export async function sessionActor(ctx: Pick<Ctx, 'db' | 'clock'>, sessionId: string): Promise<StaffActor | null> {
  const hash = await sha256Hex(sessionId);
  const [row] = await ctx.db
    .select({ ...tokenUserColumns, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(tokens, eq(tokens.id, sessions.tokenId))
    .innerJoin(users, eq(users.id, tokens.userId))
    .where(eq(sessions.hash, hash))
    .limit(1);
  const now = ctx.clock.now().toISOString();
  return row && row.expiresAt > now ? tokenActor(row, now) : null;
}

/**
 * Starts a session for an authenticated token and audits it ('session.start'). Session rows are
 * credentials, not domain data; the same batch drops rows that can never be valid again (expired,
 * or of a revoked token) so the table does not grow without bound.
 */
export async function startSession(ctx: Ctx, actor: StaffActor): Promise<{ sessionId: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const sessionId = randomToken(32);
  const hash = await sha256Hex(sessionId);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  const revokedTokens = ctx.db.select({ id: tokens.id }).from(tokens).where(isNotNull(tokens.revokedAt));
  await commit(
    { ...ctx, actor },
    [
      ctx.db.delete(sessions).where(or(lte(sessions.expiresAt, now.toISOString()), inArray(sessions.tokenId, revokedTokens))),
      ctx.db.insert(sessions).values({ hash, tokenId: actor.tokenId, createdAt: now.toISOString(), expiresAt }),
    ],
    [{ action: 'session.start', entity: 'token', entityId: actor.tokenId, payload: { userId: actor.userId, expiresAt } }],
  );
  return { sessionId, expiresAt };
}

/**
 * Ends a session. The row is deleted rather than marked: it holds nothing but the hash of a
 * credential, the audit log keeps the record that the session existed and ended, and a deleted
 * row cannot be revived by any later bug in the validity check.
 */
export async function endSession(ctx: Ctx, sessionId: string): Promise<boolean> {
  const actor = await sessionActor(ctx, sessionId);
  if (!actor) return false;
  const hash = await sha256Hex(sessionId);
  await commit({ ...ctx, actor }, [ctx.db.delete(sessions).where(and(eq(sessions.hash, hash)))], [
    { action: 'session.end', entity: 'token', entityId: actor.tokenId, payload: { userId: actor.userId } },
  ]);
  return true;
}

export function setSessionCookie(c: PageContext, sessionId: string): void {
  setCookie(c, SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: PageContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
}

export function sessionIdOf(c: PageContext): string | undefined {
  const v = getCookie(c, SESSION_COOKIE);
  return v && /^[A-Za-z0-9_-]{20,100}$/.test(v) ? v : undefined;
}

/**
 * Middleware for page paths: a valid `sid` cookie becomes `ctx.actor`, the same Actor shape bearer
 * auth gives the API, so pages call the same verbs. A stale cookie is cleared. API paths never
 * look at cookies: the API's only authority is the bearer header, which no other site can send.
 */
export function pageSession(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isSessionPath(c.req.path)) return next();
    const sid = sessionIdOf(c);
    if (sid) {
      const base = c.get('ctx');
      const actor = await sessionActor(base, sid);
      if (actor) {
        c.set('ctx', { ...base, actor });
        perRequest.set(c.req.raw, { sessionHash: await sha256Hex(sid), csrf: await csrfTokenFor(sid) });
      } else {
        clearSessionCookie(c);
      }
    } else if (getCookie(c, SESSION_COOKIE) !== undefined) {
      clearSessionCookie(c);
    }
    await next();
  };
}

/** The signed-in staff user of this page request, if any. */
export function staffOf(c: PageContext): StaffActor | null {
  const a = c.get('ctx').actor;
  return a.kind === 'user' ? a : null;
}

/** The `_csrf` value forms of this request must carry; undefined when there is no session. */
export function csrfOf(c: PageContext): string | undefined {
  return perRequest.get(c.req.raw)?.csrf;
}
