/**
 * What a generated bureau is made of (the shapes `generateBureau` returns) and what its stages
 * share: an officer's hidden traits, the planted officers, the peer groups' weights, and the
 * numbers every stage draws with.
 */
import type { ImportInput } from '../../src/imports/rows.js';
import type { Rng } from './prng.js';
import type { BureauSize } from './sizes.js';

export const teams = ['风险分析', '评估', '综合管理', '纳税服务'] as const;
export type Team = (typeof teams)[number];

// Master data and inputs in exactly the import API's row shapes (src/imports/import.ts).
type Rows<K extends keyof ImportInput> = NonNullable<ImportInput[K]>[number];
export type UnitRow = Rows<'units'>;
export type OfficerRow = Rows<'officers'>;
export type TaxpayerRow = Rows<'taxpayers'>;
export type AssignmentRow = Rows<'assignments'>;
export type WorkloadRow = Rows<'workload'>;
export type AssessmentRow = Rows<'assessments'>;
export type ThresholdRow = Rows<'thresholds'>;

export interface ResponseEvent {
  index: number;
  officerCode: string;
  taxpayerCode: string;
  interactionRef: string;
  /** When the invitation was issued (the service interaction). */
  invitedAt: string;
  submittedAt: string;
  ratings: { professionalism: number; attitude: number; efficiency: number; integrity: number };
  comment?: string;
  complaint?: string;
}

export interface DecisionEvent {
  index: number;
  type: string;
  deciderCode: string;
  taxpayerCode: string;
  amount: number;
  threshold?: number;
  justification: string;
  decidedAt: string;
  violationType?: string;
  reviewers: { officerCode: string; vote: 'approve' | 'reject' | null; investigated: boolean }[];
  /** Index of the decision this one amends (always an earlier index). */
  amends?: number;
  amendReason?: string;
}

/** A generated bureau: every import kind (exactly as `POST /api/v1/import` takes it) and the events. */
export interface Bureau extends Required<ImportInput> {
  size: BureauSize;
  seed: string;
  today: string;
  /** The last complete quarter (graded by the demo and the bench). */
  gradedPeriod: string;
  /** Quarters with data, oldest first; the last is today's (incomplete) quarter. */
  periods: { code: string; startDate: string; endDate: string }[];
  /** With `size.fullYear`: the calendar year whose four quarters the demo publishes and reviews. */
  reviewYear: number | null;
  windowStart: string;
  /** The decision threshold the bunching is planted under (assessed turnover, yuan a month). */
  turnoverThreshold: number;
  /** Officers with planted behaviour, for the demo's printout and the tests. */
  planted: { noRotation: string[]; bunching: string[]; waiverHappy: string[]; favouriteReviewer: string[]; soloDecider: string[]; burst: string[] };
  responses(): Generator<ResponseEvent>;
  decisions(): Generator<DecisionEvent>;
}

export interface GenerateOptions {
  size: BureauSize;
  seed?: string;
  /** "Today" of the data, `YYYY-MM-DD`. */
  today: string;
}

/** An officer as the generator sees them: the import row and what drives their numbers. */
export interface OfficerTraits {
  o: OfficerRow;
  unitIdx: number;
  hire: number;
  leave: number | null;
  quality: number; // latent feedback mean
  productivity: number;
  skill: number;
  manager: boolean;
  managed: number[]; // taxpayer indices currently managed
}

/** The officers with planted behaviour, and the pool the planted deciders were drawn from. */
export interface Planted {
  deciders: OfficerTraits[];
  noRotation: Set<OfficerTraits>;
  bunching: Set<OfficerTraits>;
  waiverHappy: Set<OfficerTraits>;
  favouriteReviewer: Set<OfficerTraits>;
  soloDecider: Set<OfficerTraits>;
  burst: Set<OfficerTraits>;
}

/** What the event streams draw from: the window (as day numbers) and the bureau drawn before them. */
export interface Drawn {
  root: Rng;
  todayDay: number;
  windowDay: number;
  traits: OfficerTraits[];
  officersByUnit: OfficerTraits[][];
  taxpayers: TaxpayerRow[];
  taxpayersByUnit: number[][];
  planted: Planted;
}

export const peerDensity: Record<string, number> = { urban: 2.0, suburban: 1.2, development_zone: 1.5, county: 0.6 };
export const peerStaffing: Record<string, number> = { urban: 1.4, suburban: 1.0, development_zone: 0.8, county: 0.7 };

export const pad = (n: number, w: number) => String(n).padStart(w, '0');
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
