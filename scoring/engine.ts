/**
 * The grading engine (DESIGN section 3): officers' per-period aggregates in, one result per
 * officer out. Pure: no I/O, no clock, no randomness. Officers are sorted by code before anything
 * else and every sum runs in a fixed order, so the same inputs and policy give bit-identical
 * output whatever order the inputs came in.
 */
import type { Policy } from './policy.js';
import type { ComponentScores, EngineInput, EngineOutput, OfficerInput, OfficerResult, RawInputs } from './types.js';
import {
  assessmentScore,
  byCodeUnits,
  compositeScore,
  feedbackPrior,
  feedbackScore,
  midRankPercentile,
  payoutOf,
  penaltyPoints,
  tenureScore,
  workloadPoints,
} from './components.js';
import { dayNumber, inclusiveDays, maxDate, minDate, quarterStartBefore } from './dates.js';
import { compareRank, placeTiers } from './tiers.js';
import { explainBasis, explainGraded, explainNotGraded, type ResultFigures } from './explain.js';

export type * from './types.js';

/** Comparison-set label used in `raw.peerGroupUsed` when a small peer group falls back to the run. */
export const wholeRun = '*';

/**
 * Active days (DESIGN 3, eligibility): days in `[max(hireDate, start), min(leaveDate, end)]`
 * counting both ends; 0 when the officer was not in service during the period.
 */
export function activeDays(o: Pick<OfficerInput, 'hireDate' | 'leaveDate'>, period: { start: string; end: string }) {
  const from = maxDate(o.hireDate, period.start);
  const to = o.leaveDate === null ? period.end : minDate(o.leaveDate, period.end);
  dayNumber(o.hireDate);
  if (o.leaveDate !== null) dayNumber(o.leaveDate);
  return inclusiveDays(from, to);
}

/**
 * The assessment lookback window (DESIGN 3, assessment): from the first day of the quarter
 * `lookbackQuarters - 1` quarters before the period's quarter to the period's last day;
 * 2026Q3 gives 2025-10-01..2026-09-30.
 */
export function assessmentWindow(policy: Policy, period: { start: string; end: string }) {
  return { start: quarterStartBefore(period.start, policy.assessment.lookbackQuarters - 1), end: period.end };
}

interface Work {
  input: OfficerInput;
  active: number;
  eligible: boolean;
  points: ReturnType<typeof workloadPoints>;
  assessment: ReturnType<typeof assessmentScore>;
  tenure: ReturnType<typeof tenureScore>;
  penalty: ReturnType<typeof penaltyPoints>;
}

/**
 * Grade every officer of a period under `policy` (already validated with `policySchema`).
 * Results come ordered by rank, then the officers not graded by code.
 * With `{ explain: false }` the results carry no explanation (a grading run stores the figures
 * and renders the text on read with `explainResult`); every figure is the same either way.
 */
export function gradeOfficers(policy: Policy, input: EngineInput): EngineOutput;
export function gradeOfficers(policy: Policy, input: EngineInput, options: { explain: false }): EngineOutput<ResultFigures>;
export function gradeOfficers(policy: Policy, input: EngineInput, options: { explain?: boolean } = {}): EngineOutput<ResultFigures> {
  const explain = options.explain !== false;
  const { period } = input;
  if (dayNumber(period.end) < dayNumber(period.start)) throw new RangeError(`period ${period.code} ends before it starts`);
  const officers = [...input.officers].sort((a, b) => byCodeUnits(a.code, b.code));
  for (let i = 1; i < officers.length; i++) {
    if (officers[i]!.code === officers[i - 1]!.code) throw new RangeError(`duplicate officer code ${officers[i]!.code}`);
  }
  const window = assessmentWindow(policy, period);
  const minDays = policy.eligibility.minActiveDays;

  const work: Work[] = officers.map((o) => {
    const active = activeDays(o, period);
    return {
      input: o,
      active,
      eligible: active >= minDays,
      points: workloadPoints(policy, o.workload),
      assessment: assessmentScore(policy, o.assessments, window.start, window.end),
      tenure: tenureScore(policy, o.positionStartDate, period.end),
      penalty: penaltyPoints(policy, o.penalties),
    };
  });
  const graded = work.filter((w) => w.eligible);
  const gradedCount = graded.length;

  // Comparison sets for the workload percentile: own peer group, or the whole run when small.
  // Points compare exactly (bigint) under decimal arithmetic, as v1's floats otherwise.
  const pointsKey = (w: Work): number | bigint => w.points.exact ?? w.points.points;
  const keys = graded.map(pointsKey);
  const ascending = keys.every((k) => typeof k === 'number')
    ? (a: number | bigint, b: number | bigint) => (a as number) - (b as number)
    : (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const all = keys.sort(ascending);
  const groups = new Map<string, (number | bigint)[]>();
  for (const w of graded) {
    const g = groups.get(w.input.peerGroup);
    if (g) g.push(pointsKey(w));
    else groups.set(w.input.peerGroup, [pointsKey(w)]);
  }
  for (const g of groups.values()) g.sort(ascending);

  const prior = feedbackPrior(
    policy,
    graded.map((w) => w.input.feedback),
  );

  const scored = graded.map((w) => {
    const group = groups.get(w.input.peerGroup)!;
    const fallback = group.length < policy.workload.minPeerGroupSize;
    const pct = midRankPercentile(pointsKey(w), fallback ? all : group);
    const components: ComponentScores = {
      workload: pct.score,
      assessment: w.assessment.score,
      feedback: feedbackScore(policy, prior, w.input.feedback.n, w.input.feedback.sumMeans),
      tenure: w.tenure.score,
    };
    const c = compositeScore(policy, components, w.penalty.penalty);
    const key = { code: w.input.code, composite: c.composite, ...components };
    return { w, pct, fallback, groupSize: group.length, components, key, ...c };
  });
  scored.sort((a, b) => compareRank(a.key, b.key));
  const { placements, caps, tiers } = placeTiers(policy, scored);
  const coefficientOf = new Map(tiers.map((t) => [t.level, t.coefficient]));
  const tierCounts: Record<number, number> = {};
  for (const t of tiers) tierCounts[t.level] = 0;

  const ctx = { policy, period, window, prior, graded: gradedCount, caps };
  const results: (ResultFigures & { explanation?: OfficerResult['explanation'] })[] = scored.map((s, i) => {
    const placement = placements[i]!;
    const tier = placement?.placedAt ?? null;
    if (tier !== null) tierCounts[tier]!++;
    const coefficient = tier === null ? null : coefficientOf.get(tier)!;
    const payout = coefficient === null ? null : payoutOf(policy, coefficient, s.w.active, period);
    const raw = rawOf(s.w, ctx, {
      peerGroupUsed: s.fallback ? wholeRun : s.w.input.peerGroup,
      peerFallback: s.fallback,
      peerCount: s.pct.n,
      peerGroupSize: s.groupSize,
      peerBelow: s.pct.below,
      peerEqual: s.pct.equal,
      peerPosition: s.pct.position,
      compositeBeforePenalty: s.base,
    });
    const result: ResultFigures & { explanation?: OfficerResult['explanation'] } = makeResult(s.w.input, 'graded', undefined, s.w.active, {
      components: s.components,
      weights: s.weights,
      incomplete: s.incomplete,
      penalty: s.w.penalty.penalty,
      composite: s.composite,
      rank: i + 1,
      tier,
      coefficient,
      payout,
      raw,
      placement,
    });
    if (explain) result.explanation = explainGraded(result, explainBasis(ctx, s.w.input, placement?.cappedAt));
    return result;
  });

  for (const w of work) {
    if (w.eligible) continue;
    const result: ResultFigures & { explanation?: OfficerResult['explanation'] } = makeResult(w.input, 'not_graded', `active ${w.active} days < ${minDays}`, w.active, {
      components: null,
      weights: null,
      incomplete: false,
      penalty: w.penalty.penalty,
      composite: null,
      rank: null,
      tier: null,
      coefficient: null,
      payout: null,
      raw: rawOf(w, ctx, {
        peerGroupUsed: w.input.peerGroup,
        peerFallback: false,
        peerCount: 0,
        peerGroupSize: groups.get(w.input.peerGroup)?.length ?? 0,
        peerBelow: 0,
        peerEqual: 0,
        peerPosition: 0,
        compositeBeforePenalty: null,
      }),
      placement: null,
    });
    if (explain) result.explanation = explainNotGraded(result, explainBasis(ctx, w.input));
    results.push(result);
  }

  return {
    period: period.code,
    policyVersion: policy.version,
    prior,
    graded: gradedCount,
    notGraded: work.length - gradedCount,
    assessmentWindow: { ...window },
    tierCounts,
    caps,
    results,
  };
}

type Figures = Pick<ResultFigures, 'components' | 'weights' | 'incomplete' | 'penalty' | 'composite' | 'rank' | 'tier' | 'coefficient' | 'payout' | 'raw' | 'placement'>;

/**
 * One result in the engine's key order (identity, status, reason for officers not graded, then
 * the figures). Written out as literals rather than spreads: 10,000 spreads of objects of two
 * shapes cost more than the whole scoring.
 */
function makeResult(o: OfficerInput, status: ResultFigures['status'], reason: string | undefined, activeDays: number, f: Figures): ResultFigures {
  const { components, weights, incomplete, penalty, composite, rank, tier, coefficient, payout, raw, placement } = f;
  const { code: officerCode, name, unitCode, peerGroup, team } = o;
  if (reason === undefined) {
    return name === undefined
      ? { officerCode, unitCode, peerGroup, team, status, activeDays, components, weights, incomplete, penalty, composite, rank, tier, coefficient, payout, raw, placement }
      : { officerCode, name, unitCode, peerGroup, team, status, activeDays, components, weights, incomplete, penalty, composite, rank, tier, coefficient, payout, raw, placement };
  }
  return name === undefined
    ? { officerCode, unitCode, peerGroup, team, status, reason, activeDays, components, weights, incomplete, penalty, composite, rank, tier, coefficient, payout, raw, placement }
    : { officerCode, name, unitCode, peerGroup, team, status, reason, activeDays, components, weights, incomplete, penalty, composite, rank, tier, coefficient, payout, raw, placement };
}

function rawOf(
  w: Work,
  ctx: { policy: Policy; window: { start: string; end: string }; prior: number },
  peer: Pick<
    RawInputs,
    'peerGroupUsed' | 'peerFallback' | 'peerCount' | 'peerGroupSize' | 'peerBelow' | 'peerEqual' | 'peerPosition' | 'compositeBeforePenalty'
  >,
): RawInputs {
  return {
    workloadPoints: w.points.points,
    workloadCounts: w.points.counts,
    ignoredKinds: w.points.ignored,
    peerGroup: w.input.peerGroup,
    peerGroupUsed: peer.peerGroupUsed,
    peerFallback: peer.peerFallback,
    peerCount: peer.peerCount,
    peerGroupSize: peer.peerGroupSize,
    peerBelow: peer.peerBelow,
    peerEqual: peer.peerEqual,
    peerPosition: peer.peerPosition,
    assessmentWindow: { ...ctx.window },
    assessmentsUsed: w.assessment.used,
    feedbackN: w.input.feedback.n,
    feedbackSum: w.input.feedback.sumMeans,
    prior: ctx.prior,
    priorWeight: ctx.policy.feedback.priorWeight,
    tenureDays: w.tenure.days,
    tenureYears: w.tenure.years,
    penalties: w.penalty.used,
    penaltyUncapped: w.penalty.uncapped,
    compositeBeforePenalty: peer.compositeBeforePenalty,
  };
}
