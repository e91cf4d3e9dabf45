/**
 * /hr/runs/:id: one run with its distribution, cap usage, adjustments and sortable results, and
 * the actions on it (publish with confirmation, recompute, propose and decide adjustments).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, num, PageStyle, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import { findRun, runPolicy } from './run-model.js';
import { getRun, listRuns } from './list-runs.js';
import { browseResults } from './results.js';
import { resultFacets } from './result-filters.js';
import { ResultsFilterForm, ResultsTable, resultsFilterCss, resultsView, viewQuery, type ResultsView } from './run-results.js';
import type { ApiError } from '../core/errors.js';
import { recomputeRun } from './compute-run.js';
import { publishRun } from './publish-run.js';
import { exportProvisionalCsv, exportRunCsv } from './export-run.js';
import { discardRun } from './discard-run.js';
import { correctionsCsv, listCorrections } from './corrections.js';
import { isoDate } from '../core/clock.js';
import { decideAdjustment, listAdjustments, proposeAdjustment } from './adjustment.js';
import { runHistogram, tierUsage } from './report.js';
import { usernames } from '../auth/directory.js';
import { adjustmentRunId, runHistory } from './queries.js';
import { GradingStyle, Histogram, ProposeForm, RunStatus, pageRefusal, publishPost, tt } from './page-parts.js';
import { CorrectionsSection, DiscardForm, HistorySection } from './run-sections.js';
import { runProgressPage } from './run-progress.js';
import { flashError, flashStatus, redirectRefused, setFlash, takeFlash } from '../pages/flash.js';
import { badRequest } from '../core/errors.js';

const PAGE_SIZE = 50;

/** A rejection waiting for its confirmation (the adjustment and the reason typed), or a refused decision's typed reason. */
type AdjustmentAsk = { id: string; reason: string; confirmReject: boolean };

async function runPage(c: PageContext, id: string, opts: { error?: unknown; notice?: string; status?: PageStatus; discardUnconfirmed?: boolean; adjustment?: AdjustmentAsk } = {}) {
  const me = requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const view = resultsView(c);
  const run = await getRun({ ctx, input: { id } });
  if (run.status === 'computing' || run.status === 'failed') return runProgressPage(c, run);
  const runRow = await findRun(ctx, id);
  const policy = await runPolicy(ctx, runRow);
  const browse = (filter: ResultsView['filter']) => browseResults({ ctx, input: { id, sort: view.sort, dir: view.dir, offset: view.page * view.size, limit: view.size, ...filter } });
  // A filter the schema refuses (tier=abc) is named on the page, over the unfiltered table.
  let filterError: ApiError | undefined;
  const filtered = browse(view.filter).catch((e: unknown) => {
    filterError = formRefusal(c, e);
    return browse({ unit: undefined, team: undefined, tier: undefined, status: undefined, q: undefined });
  });
  const [results, facets, bins, usage, adjustments, names, siblings, fixes, history] = await Promise.all([
    filtered,
    resultFacets(ctx, id),
    runHistogram(ctx, id),
    tierUsage(ctx, runRow, policy),
    listAdjustments({ ctx, input: { runId: id } }),
    usernames(ctx, [run.createdBy, run.publishedBy, run.discardedBy]),
    listRuns({ ctx, input: { period: run.period, limit: 50 } }),
    listCorrections({ ctx, input: { id } }),
    runHistory(ctx, id),
  ]);
  const adjNames = await usernames(ctx, adjustments.items.flatMap((a) => [a.requestedBy, a.decidedBy]));
  const mutable = run.status === 'computed' && !run.whatIf;
  const base = `/hr/runs/${enc(id)}`;
  const pending = adjustments.items.filter((a) => a.status === 'pending');
  const decided = adjustments.items.filter((a) => a.status !== 'pending');
  return renderPage(
    c,
    <Layout c={c} title={t('run.title', { period: run.period })} lang={lang}>
      <GradingStyle />
      <h1>{t('run.title', { period: run.period })}</h1>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={opts.error} lang={lang} />
      <dl class="run-meta">
        <dt>{t('run.id')}</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>{t('run.status')}</dt>
        <dd data-testid="run-status">
          <RunStatus t={t} run={runRow} />
        </dd>
        <dt>{t('run.policy')}</dt>
        <dd>
          {policy.version} · <code>{run.policyHash.slice(0, 16)}</code>
        </dd>
        <dt>{t('run.digest')}</dt>
        <dd>
          <code>{run.inputDigest}</code>
        </dd>
        <dt>{t('run.created')}</dt>
        <dd>{t('run.by', { at: when(run.createdAt), user: names.get(run.createdBy) ?? run.createdBy })}</dd>
        {run.publishedAt && (
          <>
            <dt>{t('run.published')}</dt>
            <dd>{t('run.by', { at: when(run.publishedAt), user: names.get(run.publishedBy ?? '') ?? run.publishedBy ?? '' })}</dd>
          </>
        )}
      </dl>
      <p>{t('run.counts', { graded: usage.graded, notGraded: usage.notGraded })}</p>
      <p class="no-print">
        {mutable && (
          <a class="button" href={`${base}/publish`}>
            {t('run.publish')}
          </a>
        )}{' '}
        {run.status === 'computed' && adjustments.items.length === 0 && (
          <form method="post" action={`${base}/recompute`} class="inline-form">
            <CsrfInput c={c} />
            <button type="submit" class="secondary" title={t('run.recomputeHint')}>
              {t('run.recompute')}
            </button>
          </form>
        )}{' '}
        {run.status === 'published' ? (
          <a class="button secondary" href={`${base}/export.csv`} download>
            {t('run.export')}
          </a>
        ) : (
          <a class="button secondary" href={`${base}/provisional.csv`} download>
            {t('run.provisionalExport')}
          </a>
        )}{' '}
        <a class="button secondary" href={`${base}/reports?${viewQuery(view, { page: 0 })}`}>
          {t('bulk.print')}
        </a>
      </p>
      {run.status === 'published' && <Notice>{t('run.frozen')}</Notice>}
      {run.status === 'discarded' && (
        <Notice kind="warn" title={t('run.discarded')}>
          {t('run.discardedNote', { at: when(run.discardedAt), user: names.get(run.discardedBy ?? '') ?? run.discardedBy ?? '', reason: run.discardReason ?? '' })}
        </Notice>
      )}
      {run.provisional ? <Notice kind="warn">{t('run.provisionalNote')}</Notice> : run.whatIf && <Notice kind="warn">{t('run.whatIfNote')}</Notice>}
      {run.status === 'computed' && <DiscardForm c={c} t={t} runId={run.id} confirmError={opts.discardUnconfirmed} />}

      <h2>{t('run.distribution')}</h2>
      <Histogram bins={bins} tiers={usage.tiers} label={t('run.chartLabel')} />
      <details class="no-print">
        <summary>{t('run.chartData')}</summary>
        <Table head={[t('col.composite'), t('cmp.n')]}>
          {bins.map((n, i) => (
            <tr>
              <td>{`${i * 5}–${i === bins.length - 1 ? 100 : i * 5 + 5}`}</td>
              <td class="num">{n}</td>
            </tr>
          ))}
        </Table>
      </details>
      <h3>{t('run.caps')}</h3>
      <ul data-testid="cap-usage">
        {usage.tiers.map((u) =>
          u.cap === null ? <li>{t('run.noCap', { level: u.level, used: u.used })}</li> : <li>{t('run.capUsed', { level: u.level, used: u.used, cap: u.cap })}</li>,
        )}
      </ul>

      {siblings.items.length > 1 && (
        <form method="get" action="/hr/compare" class="no-print">
          <input type="hidden" name="a" value={run.id} />
          <label for="cmp-b">{t('run.compareWith')}</label>
          <select id="cmp-b" name="b">
            {siblings.items
              .filter((r) => r.id !== run.id)
              .map((r) => (
                <option value={r.id}>{`${r.id} · ${t(`run.status.${r.status}`)}${r.whatIf ? ` · ${t('run.whatIf')}` : ''}`}</option>
              ))}
          </select>
          <button type="submit" class="secondary">
            {t('run.compareGo')}
          </button>
        </form>
      )}

      {!run.whatIf && (
        <section id="adjustments">
          <h2>{t('adj.title')}</h2>
          {adjustments.items.length === 0 && <p>{t('adj.none')}</p>}
          {pending.length > 0 && <h3>{t('adj.pending')}</h3>}
          {pending.map((a) => (
            <div class="adjustment" data-adjustment={a.id} id={`adj-${a.id}`}>
              <p>
                <strong>{t('adj.line', { officer: a.officerCode, from: a.fromTier, to: a.toTier, user: adjNames.get(a.requestedBy) ?? a.requestedBy })}</strong>
                <br />
                {a.reason}
              </p>
              {a.requestedBy === me.userId ? (
                <p class="muted">{t('adj.own')}</p>
              ) : mutable && opts.adjustment?.id === a.id && opts.adjustment.confirmReject ? (
                // Rejecting ends the proposal for good: asked once more, without JavaScript (ADR 0087).
                <form method="post" action={`/hr/adjustments/${enc(a.id)}/decision`} data-testid="reject-confirm">
                  <Notice kind="warn">{t('adj.rejectAsk', { officer: a.officerCode, from: a.fromTier, to: a.toTier })}</Notice>
                  <CsrfInput c={c} />
                  <input type="hidden" name="decision" value="reject" />
                  <input type="hidden" name="confirm" value="yes" />
                  <label for={`reason-${a.id}`}>{t('adj.decisionReason')}</label>
                  <input id={`reason-${a.id}`} name="reason" type="text" required maxlength={2000} value={opts.adjustment.reason} />
                  <button type="submit" class="danger">
                    {t('adj.rejectConfirm')}
                  </button>{' '}
                  <a href={`${base}#adjustments`}>{t('adj.rejectCancel')}</a>
                </form>
              ) : (
                mutable && (
                  <form method="post" action={`/hr/adjustments/${enc(a.id)}/decision`}>
                    <CsrfInput c={c} />
                    <label for={`reason-${a.id}`}>{t('adj.decisionReason')}</label>
                    <input id={`reason-${a.id}`} name="reason" type="text" required maxlength={2000} value={opts.adjustment?.id === a.id ? opts.adjustment.reason : ''} />
                    <button type="submit" name="decision" value="approve">
                      {t('adj.approve')}
                    </button>{' '}
                    <button type="submit" name="decision" value="reject" class="secondary">
                      {t('adj.reject')}
                    </button>
                  </form>
                )
              )}
            </div>
          ))}
          {decided.length > 0 && (
            <>
              <h3>{t('adj.decided')}</h3>
              <Table head={[t('adj.officer'), t('col.tier'), t('adj.reason'), t('run.status'), t('adj.decisionReason')]}>
                {decided.map((a) => (
                  <tr>
                    <td>{a.officerCode}</td>
                    <td>{`${a.fromTier} → ${a.toTier}`}</td>
                    <td class="prose">{a.reason}</td>
                    <td>{`${t(`adj.status.${a.status}`)} · ${adjNames.get(a.decidedBy ?? '') ?? ''}`}</td>
                    <td>{a.decisionReason}</td>
                  </tr>
                ))}
              </Table>
            </>
          )}
          {mutable && <ProposeForm c={c} t={t} runId={run.id} policy={policy} />}
        </section>
      )}

      <h2 id="results">{t('run.results')}</h2>
      <PageStyle css={resultsFilterCss} />
      <ResultsFilterForm t={t} base={base} view={view} facets={facets} tiers={usage.tiers.map((u) => u.level)} />
      <ErrorBox error={filterError} lang={lang} />
      <ResultsTable t={t} base={base} view={view} browse={results} />
      {run.status === 'published' && <CorrectionsSection t={t} runId={run.id} items={fixes.items} today={isoDate(ctx.clock.now())} />}
      <HistorySection t={t} entries={history} />
    </Layout>,
    // A refusal carried over (flash) keeps its status; a bad filter on an otherwise good page is a 400.
    filterError && (opts.status ?? 200) === 200 ? 400 : (opts.status ?? 200),
  );
}

/** Only same-site paths of the HR console are followed after a form post. */
const safeBack = (back: string, fallback: string) => (/^\/hr\/runs\/[A-Za-z0-9_%-]+(\/officers\/[A-Za-z0-9_%.-]+)?$/.test(back) ? back : fallback);

export const runPages = new Hono<AppEnv>()
  .get('/hr/runs/:id', async (c) => {
    const q = c.req.query('done');
    const { t } = tt(c);
    const notice = q === 'proposed' ? t('adj.proposed') : q === 'approved' || q === 'rejected' ? t('adj.done', { status: t(`adj.status.${q}`) }) : q === 'published' ? t('publish.done') : q === 'recomputed' ? t('run.recomputed') : q === 'discarded' ? t('run.discarded') : undefined;
    // A refused action of this page comes back here with its refusal (post, redirect, get).
    const flash = await takeFlash(c);
    // A rejection to confirm, or a refused decision's reason, belongs to its adjustment (`form` is `adj:<id>`).
    const adjId = flash?.form?.startsWith('adj:') ? flash.form.slice(4) : undefined;
    const adjustment = adjId ? { id: adjId, reason: flash?.values?.reason ?? '', confirmReject: flash?.values?.confirmReject === '1' } : undefined;
    return runPage(c, c.req.param('id'), { notice, error: flashError(flash), status: flashStatus(flash), discardUnconfirmed: flash?.form === 'discard', adjustment });
  })
  .get('/hr/runs/:id/export.csv', async (c) => {
    requireStaffPage(c, 'hr');
    // HR checks the file in Excel: the reason of each officer not graded comes with it.
    const { filename, body } = await exportRunCsv({ ctx: c.get('ctx'), input: { id: c.req.param('id'), reasons: true } });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .get('/hr/runs/:id/provisional.csv', async (c) => {
    requireStaffPage(c, 'hr');
    const { filename, body } = await exportProvisionalCsv({ ctx: c.get('ctx'), input: { id: c.req.param('id') } });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .get('/hr/runs/:id/corrections.csv', async (c) => {
    requireStaffPage(c, 'hr');
    const { filename, body } = await correctionsCsv({ ctx: c.get('ctx'), input: { id: c.req.param('id'), since: c.req.query('since') || undefined } });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .post('/hr/runs/:id/discard', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (str(form, 'confirm') !== 'yes') {
      const err = badRequest(tt(c).t('run.discardConfirmNeeded'), [{ path: 'confirm', message: tt(c).t('run.discardConfirmNeeded') }]);
      return (await redirectRefused(c, `/hr/runs/${enc(id)}`, err, { form: 'discard' })) ?? runPage(c, id, { error: err, status: 400, discardUnconfirmed: true });
    }
    try {
      await discardRun({ ctx: c.get('ctx'), input: { id, reason: str(form, 'reason') || undefined } });
    } catch (e) {
      const err = pageRefusal(c, e);
      return (await redirectRefused(c, `/hr/runs/${enc(id)}`, err)) ?? runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(id)}?done=discarded`, 303);
  })
  .post('/hr/runs/:id/publish', (c) => {
    const id = c.req.param('id');
    return publishPost(c, `/hr/runs/${enc(id)}`, () => publishRun({ ctx: c.get('ctx'), input: { id } }), (error, status) => runPage(c, id, { error, status }));
  })
  .post('/hr/runs/:id/recompute', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    try {
      await recomputeRun({ ctx: c.get('ctx'), input: { id } });
    } catch (e) {
      const err = pageRefusal(c, e);
      return (await redirectRefused(c, `/hr/runs/${enc(id)}`, err)) ?? runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(id)}?done=recomputed`, 303);
  })
  .post('/hr/runs/:id/adjustments', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const back = safeBack(str(form, 'back'), `/hr/runs/${enc(id)}`);
    try {
      await proposeAdjustment({ ctx: c.get('ctx'), input: { runId: id, officerCode: str(form, 'officerCode'), toTier: num(form, 'toTier'), reason: str(form, 'reason') } });
    } catch (e) {
      const err = formRefusal(c, e);
      // Back to the page the form was on, never left at this POST URL (a refresh would post again).
      return (await redirectRefused(c, back, err)) ?? runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`${back}${back.includes('/officers/') ? '' : '?done=proposed#adjustments'}`, 303);
  })
  .post('/hr/adjustments/:id/decision', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const ctx = c.get('ctx');
    const adjId = c.req.param('id');
    const runId = await adjustmentRunId(ctx, adjId);
    const reason = str(form, 'reason');
    // A rejection is asked once more before it is made (the decision cannot be undone).
    if (runId && str(form, 'decision') === 'reject' && str(form, 'confirm') !== 'yes') {
      const ask = { form: `adj:${adjId}`, values: { reason, confirmReject: '1' } };
      if (await setFlash(c, ask)) return c.redirect(`/hr/runs/${enc(runId)}#adj-${enc(adjId)}`, 303);
      return runPage(c, runId, { adjustment: { id: adjId, reason, confirmReject: true } });
    }
    try {
      const out = await decideAdjustment({ ctx, input: { id: adjId, decision: str(form, 'decision'), reason } });
      return c.redirect(`/hr/runs/${enc(out.runId)}?done=${out.status}#adjustments`, 303);
    } catch (e) {
      const err = formRefusal(c, e);
      if (!runId) throw err;
      const adjustment = { id: adjId, reason, confirmReject: false };
      return (await redirectRefused(c, `/hr/runs/${enc(runId)}#adjustments`, err, { form: `adj:${adjId}`, values: { reason } })) ?? runPage(c, runId, { error: err, status: statusOf(err), adjustment });
    }
  });
