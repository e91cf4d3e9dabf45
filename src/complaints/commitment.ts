/**
 * What a `complaint.file` audit leaf says about the complaint: a salted commitment, the same
 * construction as the response's (src/feedback/commitment.ts). The log is permanent and read by
 * supervisors and auditors, so it never holds the complaint's text or the complainant taxpayer
 * (DESIGN 5); the leaf carries SHA-256 over the canonical JSON of the record with a random
 * 128-bit nonce kept in the row. With the row anyone recomputes it; once the text is erased it
 * reveals nothing.
 */
import { sha256HexSync } from '../core/sha256.js';
import { canonicalJson } from '../audit/canonical.js';

export interface CommittedComplaint {
  nonce: string;
  id: string;
  channel: string;
  category: string;
  officerCode: string | null;
  unitCode: string | null;
  taxpayerCode: string | null;
  responseId: string | null;
  sourceRef: string | null;
  receivedAt: string;
  text: string;
}

/** SHA-256 hex of canonical `{ ...record without text, textSha256 }`. */
export function complaintCommitment(c: CommittedComplaint): string {
  const { text, ...rest } = c;
  return sha256HexSync(canonicalJson({ ...rest, textSha256: sha256HexSync(text) }));
}
