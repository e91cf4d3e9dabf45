/**
 * Retention (DESIGN 5, "Retention"): how long what a person may ask to erase is kept. Policy
 * defaults, like the grading policy's; the job (job.ts) applies them on every scheduled run.
 */
import { APPEAL_WINDOW_DAYS } from '../grading/appeal.js';

export const retentionPolicy = {
  /**
   * An invitation's link to its taxpayer is cut once the quarter of its response (or, unanswered,
   * of its issue) has a published run whose appeal window (days after publication) has closed:
   * nothing about that quarter can change any more, and the response stays anonymous for good.
   */
  linkKeptDaysAfterPublication: APPEAL_WINDOW_DAYS,
  /** Complaint and comment text is erased this many years after it was written. */
  freeTextYears: 3,
} as const;

/** Rows changed per batch (one audited commit each), and batches per job run, so one run stays short on Workers. */
export const RETENTION_BATCH = 2000;
export const RETENTION_MAX_BATCHES = 10;
