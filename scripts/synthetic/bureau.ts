/**
 * The synthetic tax bureau: one deterministic generator, parameterised by size, used by the demo
 * (a municipal bureau loaded through the service verbs) and by the bench (a province written
 * straight into a libsql file). Same seed and size, same data, on every machine.
 *
 * Master data and inputs come out in the shapes of the import API (API.md), so the demo can hand
 * them to importData unchanged. Feedback responses and decisions are streams (generators), so the
 * bench can write a million of each without holding them in memory.
 *
 * What is planted on purpose, so that the oversight rules have something to find:
 * - a few officers who never rotate their taxpayers (rotation due: > 3 years on one taxpayer);
 * - a few officers whose assessed turnovers bunch just under the 20,000 yuan threshold;
 * - a few officers who waive penalties far more than their peers (peer outlier);
 * - officers who always sit with the same reviewer (reviewer concentration), panels with one
 *   reviewer (sole decider) or a missing vote (no quorum);
 * - repeat first-violation waivers, late amendments and amendments that cross the threshold;
 * - feedback bursts and a few complaints;
 * - leavers and late hires, so some officers are not graded.
 *
 * The stages, in the order they draw (each from its own fork of the seed): the staff
 * (bureau-staff.ts), the taxpayers and who manages them (bureau-taxpayers.ts), the quarterly
 * inputs (bureau-inputs.ts), and the two streams (bureau-responses.ts, bureau-decisions.ts).
 * The shapes are in bureau-model.ts, the calendar in bureau-calendar.ts.
 */
import { createRng } from './prng.js';
import { dayOf, quarterOf, quarterRange, shiftQuarter } from './bureau-calendar.js';
import type { Bureau, Drawn, GenerateOptions } from './bureau-model.js';
import { drawOfficers, drawUnits, plantBehaviour } from './bureau-staff.js';
import { drawTaxpayers } from './bureau-taxpayers.js';
import { drawAssessments, drawWorkload } from './bureau-inputs.js';
import { chronological } from './bureau-streams.js';
import { drawResponses } from './bureau-responses.js';
import { drawDecisions, thresholdRows, turnoverThreshold } from './bureau-decisions.js';

export { dayOf, isoOf, quarterOf, quarterRange, shiftQuarter } from './bureau-calendar.js';
export {
  teams,
  type AssessmentRow,
  type AssignmentRow,
  type Bureau,
  type DecisionEvent,
  type GenerateOptions,
  type OfficerRow,
  type ResponseEvent,
  type TaxpayerRow,
  type Team,
  type ThresholdRow,
  type UnitRow,
  type WorkloadRow,
} from './bureau-model.js';

/** Builds the bureau's master data and inputs now; responses and decisions stream on demand. */
export function generateBureau({ size, seed = 'tgo', today }: GenerateOptions): Bureau {
  const root = createRng(`${seed}:${size.label}:${today}`);
  const todayDay = dayOf(today);
  const currentQ = quarterOf(today);
  const gradedPeriod = shiftQuarter(currentQ, -1);
  let firstQ = shiftQuarter(gradedPeriod, -3);
  let reviewYear: number | null = null;
  if (size.fullYear) {
    // The quarters before the last complete one are published: the latest year they complete.
    const lastPublished = shiftQuarter(gradedPeriod, -1);
    reviewYear = Number(lastPublished.slice(0, 4)) - (lastPublished.endsWith('Q4') ? 0 : 1);
    if (`${reviewYear}Q1` < firstQ) firstQ = `${reviewYear}Q1`;
  }
  const periods: Bureau['periods'] = [];
  for (let q = firstQ; ; q = shiftQuarter(q, 1)) {
    periods.push(quarterRange(q));
    if (q === currentQ) break;
  }
  const windowStart = periods[0]!.startDate;
  const windowDay = dayOf(windowStart);
  // Responses and decisions are sized for five quarters; a longer window keeps their density.
  const streamScale = size.fullYear ? periods.length / 5 : 1;
  const responseCount = Math.round(size.responses * streamScale);
  const decisionCount = Math.round(size.decisions * streamScale);

  const units = drawUnits(size);
  const staff = drawOfficers(root.fork('officers'), size, units, todayDay, windowDay);
  const { traits, officersByUnit } = staff;
  const officers = traits.map((t) => t.o);
  const planted = plantBehaviour(root.fork('plant'), traits, todayDay, windowDay);
  const { noRotation, bunching, waiverHappy, favouriteReviewer, soloDecider, burst } = planted;
  const { taxpayers, taxpayersByUnit, assignments } = drawTaxpayers(root.fork('taxpayers'), size, units, staff, noRotation, todayDay);
  const workload = drawWorkload(root.fork('workload'), size, periods, units, traits, taxpayers);
  const assessments = drawAssessments(root.fork('assessments'), traits, windowDay, todayDay);
  const thresholds = thresholdRows();

  const drawn: Drawn = { root, todayDay, windowDay, traits, officersByUnit, taxpayers, taxpayersByUnit, planted };
  const responses = () => chronological(drawResponses(drawn, responseCount), (r) => r.submittedAt);
  const decisions = () => chronological(drawDecisions(drawn, decisionCount), (d) => d.decidedAt);

  return {
    size,
    seed,
    today,
    gradedPeriod,
    periods,
    reviewYear,
    windowStart,
    units,
    officers,
    taxpayers,
    assignments,
    workload,
    assessments,
    thresholds,
    turnoverThreshold,
    planted: {
      noRotation: [...noRotation].map((t) => t.o.code),
      bunching: [...bunching].map((t) => t.o.code),
      waiverHappy: [...waiverHappy].map((t) => t.o.code),
      favouriteReviewer: [...favouriteReviewer].map((t) => t.o.code),
      soloDecider: [...soloDecider].map((t) => t.o.code),
      burst: [...burst].map((t) => t.o.code),
    },
    responses,
    decisions,
  };
}
