/**
 * What the HR console's pages share: their translator and stylesheet, the charts (drawn here as
 * SVG, so they print and work without JavaScript), the result facts and the adjustment form.
 */
import type { Child } from 'hono/jsx';
import { CsrfInput, type PageContext } from '../pages/layout.js';
import { PageStyle, domainT, enc, fmt, formRefusal, pay, statusOf, str } from '../pages/page-helpers.js';
import { requireStaffPage } from '../pages/errors.js';
import { redirectRefused } from '../pages/flash.js';
import { ApiError, badRequest } from '../core/errors.js';
import { sayCodes } from '../core/glossary.js';
import type { Translate, Lang } from '../pages/i18n.js';
import { gradingMessages } from './messages.js';
import { notGradedReason } from './not-graded.js';
import type { CorrectionRow, Effective, ResultDetail, RunRow } from './run-model.js';
import type { getResult } from './results.js';
import type { TierUsage } from './report.js';
import type { Policy } from '../../scoring/policy.js';

export const tt = domainT(gradingMessages);

/**
 * A verb's refusal for a console form. Its words come from the one refusals' catalogue
 * (core/problems.ts): ErrorBox renders them in the page's language.
 */
export function pageRefusal(c: PageContext, e: unknown): ApiError {
  return formRefusal(c, e);
}

/** The confirmation that publishes a run or an annual review (`base`: its page): only a confirm=yes post publishes. */
export function PublishConfirmForm(props: { c: PageContext; t: Translate; base: string }) {
  return (
    <form method="post" action={`${props.base}/publish`}>
      <CsrfInput c={props.c} />
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger">
        {props.t('publish.confirm')}
      </button>{' '}
      <a class="button secondary" href={props.base}>
        {props.t('publish.cancel')}
      </a>
    </form>
  );
}

/**
 * The publish post of a run or an annual review (`base`: its page), post, redirect, get: without
 * the confirmation, back to the confirmation page; refused, back to `base` with the refusal
 * (`inPlace` renders it there only when it does not fit the flash cookie); published, `base` saying so.
 */
export async function publishPost(c: PageContext, base: string, publish: () => Promise<unknown>, inPlace: (err: ApiError, status: ReturnType<typeof statusOf>) => Promise<Response>): Promise<Response> {
  requireStaffPage(c, 'hr');
  const form = await c.req.parseBody();
  if (str(form, 'confirm') !== 'yes') return c.redirect(`${base}/publish`, 303);
  try {
    await publish();
  } catch (e) {
    const err = pageRefusal(c, e);
    return (await redirectRefused(c, base, err)) ?? inPlace(err, statusOf(err));
  }
  return c.redirect(`${base}?done=published`, 303);
}

/** The policy textarea of the forms that start a run or compute a review: empty is the policy in effect, else JSON. */
export function policyField(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The policy is not valid JSON.', [{ path: 'policy', message: 'not valid JSON' }]);
  }
}

/** Definition lists as two columns; the shell's stylesheet leaves dl alone. */
const gradingCss = `dl.facts,dl.run-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt,dl.run-meta dt{font-weight:600}dl.facts dd,dl.run-meta dd{margin:0;word-break:break-all}
.adjustment{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}
pre.policy-json{max-height:20rem;overflow:auto;background:#f3f5f8;padding:.5rem;font-size:.85rem}`;

export function GradingStyle() {
  return <PageStyle css={gradingCss} />;
}


/**
 * The histogram of composites as an SVG drawn here: one bar per 5-point bin, the tier minimum
 * scores as dashed vertical lines with their level. Works in print and without JavaScript.
 */
export function Histogram(props: { bins: number[]; tiers?: TierUsage[]; lines?: { label: string; minScore: number; key: string }[]; label: string }) {
  const lines = props.lines ?? (props.tiers ?? []).map((t) => ({ label: `${t.level} ≥${t.minScore}`, minScore: t.minScore, key: String(t.level) }));
  // Drawn at about the width of a phone, so its labels stay legible (≥ 10 px) at 390 px wide.
  const W = 440;
  const H = 252;
  const left = 36;
  const bottom = 28;
  // Two rows for the line labels, alternating, so that labels of close lines do not overlap.
  const top = 38;
  const plotW = W - left - 10;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...props.bins);
  const bw = plotW / props.bins.length;
  const x = (score: number) => left + (score / 100) * plotW;
  const ticks = [0, 20, 40, 60, 80, 100];
  return (
    <svg class="histogram" role="img" aria-label={props.label} viewBox={`0 0 ${W} ${H}`} width="100%" style="max-width:28rem;height:auto" xmlns="http://www.w3.org/2000/svg">
      <title>{props.label}</title>
      <line x1={left} y1={top + plotH} x2={left + plotW} y2={top + plotH} stroke="#1a1a1a" />
      <line x1={left} y1={top} x2={left} y2={top + plotH} stroke="#1a1a1a" />
      <text x={left - 6} y={top + 4} text-anchor="end" font-size="13">{max}</text>
      <text x={left - 6} y={top + plotH} text-anchor="end" font-size="13">0</text>
      {props.bins.map((n, i) => {
        const h = (n / max) * plotH;
        return (
          <rect data-bin={i * 5} data-count={n} x={left + i * bw + 1} y={top + plotH - h} width={Math.max(0, bw - 2)} height={h} fill="#0b4f8a">
            <title>{`${i * 5}–${i * 5 + 5}: ${n}`}</title>
          </rect>
        );
      })}
      {ticks.map((s) => (
        <text x={x(s)} y={H - 8} text-anchor="middle" font-size="13">{s}</text>
      ))}
      {lines
        .filter((t) => t.minScore > 0)
        .map((t, i) => (
          <g class="tier-boundary" data-level={t.key}>
            <line x1={x(t.minScore)} y1={top - 4 - (i % 2) * 14} x2={x(t.minScore)} y2={top + plotH} stroke="#8a1111" stroke-width="1.5" stroke-dasharray="5 3" />
            <text x={x(t.minScore) + 3} y={top - 8 - (i % 2) * 14} font-size="13" fill="#8a1111">{t.label}</text>
          </g>
        ))}
    </svg>
  );
}

/** Horizontal bars for the four components and the composite (0–100). */
export function ComponentBars(props: { t: Translate; detail: ResultDetail }) {
  const { t, detail } = props;
  const rows: { key: string; score: number | null; weight: number | null }[] = [
    { key: 'workload', score: detail.components?.workload ?? null, weight: detail.weights?.workload ?? null },
    { key: 'assessment', score: detail.components?.assessment ?? null, weight: detail.weights?.assessment ?? null },
    { key: 'feedback', score: detail.components?.feedback ?? null, weight: detail.weights?.feedback ?? null },
    { key: 'tenure', score: detail.components?.tenure ?? null, weight: detail.weights?.tenure ?? null },
    { key: 'composite', score: detail.composite, weight: null },
  ];
  // Phone-sized, as the histogram: labels ≥ 10 px at 390 px wide.
  const W = 420;
  const rowH = 30;
  const labelW = 96;
  const barW = W - labelW - 124;
  return (
    <svg class="components" role="img" aria-label={t('officer.components')} viewBox={`0 0 ${W} ${rows.length * rowH + 6}`} width="100%" style="max-width:27rem;height:auto" xmlns="http://www.w3.org/2000/svg">
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const w = r.score === null ? 0 : (Math.max(0, Math.min(100, r.score)) / 100) * barW;
        return (
          <g data-component={r.key} data-score={r.score ?? ''}>
            <text x={0} y={y + 17} font-size="13">{t(`col.${r.key}`)}</text>
            <rect x={labelW} y={y + 4} width={barW} height={18} fill="#eef1f5" />
            <rect x={labelW} y={y + 4} width={w} height={18} fill={r.key === 'composite' ? '#0f5c2e' : '#0b4f8a'} />
            <text x={labelW + barW + 6} y={y + 17} font-size="13">
              {r.score === null ? t('officer.missing') : r.score.toFixed(2)}
              {r.weight !== null ? ` × ${r.weight.toFixed(3)}` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * The engine's explanation, plus the approved adjustment that overrides its tier and the
 * correction that overrides the published result, if any.
 */
export function Explanation(props: { lang: Lang; t: Translate; detail: ResultDetail; correction?: CorrectionRow | null }) {
  const lines = (props.detail.explanation?.[props.lang] ?? []).map((l) => sayCodes(props.lang, l));
  const a = props.detail.adjustment;
  const c = props.correction;
  return (
    <ul class="explanation">
      {lines.map((l) => (
        <li>{l}</li>
      ))}
      {a && (
        <li data-testid="adjustment-line">
          {props.t('officer.adjustedLine', { from: a.fromTier, to: a.toTier, coefficient: a.coefficient.toFixed(2), payout: pay(a.payout), reason: a.reason })}
        </li>
      )}
      {c && (
        <li data-testid="correction-line">
          {props.t('officer.correctedLine', { appeal: c.sourceId, from: c.fromTier ?? '–', to: c.toTier, coefficient: c.coefficient.toFixed(2), payout: pay(c.payout), original: pay(c.originalPayout), reason: c.reason })}
        </li>
      )}
    </ul>
  );
}

export function RunStatus(props: { t: Translate; run: RunRow }) {
  return (
    <span>
      {props.t(`run.status.${props.run.status}`)}
      {props.run.provisional ? ` · ${props.t('run.provisional')}` : props.run.whatIf ? ` · ${props.t('run.whatIf')}` : ''}
    </span>
  );
}

/** A tier cell: the effective tier, with the published one beside it when a correction changed it. */
export function TierCell(props: { t: Translate; r: { tier: number | null; effective: Effective; adjusted: { fromTier: number } | null } }) {
  const { t, r } = props;
  const corrected = r.effective.correction !== null && r.effective.tier !== r.tier;
  return (
    <>
      {r.effective.tier ?? ''}
      {corrected ? t('run.corrected', { from: r.tier ?? '–' }) : r.adjusted ? t('adjusted.mark', { from: r.adjusted.fromTier }) : ''}
    </>
  );
}

/** A payout cell: the effective payout, with the published one beside it when a correction changed it. */
export function PayoutCell(props: { t: Translate; r: { payout: number | null; effective: Effective } }) {
  const { t, r } = props;
  const changed = r.effective.correction !== null && r.effective.payout !== r.payout;
  return (
    <>
      {pay(r.effective.payout)}
      {changed ? t('run.originalPayout', { payout: pay(r.payout) }) : ''}
    </>
  );
}

export function ProposeForm(props: { c: PageContext; t: Translate; runId: string; policy: Policy; officerCode?: string; back?: string }) {
  const { t } = props;
  return (
    <form method="post" action={`/hr/runs/${enc(props.runId)}/adjustments`} class="no-print">
      <fieldset>
        <legend>{t('adj.propose')}</legend>
        <CsrfInput c={props.c} />
        {props.back && <input type="hidden" name="back" value={props.back} />}
        <label for="adj-officer">{t('adj.officer')}</label>
        <input id="adj-officer" name="officerCode" type="text" required value={props.officerCode ?? ''} />
        <label for="adj-tier">{t('adj.toTier')}</label>
        <select id="adj-tier" name="toTier" required>
          {props.policy.tiers.map((x) => (
            <option value={String(x.level)}>{x.level}</option>
          ))}
        </select>
        <label for="adj-reason">{t('adj.reason')}</label>
        <textarea id="adj-reason" name="reason" required maxlength={2000}></textarea>
        <div>
          <button type="submit">{t('adj.submit')}</button>
        </div>
      </fieldset>
    </form>
  );
}

export function OfficerFacts(props: { t: Translate; lang?: Lang; result: Awaited<ReturnType<typeof getResult>> }) {
  const { t, result } = props;
  const d = result.detail;
  const facts: [string, Child][] = [
    [t('officer.unit'), result.unitName ? `${result.unitName} (${d.unitCode})` : d.unitCode],
    [t('officer.peerGroup'), `${t(`term.peerGroup.${d.peerGroup}`)}${d.raw?.peerFallback ? ` (→ ${t(`term.peerGroup.${d.raw.peerGroupUsed}`)})` : ''}`],
    [t('officer.team'), d.team],
    [t('col.status'), t(`status.${result.status}`)],
  ];
  if (result.status === 'graded') {
    facts.push([t('col.composite'), fmt(result.composite)], [t('col.penalty'), fmt(result.penalty)], [t('col.rank'), String(result.rank ?? '')]);
  } else {
    facts.push([t('officer.reason'), notGradedReason(result.reason, props.lang ?? 'zh-CN')]);
  }
  facts.push([t('officer.activeDays'), String(result.activeDays)]);
  if (result.status === 'graded' || result.effective.correction !== null) {
    facts.push([t('col.tier'), <TierCell t={t} r={result} />], [t('col.payout'), <PayoutCell t={t} r={result} />]);
  }
  return (
    <dl class="facts" data-testid="officer-facts">
      {facts.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** The result's facts and, once graded, its component bars (the officer page and the report). */
export function ResultSummary(props: { t: Translate; lang?: Lang; result: Awaited<ReturnType<typeof getResult>> }) {
  const { t, result } = props;
  return (
    <>
      <OfficerFacts t={t} lang={props.lang} result={result} />
      {result.detail.status === 'graded' && (
        <>
          <h2>{t('officer.components')}</h2>
          <ComponentBars t={t} detail={result.detail} />
        </>
      )}
    </>
  );
}
