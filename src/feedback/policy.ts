/**
 * Feedback policy: the numbers that govern invitations, the form and the guessing limit. They are
 * operational settings rather than grading inputs, so they live here and not in the versioned
 * grading policy (scoring/policy.ts): changing them never changes a published grade.
 */

/** An invitation expires this many days after it was issued. */
export const INVITATION_TTL_DAYS = 30;

/** Random bytes in an invitation token: 32 bytes = 256 bits (the floor is 128). */
export const INVITATION_TOKEN_BYTES = 32;

/** The four rated dimensions, in form order. */
export const DIMENSIONS = ['professionalism', 'attitude', 'efficiency', 'integrity'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export const COMMENT_MAX = 1000;

/**
 * Officers see their own averages only from this many accepted responses up, so that no single
 * response (and so no single taxpayer) can be inferred from a mean.
 */
export const SUMMARY_MIN_RESPONSES = 5;

/** Return visits: at most this many taxpayers per officer in one draw. */
export const RETURN_VISIT_MAX_PER_OFFICER = 50;

/**
 * An officer's feedback score is stable from this many accepted responses in the period: the
 * grading prior weighs C = 10 responses (DESIGN 3), so below 10 the prior outweighs the officer's
 * own ratings. Officers below it are listed with the response rates.
 */
export const STABLE_MIN_RESPONSES = 10;
