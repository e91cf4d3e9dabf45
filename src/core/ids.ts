/**
 * Application-generated ids: a prefix, the time in base-36 (so ids sort by creation) and 64
 * random bits. Generated before a batch runs, so a write and its audit entry can name each other.
 */
export function newId(prefix: string, now: Date = new Date()): string {
  return `${prefix}_${now.getTime().toString(36)}${toHex(randomBytes(8))}`;
}

/** A random secret of `bytes` bytes (default 32, i.e. 256 bits), base64url without padding. */
export function randomToken(bytes = 32): string {
  return base64url(randomBytes(bytes));
}

const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let taken = 0;

/**
 * `n` bytes from the platform CSPRNG, drawn from a pool refilled 4 KiB at a time. On Node 20 a
 * `crypto.getRandomValues` call costs about 10 µs whatever its size (argument checks and a
 * system call), and a form submission needs three (two ids and a nonce). The pool holds the same
 * generator's output, each byte is handed out once, and callers get their own copy.
 */
export function randomBytes(n: number): Uint8Array {
  if (n > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(n));
  if (taken + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    taken = 0;
  }
  const out = pool.slice(taken, taken + n);
  taken += n;
  return out;
}

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)));
}
