/**
 * /hr/runs/:id while a run is still being computed (a province on the Worker: its results are
 * written over a few invocations, src/grading/run-job.ts) or after it failed: how far the job
 * writing its results has come, refreshed every few seconds without JavaScript (a `Refresh`
 * header), until the run is computed and the page shows it as usual.
 */
import { Layout, Notice, renderPage, type PageContext } from '../pages/layout.js';
import type { getRun } from './list-runs.js';
import { GradingStyle, tt } from './page-parts.js';

/** Seconds between refreshes of a computing run's page. */
const REFRESH_S = 5;

export function runProgressPage(c: PageContext, run: Awaited<ReturnType<typeof getRun>>) {
  const { lang, t } = tt(c);
  const p = run.progress;
  const computing = run.status === 'computing';
  if (computing) c.header('refresh', String(REFRESH_S));
  return renderPage(
    c,
    <Layout c={c} title={t('run.title', { period: run.period })} lang={lang}>
      <GradingStyle />
      <h1>{t('run.title', { period: run.period })}</h1>
      <dl class="run-meta">
        <dt>{t('run.id')}</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>{t('run.status')}</dt>
        <dd data-testid="run-status">{t(`run.status.${run.status}`)}</dd>
      </dl>
      {computing && p && p.total !== null && (
        <p data-testid="run-progress">
          <label for="run-progress-bar">{t('run.progress', { done: p.done.toLocaleString('en-US'), total: p.total.toLocaleString('en-US') })}</label>{' '}
          <progress id="run-progress-bar" value={p.done} max={p.total} />
        </p>
      )}
      {computing && <Notice>{t('run.computingNote', { s: REFRESH_S })}</Notice>}
      {!computing && <Notice kind="warn">{t(p?.error && /inputs changed/.test(p.error) ? 'run.failedInputs' : 'run.failedNote')}</Notice>}
      <p>
        <a href="/hr">{t('run.backToRuns')}</a>
      </p>
    </Layout>,
  );
}
