/**
 * The HR console (server-rendered, works without JavaScript) and the printable officer report.
 * Every action calls the same verbs as the API; the page session supplies the actor.
 */
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../core/http.js';
import { ApiError, badRequest } from '../core/errors.js';
import { shiftPeriod, periodOf } from '../core/period.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Translate, Lang } from '../pages/i18n.js';
import { gradingMessages } from './messages.js';
import { findRun, runPolicy, type ResultDetail, type RunRow } from './run-model.js';
import { recomputeRun, startRun } from './compute-run.js';
import { getRun, listRuns } from './list-runs.js';
import { browseResults, getResult, resultSorts, type ResultSort } from './results.js';
import { publishRun } from './publish-run.js';
import { exportRunCsv } from './export-run.js';
import { usernames } from './queries.js';
import { decideAdjustment, listAdjustments, proposeAdjustment } from './adjustment.js';
import { decideAppeal, listAppeals } from './appeal.js';
import { compareRuns } from './compare.js';
import { feedbackAverages, runHistogram, tierUsage, type TierUsage } from './report.js';
import { defaultPolicy, type Policy } from '../../scoring/policy.js';

type Form = Record<string, string | File | (string | File)[]>;
const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));
const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');
const enc = encodeURIComponent;

function statusOf(e: unknown): 400 | 403 | 404 | 409 {
  if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 409)) return e.status;
  return 400;
}

/** Re-throws what a page should not swallow (unexpected errors, sign-in needed). */
function recoverable(e: unknown): ApiError {
  if (!(e instanceof ApiError) || e.status >= 500 || e.status === 401) throw e;
  return e;
}

/** Definition lists as two columns; the shell's stylesheet leaves dl alone. */
const pageCss = `dl.facts,dl.run-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt,dl.run-meta dt{font-weight:600}dl.facts dd,dl.run-meta dd{margin:0;word-break:break-all}
.adjustment{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem;margin:.5rem 0}
pre.policy-json{max-height:20rem;overflow:auto;background:#f3f5f8;padding:.5rem;font-size:.85rem}`;

function PageStyle() {
  return <style>{raw(pageCss)}</style>;
}

function tt(c: PageContext) {
  return pageT(c, gradingMessages);
}

// ---------------------------------------------------------------------------------------------
// Pieces

/**
 * The histogram of composites as an SVG drawn here: one bar per 5-point bin, the tier minimum
 * scores as dashed vertical lines with their level. Works in print and without JavaScript.
 */
export function Histogram(props: { bins: number[]; tiers: TierUsage[]; label: string }) {
  const W = 640;
  const H = 240;
  const left = 36;
  const bottom = 28;
  const top = 22;
  const plotW = W - left - 10;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...props.bins);
  const bw = plotW / props.bins.length;
  const x = (score: number) => left + (score / 100) * plotW;
  const ticks = [0, 20, 40, 60, 80, 100];
  return (
    <svg class="histogram" role="img" aria-label={props.label} viewBox={`0 0 ${W} ${H}`} width="100%" style="max-width:40rem;height:auto" xmlns="http://www.w3.org/2000/svg">
      <title>{props.label}</title>
      <line x1={left} y1={top + plotH} x2={left + plotW} y2={top + plotH} stroke="#1a1a1a" />
      <line x1={left} y1={top} x2={left} y2={top + plotH} stroke="#1a1a1a" />
      <text x={left - 6} y={top + 4} text-anchor="end" font-size="11">{max}</text>
      <text x={left - 6} y={top + plotH} text-anchor="end" font-size="11">0</text>
      {props.bins.map((n, i) => {
        const h = (n / max) * plotH;
        return (
          <rect data-bin={i * 5} data-count={n} x={left + i * bw + 1} y={top + plotH - h} width={Math.max(0, bw - 2)} height={h} fill="#0b4f8a">
            <title>{`${i * 5}–${i * 5 + 5}: ${n}`}</title>
          </rect>
        );
      })}
      {ticks.map((s) => (
        <text x={x(s)} y={H - 8} text-anchor="middle" font-size="11">{s}</text>
      ))}
      {props.tiers
        .filter((t) => t.minScore > 0)
        .map((t) => (
          <g class="tier-boundary" data-level={t.level}>
            <line x1={x(t.minScore)} y1={top - 4} x2={x(t.minScore)} y2={top + plotH} stroke="#8a1111" stroke-width="1.5" stroke-dasharray="5 3" />
            <text x={x(t.minScore) + 3} y={top - 8} font-size="11" fill="#8a1111">{`${t.level} ≥${t.minScore}`}</text>
          </g>
        ))}
    </svg>
  );
}

/** Horizontal bars for the four components and the composite (0–100). */
export function ComponentBars(props: { t: Translate; detail: ResultDetail }) {
  const { t, detail } = props;
  const rows: { key: string; score: number | null; weight: number | null }[] = [
    { key: 'workload', score: detail.components?.workload ?? null, weight: detail.weights?.workload ?? null },
    { key: 'assessment', score: detail.components?.assessment ?? null, weight: detail.weights?.assessment ?? null },
    { key: 'feedback', score: detail.components?.feedback ?? null, weight: detail.weights?.feedback ?? null },
    { key: 'tenure', score: detail.components?.tenure ?? null, weight: detail.weights?.tenure ?? null },
    { key: 'composite', score: detail.composite, weight: null },
  ];
  const W = 600;
  const rowH = 30;
  const labelW = 110;
  const barW = W - labelW - 150;
  return (
    <svg class="components" role="img" aria-label={t('officer.components')} viewBox={`0 0 ${W} ${rows.length * rowH + 6}`} width="100%" style="max-width:36rem;height:auto" xmlns="http://www.w3.org/2000/svg">
      {rows.map((r, i) => {
        const y = i * rowH + 4;
        const w = r.score === null ? 0 : (Math.max(0, Math.min(100, r.score)) / 100) * barW;
        return (
          <g data-component={r.key} data-score={r.score ?? ''}>
            <text x={0} y={y + 17} font-size="13">{t(`col.${r.key}`)}</text>
            <rect x={labelW} y={y + 4} width={barW} height={18} fill="#eef1f5" />
            <rect x={labelW} y={y + 4} width={w} height={18} fill={r.key === 'composite' ? '#0f5c2e' : '#0b4f8a'} />
            <text x={labelW + barW + 6} y={y + 17} font-size="13">
              {r.score === null ? t('officer.missing') : r.score.toFixed(2)}
              {r.weight !== null ? ` × ${r.weight.toFixed(3)}` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The engine's explanation, plus the approved adjustment that overrides its tier, if any. */
function Explanation(props: { lang: Lang; t: Translate; detail: ResultDetail }) {
  const lines = props.detail.explanation?.[props.lang] ?? [];
  const a = props.detail.adjustment;
  return (
    <ul class="explanation">
      {lines.map((l) => (
        <li>{l}</li>
      ))}
      {a && (
        <li data-testid="adjustment-line">
          {props.t('officer.adjustedLine', { from: a.fromTier, to: a.toTier, coefficient: a.coefficient.toFixed(2), payout: a.payout.toFixed(2), reason: a.reason })}
        </li>
      )}
    </ul>
  );
}

function RunStatus(props: { t: Translate; run: RunRow }) {
  return (
    <span>
      {props.t(`run.status.${props.run.status}`)}
      {props.run.whatIf ? ` · ${props.t('run.whatIf')}` : ''}
    </span>
  );
}

// ---------------------------------------------------------------------------------------------
// /hr: periods, runs, start a run

async function hrHome(c: PageContext, opts: { error?: unknown; values?: Record<string, string>; status?: 200 | 400 | 403 | 404 | 409 } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const runs = await listRuns({ ctx, input: { limit: 200 } });
  const names = await usernames(ctx, runs.items.map((r) => r.createdBy));
  const byPeriod = new Map<string, typeof runs.items>();
  for (const r of runs.items) byPeriod.set(r.period, [...(byPeriod.get(r.period) ?? []), r]);
  const known = await ctx.db.all<{ code: string }>(sql`select code from periods order by code desc limit 12`);
  const periods = [...new Set([...byPeriod.keys(), ...known.map((p) => p.code)])].sort().reverse();
  const appeals = await listAppeals({ ctx, input: { status: 'pending', limit: 50 } });
  const v = opts.values ?? {};
  const suggested = v.period || shiftPeriod(periodOf(ctx.clock.now().toISOString()), -1);
  return renderPage(
    c,
    <Layout c={c} title={t('hr.title')} lang={lang}>
      <PageStyle />
      <h1>{t('hr.title')}</h1>
      <form method="post" action="/hr/runs">
        <fieldset>
          <legend>{t('hr.start')}</legend>
          <ErrorBox error={opts.error} lang={lang} />
          <CsrfInput c={c} />
          <label for="period">
            {t('hr.period')} <span class="hint">{t('hr.periodHint')}</span>
          </label>
          <input id="period" name="period" type="text" required pattern="\d{4}Q[1-4]" value={suggested} list="known-periods" />
          <datalist id="known-periods">
            {periods.map((p) => (
              <option value={p} />
            ))}
          </datalist>
          <label>
            <input type="checkbox" name="whatIf" value="1" checked={v.whatIf === '1'} /> {t('hr.whatIf')}
          </label>
          <label for="policy">
            {t('hr.policy')} <span class="hint">{t('hr.policyHint')}</span>
          </label>
          <textarea id="policy" name="policy" spellcheck={false}>{v.policy ?? ''}</textarea>
          <details>
            <summary>{t('hr.defaultPolicy')}</summary>
            <pre class="policy-json">{JSON.stringify(defaultPolicy, null, 2)}</pre>
          </details>
          <div>
            <button type="submit">{t('hr.compute')}</button>
          </div>
        </fieldset>
      </form>

      <h2>{t('hr.periods')}</h2>
      {periods.length === 0 && <p>{t('hr.noRuns')}</p>}
      {periods.map((p) => {
        const list = byPeriod.get(p) ?? [];
        return (
          <section>
            <h3>{p}</h3>
            {list.length === 0 ? (
              <p class="muted">{t('hr.noRuns')}</p>
            ) : (
              <Table head={[t('run.id'), t('run.status'), t('run.policy'), t('run.created'), '']}>
                {list.map((r) => (
                  <tr>
                    <td>
                      <a href={`/hr/runs/${enc(r.id)}`}>{r.id}</a>
                    </td>
                    <td>{t(`run.status.${r.status}`) + (r.whatIf ? ` · ${t('run.whatIf')}` : '')}</td>
                    <td>
                      <code>{r.policyHash.slice(0, 12)}</code>
                    </td>
                    <td>{t('run.by', { at: when(r.createdAt), user: names.get(r.createdBy) ?? r.createdBy })}</td>
                    <td>
                      {list.length > 1 && list[0]!.id !== r.id && (
                        <a href={`/hr/compare?a=${enc(list[0]!.id)}&b=${enc(r.id)}`}>{t('hr.compare')}</a>
                      )}
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </section>
        );
      })}
      <h2>{t('hr.appeals')}</h2>
      {appeals.items.length === 0 ? (
        <p>{t('hr.noAppeals')}</p>
      ) : (
        <Table head={[t('col.code'), t('run.id'), t('adj.reason'), '']}>
          {appeals.items.map((a) => (
            <tr>
              <td>{a.officerCode}</td>
              <td>
                <a href={`/hr/runs/${enc(a.runId)}/officers/${enc(a.officerCode)}`}>{a.runId}</a>
              </td>
              <td>{a.reason}</td>
              <td>{when(a.filedAt)}</td>
            </tr>
          ))}
        </Table>
      )}
    </Layout>,
    opts.status ?? 200,
  );
}

// ---------------------------------------------------------------------------------------------
// /hr/runs/:id

const PAGE_SIZE = 50;

async function runPage(c: PageContext, id: string, opts: { error?: unknown; notice?: string; status?: 200 | 201 | 400 | 403 | 404 | 409 } = {}) {
  const me = requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const sortQ = c.req.query('sort') ?? 'rank';
  const sort: ResultSort = (resultSorts as string[]).includes(sortQ) ? (sortQ as ResultSort) : 'rank';
  const dir = c.req.query('dir') === 'desc' ? 'desc' : 'asc';
  const page = Math.max(0, Math.floor(Number(c.req.query('page') ?? 0)) || 0);
  const run = await getRun({ ctx, input: { id } });
  const runRow = await findRun(ctx, id);
  const policy = await runPolicy(ctx, runRow);
  const [{ rows, total }, bins, usage, adjustments, names, siblings] = await Promise.all([
    browseResults({ ctx, input: { id, sort, dir, offset: page * PAGE_SIZE, limit: PAGE_SIZE } }),
    runHistogram(ctx, id),
    tierUsage(ctx, runRow, policy),
    listAdjustments({ ctx, input: { runId: id } }),
    usernames(ctx, [run.createdBy, run.publishedBy]),
    listRuns({ ctx, input: { period: run.period, limit: 50 } }),
  ]);
  const adjNames = await usernames(ctx, adjustments.items.flatMap((a) => [a.requestedBy, a.decidedBy]));
  const mutable = run.status === 'computed' && !run.whatIf;
  const base = `/hr/runs/${enc(id)}`;
  const sortHref = (col: ResultSort) => {
    const nextDir = sort === col && dir === 'asc' ? 'desc' : sort === col ? 'asc' : col === 'code' || col === 'rank' ? 'asc' : 'desc';
    return `${base}?sort=${col}&dir=${nextDir}`;
  };
  const head = (col: ResultSort, key: string, num = true) => (
    <a href={sortHref(col)} title={t('sort.by', { col: t(key) })} class={num ? 'num' : undefined}>
      {t(key)}
      {sort === col ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </a>
  );
  const pending = adjustments.items.filter((a) => a.status === 'pending');
  const decided = adjustments.items.filter((a) => a.status !== 'pending');
  return renderPage(
    c,
    <Layout c={c} title={t('run.title', { period: run.period })} lang={lang}>
      <PageStyle />
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
        {run.status === 'published' && (
          <a class="button secondary" href={`${base}/export.csv`} download>
            {t('run.export')}
          </a>
        )}
      </p>
      {run.status === 'published' && <Notice>{t('run.frozen')}</Notice>}
      {run.whatIf && <Notice kind="warn">{t('run.whatIfNote')}</Notice>}

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
            <div class="adjustment" data-adjustment={a.id}>
              <p>
                <strong>{t('adj.line', { officer: a.officerCode, from: a.fromTier, to: a.toTier, user: adjNames.get(a.requestedBy) ?? a.requestedBy })}</strong>
                <br />
                {a.reason}
              </p>
              {a.requestedBy === me.userId ? (
                <p class="muted">{t('adj.own')}</p>
              ) : (
                mutable && (
                  <form method="post" action={`/hr/adjustments/${enc(a.id)}/decision`}>
                    <CsrfInput c={c} />
                    <label for={`reason-${a.id}`}>{t('adj.decisionReason')}</label>
                    <input id={`reason-${a.id}`} name="reason" type="text" required maxlength={2000} />
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
                    <td>{a.reason}</td>
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
      <p>{t('run.page', { from: total === 0 ? 0 : page * PAGE_SIZE + 1, to: Math.min(total, (page + 1) * PAGE_SIZE), total })}</p>
      <Table
        head={[
          head('rank', 'col.rank'),
          head('code', 'col.code', false),
          t('col.name'),
          head('composite', 'col.composite'),
          head('workload', 'col.workload'),
          head('assessment', 'col.assessment'),
          head('feedback', 'col.feedback'),
          head('tenure', 'col.tenure'),
          head('penalty', 'col.penalty'),
          head('tier', 'col.tier'),
          head('payout', 'col.payout'),
        ]}
      >
        {rows.map((r) => (
          <tr data-officer={r.officerCode}>
            <td class="num">{r.rank ?? ''}</td>
            <td>
              <a href={`${base}/officers/${enc(r.officerCode)}`}>{r.officerCode}</a>
            </td>
            <td>{r.name ?? ''}</td>
            <td class="num">
              {r.status === 'graded' ? fmt(r.composite) : t('status.not_graded')}
              {r.incomplete ? t('incomplete.mark') : ''}
            </td>
            <td class="num">{fmt(r.components.workload)}</td>
            <td class="num">{fmt(r.components.assessment)}</td>
            <td class="num">{fmt(r.components.feedback)}</td>
            <td class="num">{fmt(r.components.tenure)}</td>
            <td class="num">{r.status === 'graded' ? fmt(r.penalty) : ''}</td>
            <td class="num" data-tier={r.tier ?? ''}>
              {r.tier ?? ''}
              {r.adjusted ? t('adjusted.mark', { from: r.adjusted.fromTier }) : ''}
            </td>
            <td class="num">{fmt(r.incentive)}</td>
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

function ProposeForm(props: { c: PageContext; t: Translate; runId: string; policy: Policy; officerCode?: string; back?: string }) {
  const { t } = props;
  return (
    <form method="post" action={`/hr/runs/${enc(props.runId)}/adjustments`} class="no-print">
      <fieldset>
        <legend>{t('adj.propose')}</legend>
        <CsrfInput c={props.c} />
        {props.back && <input type="hidden" name="back" value={props.back} />}
        <label for="adj-officer">{t('adj.officer')}</label>
        <input id="adj-officer" name="officerCode" type="text" required value={props.officerCode ?? ''} />
        <label for="adj-tier">{t('adj.toTier')}</label>
        <select id="adj-tier" name="toTier" required>
          {props.policy.tiers.map((x) => (
            <option value={String(x.level)}>{x.level}</option>
          ))}
        </select>
        <label for="adj-reason">{t('adj.reason')}</label>
        <textarea id="adj-reason" name="reason" required maxlength={2000}></textarea>
        <div>
          <button type="submit">{t('adj.submit')}</button>
        </div>
      </fieldset>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Officer detail and report

async function officerPage(c: PageContext, id: string, code: string, opts: { error?: unknown; status?: 200 | 400 | 403 | 404 | 409 } = {}) {
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
      <PageStyle />
      <p class="no-print">
        <a href={base}>{t('officer.back')}</a> · <a href={`/reports/${enc(id)}/${enc(code)}`}>{t('officer.report')}</a>
      </p>
      <h1>{t('officer.title', { name: result.name ?? code, code, period: result.period })}</h1>
      <OfficerFacts t={t} result={result} />
      {d.status === 'graded' && (
        <>
          <h2>{t('officer.components')}</h2>
          <ComponentBars t={t} detail={d} />
        </>
      )}
      <h2>{t('officer.explanation')}</h2>
      <Explanation lang={lang} t={t} detail={d} />
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

function OfficerFacts(props: { t: Translate; result: Awaited<ReturnType<typeof getResult>> }) {
  const { t, result } = props;
  const d = result.detail;
  const facts: [string, Child][] = [
    [t('officer.unit'), result.unitName ? `${result.unitName} (${d.unitCode})` : d.unitCode],
    [t('officer.peerGroup'), `${d.peerGroup}${d.raw?.peerFallback ? ` (→ ${d.raw.peerGroupUsed})` : ''}`],
    [t('officer.team'), d.team],
    [t('col.status'), t(`status.${result.status}`)],
  ];
  if (result.status === 'graded') {
    facts.push([t('col.composite'), fmt(result.composite)], [t('col.penalty'), fmt(result.penalty)], [t('col.rank'), String(result.rank ?? '')]);
    facts.push([t('col.tier'), `${result.tier ?? ''}${result.adjusted ? t('adjusted.mark', { from: result.adjusted.fromTier }) : ''}`], [t('col.payout'), fmt(result.incentive)]);
  } else {
    facts.push([t('officer.reason'), result.reason ?? '']);
  }
  return (
    <dl class="facts" data-testid="officer-facts">
      {facts.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

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
      <PageStyle />
      <h1>{title}</h1>
      <p>
        <strong>{result.name ?? code}</strong> ({code}) · {ctx.config.bureauName}
      </p>
      {result.runStatus !== 'published' && <Notice kind="warn">{t('report.unpublished')}</Notice>}
      <OfficerFacts t={t} result={result} />
      {d.status === 'graded' && (
        <>
          <h2>{t('officer.components')}</h2>
          <ComponentBars t={t} detail={d} />
        </>
      )}
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
      <Explanation lang={lang} t={t} detail={d} />
    </Layout>,
  );
}

// ---------------------------------------------------------------------------------------------
// Compare

async function comparePage(c: PageContext) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const a = c.req.query('a') ?? '';
  const b = c.req.query('b') ?? '';
  const runs = await listRuns({ ctx, input: { limit: 200 } });
  let cmp: Awaited<ReturnType<typeof compareRuns>> | null = null;
  let error: unknown;
  if (a && b) {
    try {
      cmp = await compareRuns({ ctx, input: { a, b } });
    } catch (e) {
      error = recoverable(e);
    }
  }
  const label = (l: string) => (l === 'not_graded' ? t('status.not_graded') : l === 'absent' ? t('cmp.absent') : l);
  const SHOW = 200;
  const tierList = (x: Record<string, number>) =>
    Object.entries(x)
      .sort(([p], [q]) => Number(q) - Number(p))
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
  const Dist = (props: { rows: NonNullable<typeof cmp>['byPeerGroup']; title: string; testid: string }) => (
    <>
      <h2>{props.title}</h2>
      <Table head={[t('cmp.group'), t('cmp.n'), t('cmp.mean'), t('cmp.tiers')]}>
        {props.rows.map((g) => (
          <tr data-testid={props.testid} data-group={g.group}>
            <td>{g.group}</td>
            <td class="num">{`${g.a.n} / ${g.b.n}`}</td>
            <td class="num">{`${fmt(g.a.meanComposite)} → ${fmt(g.b.meanComposite)}`}</td>
            <td>{`${tierList(g.a.tiers)} → ${tierList(g.b.tiers)}`}</td>
          </tr>
        ))}
      </Table>
    </>
  );
  const RunSelect = (props: { name: string; value: string; label: string }) => (
    <>
      <label for={`cmp-${props.name}`}>{props.label}</label>
      <select id={`cmp-${props.name}`} name={props.name} required>
        {runs.items.map((r) => (
          <option value={r.id} selected={r.id === props.value}>{`${r.period} · ${r.id}${r.whatIf ? ` · ${t('run.whatIf')}` : ''}`}</option>
        ))}
      </select>
    </>
  );
  return renderPage(
    c,
    <Layout c={c} title={t('cmp.title')} lang={lang}>
      <PageStyle />
      <h1>{t('cmp.title')}</h1>
      <form method="get" action="/hr/compare" class="no-print">
        <fieldset>
          <legend>{t('cmp.pick')}</legend>
          <RunSelect name="a" value={a} label={t('cmp.a')} />
          <RunSelect name="b" value={b} label={t('cmp.b')} />
          <button type="submit">{t('run.compareGo')}</button>
        </fieldset>
      </form>
      <ErrorBox error={error} lang={lang} />
      {cmp && (
        <>
          <p>
            {cmp.period}: A = <a href={`/hr/runs/${enc(cmp.a.id)}`}>{cmp.a.id}</a> ({cmp.a.policyVersion}), B = <a href={`/hr/runs/${enc(cmp.b.id)}`}>{cmp.b.id}</a> ({cmp.b.policyVersion})
          </p>
          <h2>{t('cmp.matrix')}</h2>
          <div class="table-wrap">
            <table data-testid="transition-matrix">
              <thead>
                <tr>
                  <th scope="col">A \ B</th>
                  {cmp.labels.map((l) => (
                    <th scope="col" class="num">{label(l)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cmp.matrix.map((row, i) => (
                  <tr>
                    <th scope="row">{label(cmp!.labels[i]!)}</th>
                    {row.map((n, j) => (
                      <td class="num" style={i === j ? 'background:#e6f4ea;font-weight:600' : n > 0 ? 'background:#fff6db' : undefined}>{n}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('cmp.moved', { n: cmp.moved })}</h2>
          {cmp.movers.length > SHOW && <p class="muted">{t('cmp.more', { n: SHOW })}</p>}
          <Table head={[t('col.code'), t('col.name'), t('officer.peerGroup'), t('col.tier'), t('col.composite'), t('cmp.why')]}>
            {cmp.movers.slice(0, SHOW).map((m) => (
              <tr data-testid="mover">
                <td>{m.officerCode}</td>
                <td>{m.name}</td>
                <td>{m.peerGroup}</td>
                <td>{`${label(m.from)} → ${label(m.to)}`}</td>
                <td class="num">{`${fmt(m.compositeA)} → ${fmt(m.compositeB)}`}</td>
                <td>{m.why[lang]}</td>
              </tr>
            ))}
          </Table>
          <Dist rows={cmp.byPeerGroup} title={t('cmp.byPeerGroup')} testid="by-peer-group" />
          <Dist rows={cmp.byTeam} title={t('cmp.byTeam')} testid="by-team" />
        </>
      )}
    </Layout>,
    error ? statusOf(error) : 200,
  );
}

// ---------------------------------------------------------------------------------------------
// Routes

/** Only same-site paths of the HR console are followed after a form post. */
const safeBack = (back: string, fallback: string) => (/^\/hr\/runs\/[A-Za-z0-9_%-]+(\/officers\/[A-Za-z0-9_%.-]+)?$/.test(back) ? back : fallback);

export const gradingPages = new Hono<AppEnv>()
  .get('/hr', (c) => hrHome(c))
  .post('/hr/runs', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const values = { period: str(form, 'period'), whatIf: str(form, 'whatIf'), policy: str(form, 'policy') };
    try {
      let policy: unknown;
      if (values.policy) {
        try {
          policy = JSON.parse(values.policy);
        } catch {
          throw badRequest('The policy is not valid JSON.', [{ path: 'policy', message: 'not valid JSON' }]);
        }
      }
      const out = await startRun({ ctx: c.get('ctx'), input: { period: values.period, policy, whatIf: values.whatIf === '1' } });
      return c.redirect(`/hr/runs/${enc(out.id)}`, 303);
    } catch (e) {
      const err = recoverable(e);
      return hrHome(c, { error: err, values, status: statusOf(err) });
    }
  })
  .get('/hr/compare', (c) => comparePage(c))
  .get('/hr/runs/:id', (c) => {
    const q = c.req.query('done');
    const { t } = tt(c);
    const notice = q === 'proposed' ? t('adj.proposed') : q === 'approved' || q === 'rejected' ? t('adj.done', { status: t(`adj.status.${q}`) }) : q === 'published' ? t('publish.done') : q === 'recomputed' ? t('run.recomputed') : undefined;
    return runPage(c, c.req.param('id'), { notice });
  })
  .get('/hr/runs/:id/officers/:code', (c) => officerPage(c, c.req.param('id'), c.req.param('code')))
  .get('/hr/runs/:id/export.csv', async (c) => {
    requireStaffPage(c, 'hr');
    const { filename, body } = await exportRunCsv({ ctx: c.get('ctx'), input: { id: c.req.param('id') } });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .get('/hr/runs/:id/publish', async (c) => {
    requireStaffPage(c, 'hr');
    const { lang, t } = tt(c);
    const id = c.req.param('id');
    const run = await getRun({ ctx: c.get('ctx'), input: { id } });
    return renderPage(
      c,
      <Layout c={c} title={t('publish.title')} lang={lang}>
      <PageStyle />
        <h1>{t('publish.title')}</h1>
        <Notice kind="warn">{t('publish.warning')}</Notice>
        <p>{t('publish.summary', { period: run.period, graded: run.counts.graded })}</p>
        <p>
          <code>{run.id}</code>
        </p>
        <form method="post" action={`/hr/runs/${enc(id)}/publish`}>
          <CsrfInput c={c} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="danger">
            {t('publish.confirm')}
          </button>{' '}
          <a class="button secondary" href={`/hr/runs/${enc(id)}`}>
            {t('publish.cancel')}
          </a>
        </form>
      </Layout>,
    );
  })
  .post('/hr/runs/:id/publish', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (str(form, 'confirm') !== 'yes') return c.redirect(`/hr/runs/${enc(id)}/publish`, 303);
    try {
      await publishRun({ ctx: c.get('ctx'), input: { id } });
    } catch (e) {
      const err = recoverable(e);
      return runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(id)}?done=published`, 303);
  })
  .post('/hr/runs/:id/recompute', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    try {
      await recomputeRun({ ctx: c.get('ctx'), input: { id } });
    } catch (e) {
      const err = recoverable(e);
      return runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(id)}?done=recomputed`, 303);
  })
  .post('/hr/runs/:id/adjustments', async (c) => {
    requireStaffPage(c, 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const back = safeBack(str(form, 'back'), `/hr/runs/${enc(id)}`);
    try {
      const toTier = Number(str(form, 'toTier'));
      if (!Number.isInteger(toTier)) throw badRequest('The form has errors.', [{ path: 'toTier', message: 'choose a tier' }]);
      const reason = str(form, 'reason');
      const officerCode = str(form, 'officerCode');
      if (!reason || !officerCode) {
        throw badRequest('The form has errors.', [...(!officerCode ? [{ path: 'officerCode', message: 'required' }] : []), ...(!reason ? [{ path: 'reason', message: 'required' }] : [])]);
      }
      await proposeAdjustment({ ctx: c.get('ctx'), input: { runId: id, officerCode, toTier, reason } });
    } catch (e) {
      const err = recoverable(e);
      return runPage(c, id, { error: err, status: statusOf(err) });
    }
    return c.redirect(`${back}${back.includes('/officers/') ? '' : '?done=proposed#adjustments'}`, 303);
  })
  .post('/hr/adjustments/:id/decision', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const decision = str(form, 'decision');
    const reason = str(form, 'reason');
    const ctx = c.get('ctx');
    const [adj] = await ctx.db.all<{ run_id: string }>(sql`select run_id from adjustments where id = ${c.req.param('id')}`);
    try {
      if (decision !== 'approve' && decision !== 'reject') throw badRequest('The form has errors.', [{ path: 'decision', message: 'approve or reject' }]);
      if (!reason) throw badRequest('The form has errors.', [{ path: 'reason', message: 'required' }]);
      const out = await decideAdjustment({ ctx, input: { id: c.req.param('id'), decision, reason } });
      return c.redirect(`/hr/runs/${enc(out.runId)}?done=${out.status}#adjustments`, 303);
    } catch (e) {
      const err = recoverable(e);
      if (!adj) throw err;
      return runPage(c, adj.run_id, { error: err, status: statusOf(err) });
    }
  })
  .post('/hr/appeals/:id/decision', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const ctx = c.get('ctx');
    const [appeal] = await ctx.db.all<{ run_id: string; officer_code: string }>(sql`select run_id, officer_code from appeals where id = ${c.req.param('id')}`);
    try {
      const outcome = str(form, 'outcome');
      const reason = str(form, 'reason');
      const corrected = str(form, 'correctedTier');
      if (outcome !== 'upheld' && outcome !== 'dismissed') throw badRequest('The form has errors.', [{ path: 'outcome', message: 'upheld or dismissed' }]);
      if (!reason) throw badRequest('The form has errors.', [{ path: 'reason', message: 'required' }]);
      await decideAppeal({ ctx, input: { id: c.req.param('id'), outcome, reason, correctedTier: corrected ? Number(corrected) : undefined } });
    } catch (e) {
      const err = recoverable(e);
      if (!appeal) throw err;
      return officerPage(c, appeal.run_id, appeal.officer_code, { error: err, status: statusOf(err) });
    }
    return c.redirect(`/hr/runs/${enc(appeal!.run_id)}/officers/${enc(appeal!.officer_code)}#appeals`, 303);
  })
  .get('/reports/:runId/:code', (c) => reportPage(c, c.req.param('runId'), c.req.param('code')));
