/**
 * The evidence of one flag as its reviewer reads it: why it was raised in plain words, then the
 * chart of its figures where they are a distribution. The figures themselves (the JSON the rule
 * wrote) stay one click away on the flag page for whoever wants to check the sums.
 */
import type { Lang, Translate } from '../pages/i18n.js';
import { when } from '../pages/page-helpers.js';
import { BunchingChart } from './bunching-chart.js';
import { BenfordChart, BurstChart, ConcentrationChart, PeerChart } from './evidence-charts.js';
import type { FlagFigures } from './evidence-figures.js';
import { peerGroupPhrase, whyRaised } from './evidence-sentence.js';

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
