/**
 * What a `complaint.file` audit leaf says about the complaint: a salted commitment
 * (src/audit/commitment.ts, the construction every leaf uses). The log is permanent and read by
 * supervisors and auditors, so it never holds the complaint's text or the complainant taxpayer
 * (DESIGN 5). With the row and its nonce anyone recomputes it (`POST /api/v1/audit/commitments/verify`
 * takes the record below); once the text is erased it reveals nothing.
 */
import { commitmentOf } from '../audit/commitment.js';

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

/** The commitment to the complaint record (every member above but the nonce, which salts it). */
export function complaintCommitment({ nonce, ...record }: CommittedComplaint): string {
  return commitmentOf(record, nonce);
}
