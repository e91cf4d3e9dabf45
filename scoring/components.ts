/**
 * The four component scores of DESIGN section 3, each 0-100, plus the composite and penalty.
 * Every function is pure; sums run in a fixed order (keys in code-unit order) so equal inputs
 * give bit-identical floats whatever order they arrived in.
 */
import type { Policy } from './policy.js';
import type { AssessmentInput, AssessmentUsed, ComponentScores, ComponentWeights, PenaltyInput, PenaltyUsed } from './types.js';
import { dayNumber, inclusiveDays } from './dates.js';
import { countPlaces, divRoundHalfUp, millionths, moneyPlaces, pow10, scaledToNumber, policyPlaces, toScaledRounded } from './decimal.js';

/** Whether the policy sums its decimals exactly (v2) or in binary floating point (v1). */
export const isDecimal = (policy: Pick<Policy, 'arithmetic'>) => policy.arithmetic === 'decimal';

/** Code-unit string order (not locale order), so results never depend on the host's locale. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `list` sorted by `order` as `[...list].sort(order)` would (stable), but `list` itself when it is
 * already in order (what a loader reading in that order passes): no copy, no sort; never in place.
 */
export function inOrder<T>(list: readonly T[], order: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < list.length; i++) if (order(list[i - 1]!, list[i]!) > 0) return [...list].sort(order);
  return list;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Places of exact workload points: a weight in millionths times a count in millionths. */
export const pointPlaces = policyPlaces + countPlaces;

const weightCache = new WeakMap<Policy['workload']['itemWeights'], Map<string, bigint>>();

/** The policy's item weights in millionths, read once per policy document. */
function weightsInMillionths(weights: Policy['workload']['itemWeights']) {
  let m = weightCache.get(weights);
  if (!m) {
    m = new Map(Object.entries(weights).map(([k, w]) => [k, millionths(w)]));
    weightCache.set(weights, m);
  }
  return m;
}

const countUnit = pow10(countPlaces);
const pointUnit = 10 ** pointPlaces;

/**
 * Workload points `W = sum(itemWeight[kind] * count)` (DESIGN 3, workload), summed over kinds in
 * code-unit order. Kinds the policy does not know carry no weight and are reported back.
 *
 * Under decimal arithmetic (policy v2) `exact` is W exactly, an integer of 10^-12 points (weight
 * in millionths times count in millionths), and `points` the double nearest to it; equal decimal
 * points are equal (`6*1 + 3*0.2` and `6*1 + 2*0.2 + 1*0.2` are both 6.6). `exact` is a plain
 * number while every product and partial sum is a safe integer (W below some 9,000 points: the
 * usual case, and the cheap one), a bigint beyond; `<` compares the two kinds exactly, so a run
 * may mix them. Under binary arithmetic (v1) `exact` is null and `points` the floating-point sum
 * v1 always computed.
 */
export function workloadPoints(policy: Policy, counts: Record<string, number>): { points: number; exact: number | bigint | null; counts: Record<string, number>; ignored: string[] } {
  const kinds = Object.keys(counts).sort(byCodeUnits);
  const weights = policy.workload.itemWeights;
  const decimal = isDecimal(policy);
  const micro = decimal ? weightsInMillionths(weights) : null;
  let points = 0;
  let safe = true;
  const ignored: string[] = [];
  const sorted: Record<string, number> = {};
  for (const kind of kinds) {
    const count = counts[kind]!;
    sorted[kind] = count;
    if (!Object.hasOwn(weights, kind)) {
      ignored.push(kind);
      continue;
    }
    if (!micro) {
      points += weights[kind]! * count;
    } else if (safe) {
      // Integers times integers: exact as long as the result is a safe integer.
      const term = Number(micro.get(kind)!) * (Number.isInteger(count) ? count * 1e6 : Number(toScaledRounded(count, countPlaces)));
      points += term;
      if (!Number.isSafeInteger(term) || !Number.isSafeInteger(points)) safe = false;
    }
  }
  if (!micro) return { points, exact: null, counts: sorted, ignored };
  if (safe) return { points: points / pointUnit, exact: points, counts: sorted, ignored };
  let exact = 0n;
  for (const kind of kinds) {
    if (!micro.has(kind)) continue;
    const count = counts[kind]!;
    exact += micro.get(kind)! * (Number.isInteger(count) ? BigInt(count) * countUnit : toScaledRounded(count, countPlaces));
  }
  return { points: scaledToNumber(exact, pointPlaces), exact, counts: sorted, ignored };
}

/**
 * Mid-rank percentile (DESIGN 3, workload): `100 * (below + 0.5 * equal) / n`, where `equal`
 * counts the officer. `sortedPoints` is the comparison set in ascending order, all numbers or
 * all exact points (bigint).
 */
export function midRankPercentile<P extends number | bigint>(points: P, sortedPoints: readonly P[]) {
  const n = sortedPoints.length;
  const below = lowerBound(sortedPoints, points);
  const equal = upperBound(sortedPoints, points) - below;
  return { score: (100 * (below + 0.5 * equal)) / n, below, equal, n, position: n - below - equal + 1 };
}

function lowerBound<P extends number | bigint>(a: readonly P[], x: P) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound<P extends number | bigint>(a: readonly P[], x: P) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Assessment score (DESIGN 3, assessment): for each policy category, the latest result with
 * `windowStart <= takenOn <= windowEnd`, scored `100 * raw / max`; the score is the weighted
 * mean over the categories present, weights renormalised over those categories.
 * Two results of one category on the same latest date: the higher score wins (then higher raw,
 * then higher max, so the pick never depends on input order). Returns null (missing) when no
 * category has a usable result.
 */
export function assessmentScore(
  policy: Policy,
  results: readonly AssessmentInput[],
  windowStart: string,
  windowEnd: string,
): { score: number | null; used: AssessmentUsed[] } {
  const weights = policy.assessment.categoryWeights;
  const latest = new Map<string, { r: AssessmentInput; score: number }>();
  for (const r of results) {
    if (!Object.hasOwn(weights, r.category)) continue;
    dayNumber(r.takenOn);
    if (r.takenOn < windowStart || r.takenOn > windowEnd) continue;
    if (!(Number.isFinite(r.raw) && Number.isFinite(r.max) && r.max > 0)) continue;
    // Components are 0-100; import rejects raw outside [0, max], so the clip only guards bad data.
    const score = clip((100 * r.raw) / r.max, 0, 100);
    const prev = latest.get(r.category);
    if (!prev || isLater(r, score, prev.r, prev.score)) latest.set(r.category, { r, score });
  }
  const cats = [...latest.keys()].sort(byCodeUnits);
  const total = sumWeights(policy, cats.map((c) => weights[c]!));
  if (cats.length === 0 || !(total > 0)) {
    return {
      score: null,
      used: cats.map((c) => {
        const { r, score } = latest.get(c)!;
        return { category: c, raw: r.raw, max: r.max, takenOn: r.takenOn, score, weight: 0, policyWeight: weights[c]! };
      }),
    };
  }
  let sum = 0;
  const used: AssessmentUsed[] = [];
  for (const c of cats) {
    const { r, score } = latest.get(c)!;
    const w = weights[c]!;
    sum += w * score;
    used.push({ category: c, raw: r.raw, max: r.max, takenOn: r.takenOn, score, weight: w / total, policyWeight: w });
  }
  return { score: sum / total, used };
}

function isLater(a: AssessmentInput, aScore: number, b: AssessmentInput, bScore: number) {
  if (a.takenOn !== b.takenOn) return a.takenOn > b.takenOn;
  if (aScore !== bScore) return aScore > bScore;
  if (a.raw !== b.raw) return a.raw > b.raw;
  return a.max > b.max;
}

/**
 * The feedback prior m (DESIGN 3, feedback): the mean of the accepted response means over all
 * graded officers, `sum(sumMeans) / sum(n)`; `defaultPrior` (3) when there are no responses.
 * `officers` must come in a fixed order (the engine passes them sorted by code).
 */
export function feedbackPrior(policy: Policy, officers: readonly { n: number; sumMeans: number }[]) {
  let n = 0;
  let sum = 0;
  for (const o of officers) {
    n += o.n;
    sum += o.sumMeans;
  }
  return n > 0 ? sum / n : policy.feedback.defaultPrior;
}

/**
 * Feedback score (DESIGN 3, feedback): `100 * ((C*m + sum r) / (C + n) - 1) / 4`, a Bayesian
 * mean of the 1-5 ratings shrunk toward the prior m, mapped onto 0-100. Never missing.
 */
export function feedbackScore(policy: Policy, prior: number, n: number, sumMeans: number) {
  const c = policy.feedback.priorWeight;
  if (c + n === 0) return clip((100 * (prior - 1)) / 4, 0, 100);
  return clip((100 * ((c * prior + sumMeans) / (c + n) - 1)) / 4, 0, 100);
}

/**
 * Tenure (DESIGN 3, tenure): `years = max(0, periodEnd - positionStart in days) / 365.25`,
 * score `100 * min(years, cap) / cap` with cap 10 years.
 */
export function tenureScore(policy: Policy, positionStartDate: string, periodEnd: string) {
  const days = dayNumber(periodEnd) - dayNumber(positionStartDate);
  const years = Math.max(0, days) / 365.25;
  const cap = policy.tenure.capYears;
  return { days, years, score: (100 * Math.min(years, cap)) / cap };
}

/**
 * Penalty (DESIGN 3, composite): severity points per confirmed flag (low 0, medium 2, high 5,
 * critical 10), at most `max` (15) in all. A flag id counted once.
 */
export function penaltyPoints(policy: Policy, flags: readonly PenaltyInput[]) {
  const sev = policy.penalties.severity;
  const sorted = [...flags].sort(
    (a, b) => byCodeUnits(a.flagId, b.flagId) || (sev[b.severity] ?? 0) - (sev[a.severity] ?? 0) || byCodeUnits(a.rule, b.rule),
  );
  const used: PenaltyUsed[] = [];
  for (const f of sorted) {
    if (used.length > 0 && used.at(-1)!.flagId === f.flagId) continue;
    const points = sev[f.severity] ?? 0;
    used.push({ flagId: f.flagId, rule: f.rule, severity: f.severity, points });
  }
  const total = sumWeights(policy, used.map((u) => u.points));
  return { used, uncapped: total, penalty: Math.min(total, policy.penalties.max) };
}

/**
 * A sum of policy decimals (weights, severity points) in the given order: exact, as the nearest
 * double, under decimal arithmetic; the plain floating-point sum under binary arithmetic (v1).
 */
export function sumWeights(policy: Pick<Policy, 'arithmetic'>, values: readonly number[]): number {
  if (isDecimal(policy)) {
    let s = 0n;
    for (const v of values) s += millionths(v);
    return scaledToNumber(s, policyPlaces);
  }
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/**
 * Composite (DESIGN 3, composite): `sum(weight_i * score_i)`; a missing component's weight is
 * shared out proportionally, `w_i / (sum of present weights)` = `w_i / (1 - w_missing)`; then
 * minus the penalty, clipped to [0, 100]. Unrounded.
 */
export function compositeScore(policy: Policy, s: ComponentScores, penalty: number) {
  const w = policy.components;
  let weights: ComponentWeights;
  if (s.assessment === null) {
    const present = sumWeights(policy, [w.workload, 0, w.feedback, w.tenure]);
    const share = (x: number) => (present > 0 ? x / present : 0);
    weights = { workload: share(w.workload), assessment: 0, feedback: share(w.feedback), tenure: share(w.tenure) };
  } else {
    weights = { workload: w.workload, assessment: w.assessment, feedback: w.feedback, tenure: w.tenure };
  }
  let base = weights.workload * s.workload;
  if (s.assessment !== null) base += weights.assessment * s.assessment;
  base += weights.feedback * s.feedback;
  base += weights.tenure * s.tenure;
  return { weights, base, composite: clip(base - penalty, 0, 100), incomplete: s.assessment === null };
}

/**
 * Payout in yuan (DESIGN 3, tiers): `baseAllowance * coefficient * activeDays / periodDays`,
 * rounded to the fen.
 * - Decimal arithmetic (v2): exactly, in integer fen: base in fen times coefficient in millionths
 *   times active days, over period days times 10^6, rounded half away from zero (四舍五入); with
 *   `proration: 'active_days'` the days factor applies, otherwise it is 1.
 * - Binary arithmetic (v1): `round(baseAllowance * coefficient * 100) / 100`, as v1 computed it.
 */
export function payoutOf(policy: Policy, coefficient: number, activeDays: number, period: { start: string; end: string }): number {
  if (!isDecimal(policy)) return Math.round(policy.baseAllowance * coefficient * 100) / 100;
  const prorate = policy.proration === 'active_days';
  const periodDays = prorate ? inclusiveDays(period.start, period.end) : 1;
  const base = millionths(policy.baseAllowance) / pow10(policyPlaces - moneyPlaces);
  const num = base * millionths(coefficient) * BigInt(prorate ? activeDays : 1);
  const den = pow10(policyPlaces) * BigInt(prorate ? periodDays : 1);
  return scaledToNumber(divRoundHalfUp(num, den), moneyPlaces);
}
