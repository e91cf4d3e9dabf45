/**
 * /reports/:runId/:code: the printable officer report (HR any; the officer their own, once
 * published: getResult decides).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { getResult } from './results.js';
import { feedbackAverages } from './report.js';
import { Explanation, GradingStyle, ResultSummary, tt } from './page-parts.js';

async function reportPage(c: PageContext, runId: string, code: string) {
  requireStaffPage(c, 'hr', 'officer');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  // getResult enforces who may see what: HR any; the officer only their own, only once published.
  const result = await getResult({ ctx, input: { id: runId, officerCode: code } });
  const fb = await feedbackAverages(ctx, code, result.period);
  const d = result.detail;
  const title = `${t('report.title')} · ${result.period}`;
  return renderPage(
    c,
    <Layout c={c} title={title} lang={lang}>
      <GradingStyle />
      <h1>{title}</h1>
      <p>
        <strong>{result.name ?? code}</strong> ({code}) · {ctx.config.bureauName}
      </p>
      {result.runStatus !== 'published' && <Notice kind="warn">{t('report.unpublished')}</Notice>}
      <ResultSummary t={t} result={result} />
      <h2>{t('report.feedback')}</h2>
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
      <h2>{t('officer.explanation')}</h2>
      <Explanation lang={lang} t={t} detail={d} correction={result.correctionDetail} />
    </Layout>,
  );
}

export const reportPages = new Hono<AppEnv>().get('/reports/:runId/:code', (c) => reportPage(c, c.req.param('runId'), c.req.param('code')));
