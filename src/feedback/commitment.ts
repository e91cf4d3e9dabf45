/**
 * What a `feedback.submit` audit leaf says about a response. The log is permanent and readable by
 * supervisors and auditors, some of whom are graded themselves; a leaf that named the officer and
 * the ratings would hand any one of them the individual ratings about themselves, which anonymity
 * (DESIGN 2, the 5-response floor) exists to prevent. So the leaf carries the audit module's
 * salted commitment (src/audit/commitment.ts) to the response's content, with the nonce stored in
 * the response row: without the nonce the 625 rating combinations cannot be tried against it;
 * with the row (admin access to the database) anyone can check the row against the log.
 */
import { commitmentOf, textHash } from '../audit/commitment.js';
import type { Dimension } from './policy.js';

export interface CommittedResponse {
  nonce: string;
  invitationId: string;
  officerCode: string;
  ratings: Record<Dimension, number>;
  comment: string | null;
  complaint: string | null;
}

/** The commitment to `{ complaintSha256, commentSha256, invitationId, officerCode, ratings }` with its nonce. */
export function responseCommitment(r: CommittedResponse): string {
  return commitmentOf(
    {
      invitationId: r.invitationId,
      officerCode: r.officerCode,
      ratings: r.ratings,
      commentSha256: textHash(r.comment),
      complaintSha256: textHash(r.complaint),
    },
    r.nonce,
  );
}
