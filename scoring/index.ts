/** Pure grading engine (DESIGN section 3). No I/O: aggregates in, results out. */
export { gradeOfficers, activeDays, assessmentWindow, wholeRun } from './engine.js';
export type * from './types.js';
export { policySchema, tierSchema, defaultPolicy, workloadKinds, assessmentCategories } from './policy.js';
export type { Policy } from './policy.js';
export {
  workloadPoints,
  midRankPercentile,
  assessmentScore,
  feedbackPrior,
  feedbackScore,
  tenureScore,
  penaltyPoints,
  compositeScore,
} from './components.js';
export { compareRank, placeTiers, levelCap } from './tiers.js';
export { explainResult, explainBasis, activeRange } from './explain.js';
export type { ExplainBasis, ExplainContext, ResultFigures } from './explain.js';
