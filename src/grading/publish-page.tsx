/**
 * /hr/runs/:id/publish: the confirmation step before a run is frozen. It says what publishing
 * does and what the run is missing (graded officers without workload rows, assessment results or
 * responses: counts and names), and refuses up front for a run that can never be published.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { problemSentence } from '../core/problems.js';
import { Layout, Notice, renderPage, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Translate } from '../pages/i18n.js';
import { enc } from '../pages/page-helpers.js';
import { getRun } from './list-runs.js';
import { runGaps, type Gap } from './run-gaps.js';
import { GradingStyle, PublishConfirmForm, tt } from './page-parts.js';

const LIST = 50;

function GapList(props: { t: Translate; gap: Gap; label: string; testid: string }) {
  const { t, gap } = props;
  if (gap.count === 0) return <></>;
  return (
    <li data-testid={props.testid} data-count={gap.count}>
      <strong>{props.label}</strong>
      <br />
      {gap.officers.map((o) => `${o.code}${o.name ? ` ${o.name}` : ''}`).join('、')}
      {gap.count > gap.officers.length ? ` ${t('publish.more', { n: gap.officers.length })}` : ''}
    </li>
  );
}

async function confirmPage(c: PageContext, id: string) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const [run, gaps] = await Promise.all([getRun({ ctx, input: { id } }), runGaps({ ctx, input: { id, listLimit: LIST } })]);
  const never = run.provisional ? problemSentence(lang, 'provisional_run') : run.status === 'discarded' ? problemSentence(lang, 'run_discarded') : run.status === 'published' ? problemSentence(lang, 'run_published') : run.whatIf ? t('run.whatIfNote') : null;
  const none = gaps.noWorkload.count + gaps.noAssessment.count + gaps.noResponses.count === 0;
  return renderPage(
    c,
    <Layout c={c} title={t('publish.title')} lang={lang}>
      <GradingStyle />
      <h1>{t('publish.title')}</h1>
      <Notice kind="warn">{t('publish.warning')}</Notice>
      <p>{t('publish.summary', { period: run.period, graded: run.counts.graded })}</p>
      <p>
        <code>{run.id}</code>
      </p>
      <h2>{t('publish.gaps')}</h2>
      {none ? (
        <p data-testid="no-gaps">{t('publish.noGaps')}</p>
      ) : (
        <ul data-testid="gaps">
          <GapList t={t} gap={gaps.noWorkload} testid="gap-workload" label={t('publish.noWorkload', { n: gaps.noWorkload.count })} />
          <GapList t={t} gap={gaps.noAssessment} testid="gap-assessment" label={t('publish.noAssessment', { n: gaps.noAssessment.count })} />
          <GapList t={t} gap={gaps.noResponses} testid="gap-responses" label={t('publish.noResponses', { n: gaps.noResponses.count })} />
        </ul>
      )}
      {never ? (
        <Notice kind="error" title={t('publish.refused')}>
          {never}
        </Notice>
      ) : (
        <PublishConfirmForm c={c} t={t} base={`/hr/runs/${enc(id)}`} />
      )}
    </Layout>,
  );
}

export const publishPages = new Hono<AppEnv>().get('/hr/runs/:id/publish', (c) => confirmPage(c, c.req.param('id')));
