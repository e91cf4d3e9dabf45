/**
 * The officer's own pages: record, published results with appeals, feedback averages and the
 * decision register (record, receipt, amend). Server-rendered, no JavaScript needed. Every action
 * calls the same verbs as the API; the page session supplies the actor, so the verbs' role and
 * separation-of-duties checks apply unchanged.
 */
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { AppEnv } from '../core/http.js';
import { zodErrors } from '../core/http.js';
import { ApiError, badRequest, type FieldError } from '../core/errors.js';
import { periodOf, shiftPeriod } from '../core/period.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { PageError, requireStaffPage } from '../pages/errors.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { myGrades } from '../grading/results.js';
import { APPEAL_WINDOW_DAYS, daysBetween, fileAppeal, listAppeals } from '../grading/appeal.js';
import { feedbackSummary } from '../feedback/reports.js';
import { SUMMARY_MIN_RESPONSES } from '../feedback/policy.js';
import { recordDecision, recordDecisionInput, type RecordDecisionInput } from '../decisions/record.js';
import { getDecision, listDecisions, type DecisionView } from '../decisions/list.js';
import { recordableTypes } from '../decisions/policy.js';
import { gradedCounts, leafHashAt, ownOfficerRecord, selfServiceRoles } from './queries.js';
import { officerMessages } from './messages.js';

type Form = Record<string, string | File | (string | File)[]>;
type Status = 200 | 400 | 403 | 404 | 409;
const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));
const money = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 2 }));
const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')}${iso.length > 10 ? ' UTC' : ''}` : '');
const enc = encodeURIComponent;
const addDays = (isoDay: string, n: number) => new Date(Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Panel rows on the form; a panel is usually three to five members. */
const REVIEWER_ROWS = 5;
const DECISIONS_PER_PAGE = 20;

const pageCss = `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-word}
.result{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
.result h3{margin:.3rem 0 .5rem;font-size:1.1rem}
.reviewer-row{display:grid;grid-template-columns:1fr;gap:0 1rem}
@media (min-width:40rem){.reviewer-row{grid-template-columns:minmax(0,16rem) minmax(0,12rem)}}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}`;

function PageStyle() {
  return <style>{raw(pageCss)}</style>;
}

function tt(c: PageContext) {
  return pageT(c, officerMessages);
}

/** Re-throws what a page should not show inline (unexpected errors, sign-in needed). */
function recoverable(e: unknown): ApiError {
  if (!(e instanceof ApiError) || e.status >= 500 || e.status === 401) throw e;
  return e;
}

function statusOf(e: unknown): Status {
  if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 409)) return e.status;
  return 400;
}

/** The signed-in officer (or supervisor with an officer record); others get the shell's refusal. */
function selfActor(c: PageContext) {
  const staff = requireStaffPage(c, ...selfServiceRoles);
  if (!staff.officerCode) throw new PageError(403, tt(c).t('me.notLinked'));
  return { ...staff, officerCode: staff.officerCode };
}

function Facts(props: { rows: [string, Child][]; testid?: string }) {
  return (
    <dl class="facts" data-testid={props.testid}>
      {props.rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

// ---------------------------------------------------------------------------------------------
// /me

type ResultItem = Awaited<ReturnType<typeof myGrades>>['items'][number];
type AppealItem = Awaited<ReturnType<typeof listAppeals>>['items'][number];

async function mePage(c: PageContext, opts: { error?: unknown; errorRun?: string; values?: Record<string, string>; status?: Status } = {}) {
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
  const appealed = c.req.query('appealed');

  return renderPage(
    c,
    <Layout c={c} title={t('me.title')} lang={lang}>
      <PageStyle />
      <h1>{t('me.title')}</h1>
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

      <h2 id="results">{t('me.results')}</h2>
      {appealed && <Notice kind="ok">{t('appeal.filed')}</Notice>}
      {/* A refused appeal whose card has no form to show it in (another role, an unknown run). */}
      {opts.error !== undefined && (me.role !== 'officer' || !results.some((r) => r.runId === opts.errorRun)) && <ErrorBox error={opts.error} lang={lang} />}
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
      <p data-testid="flags-note">{t('flags.note')}</p>
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
  if (graded) {
    rows.push(
      [t('me.tier'), `${r.tier ?? ''}${r.adjusted ? t('me.adjusted', { from: r.adjusted.fromTier }) : ''}`],
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
      [t('me.payout'), money(r.incentive)],
    );
  } else {
    rows.push([t('me.notGradedReason'), r.reason ?? '']);
  }
  if (r.publishedAt) rows.push([t('me.published'), r.publishedAt.slice(0, 10)]);
  const deadline = r.publishedAt ? addDays(r.publishedAt, APPEAL_WINDOW_DAYS) : null;
  const windowOpen = r.publishedAt !== null && daysBetween(r.publishedAt, props.now) <= APPEAL_WINDOW_DAYS;
  const a = props.appeal;
  return (
    <section class="result" data-testid="result" data-run={r.runId} data-period={r.period}>
      <h3>{graded ? t('me.resultTitle', { period: r.period, tier: r.tier ?? '–' }) : t('me.resultNotGraded', { period: r.period })}</h3>
      <Facts rows={rows} />
      {props.canAppeal && (
        <p class="no-print">
          <a href={`/reports/${enc(r.runId)}/${enc(r.officerCode)}`}>{t('me.report')}</a>
        </p>
      )}
      {props.canAppeal && (a || !windowOpen) && <ErrorBox error={props.error} lang={props.lang} />}
      {props.canAppeal &&
        (a ? (
          <p data-testid="appeal-status">
            {t('appeal.status', { status: t(`appeal.status.${a.status}`), at: when(a.filedAt) })}
            {a.correctedTier !== null ? ` · ${t('appeal.corrected', { tier: a.correctedTier })}` : ''}
          </p>
        ) : windowOpen ? (
          <form method="post" action={`/me/appeals/${enc(r.runId)}`} class="no-print">
            <fieldset>
              <legend>{t('appeal.title')}</legend>
              <p>{t('appeal.open', { deadline: deadline ?? '' })}</p>
              <ErrorBox error={props.error} lang={props.lang} />
              <CsrfInput c={c} />
              <label for={`appeal-${r.runId}`}>
                {t('appeal.reason')}
                <span class="hint">{t('appeal.reasonHint')}</span>
              </label>
              <textarea id={`appeal-${r.runId}`} name="reason" required maxlength={4000}>
                {props.reason ?? ''}
              </textarea>
              <div>
                <button type="submit">{t('appeal.submit')}</button>
              </div>
            </fieldset>
          </form>
        ) : (
          deadline && <p class="muted">{t('appeal.closed', { deadline })}</p>
        ))}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Decisions

function DecisionTable(props: { t: Translate; items: DecisionView[] }) {
  const { t } = props;
  if (props.items.length === 0) return <p>{t('dec.none')}</p>;
  return (
    <Table
      head={[t('dec.col.decidedAt'), t('dec.col.type'), t('dec.col.taxpayer'), t('dec.col.amount'), t('dec.col.threshold'), t('dec.col.reviewers'), t('dec.col.receipt')]}
      numeric={[3, 4, 5, 6]}
    >
      {props.items.map((d) => (
        <tr data-testid="decision-row" data-id={d.id}>
          <td>
            <a href={`/me/decisions/${enc(d.id)}`}>{d.decidedAt.slice(0, 10)}</a>
          </td>
          <td>
            {t(`dec.type.${d.type}`)}
            {d.amends ? ` · ${t('dec.col.amends')}` : ''}
          </td>
          <td>{d.taxpayerCode ?? ''}</td>
          <td class="num">{money(d.amount)}</td>
          <td class="num">{money(d.threshold)}</td>
          <td class="num">{d.reviewers.length}</td>
          <td class="num">{d.auditIndex ?? ''}</td>
        </tr>
      ))}
    </Table>
  );
}

async function decisionsPage(c: PageContext) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  const cursor = c.req.query('cursor') || undefined;
  const page = await listDecisions({ ctx: c.get('ctx'), query: { officerCode: me.officerCode, limit: DECISIONS_PER_PAGE, cursor } });
  return renderPage(
    c,
    <Layout c={c} title={t('dec.title')} lang={lang}>
      <PageStyle />
      <p class="no-print">
        <a href="/me">{t('dec.backMe')}</a>
      </p>
      <h1>{t('dec.title')}</h1>
      {me.role === 'officer' ? (
        <p>
          <a class="button" href="/me/decisions/new">
            {t('dec.new')}
          </a>
        </p>
      ) : (
        <p class="muted">{t('dec.supervisorNote')}</p>
      )}
      <DecisionTable t={t} items={page.items} />
      <p>
        {cursor && <a href="/me/decisions">{t('dec.first')}</a>}
        {cursor && page.nextCursor && ' · '}
        {page.nextCursor && (
          <a href={`/me/decisions?cursor=${enc(page.nextCursor)}`} rel="next">
            {t('dec.older')}
          </a>
        )}
      </p>
    </Layout>,
  );
}

/** The fields a form sends; kept as strings so a refused form comes back as the user typed it. */
type DecisionValues = Record<string, string>;

function valuesOf(form: Form): DecisionValues {
  const out: DecisionValues = {};
  for (const [k, v] of Object.entries(form)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** A money field: empty is "not given"; thousands separators (, ，and spaces) are allowed. */
function moneyField(v: string, path: string, errors: FieldError[], t: Translate): number | undefined {
  const s = v.replace(/[,\s，]/g, '');
  if (s === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    errors.push({ path, message: t('dec.notNumber') });
    return undefined;
  }
  return n;
}

/**
 * Builds the verb's input from the form, validated with the verb's own schema so that the page
 * and the API refuse the same things with the same field paths.
 */
function decisionInput(form: Form, t: Translate, fixed?: { type: string; taxpayerCode: string; amends: string }): RecordDecisionInput {
  const errors: FieldError[] = [];
  const reviewers: { officerCode: string; vote?: 'approve' | 'reject' | null }[] = [];
  for (let i = 0; i < REVIEWER_ROWS; i++) {
    const code = str(form, `reviewer_code_${i}`);
    const vote = str(form, `reviewer_vote_${i}`);
    if (!code) {
      if (vote) errors.push({ path: `reviewers[${i}].officerCode`, message: t('dec.voteWithoutCode') });
      continue;
    }
    reviewers.push({ officerCode: code, vote: vote === 'approve' || vote === 'reject' ? vote : null });
  }
  const raw: Record<string, unknown> = {
    type: fixed?.type ?? str(form, 'type'),
    taxpayerCode: fixed?.taxpayerCode ?? str(form, 'taxpayerCode'),
    amount: moneyField(str(form, 'amount'), 'amount', errors, t),
    threshold: moneyField(str(form, 'threshold'), 'threshold', errors, t),
    justification: str(form, 'justification'),
    decidedAt: str(form, 'decidedAt'),
    reviewers: reviewers.length ? reviewers : undefined,
    violationType: str(form, 'violationType') || undefined,
  };
  if (fixed) {
    raw.amends = fixed.amends;
    raw.amendReason = str(form, 'amendReason') || undefined;
    if (!raw.amendReason) errors.push({ path: 'amendReason', message: 'an amendment needs a reason' });
  }
  const parsed = recordDecisionInput.safeParse(raw);
  if (!parsed.success) errors.push(...zodErrors(parsed.error.issues));
  if (errors.length || !parsed.success) throw badRequest(t('dec.formErrors'), errors);
  return parsed.data;
}

/** Shared fields of the record and amend forms. */
function DecisionFields(props: { t: Translate; v: DecisionValues; amend?: boolean }) {
  const { t, v } = props;
  return (
    <>
      {!props.amend && (
        <>
          <label for="dec-type">{t('dec.type')}</label>
          <select id="dec-type" name="type" required>
            {recordableTypes.map((ty) => (
              <option value={ty} selected={v.type === ty}>
                {t(`dec.type.${ty}`)}
              </option>
            ))}
          </select>
          <label for="dec-taxpayer">{t('dec.taxpayer')}</label>
          <input id="dec-taxpayer" name="taxpayerCode" type="text" required maxlength={64} autocomplete="off" value={v.taxpayerCode ?? ''} />
        </>
      )}
      <label for="dec-amount">
        {t('dec.amount')}
        <span class="hint">{t('dec.amountHint')}</span>
      </label>
      <input id="dec-amount" name="amount" type="text" inputmode="decimal" autocomplete="off" value={v.amount ?? ''} />
      <label for="dec-threshold">
        {t('dec.threshold')}
        <span class="hint">{t('dec.thresholdHint')}</span>
      </label>
      <input id="dec-threshold" name="threshold" type="text" inputmode="decimal" autocomplete="off" value={v.threshold ?? ''} />
      <label for="dec-violation">
        {t('dec.violationType')}
        <span class="hint">{t('dec.violationTypeHint')}</span>
      </label>
      <input id="dec-violation" name="violationType" type="text" maxlength={100} value={v.violationType ?? ''} />
      <label for="dec-justification">{t('dec.justification')}</label>
      <textarea id="dec-justification" name="justification" required maxlength={4000}>
        {v.justification ?? ''}
      </textarea>
      <label for="dec-decided">{t('dec.decidedAt')}</label>
      <input id="dec-decided" name="decidedAt" type="date" required value={v.decidedAt ?? ''} />
      <fieldset>
        <legend>{t('dec.reviewers')}</legend>
        <p class="hint">{t('dec.reviewersHint')}</p>
        {Array.from({ length: REVIEWER_ROWS }, (_, i) => (
          <div class="reviewer-row">
            <div>
              <label for={`rev-code-${i}`}>{t('dec.reviewerCode', { n: i + 1 })}</label>
              <input id={`rev-code-${i}`} name={`reviewer_code_${i}`} type="text" maxlength={64} autocomplete="off" value={v[`reviewer_code_${i}`] ?? ''} />
            </div>
            <div>
              <label for={`rev-vote-${i}`}>{t('dec.reviewerVote', { n: i + 1 })}</label>
              <select id={`rev-vote-${i}`} name={`reviewer_vote_${i}`}>
                <option value="">{t('dec.vote.none')}</option>
                <option value="approve" selected={v[`reviewer_vote_${i}`] === 'approve'}>
                  {t('dec.vote.approve')}
                </option>
                <option value="reject" selected={v[`reviewer_vote_${i}`] === 'reject'}>
                  {t('dec.vote.reject')}
                </option>
              </select>
            </div>
          </div>
        ))}
      </fieldset>
    </>
  );
}

async function newDecisionPage(c: PageContext, opts: { error?: unknown; values?: DecisionValues; status?: Status } = {}) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  // recordDecision serves officers (and linked HR users); a supervisor gets the verb's own refusal.
  if (me.role !== 'officer') throw new PageError(403, t('dec.supervisorNote'));
  const v = opts.values ?? { decidedAt: c.get('ctx').clock.now().toISOString().slice(0, 10) };
  return renderPage(
    c,
    <Layout c={c} title={t('dec.new')} lang={lang}>
      <PageStyle />
      <p class="no-print">
        <a href="/me/decisions">{t('dec.back')}</a>
      </p>
      <h1>{t('dec.new')}</h1>
      <form method="post" action="/me/decisions">
        <ErrorBox error={opts.error} lang={lang} />
        <CsrfInput c={c} />
        <DecisionFields t={t} v={v} />
        <button type="submit">{t('dec.submit')}</button>
      </form>
    </Layout>,
    opts.status ?? 200,
  );
}

/** The caller's own decision, or a 404 page (another officer's decision is not theirs to see here). */
async function ownDecision(c: PageContext, officerCode: string, id: string) {
  const { t } = tt(c);
  try {
    const d = await getDecision({ ctx: c.get('ctx'), id });
    if (d.deciderCode !== officerCode) throw new PageError(404, t('dec.notYours', { id }));
    return d;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) throw new PageError(404, t('dec.notYours', { id }));
    throw e;
  }
}

async function decisionPage(c: PageContext, id: string, opts: { error?: unknown; values?: DecisionValues; status?: Status } = {}) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const d = await ownDecision(c, me.officerCode, id);
  const hash = d.auditIndex !== null ? await leafHashAt(ctx, d.auditIndex) : null;
  const recorded = c.req.query('recorded') === '1';
  const canAmend = me.role === 'officer' && d.amendedBy.length === 0;
  const v: DecisionValues = opts.values ?? {
    amount: d.amount === null ? '' : String(d.amount),
    threshold: d.threshold === null ? '' : String(d.threshold),
    violationType: d.violationType ?? '',
    justification: d.justification,
    decidedAt: d.decidedAt.slice(0, 10),
    ...Object.fromEntries(d.reviewers.flatMap((r, i) => [[`reviewer_code_${i}`, r.officerCode], [`reviewer_vote_${i}`, r.vote ?? '']])),
  };
  return renderPage(
    c,
    <Layout c={c} title={t('dec.detailTitle', { id: d.id })} lang={lang}>
      <PageStyle />
      <p class="no-print">
        <a href="/me/decisions">{t('dec.back')}</a>
      </p>
      <h1>{t('dec.detailTitle', { id: d.id })}</h1>
      {recorded && <Notice kind="ok">{t('dec.recorded')}</Notice>}
      {!canAmend && <ErrorBox error={opts.error} lang={lang} />}
      {d.auditIndex !== null && hash && (
        <section id="receipt" data-testid="receipt" data-index={String(d.auditIndex)} data-hash={hash}>
          <h2>{t('dec.receipt')}</h2>
          <Facts
            rows={[
              [t('dec.receiptIndex'), <strong>{d.auditIndex}</strong>],
              [t('dec.receiptHash'), <code class="hash">{hash}</code>],
            ]}
          />
          <p class="muted">{t('dec.receiptNote')}</p>
          <p>
            <a data-testid="verify-link" href={`/verify?index=${d.auditIndex}&hash=${hash}`}>
              {t('dec.receiptVerify')}
            </a>
          </p>
        </section>
      )}
      <Facts
        testid="decision-facts"
        rows={[
          [t('dec.type'), t(`dec.type.${d.type}`)],
          [t('dec.taxpayer'), d.taxpayerCode ?? ''],
          [t('dec.amount'), money(d.amount)],
          [t('dec.col.threshold'), money(d.threshold)],
          ...(d.violationType ? ([[t('dec.violationType'), d.violationType]] as [string, Child][]) : []),
          [t('dec.justification'), d.justification],
          [t('dec.decidedAt'), when(d.decidedAt)],
          [t('dec.recordedAt'), when(d.recordedAt)],
          ...(d.amends
            ? ([
                [t('dec.col.amends'), <a href={`/me/decisions/${enc(d.amends)}`}>{t('dec.amendsLink', { id: d.amends })}</a>],
                [t('dec.amendReason'), d.amendReason ?? ''],
              ] as [string, Child][])
            : []),
        ]}
      />
      {d.amendedBy.map((a) => (
        <Notice kind="warn">
          <a href={`/me/decisions/${enc(a)}`}>{t('dec.amendedBy', { id: a })}</a>
        </Notice>
      ))}
      <h2>{t('dec.panel')}</h2>
      {d.reviewers.length === 0 ? (
        <p>{t('dec.noPanel')}</p>
      ) : (
        <ul>
          {d.reviewers.map((r) => (
            <li>
              {r.officerCode}: {t(`dec.vote.${r.vote ?? 'none'}`)}
              {r.investigated ? t('dec.investigated') : ''}
            </li>
          ))}
        </ul>
      )}
      {canAmend && (
        <form method="post" action={`/me/decisions/${enc(d.id)}/amend`} id="amend">
          <fieldset>
            <legend>{t('amend.title')}</legend>
            <p>{t('amend.intro')}</p>
            <ErrorBox error={opts.error} lang={lang} />
            <CsrfInput c={c} />
            <DecisionFields t={t} v={v} amend />
            <label for="dec-amend-reason">{t('dec.amendReason')}</label>
            <textarea id="dec-amend-reason" name="amendReason" required maxlength={2000}>
              {v.amendReason ?? ''}
            </textarea>
            <div>
              <button type="submit">{t('amend.submit')}</button>
            </div>
          </fieldset>
        </form>
      )}
    </Layout>,
    opts.status ?? 200,
  );
}

// ---------------------------------------------------------------------------------------------
// Routes

export const officerPages = new Hono<AppEnv>()
  .get('/me', (c) => mePage(c))
  .post('/me/appeals/:runId', async (c) => {
    selfActor(c);
    const runId = c.req.param('runId');
    const form = (await c.req.parseBody()) as Form;
    const reason = str(form, 'reason');
    try {
      if (!reason) throw badRequest('An appeal needs a reason.', [{ path: 'reason', message: 'required' }]);
      await fileAppeal({ ctx: c.get('ctx'), input: { runId, reason } });
    } catch (e) {
      const error = recoverable(e);
      return mePage(c, { error, errorRun: runId, values: { reason }, status: statusOf(error) });
    }
    return c.redirect(`/me?appealed=${enc(runId)}#results`, 303);
  })
  .get('/me/decisions', (c) => decisionsPage(c))
  .get('/me/decisions/new', (c) => newDecisionPage(c))
  .post('/me/decisions', async (c) => {
    selfActor(c);
    const { t } = tt(c);
    const form = (await c.req.parseBody()) as Form;
    let out: Awaited<ReturnType<typeof recordDecision>>;
    try {
      out = await recordDecision({ ctx: c.get('ctx'), input: decisionInput(form, t) });
    } catch (e) {
      const error = recoverable(e);
      return newDecisionPage(c, { error, values: valuesOf(form), status: statusOf(error) });
    }
    return c.redirect(`/me/decisions/${enc(out.id)}?recorded=1`, 303);
  })
  .get('/me/decisions/:id', (c) => decisionPage(c, c.req.param('id')))
  .post('/me/decisions/:id/amend', async (c) => {
    const me = selfActor(c);
    const { t } = tt(c);
    const id = c.req.param('id');
    const orig = await ownDecision(c, me.officerCode, id);
    const form = (await c.req.parseBody()) as Form;
    let out: Awaited<ReturnType<typeof recordDecision>>;
    try {
      out = await recordDecision({ ctx: c.get('ctx'), input: decisionInput(form, t, { type: orig.type, taxpayerCode: orig.taxpayerCode ?? '', amends: orig.id }) });
    } catch (e) {
      const error = recoverable(e);
      return decisionPage(c, id, { error, values: valuesOf(form), status: statusOf(error) });
    }
    return c.redirect(`/me/decisions/${enc(out.id)}?recorded=1`, 303);
  });
