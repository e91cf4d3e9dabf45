/**
 * The oversight policy (DESIGN section 4): every threshold the rules use, as a versioned JSON
 * document validated by zod. Which decision types need a collective review or count as favourable
 * is the decision policy's business (src/decisions/policy.ts).
 */
import { z } from 'zod';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
const severity = z.enum(severities);
const rule = <T extends z.ZodRawShape>(shape: T) => z.object({ enabled: z.boolean(), severity, ...shape });

export const ruleIds = [
  'threshold_bunching',
  'sole_decider',
  'reviewer_concentration',
  'rotation_due',
  'peer_outlier',
  'benford',
  'late_amendment',
  'complaint',
  'feedback_burst',
  'repeat_waiver',
  'no_quorum',
  'spot_check',
  'feedback_selection',
] as const;
export type RuleId = (typeof ruleIds)[number];

export const oversightPolicySchema = z.object({
  version: z.string().min(1),
  /** Rules look at the `windowMonths` months ending today (4 quarters), unless they say otherwise. */
  windowMonths: z.number().int().min(1).max(120),
  /** Decisions listed in a flag's evidence, newest first (the figures always count them all). */
  maxEvidenceDecisions: z.number().int().min(1).max(1000),
  /** An open or in-review flag older than this is marked overdue in the queue. */
  overdueDays: z.number().int().min(1),
  rules: z.object({
    threshold_bunching: rule({
      /** Relative band: below = [T(1-band), T), above = [T, T(1+band)]. */
      band: z.number().gt(0).lt(1),
      minBelow: z.number().int().min(1),
      /** Flag when P(X >= b | n = a + b, p = 0.5) is below this. */
      maxPValue: z.number().gt(0).lt(1),
    }),
    sole_decider: rule({ minIndependentReviewers: z.number().int().min(1) }),
    reviewer_concentration: rule({ maxShare: z.number().gt(0).lt(1), minDecisions: z.number().int().min(1) }),
    rotation_due: rule({ maxYears: z.number().int().min(1), maxListed: z.number().int().min(1) }),
    peer_outlier: rule({
      maxZ: z.number().positive(),
      madScale: z.number().positive(),
      /** A peer group with fewer officers than this is compared with all officers instead. */
      minPeerGroupSize: z.number().int().min(2),
    }),
    benford: rule({
      minAmounts: z.number().int().min(1),
      maxMad: z.number().positive(),
      decisionTypes: z.array(z.string().min(1)).min(1),
    }),
    late_amendment: rule({ maxDays: z.number().int().min(0) }),
    complaint: rule({}),
    feedback_burst: rule({ maxResponses: z.number().int().min(1), windowMinutes: z.number().int().min(1) }),
    repeat_waiver: rule({}),
    no_quorum: rule({ minVotingShare: z.number().gt(0).max(1) }),
    /** A finding of a random spot check (双随机), raised by the supervisor who recorded it; not scanned. */
    spot_check: rule({}),
    /** Return visits against ordinary invitations: Welch's one-sided t-test (src/flags/rules/feedback-selection.ts). */
    feedback_selection: rule({ alpha: z.number().gt(0).lt(1), minEach: z.number().int().min(2), minGap: z.number().min(0) }),
  }),
});

export type OversightPolicy = z.infer<typeof oversightPolicySchema>;

/** Policy v1: the defaults of DESIGN section 4. */
export const defaultOversightPolicy: OversightPolicy = oversightPolicySchema.parse({
  version: 'oversight-v1',
  windowMonths: 12,
  maxEvidenceDecisions: 50,
  overdueDays: 14,
  rules: {
    threshold_bunching: { enabled: true, severity: 'high', band: 0.1, minBelow: 5, maxPValue: 0.01 },
    sole_decider: { enabled: true, severity: 'medium', minIndependentReviewers: 2 },
    reviewer_concentration: { enabled: true, severity: 'medium', maxShare: 0.5, minDecisions: 10 },
    rotation_due: { enabled: true, severity: 'low', maxYears: 3, maxListed: 100 },
    peer_outlier: { enabled: true, severity: 'medium', maxZ: 3.5, madScale: 1.4826, minPeerGroupSize: 5 },
    benford: { enabled: true, severity: 'low', minAmounts: 50, maxMad: 0.015, decisionTypes: ['assessed_turnover'] },
    late_amendment: { enabled: true, severity: 'medium', maxDays: 30 },
    complaint: { enabled: true, severity: 'medium' },
    feedback_burst: { enabled: true, severity: 'high', maxResponses: 10, windowMinutes: 10 },
    repeat_waiver: { enabled: true, severity: 'high' },
    no_quorum: { enabled: true, severity: 'medium', minVotingShare: 2 / 3 },
    spot_check: { enabled: true, severity: 'medium' },
    feedback_selection: { enabled: true, severity: 'medium', alpha: 0.01, minEach: 10, minGap: 0.5 },
  },
});
