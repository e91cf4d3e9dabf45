/**
 * The figures behind a flag's chart, where they are a distribution: read again through the rules'
 * own queries over the flag's recorded window, or taken from the evidence itself. Nothing here is
 * written anywhere: the flag's evidence stays what the rule wrote (DESIGN 5, "What a leaf may
 * hold"), and the page only shows what its reader may already see. The caller has read the flag
 * through getFlag, which checked who may.
 */
import type { Ctx } from '../core/context.js';
import { bunchingHistogram, type BunchingHistogram } from './rules/bunching.js';
import { windowContext } from './rules/common.js';
import { officerRates, rateOf } from './rules/peer-outlier.js';
import { reviewerShares } from './rules/reviewer-concentration.js';
import { burstResponses, type BurstResponse } from './rules/feedback-burst.js';
import { defaultOversightPolicy } from './policy.js';

export interface PeerFigures {
  kind: 'peer';
  /** The peers' rates, the subject left out, ascending; nobody is named. */
  peers: number[];
  own: number;
  median: number;
  /** Where a flag starts: median + maxZ * scale. */
  cutoff: number;
  maxZ: number;
}
export interface BenfordFigures { kind: 'benford'; counts: number[]; observed: number[]; expected: number[]; amounts: number }
export interface BurstFigures {
  kind: 'burst';
  windowMinutes: number;
  bursts: { start: string; until: string; responses: number }[];
  /** The responses of the first bursts (burst = index into bursts). */
  responses: BurstResponse[];
  shownBursts: number;
}
export interface ConcentrationFigures { kind: 'concentration'; reviewed: number; reviewers: { reviewer: string; together: number }[]; flagged: string; maxShare: number }
export interface BunchingFigures { kind: 'bunching'; histogram: BunchingHistogram }

export type FlagFigures = PeerFigures | BenfordFigures | BurstFigures | ConcentrationFigures | BunchingFigures;

type Ev = Record<string, unknown>;
const isWindow = (w: unknown): w is { from: string; to: string } =>
  !!w && typeof w === 'object' && typeof (w as { from?: unknown }).from === 'string' && typeof (w as { to?: unknown }).to === 'string';
const nine = (v: unknown): v is number[] => Array.isArray(v) && v.length === 9 && v.every((x) => typeof x === 'number');

/** Bursts listed with their responses on the page; the rest are counted only. */
export const SHOWN_BURSTS = 10;

/** The chart figures of a flag, or null when its rule has no distribution to draw (or its evidence lacks the figures). */
export async function flagFigures(ctx: Ctx, flag: { rule: string; subjectCode: string; evidence: Ev }): Promise<FlagFigures | null> {
  const ev = flag.evidence;
  const officer = typeof ev.officerCode === 'string' ? ev.officerCode : flag.subjectCode;
  const window = isWindow(ev.window) ? ev.window : { from: '0000-01-01', to: ctx.clock.now().toISOString().slice(0, 10) };
  switch (flag.rule) {
    case 'threshold_bunching': {
      if (typeof ev.threshold !== 'number' || typeof ev.decisionType !== 'string') return null;
      return { kind: 'bunching', histogram: await bunchingHistogram(ctx, { officerCode: officer, decisionType: ev.decisionType, threshold: ev.threshold, window }) };
    }
    case 'peer_outlier': {
      if (typeof ev.rate !== 'number' || typeof ev.median !== 'number' || typeof ev.scale !== 'number' || typeof ev.maxZ !== 'number') return null;
      const rows = await officerRates(windowContext(ctx, defaultOversightPolicy, window));
      const peers = rows
        .filter((r) => r.officer !== officer && (ev.comparedWith !== 'peer_group' || r.peer_group === ev.peerGroup))
        .map(rateOf)
        .sort((a, b) => a - b);
      return { kind: 'peer', peers, own: ev.rate, median: ev.median, cutoff: ev.median + ev.maxZ * ev.scale, maxZ: ev.maxZ };
    }
    case 'benford': {
      if (!nine(ev.counts) || !nine(ev.observed) || !nine(ev.expected)) return null;
      return { kind: 'benford', counts: ev.counts, observed: ev.observed, expected: ev.expected, amounts: typeof ev.amounts === 'number' ? ev.amounts : ev.counts.reduce((a, b) => a + b, 0) };
    }
    case 'feedback_burst': {
      const bursts = (Array.isArray(ev.bursts) ? ev.bursts : []).filter(
        (b): b is { start: string; until: string; responses: number } => !!b && typeof b.start === 'string' && typeof b.until === 'string',
      );
      if (!bursts.length) return null;
      const responses = await burstResponses(ctx, officer, bursts, { maxBursts: SHOWN_BURSTS, maxEach: 100 });
      const windowMinutes = typeof ev.windowMinutes === 'number' ? ev.windowMinutes : defaultOversightPolicy.rules.feedback_burst.windowMinutes;
      return { kind: 'burst', windowMinutes, bursts, responses, shownBursts: Math.min(bursts.length, SHOWN_BURSTS) };
    }
    case 'reviewer_concentration': {
      if (typeof ev.reviewerCode !== 'string') return null;
      const shares = await reviewerShares(windowContext(ctx, defaultOversightPolicy, window), officer);
      const maxShare = typeof ev.maxShare === 'number' ? ev.maxShare : defaultOversightPolicy.rules.reviewer_concentration.maxShare;
      return { kind: 'concentration', reviewed: shares.reviewed, reviewers: shares.reviewers, flagged: ev.reviewerCode, maxShare };
    }
    default:
      return null;
  }
}
