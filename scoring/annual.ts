/**
 * The year (年度考核, DESIGN section 3b): the quarterly results of one year in, one annual grade
 * per officer out. Pure like the quarterly engine: no I/O, no clock; officers are sorted by code
 * and quarters by period before anything else, so input order never changes the output.
 *
 * - annual score = sum(composite_q * activeDays_q) / sum(activeDays_q) over the quarters in which
 *   the officer was graded; graded in fewer than `minQuarters` (2) quarters: `not_rated`;
 * - rank: annual score desc, quarters at `tieBreakTier` (5) desc, officer code asc;
 * - grade, top-down: `excellent` for the first floor(maxShare * rated) candidates in rank order,
 *   the candidates being the rated officers with score >= 80 and no flag of a barring severity
 *   (high, critical) confirmed in the year; everyone else by the lines competent >= 60,
 *   basically_competent >= 45, incompetent below.
 */
import { annualPolicyOf, annualQuota, type AnnualPolicy, type Policy } from './policy.js';
import type { PenaltyInput } from './types.js';
import { byCodeUnits, inOrder } from './components.js';
import { explainAnnual, type AnnualExplainBasis } from './annual-explain.js';

export const annualGrades = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const;
export type AnnualGrade = (typeof annualGrades)[number];

/** One quarter of an officer's year, as the quarter's published run has it. */
export interface AnnualQuarterInput {
  /** `YYYYQn`, one of the year's periods. */
  period: string;
  status: 'graded' | 'not_graded';
  /** The quarter's composite (unrounded); null when not graded. */
  composite: number | null;
  activeDays: number;
  /** The effective tier of the quarter (after corrections); null when not graded. */
  tier: number | null;
}

export interface AnnualOfficerInput {
  code: string;
  name?: string;
  unitCode?: string;
  /** The officer's result in each of the year's runs that has one (at most one per period). */
  quarters: AnnualQuarterInput[];
  /** Flags confirmed against the officer during the year (any severity; the policy says which bar excellent). */
  flags: PenaltyInput[];
}

export interface AnnualInput {
  /** The year, e.g. 2026. */
  year: number;
  /** The year's quarters, e.g. ['2026Q1', '2026Q2', '2026Q3', '2026Q4']. */
  periods: string[];
  officers: AnnualOfficerInput[];
}

export interface AnnualQuarterUsed {
  period: string;
  composite: number;
  activeDays: number;
  tier: number;
  /** activeDays / the officer's active days over the quarters used. */
  weight: number;
}

export interface AnnualPlacement {
  /** The highest grade whose line the score reaches (before the quota and flags). */
  qualifiedFor: AnnualGrade;
  /** Qualified for excellent but a barring flag was confirmed in the year. */
  barredBy: PenaltyInput[];
  /** An excellent candidate beyond the quota. */
  overQuota: boolean;
}

export interface AnnualResult {
  officerCode: string;
  name?: string;
  unitCode?: string;
  status: 'rated' | 'not_rated';
  /** Why not rated, e.g. 'graded in 1 quarter < 2'. */
  reason?: string;
  /** The weighted mean of the quarterly composites; null when not rated. */
  score: number | null;
  /** The quarters in which the officer was graded, by period. */
  quarters: AnnualQuarterUsed[];
  /** Quarters with a result but not graded (too few active days), with those days. */
  notGraded: { period: string; activeDays: number }[];
  /** Active days over the quarters used. */
  activeDays: number;
  /** Quarters used at the policy's tie-break tier (5). */
  tieBreakQuarters: number;
  rank: number | null;
  grade: AnnualGrade | null;
  placement: AnnualPlacement | null;
  explanation: { 'zh-CN': string[]; en: string[] };
}

export type AnnualFigures = Omit<AnnualResult, 'explanation'>;

export interface AnnualOutput<R = AnnualResult> {
  year: number;
  periods: string[];
  policyVersion: string;
  rated: number;
  notRated: number;
  /** The excellent quota: floor(share * rated), and how many candidates there were. */
  quota: { share: number; cap: number; used: number; candidates: number; barred: number };
  gradeCounts: Record<AnnualGrade, number>;
  /** Ordered by rank, then the officers not rated by code. */
  results: R[];
}

/** The highest grade whose line `score` reaches. */
export function gradeLine(a: AnnualPolicy, score: number): AnnualGrade {
  return score >= a.excellent.minScore ? 'excellent' : belowExcellent(a, score);
}

/** The highest grade below excellent whose line `score` reaches (candidates over the quota or barred go on to it). */
function belowExcellent(a: AnnualPolicy, score: number): AnnualGrade {
  if (score >= a.competent.minScore) return 'competent';
  if (score >= a.basicallyCompetent.minScore) return 'basically_competent';
  return 'incompetent';
}

/**
 * Annual rank order (DESIGN 3b): score desc, quarters at the tie-break tier desc, officer code
 * asc by code units. Codes are unique, so the order is total.
 */
export function compareAnnual(a: { code: string; score: number; tieBreakQuarters: number }, b: { code: string; score: number; tieBreakQuarters: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.tieBreakQuarters !== b.tieBreakQuarters) return b.tieBreakQuarters - a.tieBreakQuarters;
  return byCodeUnits(a.code, b.code);
}

/** The run-wide facts an annual explanation quotes, from the policy and the output. */
export function annualBasis(policy: Policy, out: Pick<AnnualOutput<unknown>, 'year' | 'periods' | 'rated' | 'quota'>): AnnualExplainBasis {
  const a = annualPolicyOf(policy);
  return {
    year: out.year,
    periods: out.periods,
    rated: out.rated,
    minQuarters: a.minQuarters,
    tieBreakTier: a.tieBreakTier,
    excellentMin: a.excellent.minScore,
    competentMin: a.competent.minScore,
    basicallyCompetentMin: a.basicallyCompetent.minScore,
    quotaShare: a.excellent.maxShare,
    quotaCap: out.quota.cap,
    barringSeverities: [...a.excellent.barringSeverities],
  };
}

/**
 * Grade a year (DESIGN 3b) under `policy` (validated with `policySchema`; its `annual` section,
 * or the default one). With `{ explain: false }` the results carry no explanation
 * (`explainAnnual` renders it later from the figures and `annualBasis`).
 * Throws `RangeError` on duplicate officer codes, a period outside `periods`, two results of one
 * officer in one period, or a graded quarter without composite or tier (a bug in the caller).
 */
export function gradeYear(policy: Policy, input: AnnualInput): AnnualOutput;
export function gradeYear(policy: Policy, input: AnnualInput, options: { explain: false }): AnnualOutput<AnnualFigures>;
export function gradeYear(policy: Policy, input: AnnualInput, options: { explain?: boolean } = {}): AnnualOutput<AnnualFigures> {
  const a = annualPolicyOf(policy);
  const periods = [...input.periods].sort(byCodeUnits);
  const known = new Set(periods);
  const officers = inOrder(input.officers, (x, y) => byCodeUnits(x.code, y.code));
  for (let i = 1; i < officers.length; i++) {
    if (officers[i]!.code === officers[i - 1]!.code) throw new RangeError(`duplicate officer code ${officers[i]!.code}`);
  }
  const barring = new Set<string>(a.excellent.barringSeverities);

  const work = officers.map((o) => {
    const quarters = inOrder(o.quarters, (x, y) => byCodeUnits(x.period, y.period));
    // One pass over the quarters (a province is 40,000 of them): checks, weights and counts.
    const graded: AnnualQuarterInput[] = [];
    const notGraded: AnnualResult['notGraded'] = [];
    let days = 0;
    let tieBreakQuarters = 0;
    for (let i = 0; i < quarters.length; i++) {
      const q = quarters[i]!;
      if (!known.has(q.period)) throw new RangeError(`officer ${o.code}: period ${q.period} is not one of ${periods.join(', ')}`);
      if (i > 0 && quarters[i - 1]!.period === q.period) throw new RangeError(`officer ${o.code}: two results for ${q.period}`);
      if (q.status === 'graded' && (q.composite === null || q.tier === null)) throw new RangeError(`officer ${o.code}: graded in ${q.period} without composite or tier`);
      if (q.status === 'graded') {
        graded.push(q);
        days += q.activeDays;
        if (q.tier === a.tieBreakTier) tieBreakQuarters++;
      } else notGraded.push({ period: q.period, activeDays: q.activeDays });
    }
    // sum(composite * days) / sum(days), quarters in period order.
    let weighted = 0;
    for (const q of graded) weighted += q.composite! * q.activeDays;
    const used: AnnualQuarterUsed[] = graded.map((q) => ({ period: q.period, composite: q.composite!, activeDays: q.activeDays, tier: q.tier!, weight: days > 0 ? q.activeDays / days : 0 }));
    // days is 0 only under a policy grading officers with no active day: no weights, not rated.
    const rated = graded.length >= a.minQuarters && days > 0;
    const flags = inOrder(o.flags, (x, y) => byCodeUnits(x.flagId, y.flagId) || byCodeUnits(x.severity, y.severity) || byCodeUnits(x.rule, y.rule));
    const seen = new Set<string>();
    return {
      o,
      rated,
      score: rated ? weighted / days : null,
      used,
      notGraded,
      days,
      tieBreakQuarters,
      barredBy: flags.filter((f) => barring.has(f.severity) && !seen.has(f.flagId) && seen.add(f.flagId) !== undefined),
    };
  });

  // compareAnnual's order, without two objects per comparison (10,000 officers: some 130,000 comparisons).
  const ranked = work
    .filter((w) => w.rated)
    .sort((x, y) => (x.score !== y.score ? y.score! - x.score! : x.tieBreakQuarters !== y.tieBreakQuarters ? y.tieBreakQuarters - x.tieBreakQuarters : byCodeUnits(x.o.code, y.o.code)));
  const ratedCount = ranked.length;
  const cap = annualQuota(a, ratedCount);
  let used = 0;
  let candidates = 0;
  let barred = 0;
  const gradeCounts: Record<AnnualGrade, number> = { excellent: 0, competent: 0, basically_competent: 0, incompetent: 0 };

  const results: AnnualFigures[] = ranked.map((w, i) => {
    const score = w.score!;
    const qualifiedFor = gradeLine(a, score);
    let grade: AnnualGrade;
    let overQuota = false;
    const barredBy = qualifiedFor === 'excellent' ? w.barredBy : [];
    if (qualifiedFor === 'excellent' && barredBy.length === 0) {
      candidates++;
      if (used < cap) {
        used++;
        grade = 'excellent';
      } else {
        overQuota = true;
        grade = belowExcellent(a, score);
      }
    } else {
      if (barredBy.length > 0) barred++;
      grade = qualifiedFor === 'excellent' ? belowExcellent(a, score) : qualifiedFor;
    }
    gradeCounts[grade]++;
    return figures(w.o, 'rated', undefined, score, w, i + 1, grade, { qualifiedFor, barredBy, overQuota });
  });
  for (const w of work) {
    if (w.rated) continue;
    const n = w.used.length;
    const reason = n >= a.minQuarters ? 'no active days in the quarters graded' : `graded in ${n} quarter${n === 1 ? '' : 's'} < ${a.minQuarters}`;
    results.push(figures(w.o, 'not_rated', reason, null, w, null, null, null));
  }

  const out: AnnualOutput<AnnualFigures> = {
    year: input.year,
    periods,
    policyVersion: policy.version,
    rated: ratedCount,
    notRated: work.length - ratedCount,
    quota: { share: a.excellent.maxShare, cap, used, candidates, barred },
    gradeCounts,
    results,
  };
  if (options.explain === false) return out;
  const basis = annualBasis(policy, out);
  return { ...out, results: results.map((r) => ({ ...r, explanation: explainAnnual(r, basis) })) };
}

function figures(
  o: AnnualOfficerInput,
  status: AnnualResult['status'],
  reason: string | undefined,
  score: number | null,
  w: { used: AnnualQuarterUsed[]; notGraded: AnnualResult['notGraded']; days: number; tieBreakQuarters: number },
  rank: number | null,
  grade: AnnualGrade | null,
  placement: AnnualPlacement | null,
): AnnualFigures {
  return {
    officerCode: o.code,
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.unitCode === undefined ? {} : { unitCode: o.unitCode }),
    status,
    ...(reason === undefined ? {} : { reason }),
    score,
    quarters: w.used,
    notGraded: w.notGraded,
    activeDays: w.days,
    tieBreakQuarters: w.tieBreakQuarters,
    rank,
    grade,
    placement,
  };
}
