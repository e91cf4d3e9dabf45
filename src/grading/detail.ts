/**
 * The stored form of a result's breakdown (`grading_results.detail`, ADR 0013; measurements in
 * docs/bench.md, "Grading run history"). A run stores the figures the explanation is made of, not the explanation: the text is
 * rendered on read by the pure `explainResult` (scoring/explain.ts), so a 10,000-officer run
 * writes ~4 MB instead of ~27 MB and the engine does no string work.
 *
 * The stored breakdown leaves out what the row's columns already hold (status, components,
 * composite, rank, and the engine's tier, coefficient and payout) and what is a pure function
 * of what it keeps (the assessment scores and renormalised weights, tenure years, the uncapped
 * penalty, the peer position, the reason for not grading). `expandDetail` rebuilds the engine's
 * `OfficerResult` from row and breakdown, bit for bit and key for key, with its explanation.
 * Rows stored before this format (no `v`) are the full result already and are returned as they are.
 */
import { explainResult, type ExplainBasis, type ResultFigures } from '../../scoring/explain.js';
import { wholeRun } from '../../scoring/engine.js';
import { sumWeights } from '../../scoring/components.js';
import type { AssessmentUsed, OfficerResult, PenaltyUsed, Severity } from '../../scoring/types.js';

/**
 * The run-wide facts every row repeats so that a row renders on its own (the officer pages read
 * one row at a time): [period code, period start, period end, window start, window end, graded,
 * prior m, C, policy version, min active days, min peer group size, categories, cap years,
 * assessment weight, penalty max, then for policy v2 runs only: 'decimal' (exact sums),
 * 'active_days' (prorated payout)]. Runs of v1 policies keep the 15 elements they always had.
 */
export type StoredRun = [string, string, string, string, string, number, number, number, string, number, number, number, number, number, number, ('decimal' | null)?, ('active_days' | null)?];

export interface StoredDetail {
  v: 2;
  name?: string;
  unit: string;
  group: string;
  team: string;
  /** Active days and the active range [from, to]. */
  days: number;
  act: [string, string];
  /** Capped penalty points (informational for officers not graded). */
  pen: number;
  /** Weights used [workload, assessment, feedback, tenure]; graded only. */
  w?: [number, number, number, number];
  /** Composite before the penalty and the clip; graded only. */
  base?: number;
  /** Level qualified for; placed officers only. */
  q?: number;
  /** Levels capped at with their share and cap: [level, share, cap]; only when capped. */
  cap?: [number, number, number][];
  wp: number;
  wc: Record<string, number>;
  ign?: string[];
  /** [comparison set size, own peer group size, below, equal]. */
  peer: [number, number, number, number];
  /** Compared with the whole run (small peer group). */
  fall?: true;
  /** Latest result per category: [category, raw, max, takenOn, policy weight]. */
  as: [string, number, number, string, number][];
  fn: number;
  fs: number;
  /** Days from position start to period end. */
  td: number;
  /** Penalties: [flagId, rule, severity, points]. */
  pl: [string, string, Severity, number][];
  run: StoredRun;
}

/** The row columns a breakdown is expanded with. */
export interface DetailColumns {
  officerCode: string;
  status: 'graded' | 'not_graded';
  composite: number | null;
  workload: number | null;
  assessment: number | null;
  feedback: number | null;
  tenure: number | null;
  rank: number | null;
  tier: number | null;
  coefficient: number | null;
  payout: number | null;
}

/** The run-wide part of a breakdown, built once per run. */
export function storedRun(b: Omit<ExplainBasis, 'activeFrom' | 'activeTo' | 'caps'>, window: { start: string; end: string }, prior: number, priorWeight: number): StoredRun {
  const run: StoredRun = [
    b.period.code,
    b.period.start,
    b.period.end,
    window.start,
    window.end,
    b.graded,
    prior,
    priorWeight,
    b.policyVersion,
    b.minActiveDays,
    b.minPeerGroupSize,
    b.categories,
    b.capYears,
    b.assessmentWeight,
    b.penaltyMax,
  ];
  if (b.decimal || b.prorated) run.push(b.decimal ? 'decimal' : null, b.prorated ? 'active_days' : null);
  return run;
}

/** The stored breakdown of one engine result; `run` is shared by every row of the run. */
export function packDetail(r: ResultFigures, basis: Pick<ExplainBasis, 'activeFrom' | 'activeTo' | 'caps'>, run: StoredRun): StoredDetail {
  const raw = r.raw;
  const d: StoredDetail = {
    v: 2,
    ...(r.name === undefined ? {} : { name: r.name }),
    unit: r.unitCode,
    group: r.peerGroup,
    team: r.team,
    days: r.activeDays,
    act: [basis.activeFrom, basis.activeTo],
    pen: r.penalty,
    wp: raw.workloadPoints,
    wc: raw.workloadCounts,
    peer: [raw.peerCount, raw.peerGroupSize, raw.peerBelow, raw.peerEqual],
    as: raw.assessmentsUsed.map((a) => [a.category, a.raw, a.max, a.takenOn, a.policyWeight]),
    fn: raw.feedbackN,
    fs: raw.feedbackSum,
    td: raw.tenureDays,
    pl: raw.penalties.map((p) => [p.flagId, p.rule, p.severity, p.points]),
    run,
  };
  if (r.weights) d.w = [r.weights.workload, r.weights.assessment, r.weights.feedback, r.weights.tenure];
  if (raw.compositeBeforePenalty !== null) d.base = raw.compositeBeforePenalty;
  if (r.placement) {
    d.q = r.placement.qualifiedFor;
    if (r.placement.cappedAt.length > 0) d.cap = r.placement.cappedAt.map((level) => {
      const c = basis.caps.find((x) => x.level === level);
      return [level, c?.share ?? 0, c?.cap ?? 0];
    });
  }
  if (raw.ignoredKinds.length > 0) d.ign = raw.ignoredKinds;
  if (raw.peerFallback) d.fall = true;
  return d;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The engine's result (with its explanation) from a row's columns and stored breakdown. */
export function expandDetail(cols: DetailColumns, stored: unknown): OfficerResult {
  const d = stored as StoredDetail;
  if (d.v !== 2) return stored as OfficerResult;
  const [code, start, end, winStart, winEnd, graded, prior, priorWeight, policyVersion, minActiveDays, minPeerGroupSize, categories, capYears, assessmentWeight, penaltyMax, arithmetic, proration] = d.run;
  const isGraded = cols.status === 'graded';
  const sums = { arithmetic: arithmetic ?? undefined };

  // As scoring/components.ts assessmentScore computes them, in the same order.
  const total = sumWeights(sums, d.as.map((a) => a[4]));
  const missing = d.as.length === 0 || !(total > 0);
  const assessmentsUsed: AssessmentUsed[] = d.as.map(([category, raw, max, takenOn, policyWeight]) => ({
    category,
    raw,
    max,
    takenOn,
    score: clip((100 * raw) / max, 0, 100),
    weight: missing ? 0 : policyWeight / total,
    policyWeight,
  }));
  const penalties: PenaltyUsed[] = d.pl.map(([flagId, rule, severity, points]) => ({ flagId, rule, severity, points }));
  const uncapped = sumWeights(sums, d.pl.map((p) => p[3]));
  const [peerCount, peerGroupSize, peerBelow, peerEqual] = d.peer;
  const fallback = d.fall === true;
  const tier = cols.tier;
  const r: ResultFigures = {
    officerCode: cols.officerCode,
    ...(d.name === undefined ? {} : { name: d.name }),
    unitCode: d.unit,
    peerGroup: d.group,
    team: d.team,
    status: cols.status,
    ...(isGraded ? {} : { reason: `active ${d.days} days < ${minActiveDays}` }),
    activeDays: d.days,
    components: isGraded ? { workload: cols.workload!, assessment: cols.assessment, feedback: cols.feedback!, tenure: cols.tenure! } : null,
    weights: d.w ? { workload: d.w[0], assessment: d.w[1], feedback: d.w[2], tenure: d.w[3] } : null,
    incomplete: isGraded && cols.assessment === null,
    penalty: d.pen,
    composite: cols.composite,
    rank: cols.rank,
    tier,
    coefficient: cols.coefficient,
    payout: cols.payout,
    raw: {
      workloadPoints: d.wp,
      workloadCounts: d.wc,
      ignoredKinds: d.ign ?? [],
      peerGroup: d.group,
      peerGroupUsed: fallback ? wholeRun : d.group,
      peerFallback: fallback,
      peerCount,
      peerGroupSize,
      peerBelow,
      peerEqual,
      peerPosition: isGraded ? peerCount - peerBelow - peerEqual + 1 : 0,
      assessmentWindow: { start: winStart, end: winEnd },
      assessmentsUsed,
      feedbackN: d.fn,
      feedbackSum: d.fs,
      prior,
      priorWeight,
      tenureDays: d.td,
      tenureYears: Math.max(0, d.td) / 365.25,
      penalties,
      penaltyUncapped: uncapped,
      compositeBeforePenalty: d.base ?? null,
    },
    placement: d.q === undefined || tier === null ? null : { qualifiedFor: d.q, placedAt: tier, cappedAt: (d.cap ?? []).map((c) => c[0]) },
  };
  const basis: ExplainBasis = {
    period: { code, start, end },
    graded,
    activeFrom: d.act[0],
    activeTo: d.act[1],
    policyVersion,
    minActiveDays,
    minPeerGroupSize,
    categories,
    capYears,
    assessmentWeight,
    penaltyMax,
    caps: (d.cap ?? []).map(([level, share, cap]) => ({ level, share, cap })),
    ...(proration === 'active_days' ? { prorated: true as const } : {}),
    ...(arithmetic === 'decimal' ? { decimal: true as const } : {}),
  };
  return { ...r, explanation: explainResult(r, basis) };
}
