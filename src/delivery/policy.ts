/**
 * Delivery policy (issue 15, DESIGN 2 "delivery"): when reminders go out, how often a failed
 * request is tried again, and the limits of one run of the delivery job.
 */

/** Reminders go out this many days after the invitation was issued, while it is unanswered. */
export const REMINDER_DAYS = [3, 7] as const;

/** Attempts per message before it is given up as failed. */
export const MAX_ATTEMPTS = 6;

/**
 * The wait after failed attempt n (1-based): 5 minutes, then three times longer each time (15 min,
 * 45 min, 2 h 15, 6 h 45), so a gateway that is down for an afternoon still gets every message.
 */
export function backoffMs(attempt: number): number {
  return 5 * 60_000 * 3 ** (attempt - 1);
}

/** A gateway that has not answered in this time counts as a failed attempt. */
export const SEND_TIMEOUT_MS = 10_000;

/** Messages sent per run of the job (each run is one audit entry), and at once. */
export const RUN_BATCH = 50;
export const SEND_CONCURRENCY = 5;

/** The longest message text (without its link) in Chinese: one SMS of UCS-2 characters. */
export const SMS_CHARS_ZH = 70;
/** The same for English: one SMS of GSM-7 characters. */
export const SMS_CHARS_EN = 160;

/** How old a signed request may be when it arrives (receivers check it; docs/delivery.md). */
export const SIGNATURE_TOLERANCE_S = 300;
