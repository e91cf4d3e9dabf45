/**
 * "Waiting for me" at the top of /hr: what this HR user may decide or publish now (hrInbox), each
 * item with the link to the page where it is done. A list of cards rather than a table, so it
 * reads on a phone.
 */
import type { Translate } from '../pages/i18n.js';
import { PageStyle, enc, when } from '../pages/page-helpers.js';
import type { HrInbox } from './inbox.js';

const inboxCss = `.inbox{list-style:none;padding:0;margin:.5rem 0 1rem;display:grid;gap:.6rem}
.inbox li{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:4px;padding:.5rem .8rem;overflow-wrap:anywhere}
.inbox .what{font-weight:600}.inbox .meta{color:var(--muted);font-size:.9rem}
.inbox-counts{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;list-style:none;margin:.3rem 0}`;

function Item(props: { kind: string; href: string; what: string; meta: string; reason?: string; act: string }) {
  return (
    <li data-testid="inbox-item" data-kind={props.kind}>
      <div class="what">{props.what}</div>
      <div class="meta">{props.meta}</div>
      {props.reason && <div class="reason">{props.reason}</div>}
      <a href={props.href}>{props.act}</a>
    </li>
  );
}



export function HrInboxSection(props: { t: Translate; inbox: HrInbox }) {
  const { t, inbox } = props;
  const who = (code: string, name: string | null) => (name ? t('inbox.who', { name, code }) : code);
  const counts: [string, number][] = [
    ['inbox.adjustments', inbox.adjustments.length],
    ['inbox.appeals', inbox.appeals.length + inbox.annualAppeals.length],
    ['inbox.runs', inbox.runs.length + inbox.reviews.length],
  ];
  return (
    <section id="waiting" aria-labelledby="waiting-title" data-testid="hr-inbox" data-total={inbox.total}>
      <PageStyle css={inboxCss} />
      <h2 id="waiting-title">{t('inbox.title', { n: inbox.total })}</h2>
      {inbox.total === 0 ? (
        <p>{t('inbox.empty')}</p>
      ) : (
        <>
          <ul class="inbox-counts">
            {counts.map(([k, n]) => (
              <li>{t(k, { n })}</li>
            ))}
          </ul>
          <ul class="inbox">
            {inbox.adjustments.map((a) => (
              <Item
                kind="adjustment"
                href={`/hr/runs/${enc(a.runId)}#adjustments`}
                what={t('inbox.adjustment', { officer: who(a.officerCode, a.officerName), from: a.fromTier, to: a.toTier, period: a.period })}
                meta={t('inbox.proposedBy', { user: a.requestedBy, at: when(a.requestedAt) })}
                reason={a.reason}
                act={t('inbox.decide')}
              />
            ))}
            {inbox.appeals.map((a) => (
              <Item
                kind="appeal"
                href={`/hr/runs/${enc(a.runId)}/officers/${enc(a.officerCode)}#appeals`}
                what={t('inbox.appeal', { officer: who(a.officerCode, a.officerName), period: a.period })}
                meta={t('inbox.filed', { at: when(a.filedAt) })}
                reason={a.reason}
                act={t('inbox.decide')}
              />
            ))}
            {inbox.annualAppeals.map((a) => (
              <Item
                kind="annual-appeal"
                href={`/hr/annual/${enc(a.reviewId)}/officers/${enc(a.officerCode)}#appeals`}
                what={t('inbox.annualAppeal', { officer: who(a.officerCode, a.officerName), year: a.year })}
                meta={t('inbox.filed', { at: when(a.filedAt) })}
                reason={a.reason}
                act={t('inbox.decide')}
              />
            ))}
            {inbox.runs.map((r) => (
              <Item
                kind="run"
                href={r.pendingAdjustments > 0 ? `/hr/runs/${enc(r.id)}#adjustments` : `/hr/runs/${enc(r.id)}/publish`}
                what={t('inbox.run', { period: r.period })}
                meta={t('inbox.computedBy', { user: r.createdBy, at: when(r.createdAt) })}
                reason={r.pendingAdjustments > 0 ? t('inbox.runBlocked', { n: r.pendingAdjustments }) : undefined}
                act={r.pendingAdjustments > 0 ? t('inbox.openRun') : t('inbox.publish')}
              />
            ))}
            {inbox.reviews.map((r) => (
              <Item
                kind="review"
                href={`/hr/annual/${enc(r.id)}/publish`}
                what={t('inbox.review', { year: r.year })}
                meta={t('inbox.computedBy', { user: r.createdBy, at: when(r.createdAt) })}
                act={t('inbox.publish')}
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
