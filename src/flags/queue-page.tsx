/**
 * /flags: the flag queue. A supervisor opens on the flags drawn to them ("assigned to me"; "all"
 * is one tab away), sorted by due date; HR opens on all. Sortable by due date, severity and age,
 * searchable by officer code or name in any case, exported as CSV under the same filters; and the
 * button that scans all rules now.
 */
import { Hono } from 'hono';
import { zodErrors, type AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { PageStyle, enc, statusOf, when } from '../pages/page-helpers.js';
import type { Translate } from '../pages/i18n.js';
import { defaultOversightPolicy, ruleIds } from './policy.js';
import { flagStatuses } from './workflow.js';
import { scanFlags } from './scan.js';
import { unitOptions } from './queries.js';
import { flagQueue, flagQueueCsv, flagQueueInput, queueSorts, type FlagQueueInput, type QueueItem } from './inbox.js';
import { FlagsStyle, tt } from './page-parts.js';

const queueCss = `.tabs{display:flex;flex-wrap:wrap;gap:.3rem;margin:.5rem 0;padding:0;list-style:none}
.tabs a{display:inline-block;padding:.35rem .9rem;border:1px solid var(--accent);border-radius:4px;text-decoration:none}
.tabs a[aria-current="page"]{background:var(--accent);color:#fff}
.sorts{display:flex;flex-wrap:wrap;gap:.2rem .8rem;margin:.3rem 0}
.sorts a[aria-current="true"]{font-weight:700;text-decoration:none}
.filters select,.filters input[type=text],.filters input[type=number]{max-width:100%}
.due-answer{display:block;font-size:.85rem;color:var(--muted)}
table.queue{min-width:56rem}`;

/** The query as given, without empty fields ("any") and without the page number. */
function cleanQuery(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== '' && k !== 'page' && k !== 'scanned' && k !== 'running'));
}

const hrefWith = (base: string, q: Record<string, string>, change: Record<string, string | undefined>) => {
  const next = { ...q, ...change };
  const params = new URLSearchParams(Object.entries(next).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const s = params.toString();
  return s ? `${base}?${s}` : base;
};

/** Parses the page's query with the page's defaults: a supervisor sees their own flags by due date. */
function parseQueue(c: PageContext): { q: Record<string, string>; input: FlagQueueInput; error?: ApiError } {
  const staff = requireStaffPage(c, 'supervisor', 'hr');
  const q = cleanQuery(c.req.query());
  const parsed = flagQueueInput.safeParse({ ...q, page: c.req.query('page') || undefined });
  const view = staff.role === 'supervisor' ? (q.view === 'all' ? 'all' : 'mine') : 'all';
  const sortDefault = view === 'mine' ? 'due' : 'newest';
  if (!parsed.success) {
    const { t } = tt(c);
    return { q, input: { view, sort: sortDefault }, error: new ApiError(400, 'validation_failed', t('flags.badFilters'), zodErrors(parsed.error.issues)).say('filters_invalid') };
  }
  return { q, input: { ...parsed.data, view, sort: parsed.data.sort ?? sortDefault } };
}

function QueueRow(props: { t: Translate; f: QueueItem }) {
  const { t, f } = props;
  return (
    <tr data-testid="flag-row" data-rule={f.rule} data-id={f.id} data-severity={f.severity} data-overdue={f.overdue ? '1' : '0'} data-due={f.dueAt ?? ''}>
      <td>
        <a href={`/flags/${enc(f.id)}`}>
          <code>{f.id}</code>
        </a>
      </td>
      <td>{t(`rule.${f.rule}`)}</td>
      <td data-testid="subject">
        {f.subjectName ? (
          <>
            {f.subjectName} <span class="muted">{f.subjectCode}</span>
          </>
        ) : (
          f.subjectCode
        )}
      </td>
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
      <td class="num">{f.ageDays}</td>
      <td>
        {f.dueAt ? when(f.dueAt) : '–'}
        {f.awaitingAnswer && <span class="due-answer">{t('flags.answerWindow')}</span>}
      </td>
    </tr>
  );
}

async function queuePage(c: PageContext, opts: { notice?: string } = {}) {
  const staff = requireStaffPage(c, 'supervisor', 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const { q, input, error } = parseQueue(c);
  const page = input.page ?? 1;
  const { items, hasMore } = error ? { items: [], hasMore: false } : await flagQueue({ ctx, input });
  const unitRows = await unitOptions(ctx);
  const isSupervisor = staff.role === 'supervisor';
  const filtered = ['q', 'rule', 'unit', 'status', 'minAgeDays', 'overdue', 'officerCode'].some((k) => q[k] !== undefined);
  const sortLabels: Record<(typeof queueSorts)[number], string> = { due: t('flags.sort.due'), severity: t('flags.sort.severity'), age: t('flags.sort.age'), newest: t('flags.sort.newest') };
  return renderPage(
    c,
    <Layout c={c} title={t('flags.title')} lang={lang}>
      <FlagsStyle />
      <PageStyle css={queueCss} />
      <h1>{t('flags.title')}</h1>
      <p>{t('flags.intro')}</p>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={error} lang={lang} />
      {isSupervisor && (
        <ul class="tabs" aria-label={t('flags.views')}>
          <li>
            <a href={hrefWith('/flags', q, { view: undefined, sort: undefined })} aria-current={input.view === 'mine' ? 'page' : undefined} data-testid="tab-mine">
              {t('flags.view.mine')}
            </a>
          </li>
          <li>
            <a href={hrefWith('/flags', q, { view: 'all', sort: undefined })} aria-current={input.view === 'all' ? 'page' : undefined} data-testid="tab-all">
              {t('flags.view.all')}
            </a>
          </li>
        </ul>
      )}
      {input.view === 'mine' && <p class="muted">{t('flags.mineIntro')}</p>}
      <form method="get" action="/flags" class="filters" aria-label={t('flags.filters')}>
        {input.view === 'all' && isSupervisor && <input type="hidden" name="view" value="all" />}
        {q.sort && <input type="hidden" name="sort" value={q.sort} />}
        <div>
          <label for="f-q">{t('flags.filter.search')}</label>
          <input id="f-q" type="text" name="q" value={q.q ?? ''} autocomplete="off" />
        </div>
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
          <label>
            <input type="checkbox" name="overdue" value="true" checked={q.overdue === 'true'} /> {t('flags.filter.overdue', { days: defaultOversightPolicy.overdueDays })}
          </label>
        </div>
        <div>
          <button type="submit">{t('flags.filter.apply')}</button>{' '}
          <a href={input.view === 'all' && isSupervisor ? '/flags?view=all' : '/flags'}>{t('flags.filter.clear')}</a>
        </div>
      </form>
      <p class="sorts" data-testid="sorts">
        <span>{t('flags.sortBy')}</span>
        {queueSorts.map((s) => (
          <a href={hrefWith('/flags', q, { sort: s })} aria-current={input.sort === s ? 'true' : undefined} data-sort={s}>
            {sortLabels[s]}
          </a>
        ))}
      </p>
      <p class="no-print">
        <a href={hrefWith('/flags/export.csv', q, {})} data-testid="export">
          {t('flags.export')}
        </a>
      </p>
      {isSupervisor && (
        <form method="post" action="/flags/scan" class="no-print">
          <CsrfInput c={c} />
          <button type="submit" class="secondary">
            {t('flags.scan')}
          </button>
        </form>
      )}
      {items.length === 0 ? (
        <p data-testid="queue-empty">{input.view === 'mine' && !filtered ? t('flags.noneMine') : t('flags.none')}</p>
      ) : (
        <Table
          head={[t('flags.col.flag'), t('flags.col.rule'), t('flags.col.subject'), t('flags.col.unit'), t('flags.col.severity'), t('flags.col.status'), t('flags.col.reviewer'), t('flags.col.raised'), t('flags.col.age'), t('flags.col.due')]}
          numeric={[8]}
          class="queue"
        >
          {items.map((f) => (
            <QueueRow t={t} f={f} />
          ))}
        </Table>
      )}
      <p>
        {page > 1 && <a href={hrefWith('/flags', q, { page: String(page - 1) })}>{t('flags.prev')}</a>}
        {page > 1 && hasMore && ' · '}
        {hasMore && <a href={hrefWith('/flags', q, { page: String(page + 1) })}>{t('flags.next')}</a>}
      </p>
    </Layout>,
    error ? statusOf(error) : 200,
  );
}

export const queuePages = new Hono<AppEnv>()
  .get('/flags', (c) => {
    const { t } = tt(c);
    const scanned = c.req.query('scanned');
    const key = c.req.query('running') === '1' ? 'flags.scanRunning' : 'flags.scanned';
    return queuePage(c, { notice: scanned !== undefined && /^\d+$/.test(scanned) ? t(key, { n: scanned }) : undefined });
  })
  .get('/flags/export.csv', async (c) => {
    const { input, error } = parseQueue(c);
    if (error) throw error;
    const { t } = tt(c);
    const { filename, body } = await flagQueueCsv({ ctx: c.get('ctx'), input, word: (key) => t(key) });
    c.header('cache-control', 'no-store');
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` });
  })
  .post('/flags/scan', async (c) => {
    requireStaffPage(c, 'supervisor', 'hr');
    const out = await scanFlags({ ctx: c.get('ctx') });
    return c.redirect(`/flags?scanned=${out.raised}${out.status === 'running' ? '&running=1' : ''}`, 303);
  });
