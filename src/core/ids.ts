/**
 * Application-generated ids: a prefix, the time in base-36 (so ids sort by creation) and 64
 * random bits. Generated before a batch runs, so a write and its audit entry can name each other.
 */
export function newId(prefix: string, now: Date = new Date()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let rand = '';
  for (const b of bytes) rand += b.toString(16).padStart(2, '0');
  return `${prefix}_${now.getTime().toString(36)}${rand}`;
}

/** A random secret of `bytes` bytes (default 32, i.e. 256 bits), base64url without padding. */
export function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(raw);
}

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)));
}
