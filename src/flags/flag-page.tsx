/**
 * The supervisor console (server-rendered, works without JavaScript): the flag queue with its
 * filters, and a flag's page with its evidence, the bunching chart, the decisions involved, the
 * reviewer draw and the actions. Every action calls the same verbs as the API.
 */
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { eq, inArray } from 'drizzle-orm';
import { flags, units, users } from '../../db/schema.js';
import type { AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Translate } from '../pages/i18n.js';
import { decisionsByIds } from '../decisions/list.js';
import { flagsMessages } from './messages.js';
import { getFlag, listFlags, listFlagsQuery } from './list.js';
import { defaultOversightPolicy, ruleIds } from './policy.js';
import { flagOutcomes, flagStatuses, mayReview, transitionFlag } from './workflow.js';
import { scanFlags } from './scan.js';
import { bunchingHistogram, type BunchingHistogram } from './rules/bunching.js';
import type { Draw } from './draw.js';

type Form = Record<string, string | File | (string | File)[]>;
const str = (f: Form, k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
const enc = encodeURIComponent;
const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');
const money = (x: unknown) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '–');
const tt = (c: PageContext) => pageT(c, flagsMessages);

const pageCss = `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters label{margin-top:.4rem}
.filters select,.filters input[type=number],.filters input[type=text]{width:auto;min-width:9rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.85rem;border:1px solid var(--line)}
.badge.overdue{background:var(--bad-bg);border-color:var(--bad);color:var(--bad);font-weight:600}
.sev-high,.sev-critical{color:var(--bad);font-weight:600}
svg.flag-histogram{max-width:100%;height:auto;border:1px solid var(--line);background:#fff}
pre.evidence{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.6rem;border-radius:4px;font-size:.85rem}
.actions form{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:.5rem 0}
.outcomes label{display:inline-block;font-weight:400;margin-right:1rem}`;

function PageStyle() {
  return <style>{raw(pageCss)}</style>;
}

function statusOf(e: ApiError): 400 | 403 | 404 | 409 {
  return e.status === 403 || e.status === 404 || e.status === 409 ? e.status : 400;
}

/** Re-throws what a page should not swallow (unexpected errors, sign-in needed). */
function recoverable(e: unknown): ApiError {
  if (!(e instanceof ApiError) || e.status >= 500 || e.status === 401) throw e;
  return e;
}

const ageDays = (c: PageContext, iso: string) => Math.floor((c.get('ctx').clock.now().getTime() - Date.parse(iso)) / 86_400_000);

// ---------------------------------------------------------------------------------------------
// The queue

async function queuePage(c: PageContext, opts: { error?: ApiError; notice?: string } = {}) {
  requireStaffPage(c, 'supervisor', 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const raw0 = c.req.query();
  // Empty form fields mean "any": drop them before validation so the form works as submitted.
  const q = Object.fromEntries(Object.entries(raw0).filter(([, v]) => v !== '')) as Record<string, string>;
  const parsed = listFlagsQuery.safeParse(q);
  const query = parsed.success ? parsed.data : {};
  const error = opts.error ?? (parsed.success ? undefined : new ApiError(400, 'validation_failed', 'Some filters are not valid.', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))));
  const { items, nextCursor } = error && !opts.error ? { items: [], nextCursor: null } : await listFlags({ ctx, query: { ...query, limit: query.limit ?? 50 } });
  const unitRows = await ctx.db.select({ code: units.code, name: units.name }).from(units).orderBy(units.code);
  const nextHref = nextCursor ? `/flags?${new URLSearchParams({ ...q, cursor: nextCursor }).toString()}` : null;
  const staff = ctx.actor.kind === 'user' ? ctx.actor : null;
  return renderPage(
    c,
    <Layout c={c} title={t('flags.title')} lang={lang}>
      <PageStyle />
      <h1>{t('flags.title')}</h1>
      <p>{t('flags.intro')}</p>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={error} lang={lang} />
      <form method="get" action="/flags" class="filters" aria-label={t('flags.filters')}>
        <div>
          <label for="f-rule">{t('flags.filter.rule')}</label>
          <select id="f-rule" name="rule">
            <option value="">{t('flags.filter.any')}</option>
            {ruleIds.map((r) => (
              <option value={r} selected={q.rule === r}>
                {t(`rule.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-unit">{t('flags.filter.unit')}</label>
          <select id="f-unit" name="unit">
            <option value="">{t('flags.filter.any')}</option>
            {unitRows.map((u) => (
              <option value={u.code} selected={q.unit === u.code}>
                {`${u.code} ${u.name}`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-status">{t('flags.filter.status')}</label>
          <select id="f-status" name="status">
            <option value="">{t('flags.filter.any')}</option>
            {flagStatuses.map((s) => (
              <option value={s} selected={q.status === s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-age">{t('flags.filter.minAge')}</label>
          <input id="f-age" type="number" name="minAgeDays" min="0" value={q.minAgeDays ?? ''} />
        </div>
        <div>
          <label for="f-officer">{t('flags.filter.officer')}</label>
          <input id="f-officer" type="text" name="officerCode" value={q.officerCode ?? ''} />
        </div>
        <div>
          <label>
            <input type="checkbox" name="overdue" value="true" checked={q.overdue === 'true'} /> {t('flags.filter.overdue', { days: defaultOversightPolicy.overdueDays })}
          </label>
        </div>
        <div>
          <button type="submit">{t('flags.filter.apply')}</button>{' '}
          <a href="/flags">{t('flags.filter.clear')}</a>
        </div>
      </form>
      {staff?.role === 'supervisor' && (
        <form method="post" action="/flags/scan" class="no-print">
          <CsrfInput c={c} />
          <button type="submit" class="secondary">
            {t('flags.scan')}
          </button>
        </form>
      )}
      {items.length === 0 ? (
        <p>{t('flags.none')}</p>
      ) : (
        <Table
          head={[t('flags.col.flag'), t('flags.col.rule'), t('flags.col.subject'), t('flags.col.unit'), t('flags.col.severity'), t('flags.col.status'), t('flags.col.reviewer'), t('flags.col.raised'), t('flags.col.age')]}
          numeric={[8]}
        >
          {items.map((f) => (
            <tr data-testid="flag-row" data-rule={f.rule}>
              <td>
                <a href={`/flags/${enc(f.id)}`}>
                  <code>{f.id}</code>
                </a>
              </td>
              <td>{t(`rule.${f.rule}`)}</td>
              <td>{f.subjectCode}</td>
              <td>{f.unitCode ?? ''}</td>
              <td class={`sev-${f.severity}`}>{t(`severity.${f.severity}`)}</td>
              <td>
                {t(`status.${f.status}`)}
                {f.outcome ? ` · ${t(`outcome.${f.outcome}`)}` : ''}
                {f.overdue && (
                  <>
                    {' '}
                    <span class="badge overdue">{t('flags.overdue')}</span>
                  </>
                )}
              </td>
              <td>{f.reviewerUsername ?? <span class="muted">{t('flags.unassigned')}</span>}</td>
              <td>{when(f.raisedAt)}</td>
              <td class="num">{ageDays(c, f.raisedAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      {nextHref && (
        <p>
          <a href={nextHref}>{t('flags.next')}</a>
        </p>
      )}
    </Layout>,
    error ? statusOf(error) : 200,
  );
}

// ---------------------------------------------------------------------------------------------
// The bunching chart

/** Server-drawn SVG: 20 bins of 2% from 0.8T to 1.2T, bars below T amber, the threshold a red line. */
export function BunchingChart(props: { h: BunchingHistogram; t: Translate; officer: string }) {
  const { h, t } = props;
  const W = 640;
  const H = 260;
  const left = 44;
  const right = 22;
  const top = 16;
  const bottom = 48;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...h.bins);
  const bw = plotW / h.bins.length;
  const xOf = (amount: number) => left + ((amount - h.from) / (h.to - h.from)) * plotW;
  const ticks = [0.8, 0.9, 1, 1.1, 1.2];
  const yTicks = [0, Math.ceil(max / 2), max];
  const title = t('flag.chart.title', { officer: props.officer, t: money(h.threshold) });
  return (
    <figure>
      <svg class="flag-histogram" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby="chart-title">
        <title id="chart-title">{title}</title>
        {/* The bunching band [0.9T, 1.1T] */}
        <rect x={xOf(0.9 * h.threshold)} y={top} width={xOf(1.1 * h.threshold) - xOf(0.9 * h.threshold)} height={plotH} fill="#f3f5f8" />
        {yTicks.map((v) => {
          const y = top + plotH - (v / max) * plotH;
          return (
            <>
              <line x1={left} x2={W - right} y1={y} y2={y} stroke="#d0d4da" stroke-width="1" />
              <text x={left - 6} y={y + 4} text-anchor="end" font-size="11" fill="#555">
                {v}
              </text>
            </>
          );
        })}
        {h.bins.map((n, i) => {
          const bh = (n / max) * plotH;
          const lo = h.from + i * h.step;
          const below = lo + h.step / 2 < h.threshold;
          return (
            <rect
              class={`bin ${below ? 'below' : 'above'}`}
              data-count={n}
              x={left + i * bw + 1}
              y={top + plotH - bh}
              width={bw - 2}
              height={bh}
              fill={below ? '#b25e00' : '#0b4f8a'}
            >
              <title>{`${money(lo)}–${money(lo + h.step)}: ${n}`}</title>
            </rect>
          );
        })}
        <line x1={left} x2={W - right} y1={top + plotH} y2={top + plotH} stroke="#1a1a1a" stroke-width="1" />
        {ticks.map((k) => (
          <text x={xOf(k * h.threshold)} y={top + plotH + 16} text-anchor="middle" font-size="11" fill="#1a1a1a">
            {`${Math.round(k * 100)}%`}
          </text>
        ))}
        <line class="threshold" x1={xOf(h.threshold)} x2={xOf(h.threshold)} y1={top - 4} y2={top + plotH + 4} stroke="#c00000" stroke-width="2" stroke-dasharray="6 3" />
        <text x={xOf(h.threshold)} y={H - 10} text-anchor="middle" font-size="12" font-weight="600" fill="#c00000">
          {t('flag.chart.threshold', { t: money(h.threshold) })}
        </text>
      </svg>
      <figcaption>{title}</figcaption>
      <details>
        <summary>{t('flag.chart.table')}</summary>
        <Table head={[t('flag.chart.bin'), t('flag.chart.count')]} numeric={[1]}>
          {h.bins.map((n, i) => (
            <tr>
              <td>{`${money(h.from + i * h.step)} – ${money(h.from + (i + 1) * h.step)}`}</td>
              <td class="num">{n}</td>
            </tr>
          ))}
        </Table>
      </details>
    </figure>
  );
}

// ---------------------------------------------------------------------------------------------
// One flag

/** The evidence's own figures (scalars and short lists of scalars), as the rule wrote them. */
function EvidenceFigures(props: { ev: Record<string, unknown> }) {
  const show = (v: unknown): string | null => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-4 && v !== 0 ? v.toExponential(3) : String(Number(v.toPrecision(6)));
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v) && v.length > 0 && v.length <= 12 && v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => show(x) ?? '').join(', ');
    return null;
  };
  const rows = Object.entries(props.ev)
    .filter(([k]) => !['decisionIds', 'itemKeys', 'involvedOfficerCodes'].includes(k))
    .map(([k, v]) => [k, show(v)] as const)
    .filter((r): r is readonly [string, string] => r[1] !== null);
  if (!rows.length) return <></>;
  return (
    <dl class="facts" data-testid="evidence-figures">
      {rows.map(([k, v]) => (
        <>
          <dt>
            <code>{k}</code>
          </dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

const fmtP = (p: unknown) => (typeof p === 'number' ? (p < 1e-4 ? p.toExponential(3) : p.toPrecision(4)) : '–');

async function flagPage(c: PageContext, id: string, opts: { error?: ApiError; notice?: string; values?: Record<string, string> } = {}) {
  requireStaffPage(c, 'supervisor', 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const flag = await getFlag({ ctx, id });
  const ev = flag.evidence;
  const decisionIds = Array.isArray(ev.decisionIds) ? (ev.decisionIds as string[]) : [];
  const involved = await decisionsByIds(ctx, decisionIds);
  const draw = flag.draw as unknown as Draw | null;
  const names = new Map<string, string>();
  const ids = [...(draw?.candidates ?? []), ...(flag.reviewerUserId ? [flag.reviewerUserId] : [])];
  if (ids.length) for (const u of await ctx.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids))) names.set(u.id, u.username);
  const who = (uid: string | null | undefined) => (uid ? `${names.get(uid) ?? '?'} (${uid})` : '');
  let histogram: BunchingHistogram | null = null;
  if (flag.rule === 'threshold_bunching' && typeof ev.threshold === 'number' && typeof ev.officerCode === 'string' && typeof ev.decisionType === 'string') {
    const window = (ev.window as { from: string; to: string } | undefined) ?? { from: '0000-01-01', to: ctx.clock.now().toISOString().slice(0, 10) };
    histogram = await bunchingHistogram(ctx, { officerCode: ev.officerCode, decisionType: ev.decisionType, threshold: ev.threshold, window });
  }
  const [row] = await ctx.db.select().from(flags).where(eq(flags.id, id));
  const may = flag.status === 'closed' || !row ? null : await mayReview(ctx, row);
  const values = opts.values ?? {};
  const window = ev.window as { from: string; to: string } | undefined;
  return renderPage(
    c,
    <Layout c={c} title={t('flag.title', { id: flag.id })} lang={lang}>
      <PageStyle />
      <p>
        <a href="/flags">{t('flag.back')}</a>
      </p>
      <h1>
        {t(`rule.${flag.rule}`)} · {flag.subjectCode}
      </h1>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={opts.error} lang={lang} />
      <h2>{t('flag.summary')}</h2>
      <dl class="facts">
        <dt>{t('flags.col.flag')}</dt>
        <dd>
          <code>{flag.id}</code>
        </dd>
        <dt>{t('flags.col.subject')}</dt>
        <dd>{`${flag.subjectCode}${flag.unitCode ? ` · ${flag.unitCode}` : ''}`}</dd>
        <dt>{t('flags.col.severity')}</dt>
        <dd class={`sev-${flag.severity}`}>{t(`severity.${flag.severity}`)}</dd>
        <dt>{t('flags.col.status')}</dt>
        <dd data-testid="flag-status">
          {t(`status.${flag.status}`)}
          {flag.overdue && (
            <>
              {' '}
              <span class="badge overdue">{t('flags.overdue')}</span>
            </>
          )}
        </dd>
        {flag.outcome && (
          <>
            <dt>{t('flag.outcome')}</dt>
            <dd data-testid="flag-outcome">{t(`outcome.${flag.outcome}`)}</dd>
            <dt>{t('flag.closedAt')}</dt>
            <dd>{when(flag.closedAt)}</dd>
          </>
        )}
        <dt>{t('flags.col.reviewer')}</dt>
        <dd>{flag.reviewerUserId ? who(flag.reviewerUserId) : t('flags.unassigned')}</dd>
        <dt>{t('flags.col.raised')}</dt>
        <dd>{when(flag.raisedAt)}</dd>
        <dt>{t('flag.condition')}</dt>
        <dd>
          <code>{flag.conditionKey}</code>
        </dd>
      </dl>
      <p class="muted">{t('flag.penaltyNote')}</p>

      <h2>{t('flag.evidence')}</h2>
      {window && <p>{t('flag.window', { from: window.from, to: window.to })}</p>}
      {flag.rule === 'threshold_bunching' && (
        <p data-testid="bunching-figures">
          {t('flag.bunching.figures', { below: String(ev.below), above: String(ev.above), n: String(ev.n), p: fmtP(ev.pValue), max: String(ev.maxPValue) })}
        </p>
      )}
      <EvidenceFigures ev={ev} />
      {histogram && <BunchingChart h={histogram} t={t} officer={flag.subjectCode} />}
      <details>
        <summary>{t('flag.evidence.raw')}</summary>
        <pre class="evidence">{JSON.stringify(ev, null, 2)}</pre>
      </details>

      {involved.length > 0 && (
        <>
          <h2>{t('flag.decisions')}</h2>
          {decisionIds.length >= defaultOversightPolicy.maxEvidenceDecisions && <p class="muted">{t('flag.decisions.more', { n: decisionIds.length })}</p>}
          <Table
            head={[t('flag.col.decision'), t('flag.col.type'), t('flag.col.decider'), t('flag.col.taxpayer'), t('flag.col.amount'), t('flag.col.threshold'), t('flag.col.decidedAt'), t('flag.col.panel')]}
            numeric={[4, 5]}
          >
            {involved.map((d) => (
              <tr data-testid="decision-row">
                <td>
                  <code>{d.id}</code>
                  {d.amends ? <span class="muted">{` ← ${d.amends}`}</span> : ''}
                </td>
                <td>{d.type}</td>
                <td>{d.deciderCode ?? ''}</td>
                <td>{d.taxpayerCode ?? ''}</td>
                <td class="num">{money(d.amount)}</td>
                <td class="num">{money(d.threshold)}</td>
                <td>{d.decidedAt.slice(0, 10)}</td>
                <td>{d.reviewers.map((r) => `${r.officerCode}${r.vote ? ` (${r.vote})` : ' (–)'}${r.investigated ? '*' : ''}`).join(', ')}</td>
              </tr>
            ))}
          </Table>
        </>
      )}

      <h2>{t('flag.draw')}</h2>
      {draw ? (
        <>
          <p class="muted">{t('flag.draw.explain')}</p>
          <dl class="facts" data-testid="draw">
            <dt>{t('flag.draw.flagId')}</dt>
            <dd>
              <code>{draw.seedInputs.flagId}</code>
            </dd>
            <dt>{t('flag.draw.auditSize')}</dt>
            <dd>
              <code>{String(draw.seedInputs.auditSize)}</code>
            </dd>
            <dt>{t('flag.draw.head')}</dt>
            <dd>
              <code>{draw.seedInputs.auditHeadHash}</code>
            </dd>
            <dt>{t('flag.draw.seed')}</dt>
            <dd>
              <code>{draw.seed}</code>
            </dd>
            <dt>{t('flag.draw.candidates')}</dt>
            <dd>
              {draw.candidates.length ? (
                <ol start={0}>
                  {draw.candidates.map((u) => (
                    <li>{who(u)}</li>
                  ))}
                </ol>
              ) : (
                '–'
              )}
            </dd>
            <dt>{t('flag.draw.picked')}</dt>
            <dd>{draw.picked ? who(draw.picked) : t('flag.draw.none')}</dd>
          </dl>
        </>
      ) : (
        <p>–</p>
      )}

      <h2>{t('flag.history')}</h2>
      <Table head={[t('flag.col.at'), t('flag.col.move'), t('flag.col.actor'), t('flag.col.reason')]}>
        {flag.transitions.map((x) => (
          <tr data-testid="transition-row">
            <td>{when(x.at)}</td>
            <td>{`${x.from ? t(`status.${x.from}`) : '∅'} → ${t(`status.${x.to}`)}${x.outcome ? ` (${t(`outcome.${x.outcome}`)})` : ''}`}</td>
            <td>{x.actor}</td>
            <td>{x.reason}</td>
          </tr>
        ))}
      </Table>

      <h2>{t('flag.actions')}</h2>
      <div class="actions">
        {flag.status === 'closed' ? (
          <p>{t('flag.closedNote')}</p>
        ) : may && !may.ok ? (
          <Notice kind="warn">{t('flag.cannot', { why: may.why })}</Notice>
        ) : flag.status === 'open' ? (
          <form method="post" action={`/flags/${enc(flag.id)}/transition`}>
            <CsrfInput c={c} />
            <input type="hidden" name="to" value="in_review" />
            <label for="reason-start">
              {t('flag.reason')} <span class="hint">{t('flag.reason.hint')}</span>
            </label>
            <textarea id="reason-start" name="reason" required>
              {values.reason ?? ''}
            </textarea>
            <button type="submit">{t('flag.start')}</button>
          </form>
        ) : (
          <form method="post" action={`/flags/${enc(flag.id)}/transition`}>
            <CsrfInput c={c} />
            <input type="hidden" name="to" value="closed" />
            <fieldset class="outcomes">
              <legend>{t('flag.close.outcome')}</legend>
              {flagOutcomes.map((o) => (
                <label>
                  <input type="radio" name="outcome" value={o} required checked={values.outcome === o} /> {t(`outcome.${o}`)}
                </label>
              ))}
            </fieldset>
            <label for="reason-close">
              {t('flag.reason')} <span class="hint">{t('flag.reason.hint')}</span>
            </label>
            <textarea id="reason-close" name="reason" required>
              {values.reason ?? ''}
            </textarea>
            <button type="submit">{t('flag.close')}</button>
          </form>
        )}
      </div>
    </Layout>,
    opts.error ? statusOf(opts.error) : 200,
  );
}

// ---------------------------------------------------------------------------------------------
// Routes

export const flagsPages = new Hono<AppEnv>()
  .get('/flags', (c) => {
    const { t } = tt(c);
    const scanned = c.req.query('scanned');
    return queuePage(c, { notice: scanned !== undefined && /^\d+$/.test(scanned) ? t('flags.scanned', { n: scanned }) : undefined });
  })
  .post('/flags/scan', async (c) => {
    requireStaffPage(c, 'supervisor', 'hr');
    const out = await scanFlags({ ctx: c.get('ctx') });
    return c.redirect(`/flags?scanned=${out.raised}`, 303);
  })
  .get('/flags/:id', (c) => {
    const { t } = tt(c);
    return flagPage(c, c.req.param('id'), { notice: c.req.query('done') === '1' ? t('flag.done') : undefined });
  })
  .post('/flags/:id/transition', async (c) => {
    requireStaffPage(c, 'supervisor', 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const values = { to: str(form, 'to'), outcome: str(form, 'outcome'), reason: str(form, 'reason') };
    try {
      await transitionFlag({
        ctx: c.get('ctx'),
        flagId: id,
        input: { to: values.to as 'in_review', outcome: (values.outcome || undefined) as 'confirmed' | undefined, reason: values.reason },
      });
    } catch (e) {
      return flagPage(c, id, { error: recoverable(e), values });
    }
    return c.redirect(`/flags/${enc(id)}?done=1`, 303);
  });
