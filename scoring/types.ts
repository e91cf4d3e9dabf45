/** Input and output shapes of the grading engine (DESIGN section 3). Plain JSON throughout. */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AssessmentInput {
  category: string;
  raw: number;
  max: number;
  /** YYYY-MM-DD */
  takenOn: string;
}

export interface PenaltyInput {
  flagId: string;
  rule: string;
  severity: Severity;
}

export interface OfficerInput {
  code: string;
  name?: string;
  unitCode: string;
  peerGroup: string;
  team: string;
  /** YYYY-MM-DD */
  hireDate: string;
  /** YYYY-MM-DD */
  positionStartDate: string;
  /** YYYY-MM-DD, or null while still in service */
  leaveDate: string | null;
  /** Summed counts per workload kind in the period (kinds are policy keys). */
  workload: Record<string, number>;
  /** Candidate assessment results; the engine applies the lookback window and "latest per category". */
  assessments: AssessmentInput[];
  /** Accepted responses submitted in the period: count and the sum of each response's mean rating. */
  feedback: { n: number; sumMeans: number };
  /** Flags confirmed during the period against this officer. */
  penalties: PenaltyInput[];
}

export interface EngineInput {
  period: { code: string; start: string; end: string };
  officers: OfficerInput[];
}

export interface ComponentScores {
  workload: number;
  assessment: number | null;
  feedback: number;
  tenure: number;
}

export interface ComponentWeights {
  workload: number;
  assessment: number;
  feedback: number;
  tenure: number;
}

export interface AssessmentUsed extends AssessmentInput {
  /** 100 * raw / max */
  score: number;
  /** The category's weight after renormalising over the categories present. */
  weight: number;
  /** The category's policy weight before renormalising. */
  policyWeight: number;
}

export interface PenaltyUsed extends PenaltyInput {
  points: number;
}

export interface RawInputs {
  /** sum(itemWeight[kind] * count), kinds in code-unit order */
  workloadPoints: number;
  /** The officer's counts, kinds sorted; kinds the policy does not know are listed in ignoredKinds. */
  workloadCounts: Record<string, number>;
  ignoredKinds: string[];
  /** The officer's own peer group label. */
  peerGroup: string;
  /** The comparison set actually used: the peer group, or '*' for all graded officers of the run. */
  peerGroupUsed: string;
  peerFallback: boolean;
  /** Graded officers in the comparison set (n of the percentile); 0 when not graded. */
  peerCount: number;
  /** Graded officers of the officer's own peer group. */
  peerGroupSize: number;
  /** Officers in the comparison set with fewer points. */
  peerBelow: number;
  /** Officers in the comparison set with exactly the same points, the officer included. */
  peerEqual: number;
  /** 1 + officers in the comparison set with more points. */
  peerPosition: number;
  assessmentWindow: { start: string; end: string };
  assessmentsUsed: AssessmentUsed[];
  feedbackN: number;
  feedbackSum: number;
  /** The run's prior m. */
  prior: number;
  /** The credibility constant C. */
  priorWeight: number;
  /** Days from position start to period end (end - start), before max(0, .). */
  tenureDays: number;
  tenureYears: number;
  penalties: PenaltyUsed[];
  /** Sum of the penalty points before the cap. */
  penaltyUncapped: number;
  /** sum(weight * score) before the penalty and the clip; null when not graded. */
  compositeBeforePenalty: number | null;
}

export interface Placement {
  /** The highest level whose min score the composite reaches. */
  qualifiedFor: number;
  placedAt: number;
  /** Levels the officer qualified for but was not placed at because the level's cap was full, highest first. */
  cappedAt: number[];
}

export interface OfficerResult {
  officerCode: string;
  name?: string;
  unitCode: string;
  peerGroup: string;
  team: string;
  status: 'graded' | 'not_graded';
  /** Why not graded, e.g. 'active 44 days < 45'. */
  reason?: string;
  activeDays: number;
  /** null when not graded */
  components: ComponentScores | null;
  /** The weights actually used after redistribution; null when not graded. */
  weights: ComponentWeights | null;
  incomplete: boolean;
  /** Capped penalty points (informational for officers not graded). */
  penalty: number;
  /** Unrounded, in [0, 100]. */
  composite: number | null;
  /** 1 = best, among graded officers. */
  rank: number | null;
  /** Tier level. */
  tier: number | null;
  coefficient: number | null;
  /** baseAllowance * coefficient, rounded to the fen (0.01 yuan). */
  payout: number | null;
  raw: RawInputs;
  placement: Placement | null;
  /** Plain sentences, one per line of reasoning; numbers rounded to 2 decimals for display only. */
  explanation: { 'zh-CN': string[]; en: string[] };
}

export interface CapUsage {
  level: number;
  /** floor(maxShare * graded), or null for a level without a cap. */
  cap: number | null;
  used: number;
}

export interface EngineOutput<R = OfficerResult> {
  period: string;
  policyVersion: string;
  /** The feedback prior m of the run. */
  prior: number;
  graded: number;
  notGraded: number;
  assessmentWindow: { start: string; end: string };
  /** Officers per tier level, every level of the policy present (0 when empty). */
  tierCounts: Record<number, number>;
  caps: CapUsage[];
  /** Ordered by rank, then the officers not graded by code. */
  results: R[];
}
