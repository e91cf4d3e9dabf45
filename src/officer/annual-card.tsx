/**
 * The officer's annual results on /me (DESIGN 3b: "the annual result on the officer's page"):
 * the effective grade (after an upheld appeal, the computed one beside it), score, rank, the
 * quarters used, the explanation, the report link and the appeal form within its window.
 */
import type { Child } from 'hono/jsx';
import type { PageContext } from '../pages/layout.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, enc, fmt } from '../pages/page-helpers.js';
import type { myAnnualResults } from '../grading/annual-read.js';
import type { listAnnualAppeals } from '../grading/annual-appeal.js';
import { OwnAppeal } from './appeal-form.js';

export type AnnualItem = Awaited<ReturnType<typeof myAnnualResults>>['items'][number];
export type AnnualAppealItem = Awaited<ReturnType<typeof listAnnualAppeals>>['items'][number];

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
      {props.canAppeal && (
        <OwnAppeal
          c={c}
          t={t}
          lang={props.lang}
          testid="annual-appeal-status"
          action={`/me/annual-appeals/${enc(r.reviewId)}`}
          fieldId={`annual-appeal-${r.reviewId}`}
          publishedAt={r.publishedAt}
          now={props.now}
          appeal={props.appeal}
          corrected={props.appeal?.correctedGrade ? gradeName(props.appeal.correctedGrade) : ''}
          error={props.error}
          reason={props.reason}
        />
      )}
    </section>
  );
}
