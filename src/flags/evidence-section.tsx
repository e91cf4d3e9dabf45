/**
 * The evidence of one flag as its reviewer reads it: why it was raised in plain words, then the
 * chart of its figures where they are a distribution. The figures themselves (the JSON the rule
 * wrote) stay one click away on the flag page for whoever wants to check the sums.
 */
import { translator, type Lang, type Translate } from '../pages/i18n.js';
import { money, when } from '../pages/page-helpers.js';
import { decisionsMessages } from '../decisions/messages.js';
import { BunchingChart } from './bunching-chart.js';
import { BenfordChart, BurstChart, ConcentrationChart, PeerChart, num, pct, plain } from './evidence-charts.js';
import type { FlagFigures } from './evidence-figures.js';

// ---------------------------------------------------------------------------------------------
// Why a flag was raised, in plain words: the sentence a supervisor reads first, filled with the
// flag's own figures (its evidence as the rule wrote it; nothing else is read). Every rule has its
// sentence; a rule without one (a new rule, an old flag) says which rule it was.

type Ev = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '–');

/** A day, from an ISO date or time. */
const day = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 10) : '–');

/** A labelled code: its label in `t` under `prefix.code`, else the code as written. */
function labelOf(t: Translate, prefix: string, code: unknown): string {
  if (typeof code !== 'string') return '–';
  const key = `${prefix}.${code}`;
  const label = t(key);
  return label === key ? code : label;
}

/** Whom a peer_outlier flag compared the officer with: "the 6 officers of the peer group urban", or all officers. */
export function peerGroupPhrase(t: Translate, ev: Ev): string {
  return ev.comparedWith === 'peer_group'
    ? t('why.peer.group', { peerGroup: labelOf(t, 'peerGroup', ev.peerGroup), peers: plain(ev.peers) })
    : t('why.peer.all', { peers: plain(ev.peers) });
}

/** The sentences for a flag of `rule` with evidence `ev`, in the page's language. */
export function whyRaised(rule: string, ev: Ev, opts: { t: Translate; lang: Lang; subject: string }): string[] {
  const { t, lang } = opts;
  const officer = typeof ev.officerCode === 'string' ? ev.officerCode : opts.subject;
  const chance = (p: unknown) => {
    const x = num(p);
    if (x === null) return '–';
    return x < 1e-4 ? t('why.chance.tiny') : t('why.chance', { p: `${Number((x * 100).toPrecision(2))}%` });
  };
  const typeLabel = (code: unknown) => labelOf(translator(lang, decisionsMessages), 'type', code);
  switch (rule) {
    case 'threshold_bunching': {
      const band = (ev.band ?? {}) as { lower?: number; upper?: number };
      return [
        t('why.threshold_bunching', {
          officer, type: typeLabel(ev.decisionType), below: plain(ev.below), above: plain(ev.above),
          threshold: money(ev.threshold), lower: money(band.lower), upper: money(band.upper), chance: chance(ev.pValue), limit: pct(ev.maxPValue, 2),
        }),
      ];
    }
    case 'sole_decider':
      return [t('why.sole_decider', { officer, n: plain(ev.decisions), type: typeLabel(ev.decisionType), min: plain(ev.minIndependentReviewers) })];
    case 'reviewer_concentration':
      return [
        t('why.reviewer_concentration', {
          officer, reviewed: plain(ev.reviewedDecisions), with: plain(ev.withReviewer), share: pct(ev.share), reviewer: text(ev.reviewerCode), max: pct(ev.maxShare),
        }),
      ];
    case 'rotation_due':
      return [t('why.rotation_due', { officer, n: plain(ev.taxpayersDue), years: plain(ev.maxYears), since: day(ev.earliestSince), asOf: day(ev.asOf) })];
    case 'peer_outlier': {
      const group = peerGroupPhrase(t, ev);
      return [
        t('why.peer_outlier', {
          officer, rate: plain(ev.rate, 3), fav: plain(ev.favourableDecisions), managed: plain(ev.managedTaxpayers), group, median: plain(ev.median, 3), z: plain(ev.z, 2), maxZ: plain(ev.maxZ, 1),
        }),
      ];
    }
    case 'benford': {
      const observed = Array.isArray(ev.observed) ? (ev.observed as number[]) : [];
      const expected = Array.isArray(ev.expected) ? (ev.expected as number[]) : [];
      let worst = 0;
      for (let i = 1; i < Math.min(observed.length, expected.length); i++) {
        if (Math.abs(observed[i]! - expected[i]!) > Math.abs(observed[worst]! - expected[worst]!)) worst = i;
      }
      return [
        t('why.benford', {
          officer, n: plain(ev.amounts), mad: plain(ev.mad, 4), max: plain(ev.maxMad, 4), digit: worst + 1, observed: pct(observed[worst]), expected: pct(expected[worst]),
        }),
      ];
    }
    case 'late_amendment': {
      const reasons = Array.isArray(ev.reasons) ? ev.reasons : [];
      const out: string[] = [];
      if (reasons.includes('late') || !reasons.length) {
        out.push(t('why.late_amendment.late', { officer, decided: day(ev.originalDecidedAt), recorded: day(ev.amendmentRecordedAt), days: plain(ev.days), max: plain(ev.maxDays) }));
      }
      if (reasons.includes('below_threshold')) out.push(t('why.late_amendment.below', { from: money(ev.originalAmount), to: money(ev.amount), threshold: money(ev.threshold) }));
      return out;
    }
    case 'complaint': {
      const out = [t('why.complaint', { officer })];
      if (typeof ev.channel === 'string') out.push(t('why.complaint.channel', { channel: labelOf(t, 'channel', ev.channel) }));
      if (typeof ev.category === 'string') out.push(t('why.complaint.category', { category: labelOf(t, 'category', ev.category) }));
      if (typeof ev.period === 'string') out.push(t('why.complaint.period', { period: ev.period }));
      out.push(t('why.complaint.text'));
      return out;
    }
    case 'feedback_burst':
      return [
        t('why.feedback_burst', {
          officer, peak: plain(ev.peakResponses), minutes: plain(ev.windowMinutes), max: plain(ev.maxResponses), bursts: Array.isArray(ev.bursts) ? ev.bursts.length : '–',
        }),
      ];
    case 'repeat_waiver': {
      const earlier = (Array.isArray(ev.earlierWaivers) ? ev.earlierWaivers : []) as { deciderCode?: string; decidedAt?: string }[];
      return [
        t('why.repeat_waiver', {
          officer, decided: day(ev.decidedAt), violation: labelOf(t, 'violation', ev.violationType), k: earlier.length, first: day(earlier[0]?.decidedAt), firstBy: text(earlier[0]?.deciderCode),
        }),
      ];
    }
    case 'no_quorum': {
      const panels = (Array.isArray(ev.panels) ? ev.panels : []) as { panel?: number; voting?: number; investigatorsVoting?: number; lapsed?: boolean }[];
      const share = num(ev.minVotingShare) ?? 2 / 3;
      const counts = {
        few: panels.filter((p) => !p.lapsed && (p.voting ?? 0) < share * (p.panel ?? 0) - 1e-9).length,
        investigator: panels.filter((p) => (p.investigatorsVoting ?? 0) > 0).length,
        lapsed: panels.filter((p) => p.lapsed).length,
      };
      const parts = (Object.entries(counts) as [keyof typeof counts, number][])
        .filter(([, k]) => k > 0)
        .map(([kind, k]) => t(`why.no_quorum.${kind}`, { k, share: share === 2 / 3 ? '2/3' : pct(share) }));
      const out = [t('why.no_quorum', { officer, n: plain(ev.decisionsWithoutQuorum) })];
      if (parts.length) out.push(t('why.no_quorum.of', { listed: panels.length, parts: parts.join(t('why.list.sep')) }));
      return out;
    }
    case 'spot_check':
      return [t('why.spot_check', { officer, period: text(ev.period), finding: text(ev.finding) })];
    case 'feedback_selection':
      return [
        t('why.feedback_selection', {
          officer, inv: plain(ev.invitationMean), invN: plain(ev.invitationN), rv: plain(ev.returnVisitMean), rvN: plain(ev.returnVisitN), gap: plain(ev.gap), chance: chance(ev.pValue), alpha: pct(ev.alpha, 2),
        }),
      ];
    default:
      return [t('why.unknown', { rule: labelOf(t, 'rule', rule) })];
  }
}

// ---------------------------------------------------------------------------------------------

export function EvidenceSection(props: { t: Translate; lang: Lang; rule: string; subject: string; evidence: Record<string, unknown>; figures: FlagFigures | null }) {
  const { t, figures: f, evidence: ev } = props;
  const officer = typeof ev.officerCode === 'string' ? ev.officerCode : props.subject;
  const sentences = whyRaised(props.rule, ev, { t, lang: props.lang, subject: props.subject });
  return (
    <section class="why" data-testid="evidence">
      <h3>{t('why.title')}</h3>
      <p data-testid="why" data-rule={props.rule}>
        {sentences.join(props.lang === 'en' ? ' ' : '')}
      </p>
      {f?.kind === 'bunching' && <BunchingChart h={f.histogram} t={t} officer={officer} />}
      {f?.kind === 'peer' && <PeerChart f={f} t={t} officer={officer} group={peerGroupPhrase(t, ev)} />}
      {f?.kind === 'benford' && <BenfordChart f={f} t={t} officer={officer} />}
      {f?.kind === 'burst' && <BurstChart f={f} t={t} officer={officer} when={when} />}
      {f?.kind === 'concentration' && <ConcentrationChart f={f} t={t} officer={officer} />}
    </section>
  );
}
