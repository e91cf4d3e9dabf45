/**
 * The complainant's side: following a complaint by its receipt, without an account and without
 * names. Unknown or malformed receipts count against the client address exactly as the form's
 * bad tokens do (one counter, src/core/guessing.ts), so the 100-bit receipts cannot be
 * scanned for.
 */
import { sql } from 'drizzle-orm';
import type { Ctx } from '../core/context.js';
import { ApiError } from '../core/errors.js';
import { noteBadToken } from '../core/guessing.js';
import { normalizeReceipt, receiptHash } from './receipt.js';
import { complaintsWithFlag, effectiveOutcome, effectiveStatus, lastChange, referred } from './state.js';
import type { ComplaintCategory, ComplaintChannel, ComplaintOutcome, ComplaintStatus } from './policy.js';

export interface TrackedComplaint {
  receipt: string;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  /** The day it was received, `YYYY-MM-DD`. */
  receivedOn: string;
  status: ComplaintStatus;
  outcome: ComplaintOutcome | null;
  /** Passed to a higher reviewer, still in review. */
  referred: boolean;
  /** The day its state last changed, `YYYY-MM-DD`. */
  updatedOn: string;
}

/**
 * Looks a receipt up. 404 `complaint_unknown` for a receipt that is not ours or not known; 429
 * `too_many_attempts` once the address is over the guessing limit (valid receipts always answer).
 */
export async function trackComplaint({ ctx, input }: { ctx: Pick<Ctx, 'db' | 'clock'>; input: { receipt: string; address: string } }): Promise<TrackedComplaint> {
  const receipt = normalizeReceipt(input.receipt);
  const rows = receipt
    ? await ctx.db.all<{ channel: ComplaintChannel; category: ComplaintCategory; received_at: string; status: ComplaintStatus; outcome: ComplaintOutcome | null; referred: number | null; updated: string }>(sql`
        select complaints.channel, complaints.category, complaints.received_at, ${effectiveStatus} as status, ${effectiveOutcome} as outcome,
               ${referred} as referred, ${lastChange} as updated
          from ${complaintsWithFlag}
         where complaints.receipt_hash = ${receiptHash(receipt)}`)
    : [];
  const row = rows[0];
  if (!receipt || !row) {
    const { limited } = await noteBadToken(ctx, input.address);
    if (limited) throw new ApiError(429, 'too_many_attempts', 'Too many unknown receipts from this address; try again later.');
    throw new ApiError(404, 'complaint_unknown', 'No complaint has this receipt.');
  }
  return {
    receipt,
    channel: row.channel,
    category: row.category,
    receivedOn: row.received_at.slice(0, 10),
    status: row.status,
    outcome: row.outcome,
    referred: Boolean(row.referred),
    updatedOn: row.updated.slice(0, 10),
  };
}
