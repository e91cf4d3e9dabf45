/**
 * SHA-256, synchronous, on every runtime we serve: the runtime's native one where it offers it,
 * else @noble/hashes. Used by the audit tree (merkle.ts) and by the form's hot path (token hash,
 * response commitment, leaf hash).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from './ids.js';

/** A SHA-256 implementation; injectable so a Node-only caller may pass node:crypto. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/**
 * The SHA-256 used by default: the runtime's native synchronous one when it offers it through
 * `process.getBuiltinModule` (Node >= 20.16, and Workers with nodejs_compat), else @noble/hashes.
 * Same function, same bytes; the native one is about twice as fast on leaf-sized inputs, which is
 * what lets the verifier keep up with reading the log. Looked up at run time, never imported, so
 * bundles for runtimes without it stay as they are.
 */
export const defaultSha256: Sha256 = nativeSha256() ?? ((data) => sha256(data));

function nativeSha256(): Sha256 | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as
      | {
          createHash(alg: string): { update(d: Uint8Array): { digest(): Uint8Array } };
          hash?: (alg: string, d: Uint8Array, enc: 'buffer') => Uint8Array;
        }
      | undefined;
    if (!mod || typeof mod.createHash !== 'function') return null;
    // crypto.hash (Node >= 20.12) is one-shot: no Hash object per call, which matters at a
    // million leaves (allocation and GC were a third of the verifier's time).
    const oneShot = mod.hash;
    const f: Sha256 = typeof oneShot === 'function' ? (data) => oneShot('sha256', data, 'buffer') : (data) => mod.createHash('sha256').update(data).digest();
    // Trust it only if it agrees with the portable implementation.
    const probe = new Uint8Array([0x00, 0x61, 0x62, 0x63]);
    return equalBytes(f(probe), sha256(probe)) ? f : null;
  } catch {
    return null;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const utf8 = new TextEncoder();

/** SHA-256 of a UTF-8 string, hex. Same value as the asynchronous `sha256Hex` (WebCrypto) in ids.ts. */
export function sha256HexSync(text: string): string {
  return toHex(defaultSha256(utf8.encode(text)));
}

/** An incremental SHA-256: fed chunk by chunk, so a large body is never copied into one buffer. */
export interface Sha256Stream {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** node:crypto's incremental hash where the runtime has it (Node), else @noble/hashes' (Workers). */
export function sha256Stream(): Sha256Stream {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:crypto') as
    | { createHash(alg: string): { update(d: Uint8Array): unknown; digest(): Uint8Array } }
    | undefined;
  if (mod && typeof mod.createHash === 'function') {
    const h = mod.createHash('sha256');
    return { update: (d) => void h.update(d), digest: () => new Uint8Array(h.digest()) };
  }
  const h = sha256.create();
  return { update: (d) => void h.update(d), digest: () => h.digest() };
}
