/**
 * Sections of the run page that follow a run after its computation: the discard form, the
 * corrections that payroll follows (with the corrections export), and the run's history from the
 * audit log.
 */
import { CsrfInput, Table, type PageContext } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import { enc, fmt, pay, when } from '../pages/page-helpers.js';
import type { listCorrections } from './corrections.js';
import type { HistoryEntry } from './queries.js';
import { FieldMessage, invalidProps } from '../pages/form-fields.js';

export function DiscardForm(props: { c: PageContext; t: Translate; runId: string; confirmError?: boolean }) {
  const { t } = props;
  return (
    <details class="no-print" open={props.confirmError}>
      <summary>{t('run.discard')}</summary>
      <form method="post" action={`/hr/runs/${enc(props.runId)}/discard`}>
        <CsrfInput c={props.c} />
        <p class="muted">{t('run.discardHint')}</p>
        <label for="discard-reason">{t('run.discardReason')}</label>
        <input id="discard-reason" name="reason" type="text" maxlength={2000} />
        {/* Discarding cannot be undone: an explicit confirmation, checked by the server, no script needed. */}
        <FieldMessage id="discard-confirm" messages={props.confirmError ? [t('run.discardConfirmNeeded')] : undefined} />
        <p class="check">
          <input type="checkbox" id="discard-confirm" name="confirm" value="yes" required {...invalidProps('discard-confirm', { error: !!props.confirmError })} />
          <label for="discard-confirm">{t('run.discardConfirm')}</label>
        </p>
        <div>
          <button type="submit" class="danger">
            {t('run.discard')}
          </button>
        </div>
      </form>
    </details>
  );
}

type CorrectionItem = Awaited<ReturnType<typeof listCorrections>>['items'][number];

/** Corrections of a published run, and the CSV payroll pays the differences from. */
export function CorrectionsSection(props: { t: Translate; runId: string; items: CorrectionItem[]; today: string }) {
  const { t, items } = props;
  const base = `/hr/runs/${enc(props.runId)}`;
  return (
    <section id="corrections">
      <h2>{t('corr.title')}</h2>
      <p class="muted">{t('corr.intro')}</p>
      {items.length === 0 ? (
        <p>{t('corr.none')}</p>
      ) : (
        <Table head={[t('corr.officer'), t('corr.tiers'), t('corr.payouts'), t('corr.difference'), t('corr.appeal'), t('corr.date')]} numeric={[2, 3]}>
          {items.map((c) => (
            <tr data-correction={c.id} data-officer={c.officerCode}>
              <td>
                <a href={`${base}/officers/${enc(c.officerCode)}`}>{c.officerCode}</a> {c.name}
              </td>
              <td>{`${c.fromTier ?? '–'} → ${c.toTier}`}</td>
              <td class="num">{`${pay(c.originalPayout)} → ${pay(c.payout)}`}</td>
              <td class="num">{c.difference === null ? '–' : `${c.difference >= 0 ? '+' : ''}${pay(c.difference)}`}</td>
              <td>
                <code>{c.appealId}</code>
              </td>
              <td>{c.createdAt.slice(0, 10)}</td>
            </tr>
          ))}
        </Table>
      )}
      <form method="get" action={`${base}/corrections.csv`} class="no-print inline-form">
        <label for="corr-since">{t('corr.since')}</label>
        <input id="corr-since" name="since" type="date" value={items[0]?.createdAt.slice(0, 10) ?? props.today} />
        <button type="submit" class="secondary">
          {t('corr.export')}
        </button>
      </form>
    </section>
  );
}

const knownActions = new Set(['grading_run.compute', 'grading_run.what_if', 'grading_run.recompute', 'grading_run.publish', 'grading_run.discard', 'grading_run.correct']);

/** The run's audit entries: when it was computed, published, corrected or discarded, and by whom. */
export function HistorySection(props: { t: Translate; entries: HistoryEntry[] }) {
  const { t } = props;
  return (
    <section id="history">
      <h2>{t('history.title')}</h2>
      <Table head={[t('history.at'), t('history.actor'), t('history.what'), t('table.details')]}>
        {props.entries.map((e) => {
          const p = e.payload as Record<string, string | number | null>;
          const detail =
            e.action === 'grading_run.correct'
              ? t('history.correctLine', { officer: p.officerCode ?? '', from: p.fromTier ?? '–', to: p.toTier ?? '', original: pay(p.originalPayout), payout: pay(p.payout), appeal: p.sourceId ?? '' })
              : e.action === 'grading_run.discard'
                ? String(p.reason ?? '')
                : '';
          return (
            <tr data-action={e.action}>
              <td>{when(e.at)}</td>
              <td>{e.actor.replace(/^user:/, '')}</td>
              <td>{knownActions.has(e.action) ? t(`history.${e.action}`) : t('history.other')}</td>
              <td>
                {detail} <span class="muted">#{e.seq}</span>
              </td>
            </tr>
          );
        })}
      </Table>
    </section>
  );
}
