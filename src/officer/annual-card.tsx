/**
 * The officer's annual results on /me (DESIGN 3b: "the annual result on the officer's page"):
 * the effective grade (after an upheld appeal, the computed one beside it), score, rank, the
 * quarters used, the explanation, the report link and the appeal form within its window.
 */
import type { Child } from 'hono/jsx';
import { CsrfInput, ErrorBox, type PageContext } from '../pages/layout.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, enc, fmt, when } from '../pages/page-helpers.js';
import type { myAnnualResults } from '../grading/annual-read.js';
import type { listAnnualAppeals } from '../grading/annual-appeal.js';
import { APPEAL_WINDOW_DAYS, daysBetween } from '../grading/appeal-core.js';

export type AnnualItem = Awaited<ReturnType<typeof myAnnualResults>>['items'][number];
export type AnnualAppealItem = Awaited<ReturnType<typeof listAnnualAppeals>>['items'][number];

const addDays = (isoDay: string, n: number) => new Date(Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function AnnualCard(props: { c: PageContext; t: Translate; lang: Lang; r: AnnualItem; appeal?: AnnualAppealItem; canAppeal: boolean; now: string; error?: unknown; reason?: string }) {
  const { c, t, r } = props;
  const e = r.effective;
  const gradeName = (g: string | null) => (g ? t(`annual.grade.${g}`) : '–');
  const rows: [string, Child][] = [];
  if (r.status === 'rated') {
    rows.push(
      [t('annual.grade'), `${gradeName(e.grade)}${e.correction !== null && e.grade !== r.grade ? t('annual.corrected', { from: gradeName(r.grade) }) : ''}`],
      [t('annual.score'), fmt(r.score)],
      [t('annual.rank'), r.rank === null ? '–' : t('annual.rankOf', { rank: r.rank, of: r.rated })],
    );
  }
  rows.push([t('annual.quarters'), r.quarters.map((q) => `${q.period} ${fmt(q.composite)}`).join('、') || '–']);
  const windowOpen = r.publishedAt !== null && daysBetween(r.publishedAt, props.now) <= APPEAL_WINDOW_DAYS;
  const deadline = r.publishedAt ? addDays(r.publishedAt, APPEAL_WINDOW_DAYS) : null;
  const a = props.appeal;
  return (
    <section class="result" data-testid="annual-result" data-review={r.reviewId} data-year={r.year}>
      <h3>{r.status === 'rated' ? t('annual.resultTitle', { year: r.year, grade: gradeName(e.grade) }) : t('annual.notRated', { year: r.year })}</h3>
      <Facts rows={rows} />
      <details>
        <summary>{t('annual.explanation')}</summary>
        <ul class="explanation">
          {r.explanation[props.lang].map((l) => (
            <li>{l}</li>
          ))}
        </ul>
      </details>
      <p class="no-print">
        <a href={`/reports/annual/${enc(r.reviewId)}/${enc(r.officerCode)}`}>{t('annual.report')}</a>
      </p>
      {props.canAppeal &&
        (a ? (
          <p data-testid="annual-appeal-status">
            {t('annual.appealStatus', { status: t(`appeal.status.${a.status}`), at: when(a.filedAt) })}
            {a.correctedGrade ? ` · ${gradeName(a.correctedGrade)}` : ''}
          </p>
        ) : windowOpen ? (
          <form method="post" action={`/me/annual-appeals/${enc(r.reviewId)}`} class="no-print">
            <fieldset>
              <legend>{t('appeal.title')}</legend>
              <p>{t('appeal.open', { deadline: deadline ?? '' })}</p>
              <ErrorBox error={props.error} lang={props.lang} />
              <CsrfInput c={c} />
              <label for={`annual-appeal-${r.reviewId}`}>{t('appeal.reason')}</label>
              <textarea id={`annual-appeal-${r.reviewId}`} name="reason" required maxlength={4000}>
                {props.reason ?? ''}
              </textarea>
              <div>
                <button type="submit">{t('appeal.submit')}</button>
              </div>
            </fieldset>
          </form>
        ) : (
          deadline && <p class="muted">{t('appeal.closed', { deadline })}</p>
        ))}
    </section>
  );
}
