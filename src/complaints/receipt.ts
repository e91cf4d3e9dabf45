/**
 * Complaint receipts: what the complainant keeps to follow their complaint at /c/{receipt}
 * without giving a name. Random, shown once, stored only as a SHA-256 (like invitation tokens).
 */
import { randomBytes } from '../core/ids.js';
import { sha256HexSync } from '../core/sha256.js';
import { RECEIPT_CHARS } from './policy.js';

/** Crockford's base32 alphabet: no I, L, O or U, so a receipt read aloud or handwritten survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new receipt, `XXXX-XXXX-XXXX-XXXX-XXXX` (5 bits a character from the platform CSPRNG). */
export function newReceipt(): string {
  const bytes = randomBytes(Math.ceil((RECEIPT_CHARS * 5) / 8));
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < RECEIPT_CHARS) {
      out += ALPHABET[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return formatReceipt(out);
}

function formatReceipt(compact: string): string {
  return compact.match(/.{1,4}/g)!.join('-');
}

/**
 * The canonical receipt of what a person typed: case, spaces and dashes ignored, and the letters
 * Crockford maps (O to 0, I and L to 1). null when it cannot be one of ours.
 */
export function normalizeReceipt(typed: string): string | null {
  const compact = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== RECEIPT_CHARS || ![...compact].every((ch) => ALPHABET.includes(ch))) return null;
  return formatReceipt(compact);
}

/** The stored form of a receipt: SHA-256 hex of its canonical `XXXX-...` form. */
export function receiptHash(receipt: string): string {
  return sha256HexSync(receipt);
}
