/**
 * /hr/annual: the annual reviews (年度考核) and the form that computes one; /hr/annual/:id: one
 * review with the distribution of annual scores and the grade lines, the excellent quota's usage,
 * the grade counts (as computed and after appeals), the sortable results table, publication with
 * confirmation (by another HR user) and the export.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Translate } from '../pages/i18n.js';
import { enc, fmt, num, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import { usernames } from '../auth/directory.js';
import { annualGrades, type AnnualGrade } from '../../scoring/index.js';
import { computeAnnualReview } from './annual-compute.js';
import { annualHistogram, annualSorts, browseAnnualResults, getReview, listReviews, type AnnualSort } from './annual-read.js';
import { publishAnnualReview } from './annual-publish.js';
import { exportAnnualCsv } from './annual-export.js';
import { listAnnualAppeals } from './annual-appeal.js';
import { GradingStyle, Histogram, PublishConfirmForm, pageRefusal, policyField, publishPost, tt } from './page-parts.js';
import { PendingAppeals, officerPageOf } from './appeal-section.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';

const PAGE_SIZE = 50;

/** A grade with the computed one beside it when an appeal corrected it. */
export function GradeCell(props: { t: Translate; grade: AnnualGrade | null; effective: { grade: AnnualGrade | null; correction: string | null } }) {
  const { t } = props;
  const e = props.effective.grade;
  if (e === null) return <>{t('ann.notRated')}</>;
  const corrected = props.effective.correction !== null && e !== props.grade;
  return (
    <>
      {t(`ann.grade.${e}`)}
      {corrected ? t('ann.corrected', { from: props.grade ? t(`ann.grade.${props.grade}`) : '–' }) : ''}
    </>
  );
}

async function annualHome(c: PageContext, opts: { error?: unknown; values?: Record<string, string>; status?: PageStatus } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const [reviews, appeals] = await Promise.all([listReviews({ ctx, input: { limit: 100 } }), listAnnualAppeals({ ctx, input: { status: 'pending', limit: 50 } })]);
  const names = await usernames(ctx, reviews.items.map((r) => r.createdBy));
  const v = opts.values ?? {};
  const lastYear = Number(ctx.clock.now().toISOString().slice(0, 4)) - 1;
  return renderPage(
    c,
    <Layout c={c} title={t('ann.title')} lang={lang}>
      <GradingStyle />
      <h1>{t('ann.title')}</h1>
      <p>{t('ann.intro')}</p>
      <form method="post" action="/hr/annual">
        <fieldset>
          <legend>{t('ann.compute')}</legend>
          <ErrorBox error={opts.error} lang={lang} />
          <CsrfInput c={c} />
          <label for="year">{t('ann.year')}</label>
          <input id="year" name="year" type="number" required min={1970} max={9999} value={v.year ?? String(lastYear)} />
          <label for="ann-policy">
            {t('hr.policy')} <span class="hint">{t('ann.policyHint')}</span>
          </label>
          <textarea id="ann-policy" name="policy" spellcheck={false}>{v.policy ?? ''}</textarea>
          <div>
            <button type="submit">{t('hr.compute')}</button>
          </div>
        </fieldset>
      </form>
      {reviews.items.length === 0 ? (
        <p>{t('ann.none')}</p>
      ) : (
        <Table head={[t('ann.year'), t('ann.id'), t('run.status'), t('run.created')]}>
          {reviews.items.map((r) => (
            <tr data-review={r.id}>
              <td>{r.year}</td>
              <td>
                <a href={`/hr/annual/${enc(r.id)}`}>{r.id}</a>
              </td>
              <td>{t(`ann.status.${r.status}`) + (r.whatIf ? ` · ${t('ann.whatIf')}` : '')}</td>
              <td>{t('run.by', { at: when(r.createdAt), user: names.get(r.createdBy) ?? r.createdBy })}</td>
            </tr>
          ))}
        </Table>
      )}
      <h2>{t('ann.pendingAppeals')}</h2>
      <PendingAppeals t={t} items={appeals.items} parentLabel={t('ann.id')} parent={(a) => a.reviewId} href={(a) => officerPageOf('/hr/annual', a.reviewId, a.officerCode)} />
    </Layout>,
    opts.status ?? 200,
  );
}

async function reviewPage(c: PageContext, id: string, opts: { error?: unknown; notice?: string; status?: PageStatus } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const sortQ = c.req.query('sort') ?? 'rank';
  const sort: AnnualSort = (annualSorts as string[]).includes(sortQ) ? (sortQ as AnnualSort) : 'rank';
  const dir = c.req.query('dir') === 'desc' ? 'desc' : 'asc';
  const page = Math.max(0, Math.floor(Number(c.req.query('page') ?? 0)) || 0);
  const [review, bins, { rows, total }] = await Promise.all([
    getReview({ ctx, input: { id } }),
    annualHistogram(ctx, id),
    browseAnnualResults({ ctx, input: { id, sort, dir, offset: page * PAGE_SIZE, limit: PAGE_SIZE } }),
  ]);
  const names = await usernames(ctx, [review.createdBy, review.publishedBy]);
  const base = `/hr/annual/${enc(id)}`;
  const head = (col: AnnualSort, key: string) => (
    <a href={`${base}?sort=${col}&dir=${sort === col && dir === 'asc' ? 'desc' : 'asc'}`}>
      {t(key)}
      {sort === col ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </a>
  );
  const lines = [
    { key: 'excellent', label: `${t('ann.grade.excellent')} ≥${review.lines.excellent}`, minScore: review.lines.excellent },
    { key: 'competent', label: `${t('ann.grade.competent')} ≥${review.lines.competent}`, minScore: review.lines.competent },
    { key: 'basically_competent', label: `${t('ann.grade.basically_competent')} ≥${review.lines.basicallyCompetent}`, minScore: review.lines.basicallyCompetent },
  ];
  const q = review.quota;
  return renderPage(
    c,
    <Layout c={c} title={t('ann.reviewTitle', { year: review.year })} lang={lang}>
      <GradingStyle />
      <p class="no-print">
        <a href="/hr/annual">{t('ann.title')}</a>
      </p>
      <h1>{t('ann.reviewTitle', { year: review.year })}</h1>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={opts.error} lang={lang} />
      <dl class="run-meta">
        <dt>{t('ann.id')}</dt>
        <dd>
          <code>{review.id}</code>
        </dd>
        <dt>{t('run.status')}</dt>
        <dd data-testid="review-status">{t(`ann.status.${review.status}`) + (review.whatIf ? ` · ${t('ann.whatIf')}` : '')}</dd>
        <dt>{t('run.policy')}</dt>
        <dd>
          <code>{review.policyHash.slice(0, 16)}</code>
        </dd>
        <dt>{t('run.digest')}</dt>
        <dd>
          <code>{review.inputDigest}</code>
        </dd>
        <dt>{t('ann.runs')}</dt>
        <dd>
          {review.runDigests.map((r) => (
            <span>
              <a href={`/hr/runs/${enc(r.runId)}`}>{r.period}</a> <code>{r.resultsDigest.slice(0, 12)}</code>{' '}
            </span>
          ))}
        </dd>
        <dt>{t('run.created')}</dt>
        <dd>{t('run.by', { at: when(review.createdAt), user: names.get(review.createdBy) ?? review.createdBy })}</dd>
        {review.publishedAt && (
          <>
            <dt>{t('run.published')}</dt>
            <dd>{t('run.by', { at: when(review.publishedAt), user: names.get(review.publishedBy ?? '') ?? '' })}</dd>
          </>
        )}
      </dl>
      <p>{t('ann.counts', review.counts)}</p>
      <p class="no-print">
        {review.status === 'computed' && !review.whatIf && (
          <a class="button" href={`${base}/publish`}>
            {t('ann.publish')}
          </a>
        )}{' '}
        {review.status === 'published' && (
          <a class="button secondary" href={`${base}/export.csv`} download>
            {t('ann.export')}
          </a>
        )}
      </p>
      {review.status === 'published' && <Notice>{t('ann.frozen')}</Notice>}
      {review.whatIf && <Notice kind="warn">{t('ann.whatIfNote')}</Notice>}

      <h2>{t('ann.distribution')}</h2>
      <Histogram bins={bins} lines={lines} label={t('ann.chartLabel')} />
      <h3>{t('ann.quota')}</h3>
      <p data-testid="quota">{t('ann.quotaLine', { used: q.used, cap: q.cap, share: fmt(q.share * 100, 0), candidates: q.candidates, over: q.overQuota, barred: q.barred })}</p>
      <h3>{t('ann.grades')}</h3>
      <ul data-testid="grade-counts">
        {annualGrades.map((g) => (
          <li data-grade={g}>
            {review.effectiveGradeCounts[g] === review.gradeCounts[g]
              ? t('ann.gradeCount', { grade: t(`ann.grade.${g}`), n: review.gradeCounts[g] })
              : t('ann.gradeCountCorrected', { grade: t(`ann.grade.${g}`), n: review.gradeCounts[g], m: review.effectiveGradeCounts[g] })}
          </li>
        ))}
      </ul>

      <h2 id="results">{t('ann.results')}</h2>
      <p>{t('run.page', { from: total === 0 ? 0 : page * PAGE_SIZE + 1, to: Math.min(total, (page + 1) * PAGE_SIZE), total })}</p>
      <Table head={[head('rank', 'col.rank'), head('code', 'col.code'), t('col.name'), head('score', 'ann.col.score'), t('ann.col.quarters'), t('ann.col.t5'), head('grade', 'ann.col.grade')]} numeric={[0, 3, 4, 5]}>
        {rows.map((r) => (
          <tr data-officer={r.officerCode} data-grade={r.effective.grade ?? ''}>
            <td class="num">{r.rank ?? ''}</td>
            <td>
              <a href={`${base}/officers/${enc(r.officerCode)}`}>{r.officerCode}</a>
            </td>
            <td>{r.name ?? ''}</td>
            <td class="num">{fmt(r.score)}</td>
            <td class="num">{r.quarters.length}</td>
            <td class="num">{r.tieBreakQuarters}</td>
            <td>
              <GradeCell t={t} grade={r.grade} effective={r.effective} />
            </td>
          </tr>
        ))}
      </Table>
      <p class="no-print">
        {page > 0 && <a href={`${base}?sort=${sort}&dir=${dir}&page=${page - 1}#results`}>{t('run.prev')}</a>}{' '}
        {(page + 1) * PAGE_SIZE < total && <a href={`${base}?sort=${sort}&dir=${dir}&page=${page + 1}#results`}>{t('run.next')}</a>}
      </p>
    </Layout>,
    opts.status ?? 200,
  );
}

export const annualPages = new Hono<AppEnv>()
  .get('/hr/annual', async (c) => {
    const flash = await takeFlash(c);
    return annualHome(c, { error: flashError(flash), values: flash?.values, status: flashStatus(flash) });
  })
  .post('/hr/annual', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const values = { year: str(form, 'year'), policy: str(form, 'policy') };
    try {
      const out = await computeAnnualReview({ ctx: c.get('ctx'), input: { year: num(form, 'year'), policy: policyField(values.policy) } });
      return c.redirect(`/hr/annual/${enc(out.id)}?done=computed`, 303);
    } catch (e) {
      const err = pageRefusal(c, e);
      // Back to the form with the refusal and the values as typed (post, redirect, get).
      return (await redirectRefused(c, '/hr/annual', err, { values })) ?? annualHome(c, { error: err, values, status: statusOf(err) });
    }
  })
  .get('/hr/annual/:id', async (c) => {
    const { t } = tt(c);
    const done = c.req.query('done');
    const flash = await takeFlash(c);
    return reviewPage(c, c.req.param('id'), { notice: done === 'published' ? t('ann.published') : done === 'computed' ? t('ann.computed') : undefined, error: flashError(flash), status: flashStatus(flash) });
  })
  .get('/hr/annual/:id/export.csv', async (c) => {
    requireStaffPage(c, 'hr');
    const { filename, body } = await exportAnnualCsv({ ctx: c.get('ctx'), input: { id: c.req.param('id') } });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .get('/hr/annual/:id/publish', async (c) => {
    requireStaffPage(c, 'hr');
    const { lang, t } = tt(c);
    const id = c.req.param('id');
    const review = await getReview({ ctx: c.get('ctx'), input: { id } });
    return renderPage(
      c,
      <Layout c={c} title={t('ann.publishTitle')} lang={lang}>
        <GradingStyle />
        <h1>{t('ann.publishTitle')}</h1>
        <Notice kind="warn">{t('ann.publishWarning')}</Notice>
        <p>
          {t('ann.reviewTitle', { year: review.year })} · {t('ann.counts', review.counts)}
        </p>
        <PublishConfirmForm c={c} t={t} base={`/hr/annual/${enc(id)}`} />
      </Layout>,
    );
  })
  .post('/hr/annual/:id/publish', (c) => {
    const id = c.req.param('id');
    return publishPost(c, `/hr/annual/${enc(id)}`, () => publishAnnualReview({ ctx: c.get('ctx'), input: { id } }), (error, status) => reviewPage(c, id, { error, status }));
  });
