/**
 * What a `feedback.submit` audit leaf says about a response. The log is permanent and readable by
 * supervisors and auditors, some of whom are graded themselves; a leaf that named the officer and
 * the ratings would hand any one of them the individual ratings about themselves, which anonymity
 * (DESIGN 2, the 5-response floor) exists to prevent. So the leaf carries a hiding commitment:
 * SHA-256 over the canonical JSON of the response's content and a random 128-bit nonce stored in
 * the response row. Without the nonce the 625 rating combinations cannot be tried against it;
 * with the row (admin access to the database) anyone can check the row against the log.
 */
import { sha256HexSync } from '../core/sha256.js';
import { canonicalJson } from '../audit/canonical.js';
import type { Dimension } from './policy.js';

export interface CommittedResponse {
  nonce: string;
  invitationId: string;
  officerCode: string;
  ratings: Record<Dimension, number>;
  comment: string | null;
  complaint: string | null;
}

/** SHA-256 hex of canonical `{ complaintSha256, commentSha256, invitationId, nonce, officerCode, ratings }`. */
export function responseCommitment(r: CommittedResponse): string {
  return sha256HexSync(
    canonicalJson({
      nonce: r.nonce,
      invitationId: r.invitationId,
      officerCode: r.officerCode,
      ratings: r.ratings,
      commentSha256: r.comment ? sha256HexSync(r.comment) : null,
      complaintSha256: r.complaint ? sha256HexSync(r.complaint) : null,
    }),
  );
}
