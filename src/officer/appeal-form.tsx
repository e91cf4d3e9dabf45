/**
 * The officer's own appeal on /me, one component for a quarterly result and an annual one (ADR
 * 0092): its status once filed (with what an upheld appeal corrected), the form while the window
 * is open, or the day the window closed. A refusal is shown here whichever of the three it is.
 */
import { CsrfInput, ErrorBox, type PageContext } from '../pages/layout.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { when } from '../pages/page-helpers.js';
import { APPEAL_WINDOW_DAYS, daysBetween } from '../grading/appeal-core.js';

const addDays = (isoDay: string, n: number) => new Date(Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function OwnAppeal(props: {
  c: PageContext;
  t: Translate;
  lang: Lang;
  /** The status line's test id (appeal-status, annual-appeal-status). */
  testid: string;
  /** Where the form posts, and its textarea's id. */
  action: string;
  fieldId: string;
  publishedAt: string | null;
  now: string;
  appeal?: { status: string; filedAt: string };
  /** What an upheld appeal corrected ('' when nothing). */
  corrected: string;
  error?: unknown;
  /** The reason as typed, after a refusal. */
  reason?: string;
}) {
  const { t, publishedAt, appeal: a } = props;
  const deadline = publishedAt ? addDays(publishedAt, APPEAL_WINDOW_DAYS) : null;
  const windowOpen = publishedAt !== null && daysBetween(publishedAt, props.now) <= APPEAL_WINDOW_DAYS;
  return (
    <>
      {(a || !windowOpen) && <ErrorBox error={props.error} lang={props.lang} />}
      {a ? (
        <p data-testid={props.testid}>
          {t('appeal.status', { status: t(`appeal.status.${a.status}`), at: when(a.filedAt) })}
          {props.corrected ? ` · ${props.corrected}` : ''}
        </p>
      ) : windowOpen ? (
        <form method="post" action={props.action} class="no-print">
          <fieldset>
            <legend>{t('appeal.title')}</legend>
            <p>{t('appeal.open', { deadline: deadline ?? '' })}</p>
            <ErrorBox error={props.error} lang={props.lang} />
            <CsrfInput c={props.c} />
            <label for={props.fieldId}>
              {t('appeal.reason')}
              <span class="hint">{t('appeal.reasonHint')}</span>
            </label>
            <textarea id={props.fieldId} name="reason" required maxlength={4000}>
              {props.reason ?? ''}
            </textarea>
            <div>
              <button type="submit">{t('appeal.submit')}</button>
            </div>
          </fieldset>
        </form>
      ) : (
        deadline && <p class="muted">{t('appeal.closed', { deadline })}</p>
      )}
    </>
  );
}
