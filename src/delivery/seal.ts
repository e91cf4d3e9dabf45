/**
 * An invitation's delivery address and link wait in the outbox until its messages are done. The
 * link carries the invitation token, which the service otherwise keeps only as a hash, and the
 * address is personal data; so both are sealed with AES-256-GCM (Web Crypto: Node and Workers)
 * under a key derived from DELIVERY_WEBHOOK_SECRET (HMAC-SHA256 of a fixed label, so the signing
 * key and the sealing key differ). A copy of the database alone opens neither. Once done, the
 * sealed value is deleted (src/delivery/job.ts).
 */
import { base64url } from '../core/ids.js';

export interface Sealed {
  address: string;
  url: string;
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyOf(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const enc = new TextEncoder();
      const mac = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const raw = await crypto.subtle.sign('HMAC', mac, enc.encode('tgo-delivery-seal-v1'));
      return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    })();
    keys.set(secret, key);
  }
  return key;
}

function fromBase64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/** `base64url(iv || ciphertext)`, a fresh 96-bit IV each time. */
export async function seal(secret: string, value: Sealed): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyOf(secret), new TextEncoder().encode(JSON.stringify(value))));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return base64url(out);
}

/** The sealed value, or null when it does not open with this secret (rotated, or tampered with). */
export async function unseal(secret: string, sealed: string): Promise<Sealed | null> {
  try {
    const bytes = fromBase64url(sealed);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await keyOf(secret), bytes.slice(12));
    return JSON.parse(new TextDecoder().decode(plain)) as Sealed;
  } catch {
    return null;
  }
}
