/**
 * Complaint policy: the channels and categories of DESIGN 2 (from db/schema.ts, the one source),
 * what each entry may hold, and the receipt. Operational settings, not grading inputs.
 */
import { complaintCategories, complaintChannels, complaintOutcomes, complaintStatuses } from '../../db/schema.js';

export { complaintCategories, complaintChannels, complaintOutcomes, complaintStatuses };
export type ComplaintChannel = (typeof complaintChannels)[number];
export type ComplaintCategory = (typeof complaintCategories)[number];
export type ComplaintStatus = (typeof complaintStatuses)[number];
export type ComplaintOutcome = (typeof complaintOutcomes)[number];

/** The channels staff and the intake system enter; `form` complaints come only through the form. */
export const enteredChannels = ['hotline_12366', 'service_hall', 'letter', 'web'] as const satisfies readonly ComplaintChannel[];
export type EnteredChannel = (typeof enteredChannels)[number];

/** The longest complaint text, in characters (the form's limit too). */
export const COMPLAINT_TEXT_MAX = 2000;

/** A complaint naming an officer raises a `complaint` flag of this severity. */
export const COMPLAINT_FLAG_SEVERITY = 'medium' as const;

/**
 * The receipt: 20 Crockford base32 characters (100 random bits), shown in groups of four. Short
 * enough to read out on the phone or write on a letter's reply; far too many to guess, and the
 * tracking page counts bad receipts against the same per-address limit as the form's tokens.
 */
export const RECEIPT_CHARS = 20;

/** A hotline export holds at most this many rows per import. */
export const IMPORT_MAX_ROWS = 1000;

/** A received-at may lie at most this far in the future (clock skew of the sending system). */
export const RECEIVED_AT_SKEW_MS = 10 * 60_000;
