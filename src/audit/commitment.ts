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
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sha256HexSync } from '../core/sha256.js';
import { badRequest, notFound } from '../core/errors.js';
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

/**
 * The payload of the first entry recording `action` on `entity` `entityId`, parsed from its leaf
 * bytes (so a check runs against what the log holds, not against a copy), or null.
 */
export async function loggedPayload(db: Db, where: { action: string; entity: string; entityId: string }): Promise<Record<string, unknown> | null> {
  const [row] = await db.all<{ leaf: string }>(
    sql`select leaf from audit_entries where entity = ${where.entity} and entity_id = ${where.entityId} and action = ${where.action} order by seq limit 1`,
  );
  if (!row) return null;
  const payload = (JSON.parse(row.leaf) as { payload?: unknown }).payload;
  return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
}

/** Payload members that hold a commitment (the record's, the taxpayer's, the evidence's, per officer of a draw, an erasure request's). */
const COMMITMENT_MEMBERS = ['commitment', 'taxpayer', 'personal', 'drawn', 'request'] as const;

/** The commitments a leaf's payload holds, by member path (`taxpayer`, `drawn.O001`, `evidence.personal`). */
export function commitmentsIn(payload: Record<string, unknown> | null): [string, string][] {
  const out: [string, string][] = [];
  const isHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  for (const [top, v] of Object.entries(payload ?? {})) {
    if ((COMMITMENT_MEMBERS as readonly string[]).includes(top)) {
      if (isHash(v)) out.push([top, v]);
      else if (isObject(v)) for (const [sub, x] of Object.entries(v)) if (isHash(x)) out.push([`${top}.${sub}`, x]);
    } else if (isObject(v)) {
      // One level down: a flag's `evidence.personal`.
      for (const k of COMMITMENT_MEMBERS) if (isHash(v[k])) out.push([`${top}.${k}`, v[k] as string]);
    }
  }
  return out;
}

/**
 * Checks a record and its nonce (shown by whoever keeps them: the bureau, for an auditor) against
 * the commitments of leaf `index`. Public: the nonce is the secret, so the check tells nothing
 * to someone without it, and nothing is stored. `field` names the commitment that matches.
 */
export async function checkCommitment({ ctx, input }: { ctx: { db: Db }; input: { index: number; record: Record<string, unknown>; nonce: string } }) {
  const [row] = await ctx.db.all<{ action: string; entity: string; entity_id: string; leaf: string }>(
    sql`select action, entity, entity_id, leaf from audit_entries where seq = ${input.index}`,
  );
  if (!row) throw notFound(`No audit entry ${input.index}.`);
  if ('nonce' in input.record) throw badRequest('The record carries its nonce beside it, not inside it.', [{ path: 'record.nonce', message: 'give it as `nonce`' }]);
  const payload = (JSON.parse(row.leaf) as { payload?: Record<string, unknown> }).payload ?? null;
  const match = commitmentsIn(payload).find(([, c]) => commitmentOf(input.record, input.nonce) === c);
  return { index: input.index, action: row.action, entity: row.entity, entityId: row.entity_id, matches: match !== undefined, field: match?.[0] ?? null };
}
