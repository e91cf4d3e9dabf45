/**
 * complaint: a taxpayer complaint names the officer. Raised by the feedback flow (through
 * planRaise, inside its own batch) when the complaint is filed; the scan does not re-raise it.
 */
import { defaultOversightPolicy, type OversightPolicy } from '../policy.js';
import type { FlagCandidate } from '../raise.js';

/** The candidate for one complaint: one flag per complaint, its text excerpt as evidence. */
export function complaintCandidate(
  input: { officerCode: string; complaintId: string; responseId?: string; text?: string },
  policy: OversightPolicy = defaultOversightPolicy,
): FlagCandidate {
  return {
    rule: 'complaint',
    subjectCode: input.officerCode,
    conditionKey: `complaint:${input.complaintId}`,
    severity: policy.rules.complaint.severity,
    evidence: {
      officerCode: input.officerCode,
      complaintId: input.complaintId,
      ...(input.responseId ? { responseId: input.responseId } : {}),
      ...(input.text !== undefined ? { excerpt: input.text.slice(0, 500) } : {}),
    },
  };
}
