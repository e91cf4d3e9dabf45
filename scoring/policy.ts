/**
 * The grading policy: a versioned JSON document (DESIGN section 3). Every number the engine uses
 * comes from here; a run stores the exact document it used, by hash.
 */
import { z } from 'zod';

const weight = z.number().min(0).max(1);
const positive = z.number().finite().nonnegative();

export const tierSchema = z.object({
  level: z.number().int().min(1),
  minScore: z.number().min(0).max(100),
  /** Max share of graded officers placed at this level, in (0, 1]; null: no cap. */
  maxShare: z.number().gt(0).max(1).nullable(),
  coefficient: positive,
});

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
  })
  .superRefine((p, ctx) => {
    const sum = p.components.workload + p.components.assessment + p.components.feedback + p.components.tenure;
    if (Math.abs(sum - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['components'], message: `component weights must sum to 1 (they sum to ${sum})` });
    }
    const cats = Object.values(p.assessment.categoryWeights).reduce((a, b) => a + b, 0);
    if (Math.abs(cats - 1) > 1e-9) {
      ctx.addIssue({ code: 'custom', path: ['assessment', 'categoryWeights'], message: `category weights must sum to 1 (they sum to ${cats})` });
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

/** Policy v1, the defaults of DESIGN section 3. */
export const defaultPolicy: Policy = {
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

export const workloadKinds = () => Object.keys(defaultPolicy.workload.itemWeights);
export const assessmentCategories = () => Object.keys(defaultPolicy.assessment.categoryWeights);
