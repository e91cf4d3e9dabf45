/**
 * /hr/runs/:id/officers/:code: one officer's result with its breakdown and explanation, the
 * adjustment form, and the officer's appeals with the form that decides them.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { ErrorBox, Layout, renderPage, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, num, statusOf, str, type PageStatus } from '../pages/page-helpers.js';
import { findRun, runPolicy } from './run-model.js';
import { getResult } from './results.js';
import { decideAppeal, listAppeals } from './appeal.js';
import { appealSubject } from './queries.js';
import { AppealDecisions, appealDecisionPost, officerPageFlash, officerPageOf } from './appeal-section.js';
import { Explanation, GradingStyle, ResultSummary, ProposeForm, tt } from './page-parts.js';

async function officerPage(c: PageContext, id: string, code: string, opts: { error?: unknown; status?: PageStatus; refused?: { id?: string; reason?: string } } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const result = await getResult({ ctx, input: { id, officerCode: code } });
  const appeals = (await listAppeals({ ctx, input: { runId: id, limit: 1000 } })).items.filter((a) => a.officerCode === code);
  const run = await findRun(ctx, id);
  const policy = await runPolicy(ctx, run);
  const d = result.detail;
  const base = `/hr/runs/${enc(id)}`;
  // A refused appeal decision is said in the appeals section; any other refusal (a proposal) up top.
  const appealError = opts.refused !== undefined && appeals.length > 0;
  return renderPage(
    c,
    <Layout c={c} title={t('officer.title', { name: result.name ?? code, code, period: result.period })} lang={lang}>
      <GradingStyle />
      <p class="no-print">
        <a href={base}>{t('officer.back')}</a> · <a href={`/reports/${enc(id)}/${enc(code)}`}>{t('officer.report')}</a>
      </p>
      <h1>{t('officer.title', { name: result.name ?? code, code, period: result.period })}</h1>
      {!appealError && <ErrorBox error={opts.error} lang={lang} />}
      <ResultSummary t={t} lang={lang} result={result} />
      <h2>{t('officer.explanation')}</h2>
      <Explanation lang={lang} t={t} detail={d} correction={result.correctionDetail} />
      {run.status === 'computed' && !run.whatIf && result.status === 'graded' && <ProposeForm c={c} t={t} runId={id} policy={policy} officerCode={code} back={`${base}/officers/${enc(code)}`} />}
      <AppealDecisions
        c={c}
        t={t}
        lang={lang}
        title={t('appeal.title')}
        rule={t('appeal.deciderRule')}
        items={appeals}
        action={(a) => `/hr/appeals/${enc(a.id)}/decision`}
        corrected={(a) => (a.correctedTier !== null ? t('appeal.corrected', { tier: a.correctedTier }) : '')}
        field={{ name: 'correctedTier', label: t('appeal.correctedTier'), options: policy.tiers.map((x) => ({ value: String(x.level), label: String(x.level) })) }}
        error={appealError ? opts.error : undefined}
        refused={opts.refused}
      />
    </Layout>,
    opts.status ?? 200,
  );
}

export const officerResultPages = new Hono<AppEnv>()
  .get('/hr/runs/:id/officers/:code', async (c) => officerPage(c, c.req.param('id'), c.req.param('code'), await officerPageFlash(c)))
  .post('/hr/appeals/:id/decision', (c) =>
    appealDecisionPost(
      c,
      async (ctx) => {
        const s = await appealSubject(ctx, c.req.param('id'));
        return s && officerPageOf('/hr/runs', s.runId, s.officerCode);
      },
      (form) => decideAppeal({ ctx: c.get('ctx'), input: { id: c.req.param('id'), outcome: str(form, 'outcome'), reason: str(form, 'reason'), correctedTier: num(form, 'correctedTier') } }),
      async (err) => {
        const s = (await appealSubject(c.get('ctx'), c.req.param('id')))!;
        return officerPage(c, s.runId, s.officerCode, { error: err, status: statusOf(err) });
      },
    ),
  );
