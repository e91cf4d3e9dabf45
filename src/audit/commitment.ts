/**
 * Salted commitments: what an audit leaf holds in place of a record it must not reveal (DESIGN 5,
 * "What a leaf may hold"): complaint and comment text, taxpayer identity, a single response's
 * ratings. The log is permanent and readable by auditors and supervisors, some of whom are the
 * people such records are about; and nothing in it can ever be erased.
 *
 *   commitment = SHA-256 hex of canonicalJson({ ...record, nonce })
 *
 * `nonce` is 128 random bits kept beside the record (a column of its row), never in the log. Shown
 * the record and its nonce, anyone recomputes the commitment and compares it with the leaf
 * (`verifyCommitment`). Without the nonce the leaf reveals nothing, not even which of a few
 * candidates it is (a rating out of 625, a taxpayer code out of an officer's list); once the
 * record and its nonce are erased, nobody can ever open it again.
 */
import { sha256HexSync } from '../core/sha256.js';
import { randomToken } from '../core/ids.js';
import { canonicalJson } from './canonical.js';

/** Random bytes of a nonce: 16 (128 bits), base64url. */
export const NONCE_BYTES = 16;

export type CommittedRecord = Record<string, unknown>;

/** A fresh random nonce. */
export function newNonce(): string {
  return randomToken(NONCE_BYTES);
}

/**
 * SHA-256 hex of the canonical JSON of the record with its nonce as one more member (so the
 * record's own members may not be called `nonce`). Synchronous: the form's hot path uses it.
 */
export function commitmentOf(record: CommittedRecord, nonce: string): string {
  if ('nonce' in record) throw new TypeError('commitmentOf: `nonce` is reserved for the salt');
  if (!nonce) throw new TypeError('commitmentOf: a commitment needs a nonce');
  return sha256HexSync(canonicalJson({ ...record, nonce }));
}

/** A record sealed for the log: a fresh nonce (to store beside the record) and its commitment (for the leaf). */
export function seal(record: CommittedRecord): { nonce: string; commitment: string } {
  const nonce = newNonce();
  return { nonce, commitment: commitmentOf(record, nonce) };
}

/** True when `record` and `nonce` are exactly what `commitment` (from a leaf) was made of. */
export function verifyCommitment(record: CommittedRecord, nonce: string | null | undefined, commitment: string): boolean {
  if (!nonce || !/^[0-9a-f]{64}$/.test(commitment)) return false;
  return commitmentOf(record, nonce) === commitment;
}

/**
 * SHA-256 hex of a text, for a record that commits to long free text by its hash (a response's
 * comment and complaint): the commitment stays small, and the text is still bound by it.
 */
export function textHash(text: string | null | undefined): string | null {
  return text ? sha256HexSync(text) : null;
}
