/**
 * Post, redirect, get for every page form (ADR 0086). A page POST never answers with a page: on
 * success it redirects to what it made; when the verb refuses, it redirects back to the form's own
 * GET URL, and what that page must show once (the refusal with its field errors, the values as
 * typed, a new token shown only this once) travels in a short-lived `flash` cookie, sealed with
 * AES-GCM under a key derived from the session id. Only the browser holding that session can open
 * it; reading it clears it, so a refresh shows the page as it stands and never posts again.
 */
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError, type ProblemParams, type FieldError } from '../core/errors.js';
import { base64url, randomBytes } from '../core/ids.js';
import { isHttps, sessionIdOf, type PageContext } from './session.js';

export const FLASH_COOKIE = 'flash';
const FLASH_TTL_S = 120;
/** Browsers keep cookies up to 4096 bytes (name, value and attributes); this leaves room for the rest. */
const FLASH_MAX_CHARS = 3800;

/** What a page shows once after a redirect. */
export interface Flash {
  /** A refusal: its status, code, detail and field errors, rebuilt as an ApiError by {@link flashError}. */
  refusal?: { status: number; code: string; detail: string; errors?: FieldError[]; textKey?: string; params?: ProblemParams; spoken?: boolean };
  /** The form's values as typed, so a refused form comes back filled in. */
  values?: Record<string, string>;
  /** Which form of the page the refusal belongs to, where a page has several. */
  form?: string;
  /** Anything else the page shows once (a new token). */
  once?: Record<string, string>;
}

const fromBase64url = (s: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
};

async function keyFor(sessionId: string): Promise<CryptoKey> {
  const mac = await crypto.subtle.importKey('raw', new TextEncoder().encode(sessionId), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const raw = await crypto.subtle.sign('HMAC', mac, new TextEncoder().encode('tgo-flash-v1'));
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/**
 * Seals `flash` into the cookie for the next page of this session. False when there is no session
 * or it does not fit one cookie (a very long text typed into a refused form): the caller then
 * shows the page in place, which keeps what was typed.
 */
export async function setFlash(c: PageContext, flash: Flash): Promise<boolean> {
  const sid = sessionIdOf(c);
  if (!sid) return false;
  const iv = new Uint8Array(randomBytes(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFor(sid), new TextEncoder().encode(JSON.stringify(flash))));
  const value = `${base64url(iv)}.${base64url(sealed)}`;
  if (value.length > FLASH_MAX_CHARS) return false;
  setCookie(c, FLASH_COOKIE, value, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/', maxAge: FLASH_TTL_S });
  return true;
}

/** The flash left for this page, cleared as it is read; undefined when there is none or it is not this session's. */
export async function takeFlash(c: PageContext): Promise<Flash | undefined> {
  const value = getCookie(c, FLASH_COOKIE);
  if (value === undefined) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) });
  const sid = sessionIdOf(c);
  const [iv, sealed] = value.split('.');
  if (!sid || !iv || !sealed) return undefined;
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64url(iv) }, await keyFor(sid), fromBase64url(sealed));
    return JSON.parse(new TextDecoder().decode(plain)) as Flash;
  } catch {
    return undefined; // another session's, tampered with or malformed: nothing to show
  }
}

/** The refusal a flash carries, as the ApiError the page's ErrorBox and field errors read. */
export function flashError(flash: Flash | undefined): ApiError | undefined {
  const r = flash?.refusal;
  if (!r) return undefined;
  // The catalogue sentence travels too, so the page says the refusal in its own language (ADR 0082).
  const err = new ApiError(r.status as ContentfulStatusCode, r.code, r.detail, r.errors);
  if (r.textKey) err.say(r.textKey, r.params);
  if (r.spoken) err.spoken = true;
  return err;
}

/** The page status of a flashed refusal: the refusal's own, so a refused form reads as one. */
export function flashStatus(flash: Flash | undefined): 200 | 400 | 403 | 404 | 409 {
  const s = flash?.refusal?.status;
  return s === 400 || s === 403 || s === 404 || s === 409 ? s : flash?.refusal ? 400 : 200;
}

/**
 * A refused page form: back to `to` (the form's GET URL) with the refusal and the typed values,
 * or null when they do not fit a cookie (the caller renders the page in place instead).
 */
export async function redirectRefused(c: PageContext, to: string, error: ApiError, extra: Omit<Flash, 'refusal'> = {}): Promise<Response | null> {
  const ok = await setFlash(c, { ...extra, refusal: { status: error.status, code: error.code, detail: error.message, errors: error.errors, textKey: error.textKey, params: error.params, spoken: error.spoken } });
  return ok ? c.redirect(to, 303) : null;
}
