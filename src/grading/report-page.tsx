/**
 * /reports/:runId/:code: the printable officer report (HR any; the officer their own, once
 * published: getResult decides). /hr/runs/:id/reports: every officer's report of a run in one
 * printable document (HR only), each the same rendering as the single report, one per sheet.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { enc, PageStyle } from '../pages/page-helpers.js';
import { getResult, REPORTS_PER_DOCUMENT, runResultsForReports } from './results.js';
import { feedbackAverages, feedbackAveragesByOfficer, type FeedbackAverages } from './report.js';
import { Explanation, GradingStyle, ResultSummary, tt } from './page-parts.js';
import { resultsView, viewQuery } from './run-results.js';

type FullResult = Awaited<ReturnType<typeof getResult>>;

/** One officer's report: who, the facts and components, feedback averages, the explanation. */
function ReportBody(props: { t: Translate; lang: Lang; bureau: string; code: string; result: FullResult; fb: FeedbackAverages; heading: 'h1' | 'h2' }) {
  const { t, lang, result, fb, code } = props;
  const title = `${t('report.title')} · ${result.period}`;
  const H = props.heading;
  const Sub = H === 'h1' ? 'h2' : 'h3';
  return (
    <>
      <H>{title}</H>
      <p>
        <strong>{result.name ?? code}</strong> ({code}) · {props.bureau}
      </p>
      {result.runStatus !== 'published' && <Notice kind="warn">{t('report.unpublished')}</Notice>}
      <ResultSummary t={t} lang={lang} result={result} />
      <Sub>{t('report.feedback')}</Sub>
      <p>{t('report.responses', { n: fb.n })}</p>
      {fb.means ? (
        <Table head={[t('cmp.group'), t('col.feedback')]}>
          {(['professionalism', 'attitude', 'efficiency', 'integrity'] as const).map((k) => (
            <tr>
              <td>{t(`report.${k}`)}</td>
              <td class="num">{fb.means![k].toFixed(2)}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p data-testid="fewer-than-5">{t('report.fewer', { n: fb.n })}</p>
      )}
      <Sub>{t('officer.explanation')}</Sub>
      <Explanation lang={lang} t={t} detail={result.detail} correction={result.correctionDetail} />
    </>
  );
}

async function reportPage(c: PageContext, runId: string, code: string) {
  requireStaffPage(c, 'hr', 'officer');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  // getResult enforces who may see what: HR any; the officer only their own, only once published.
  const result = await getResult({ ctx, input: { id: runId, officerCode: code } });
  const fb = await feedbackAverages(ctx, code, result.period);
  return renderPage(
    c,
    <Layout c={c} title={`${t('report.title')} · ${result.period}`} lang={lang}>
      <GradingStyle />
      <ReportBody t={t} lang={lang} bureau={ctx.config.bureauName} code={code} result={result} fb={fb} heading="h1" />
    </Layout>,
  );
}

/** Each report starts on a new sheet; on screen they are set apart by a rule. */
const bulkCss = `article.report{border-top:3px solid var(--line);margin-top:2rem;padding-top:.5rem}
article.report:first-of-type{border-top:0;margin-top:0}
@media print{article.report{border-top:0;margin-top:0;break-after:page;page-break-after:always}article.report:last-of-type{break-after:auto;page-break-after:auto}}`;

async function bulkReportsPage(c: PageContext, runId: string) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const view = resultsView(c);
  const offset = Math.max(0, Math.floor(Number(c.req.query('offset') ?? 0)) || 0);
  const { run, items, total } = await runResultsForReports({ ctx, input: { id: runId, offset, ...view.filter } });
  const fbs = await feedbackAveragesByOfficer(ctx, run.period, items.map((r) => r.officerCode));
  const base = `/hr/runs/${enc(run.id)}`;
  const title = t('bulk.title', { period: run.period });
  const more = (at: number) => `${base}/reports?${viewQuery(view)}&offset=${at}`;
  return renderPage(
    c,
    <Layout c={c} title={title} lang={lang}>
      <GradingStyle />
      <PageStyle css={bulkCss} />
      <div class="no-print">
        <p>
          <a href={`${base}?${viewQuery(view)}#results`}>{t('bulk.back')}</a>
        </p>
        <h1>{title}</h1>
        <p data-testid="bulk-count">{t('bulk.count', { from: total === 0 ? 0 : offset + 1, to: offset + items.length, total })}</p>
        <p>{t('bulk.hint')}</p>
        {(offset > 0 || offset + items.length < total) && (
          <p>
            {offset > 0 && <a href={more(Math.max(0, offset - REPORTS_PER_DOCUMENT))}>{t('run.prev')}</a>}{' '}
            {offset + items.length < total && <a href={more(offset + REPORTS_PER_DOCUMENT)}>{t('run.next')}</a>}
          </p>
        )}
      </div>
      {items.map((result) => (
        <article class="report" data-officer={result.officerCode}>
          <ReportBody t={t} lang={lang} bureau={ctx.config.bureauName} code={result.officerCode} result={result} fb={fbs.get(result.officerCode)!} heading="h2" />
        </article>
      ))}
    </Layout>,
  );
}

export const reportPages = new Hono<AppEnv>()
  .get('/reports/:runId/:code', (c) => reportPage(c, c.req.param('runId'), c.req.param('code')))
  .get('/hr/runs/:id/reports', (c) => bulkReportsPage(c, c.req.param('id')));
