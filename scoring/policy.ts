/**
 * The grading policy: a versioned JSON document (DESIGN section 3). Every number the engine uses
 * comes from here; a run stores the exact document it used, by hash.
 */
import { z } from 'zod';
import { floorShare, hasPlaces, millionths, moneyPlaces, policyPlaces } from './decimal.js';

const weight = z.number().min(0).max(1);
const positive = z.number().finite().nonnegative();

export const tierSchema = z.object({
  level: z.number().int().min(1),
  minScore: z.number().min(0).max(100),
  /** Max share of graded officers placed at this level, in (0, 1]; null: no cap. */
  maxShare: z.number().gt(0).max(1).nullable(),
  coefficient: positive,
});

const score = z.number().min(0).max(100);
const severities = ['low', 'medium', 'high', 'critical'] as const;

/**
 * The year (DESIGN 3b): how quarterly composites become an annual grade. Every number of the
 * section is a policy default; a policy without the section uses `defaultAnnualPolicy`.
 */
export const annualPolicySchema = z.object({
  /** Fewer graded quarters than this: `not_rated`. */
  minQuarters: z.number().int().min(1).max(4),
  /** The tier whose quarters break ties in the ranking (quarters at tier 5, desc). */
  tieBreakTier: z.number().int().min(1),
  excellent: z.object({
    minScore: score,
    /** The quota: at most floor(maxShare * rated) officers are excellent. */
    maxShare: z.number().gt(0).max(1),
    /** A flag of one of these severities confirmed against the officer in the year bars excellent. */
    barringSeverities: z.array(z.enum(severities)),
  }),
  competent: z.object({ minScore: score }),
  basicallyCompetent: z.object({ minScore: score }),
});

export type AnnualPolicy = z.infer<typeof annualPolicySchema>;

export const policySchema = z
  .object({
    version: z.string().min(1),
    components: z.object({
      workload: weight,
      assessment: weight,
      feedback: weight,
      tenure: weight,
    }),
    workload: z.object({
      itemWeights: z.record(z.string().min(1), positive),
      /** A peer group with fewer graded officers than this falls back to the whole run. */
      minPeerGroupSize: z.number().int().min(1),
    }),
    assessment: z.object({
      categoryWeights: z.record(z.string().min(1), weight),
      /** Lookback in quarters, counting the period itself. */
      lookbackQuarters: z.number().int().min(1),
    }),
    feedback: z.object({
      /** Credibility constant C of the Bayesian mean. */
      priorWeight: positive,
      /** Prior m when the run has no accepted responses. */
      defaultPrior: z.number().min(1).max(5),
    }),
    tenure: z.object({ capYears: z.number().positive() }),
    penalties: z.object({
      severity: z.object({ low: positive, medium: positive, high: positive, critical: positive }),
      max: positive,
    }),
    eligibility: z.object({ minActiveDays: z.number().int().min(0) }),
    tiers: z.array(tierSchema).min(1),
    baseAllowance: positive,
    /**
     * How sums of policy decimals are done (workload points, penalty points, weight totals, the
     * payout): `decimal` exactly, in millionths (v2); absent or `binary`: in binary floating
     * point, as policy v1 did (kept so that stored v1 runs reproduce bit for bit).
     */
    arithmetic: z.enum(['binary', 'decimal']).optional(),
    /** `active_days`: payout = base x coefficient x active days / days in the period (v2); absent or `none`: the full base (v1). */
    proration: z.enum(['none', 'active_days']).optional(),
    annual: annualPolicySchema.optional(),
  })
  .superRefine((p, ctx) => {
    const decimal = p.arithmetic === 'decimal';
    if (decimal) checkPlaces(p, ctx);
    const sum = p.components.workload + p.components.assessment + p.components.feedback + p.components.tenure;
    const componentsOff = decimal ? sumMillionths(Object.values(p.components)) !== 1_000_000n : Math.abs(sum - 1) > 1e-9;
    if (componentsOff) {
      ctx.addIssue({ code: 'custom', path: ['components'], message: `component weights must sum to 1 (they sum to ${sum})` });
    }
    const cats = Object.values(p.assessment.categoryWeights).reduce((a, b) => a + b, 0);
    const catsOff = decimal ? sumMillionths(Object.values(p.assessment.categoryWeights)) !== 1_000_000n : Math.abs(cats - 1) > 1e-9;
    if (catsOff) {
      ctx.addIssue({ code: 'custom', path: ['assessment', 'categoryWeights'], message: `category weights must sum to 1 (they sum to ${cats})` });
    }
    if (p.proration === 'active_days' && !decimal) {
      ctx.addIssue({ code: 'custom', path: ['proration'], message: 'proration by active days needs "arithmetic": "decimal" (the payout is computed exactly in fen)' });
    }
    if (p.annual) {
      const a = p.annual;
      if (!(a.excellent.minScore > a.competent.minScore && a.competent.minScore > a.basicallyCompetent.minScore)) {
        ctx.addIssue({ code: 'custom', path: ['annual'], message: 'annual grade lines must fall: excellent > competent > basicallyCompetent' });
      }
      if (!hasPlaces(a.excellent.maxShare, policyPlaces)) {
        ctx.addIssue({ code: 'custom', path: ['annual', 'excellent', 'maxShare'], message: `at most ${policyPlaces} decimal places` });
      }
    }
    for (let i = 1; i < p.tiers.length; i++) {
      const hi = p.tiers[i - 1]!;
      const lo = p.tiers[i]!;
      if (!(hi.level > lo.level && hi.minScore > lo.minScore)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i], message: 'tiers must be ordered from the highest level and score down' });
      }
    }
    if (p.tiers.length > 0 && p.tiers.at(-1)!.minScore !== 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers', p.tiers.length - 1, 'minScore'], message: 'the lowest tier must start at 0 so every graded officer is placed' });
    }
  });

export type Policy = z.infer<typeof policySchema>;

const sumMillionths = (xs: number[]) => xs.reduce((s, x) => s + millionths(x), 0n);

/**
 * Under decimal arithmetic every decimal that is summed or paid must be exact in its unit:
 * weights, coefficients and severity points in millionths, the base allowance in fen.
 */
function checkPlaces(p: Policy, ctx: z.RefinementCtx) {
  const need = (x: number, path: (string | number)[], places = policyPlaces) => {
    if (!hasPlaces(x, places)) ctx.addIssue({ code: 'custom', path, message: `at most ${places} decimal places when "arithmetic" is "decimal"` });
  };
  for (const [k, v] of Object.entries(p.components)) need(v, ['components', k]);
  for (const [k, v] of Object.entries(p.workload.itemWeights)) need(v, ['workload', 'itemWeights', k]);
  for (const [k, v] of Object.entries(p.assessment.categoryWeights)) need(v, ['assessment', 'categoryWeights', k]);
  for (const [k, v] of Object.entries(p.penalties.severity)) need(v, ['penalties', 'severity', k]);
  need(p.penalties.max, ['penalties', 'max']);
  p.tiers.forEach((t, i) => {
    need(t.coefficient, ['tiers', i, 'coefficient']);
    if (t.maxShare !== null) need(t.maxShare, ['tiers', i, 'maxShare']);
  });
  need(p.baseAllowance, ['baseAllowance'], moneyPlaces);
}

/**
 * Policy v1, the defaults of DESIGN section 3 as first built: binary floating-point sums, the
 * full base allowance whatever the active days. Stored v1 runs reproduce with it bit for bit.
 */
export const policyV1: Policy = {
  version: 'v1',
  components: { workload: 0.35, assessment: 0.3, feedback: 0.25, tenure: 0.1 },
  workload: {
    itemWeights: {
      key_taxpayer: 5,
      general_taxpayer: 1,
      individual_taxpayer: 0.2,
      tax_assessment_case: 3,
      arrears_case: 2,
      inspection_visit: 1,
      registration_case: 0.5,
      invoice_review: 0.2,
    },
    minPeerGroupSize: 5,
  },
  assessment: {
    categoryWeights: { tax_law: 0.3, accounting: 0.3, law: 0.2, data_analysis: 0.2 },
    lookbackQuarters: 4,
  },
  feedback: { priorWeight: 10, defaultPrior: 3 },
  tenure: { capYears: 10 },
  penalties: { severity: { low: 0, medium: 2, high: 5, critical: 10 }, max: 15 },
  eligibility: { minActiveDays: 45 },
  tiers: [
    { level: 5, minScore: 85, maxShare: 0.15, coefficient: 1.3 },
    { level: 4, minScore: 75, maxShare: 0.3, coefficient: 1.15 },
    { level: 3, minScore: 60, maxShare: null, coefficient: 1.0 },
    { level: 2, minScore: 45, maxShare: null, coefficient: 0.9 },
    { level: 1, minScore: 0, maxShare: null, coefficient: 0.8 },
  ],
  baseAllowance: 3000,
};

/** The annual section of DESIGN 3b. */
export const defaultAnnualPolicy: AnnualPolicy = {
  minQuarters: 2,
  tieBreakTier: 5,
  excellent: { minScore: 80, maxShare: 0.15, barringSeverities: ['high', 'critical'] },
  competent: { minScore: 60 },
  basicallyCompetent: { minScore: 45 },
};

/**
 * Policy v2, the default (DESIGN 3 and 3b): v1's numbers with exact decimal sums (equal decimal
 * workload points tie), payout prorated by active days to the fen, and the annual section.
 */
export const policyV2: Policy = {
  ...policyV1,
  version: 'v2',
  arithmetic: 'decimal',
  proration: 'active_days',
  annual: defaultAnnualPolicy,
};

/** The built-in default policy: v2. */
export const defaultPolicy: Policy = policyV2;

/** The annual section a policy grades the year by: its own, or the default of DESIGN 3b. */
export const annualPolicyOf = (p: Policy): AnnualPolicy => p.annual ?? defaultAnnualPolicy;

/** The annual quota: floor(maxShare * rated), exactly (the share read as its decimal). */
export const annualQuota = (a: AnnualPolicy, rated: number) => floorShare(a.excellent.maxShare, rated);

export const workloadKinds = () => Object.keys(defaultPolicy.workload.itemWeights);
export const assessmentCategories = () => Object.keys(defaultPolicy.assessment.categoryWeights);
