/**
 * /me: the officer's own record, published results with the appeal form, appeals, feedback
 * averages (never single responses) and latest decisions.
 */
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../core/http.js';
import { periodOf, shiftPeriod } from '../core/period.js';
import { ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, enc, fmt, formRefusal, pay, statusOf, str, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import { myGrades } from '../grading/results.js';
import { notGradedReason } from '../grading/not-graded.js';
import { fileAppeal, listAppeals } from '../grading/appeal.js';
import { feedbackSummary } from '../feedback/reports.js';
import { SUMMARY_MIN_RESPONSES } from '../feedback/policy.js';
import { listDecisions } from '../decisions/list.js';
import { listPolicies, upcomingPolicies } from '../grading/policy-proposals.js';
import { describePolicy } from '../grading/policy-words.js';
import { Differences, Sentences } from '../grading/policies-page.js';
import { tt as gradingT } from '../grading/page-parts.js';
import type { Policy } from '../../scoring/policy.js';
import { gradedCounts, ownOfficerRecord, waitingForOfficer } from './queries.js';
import { WaitingSection } from './waiting-section.js';
import { tt as flagsT } from '../flags/page-parts.js';
import { DecisionTable } from './decision-pages.js';
import { myFlagNotices } from '../flags/due-process.js';
import { FlagNotices } from '../flags/notice-section.js';
import { myAnnualResults } from '../grading/annual-read.js';
import { fileAnnualAppeal, listAnnualAppeals } from '../grading/annual-appeal.js';
import { AnnualCard } from './annual-card.js';
import { OwnAppeal } from './appeal-form.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { OfficerStyle, selfActor, tt } from './page-parts.js';

type ResultItem = Awaited<ReturnType<typeof myGrades>>['items'][number];
type AppealItem = Awaited<ReturnType<typeof listAppeals>>['items'][number];

async function mePage(c: PageContext, opts: { error?: unknown; errorRun?: string; errorReview?: string; values?: Record<string, string>; status?: PageStatus } = {}) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const now = ctx.clock.now().toISOString();
  const record = await ownOfficerRecord(ctx);
  const results: ResultItem[] = (await myGrades({ ctx })).items;
  const counts = await gradedCounts(ctx, results.map((r) => r.runId));
  // listAppeals serves officers; one appeal per result at most, so one page of 1000 holds them all.
  const appeals: AppealItem[] = me.role === 'officer' ? (await listAppeals({ ctx, input: { limit: 1000 } })).items : [];
  const appealByRun = new Map(appeals.map((a) => [a.runId, a]));
  const periodByRun = new Map(results.map((r) => [r.runId, r.period]));
  const current = periodOf(now);
  const fbPeriods = [0, -1, -2, -3].map((n) => shiftPeriod(current, n));
  const feedback = await Promise.all(fbPeriods.map((period) => feedbackSummary({ ctx, input: { officerCode: me.officerCode, period } })));
  const latest = await listDecisions({ ctx, query: { officerCode: me.officerCode, limit: 5 } });
  const annual = (await myAnnualResults({ ctx })).items;
  const annualAppeals = me.role === 'officer' ? (await listAnnualAppeals({ ctx, input: { limit: 1000 } })).items : [];
  const annualAppealByReview = new Map(annualAppeals.map((a) => [a.reviewId, a]));
  const appealed = c.req.query('appealed');
  // The policy they will be graded by, in plain words, before they are graded by it (DESIGN 3).
  const policyNow = (await listPolicies({ ctx, input: { period: current, limit: 1 } })).inEffect.document as Policy;
  const policyNext = (await upcomingPolicies(ctx, current))[0];
  const g = gradingT(c).t;
  const notices = await myFlagNotices({ ctx });
  const waiting = await waitingForOfficer({ ctx });
  const ft = flagsT(c).t;

  return renderPage(
    c,
    <Layout c={c} title={t('me.title')} lang={lang}>
      <OfficerStyle />
      <h1>{t('me.title')}</h1>
      <WaitingSection t={t} waiting={waiting} ruleLabel={(rule) => ft(`rule.${rule}`)} />
      <h2 id="record">{t('me.record')}</h2>
      {record ? (
        <Facts
          testid="own-record"
          rows={[
            [t('me.name'), record.name],
            [t('me.code'), record.code],
            [t('me.unit'), record.unitName ? `${record.unitName} (${record.unitCode})` : record.unitCode],
            [t('me.team'), record.team],
            [t('me.hireDate'), record.hireDate],
            [t('me.positionStart'), record.positionStartDate],
            ...(record.leaveDate ? ([[t('me.leaveDate'), record.leaveDate]] as [string, Child][]) : []),
          ]}
        />
      ) : (
        <Notice kind="warn">{t('me.noRecord', { code: me.officerCode })}</Notice>
      )}

      <h2 id="policy">{g('pol.meTitle', { period: current })}</h2>
      <p>{g('pol.meIntro')}</p>
      <Sentences lines={describePolicy(policyNow, g)} testid="my-policy" />
      {policyNext && (
        <>
          <p>{g('pol.meNext', { from: policyNext.effectiveFrom })}</p>
          <Differences from={policyNow} to={policyNext.document as Policy} t={g} testid="my-next-policy" />
        </>
      )}

      <h2 id="results">{t('me.results')}</h2>
      {appealed && <Notice kind="ok">{t('appeal.filed')}</Notice>}
      {/* A refused appeal whose card has no form to show it in (another role, an unknown run). */}
      {opts.error !== undefined && opts.errorReview === undefined && (me.role !== 'officer' || !results.some((r) => r.runId === opts.errorRun)) && <ErrorBox error={opts.error} lang={lang} />}
      {results.length === 0 ? (
        <p>{t('me.noResults')}</p>
      ) : (
        results.map((r) => (
          <ResultCard
            c={c}
            t={t}
            lang={lang}
            r={r}
            of={counts.get(r.runId)}
            appeal={appealByRun.get(r.runId)}
            canAppeal={me.role === 'officer'}
            now={now}
            error={opts.errorRun === r.runId ? opts.error : undefined}
            reason={opts.errorRun === r.runId ? opts.values?.reason : undefined}
          />
        ))
      )}
      {me.role !== 'officer' && results.length > 0 && <p class="muted">{t('appeal.supervisorNote')}</p>}

      {appeals.length > 0 && (
        <>
          <h2 id="appeals">{t('appeal.mine')}</h2>
          <Table head={[t('appeal.col.period'), t('appeal.col.filed'), t('appeal.col.status'), t('appeal.col.decision')]}>
            {appeals.map((a) => (
              <tr data-testid="appeal-row">
                <td>{periodByRun.get(a.runId) ?? a.runId}</td>
                <td>{when(a.filedAt)}</td>
                <td>{t(`appeal.status.${a.status}`)}</td>
                <td>
                  {a.decisionReason ? t('appeal.decision', { reason: a.decisionReason }) : ''}
                  {a.correctedTier !== null ? ` ${t('appeal.corrected', { tier: a.correctedTier })}` : ''}
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}

      <h2 id="annual">{t('annual.title')}</h2>
      {c.req.query('annualAppealed') && <Notice kind="ok">{t('appeal.filed')}</Notice>}
      {opts.errorReview !== undefined && (me.role !== 'officer' || !annual.some((r) => r.reviewId === opts.errorReview)) && <ErrorBox error={opts.error} lang={lang} />}
      {annual.length === 0 ? (
        <p>{t('annual.none')}</p>
      ) : (
        annual.map((r) => (
          <AnnualCard
            c={c}
            t={t}
            lang={lang}
            r={r}
            appeal={annualAppealByReview.get(r.reviewId)}
            canAppeal={me.role === 'officer'}
            now={now}
            error={opts.errorReview === r.reviewId ? opts.error : undefined}
            reason={opts.errorReview === r.reviewId ? opts.values?.reason : undefined}
          />
        ))
      )}

      <h2 id="feedback">{t('fb.title')}</h2>
      <p class="muted">{t('fb.intro', { min: SUMMARY_MIN_RESPONSES })}</p>
      <Table
        head={[t('fb.period'), t('fb.n'), t('fb.professionalism'), t('fb.attitude'), t('fb.efficiency'), t('fb.integrity'), t('fb.overall')]}
        numeric={[1, 2, 3, 4, 5, 6]}
      >
        {feedback.map((f) => (
          <tr data-testid="feedback-row" data-period={f.period}>
            <td>{f.period}</td>
            <td class="num">{f.n}</td>
            {f.averages ? (
              (['professionalism', 'attitude', 'efficiency', 'integrity', 'overall'] as const).map((k) => <td class="num">{f.averages![k].toFixed(2)}</td>)
            ) : (
              <td colspan={5} class="muted">
                {f.n === 0 ? '–' : t('fb.withheld', { min: SUMMARY_MIN_RESPONSES })}
              </td>
            )}
          </tr>
        ))}
      </Table>

      <h2 id="decisions">{t('dec.latest')}</h2>
      <DecisionTable t={t} items={latest.items} />
      <p>
        <a href="/me/decisions">{t('dec.all')}</a>
        {me.role === 'officer' && (
          <>
            {' · '}
            <a href="/me/decisions/new">{t('dec.new')}</a>
          </>
        )}
      </p>

      <h2 id="flags">{t('flags.title')}</h2>
      <FlagNotices c={c} lang={lang} items={notices} />
    </Layout>,
    opts.status ?? 200,
  );
}

function ResultCard(props: {
  c: PageContext;
  t: Translate;
  lang: Lang;
  r: ResultItem;
  of: number | undefined;
  appeal: AppealItem | undefined;
  canAppeal: boolean;
  now: string;
  error?: unknown;
  reason?: string;
}) {
  const { c, t, r } = props;
  const graded = r.status === 'graded';
  const rows: [string, Child][] = [];
  // Pay as it stands: the effective tier and payout (after an upheld appeal), the published ones beside.
  const e = r.effective;
  const corrected = e.correction !== null;
  const tierLine = `${e.tier ?? '–'}${corrected && e.tier !== r.tier ? t('me.corrected', { from: r.tier ?? '–' }) : r.adjusted ? t('me.adjusted', { from: r.adjusted.fromTier }) : ''}`;
  const payLine = `${pay(e.payout)}${corrected && e.payout !== r.payout ? t('me.originalPayout', { payout: pay(r.payout) }) : ''}`;
  if (graded) {
    rows.push(
      [t('me.tier'), tierLine],
      [t('me.composite'), `${fmt(r.composite)}${r.incomplete ? t('me.incomplete') : ''}`],
      [
        t('me.components'),
        t('me.componentsLine', {
          w: fmt(r.components.workload),
          a: r.components.assessment === null ? t('me.missing') : fmt(r.components.assessment),
          f: fmt(r.components.feedback),
          t: fmt(r.components.tenure),
        }),
      ],
      [t('me.penalty'), fmt(r.penalty)],
      [t('me.rank'), r.rank !== null && props.of !== undefined ? t('me.rankOf', { rank: r.rank, of: props.of }) : String(r.rank ?? '–')],
      [t('me.payout'), payLine],
      [t('me.activeDays'), String(r.activeDays)],
    );
  } else {
    rows.push([t('me.notGradedReason'), notGradedReason(r.reason, props.lang)]);
    if (corrected) rows.push([t('me.tier'), tierLine], [t('me.payout'), payLine]);
  }
  if (r.publishedAt) rows.push([t('me.published'), r.publishedAt.slice(0, 10)]);
  const a = props.appeal;
  return (
    <section class="result" data-testid="result" data-run={r.runId} data-period={r.period}>
      <h3>{graded || corrected ? t('me.resultTitle', { period: r.period, tier: e.tier ?? '–' }) : t('me.resultNotGraded', { period: r.period })}</h3>
      <Facts rows={rows} />
      {props.canAppeal && (
        <>
          <p class="no-print">
            <a href={`/reports/${enc(r.runId)}/${enc(r.officerCode)}`}>{t('me.report')}</a>
          </p>
          <OwnAppeal
            c={c}
            t={t}
            lang={props.lang}
            testid="appeal-status"
            action={`/me/appeals/${enc(r.runId)}`}
            fieldId={`appeal-${r.runId}`}
            publishedAt={r.publishedAt}
            now={props.now}
            appeal={a}
            corrected={a && a.correctedTier !== null ? t('appeal.corrected', { tier: a.correctedTier }) : ''}
            error={props.error}
            reason={props.reason}
          />
        </>
      )}
    </section>
  );
}

/**
 * An appeal filed from /me (a quarterly or an annual result), post, redirect, get (ADR 0086):
 * filed, back to /me saying so; refused, back to /me with the refusal on that result's card and
 * the reason as typed (rendered in place only when they do not fit the flash cookie).
 */
async function fileFromMe(c: PageContext, which: 'run' | 'review', id: string, file: (reason: string) => Promise<unknown>, done: string) {
  selfActor(c);
  const form = (await c.req.parseBody()) as Form;
  const reason = str(form, 'reason');
  try {
    await file(reason);
  } catch (e) {
    const error = formRefusal(c, e);
    const back = which === 'run' ? '/me#results' : '/me#annual';
    return (await redirectRefused(c, back, error, { form: `${which}:${id}`, values: { reason } })) ?? mePage(c, { error, [which === 'run' ? 'errorRun' : 'errorReview']: id, values: { reason }, status: statusOf(error) });
  }
  return c.redirect(done, 303);
}

export const mePages = new Hono<AppEnv>()
  .get('/me', async (c) => {
    const flash = await takeFlash(c);
    const [which, id] = (flash?.form ?? '').split(':');
    return mePage(c, { error: flashError(flash), errorRun: which === 'run' ? id : undefined, errorReview: which === 'review' ? id : undefined, values: flash?.values, status: flashStatus(flash) });
  })
  .post('/me/appeals/:runId', (c) => {
    const runId = c.req.param('runId');
    return fileFromMe(c, 'run', runId, (reason) => fileAppeal({ ctx: c.get('ctx'), input: { runId, reason } }), `/me?appealed=${enc(runId)}#results`);
  })
  .post('/me/annual-appeals/:reviewId', (c) => {
    const reviewId = c.req.param('reviewId');
    return fileFromMe(c, 'review', reviewId, (reason) => fileAnnualAppeal({ ctx: c.get('ctx'), input: { reviewId, reason } }), `/me?annualAppealed=${enc(reviewId)}#annual`);
  });
