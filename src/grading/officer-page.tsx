/**
 * /hr/runs/:id/officers/:code: one officer's result with its breakdown and explanation, the
 * adjustment form, and the officer's appeals with the form that decides them.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, renderPage, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, num, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import { findRun, runPolicy } from './run-model.js';
import { getResult } from './results.js';
import { decideAppeal, listAppeals } from './appeal.js';
import { appealSubject } from './queries.js';
import { Explanation, GradingStyle, ResultSummary, ProposeForm, tt } from './page-parts.js';

async function officerPage(c: PageContext, id: string, code: string, opts: { error?: unknown; status?: PageStatus } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const result = await getResult({ ctx, input: { id, officerCode: code } });
  const appeals = (await listAppeals({ ctx, input: { runId: id, limit: 1000 } })).items.filter((a) => a.officerCode === code);
  const run = await findRun(ctx, id);
  const policy = await runPolicy(ctx, run);
  const d = result.detail;
  const base = `/hr/runs/${enc(id)}`;
  return renderPage(
    c,
    <Layout c={c} title={t('officer.title', { name: result.name ?? code, code, period: result.period })} lang={lang}>
      <GradingStyle />
      <p class="no-print">
        <a href={base}>{t('officer.back')}</a> · <a href={`/reports/${enc(id)}/${enc(code)}`}>{t('officer.report')}</a>
      </p>
      <h1>{t('officer.title', { name: result.name ?? code, code, period: result.period })}</h1>
      <ResultSummary t={t} lang={lang} result={result} />
      <h2>{t('officer.explanation')}</h2>
      <Explanation lang={lang} t={t} detail={d} correction={result.correctionDetail} />
      {run.status === 'computed' && !run.whatIf && result.status === 'graded' && <ProposeForm c={c} t={t} runId={id} policy={policy} officerCode={code} back={`${base}/officers/${enc(code)}`} />}
      {appeals.length > 0 && (
        <section id="appeals">
          <h2>{t('appeal.title')}</h2>
          <ErrorBox error={opts.error} lang={lang} />
          {appeals.map((a) => (
            <div class="adjustment" data-appeal={a.id}>
              <p>
                <strong>{t('appeal.line', { at: when(a.filedAt), status: t(`appeal.status.${a.status}`) })}</strong>
                <br />
                {a.reason}
              </p>
              {a.status !== 'pending' ? (
                <p>
                  {a.decisionReason}
                  {a.correctedTier !== null ? ` · ${t('appeal.corrected', { tier: a.correctedTier })}` : ''}
                </p>
              ) : (
                <form method="post" action={`/hr/appeals/${enc(a.id)}/decision`}>
                  <CsrfInput c={c} />
                  <p class="muted">{t('appeal.deciderRule')}</p>
                  <label for={`outcome-${a.id}`}>{t('appeal.outcome')}</label>
                  <select id={`outcome-${a.id}`} name="outcome" required>
                    <option value="dismissed">{t('appeal.status.dismissed')}</option>
                    <option value="upheld">{t('appeal.status.upheld')}</option>
                  </select>
                  <label for={`corrected-${a.id}`}>{t('appeal.correctedTier')}</label>
                  <select id={`corrected-${a.id}`} name="correctedTier">
                    <option value="">–</option>
                    {policy.tiers.map((x) => (
                      <option value={String(x.level)}>{x.level}</option>
                    ))}
                  </select>
                  <label for={`appeal-reason-${a.id}`}>{t('adj.decisionReason')}</label>
                  <textarea id={`appeal-reason-${a.id}`} name="reason" required maxlength={4000}></textarea>
                  <div>
                    <button type="submit">{t('appeal.decide')}</button>
                  </div>
                </form>
              )}
            </div>
          ))}
        </section>
      )}
    </Layout>,
    opts.status ?? 200,
  );
}

export const officerResultPages = new Hono<AppEnv>()
  .get('/hr/runs/:id/officers/:code', (c) => officerPage(c, c.req.param('id'), c.req.param('code')))
  .post('/hr/appeals/:id/decision', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const ctx = c.get('ctx');
    const appeal = await appealSubject(ctx, c.req.param('id'));
    try {
      await decideAppeal({ ctx, input: { id: c.req.param('id'), outcome: str(form, 'outcome'), reason: str(form, 'reason'), correctedTier: num(form, 'correctedTier') } });
    } catch (e) {
      const err = formRefusal(c, e);
      if (!appeal) throw err;
      return officerPage(c, appeal.runId, appeal.officerCode, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(appeal!.runId)}/officers/${enc(appeal!.officerCode)}#appeals`, 303);
  });
