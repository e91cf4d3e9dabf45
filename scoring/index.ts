/** Pure grading engine (DESIGN section 3). No I/O: aggregates in, results out. */
export { gradeOfficers, activeDays, assessmentWindow, wholeRun } from './engine.js';
export type * from './types.js';
export {
  policySchema,
  tierSchema,
  annualPolicySchema,
  defaultPolicy,
  policyV1,
  policyV2,
  defaultAnnualPolicy,
  annualPolicyOf,
  annualQuota,
  workloadKinds,
  assessmentCategories,
} from './policy.js';
export type { Policy, AnnualPolicy } from './policy.js';
export {
  workloadPoints,
  midRankPercentile,
  assessmentScore,
  feedbackPrior,
  feedbackScore,
  tenureScore,
  penaltyPoints,
  compositeScore,
  sumWeights,
  payoutOf,
  isDecimal,
  pointPlaces,
} from './components.js';
export { toScaled, toScaledRounded, scaledToNumber, scaledText, divRoundHalfUp, hasPlaces, floorShare, countPlaces, policyPlaces, moneyPlaces } from './decimal.js';
export { compareRank, placeTiers, levelCap } from './tiers.js';
export { explainResult, explainBasis, activeRange } from './explain.js';
export type { ExplainBasis, ExplainContext, ResultFigures } from './explain.js';
export { gradeYear, compareAnnual, gradeLine, annualBasis, annualGrades } from './annual.js';
export type { AnnualInput, AnnualOfficerInput, AnnualQuarterInput, AnnualQuarterUsed, AnnualPlacement, AnnualResult, AnnualFigures, AnnualOutput, AnnualGrade } from './annual.js';
export { explainAnnual, gradeNames } from './annual-explain.js';
export type { AnnualExplainBasis } from './annual-explain.js';
