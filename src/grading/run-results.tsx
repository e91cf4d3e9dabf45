/**
 * The results table of /hr/runs/{id}: filters (unit, team, effective tier, status), a search over
 * officer code and name, a page size and the sort, all in the URL so a view can be bookmarked,
 * shared and printed. The sort links and the pager keep the filters; the filter form keeps the sort.
 */
import { Table, type PageContext } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import { enc, fmt } from '../pages/page-helpers.js';
import { browseResults, resultSorts, type ResultSort } from './results.js';
import type { ResultFilter } from './result-filters.js';
import { PayoutCell, TierCell } from './page-parts.js';

export const PAGE_SIZES = [25, 50, 100, 200] as const;
const DEFAULT_SIZE = 50;

/** The view the URL asks for: sort, direction, page, page size and the filter fields as typed. */
export interface ResultsView {
  sort: ResultSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
  /** The filter as given (strings); the verb checks it with the API's schema. */
  filter: Record<keyof ResultFilter, string | undefined>;
}

export function resultsView(c: PageContext): ResultsView {
  const q = (k: string) => c.req.query(k)?.trim() || undefined;
  const sortQ = q('sort') ?? 'rank';
  const sizeQ = Number(q('size') ?? DEFAULT_SIZE);
  return {
    sort: (resultSorts as string[]).includes(sortQ) ? (sortQ as ResultSort) : 'rank',
    dir: q('dir') === 'desc' ? 'desc' : 'asc',
    page: Math.max(0, Math.floor(Number(q('page') ?? 0)) || 0),
    size: (PAGE_SIZES as readonly number[]).includes(sizeQ) ? sizeQ : DEFAULT_SIZE,
    filter: { unit: q('unit'), team: q('team'), tier: q('tier'), status: q('status'), q: q('q') },
  };
}

/** The query string of a view with some parts changed; defaults are left out so URLs stay short. */
export function viewQuery(v: ResultsView, change: Partial<Omit<ResultsView, 'filter'>> = {}): string {
  const w = { ...v, ...change };
  const parts: [string, string][] = [
    ['sort', w.sort],
    ['dir', w.dir],
  ];
  for (const [k, val] of Object.entries(w.filter)) if (val) parts.push([k, val]);
  if (w.size !== DEFAULT_SIZE) parts.push(['size', String(w.size)]);
  if (w.page > 0) parts.push(['page', String(w.page)]);
  return parts.map(([k, val]) => `${k}=${enc(val)}`).join('&');
}

type Browse = Awaited<ReturnType<typeof browseResults>>;

export function ResultsFilterForm(props: { t: Translate; base: string; view: ResultsView; facets: { units: { code: string; name: string }[]; teams: string[] }; tiers: number[] }) {
  const { t, view, facets } = props;
  const f = view.filter;
  return (
    <form method="get" action={`${props.base}#results`} class="no-print results-filter" role="search" aria-label={t('filter.title')}>
      <input type="hidden" name="sort" value={view.sort} />
      <input type="hidden" name="dir" value={view.dir} />
      <div class="filter-grid">
        <div>
          <label for="f-q">{t('filter.q')}</label>
          <input id="f-q" name="q" type="text" maxlength={100} value={f.q ?? ''} placeholder={t('filter.qHint')} />
        </div>
        <div>
          <label for="f-unit">{t('officer.unit')}</label>
          <select id="f-unit" name="unit">
            <option value="">{t('filter.all')}</option>
            {facets.units.map((u) => (
              <option value={u.code} selected={f.unit === u.code}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-team">{t('officer.team')}</label>
          <select id="f-team" name="team">
            <option value="">{t('filter.all')}</option>
            {facets.teams.map((team) => (
              <option value={team} selected={f.team === team}>
                {team}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-tier">{t('col.tier')}</label>
          <select id="f-tier" name="tier">
            <option value="">{t('filter.all')}</option>
            {props.tiers.map((level) => (
              <option value={String(level)} selected={f.tier === String(level)}>
                {t('filter.tier', { level })}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-status">{t('col.status')}</label>
          <select id="f-status" name="status">
            <option value="">{t('filter.all')}</option>
            {(['graded', 'not_graded'] as const).map((s) => (
              <option value={s} selected={f.status === s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-size">{t('filter.size')}</label>
          <select id="f-size" name="size">
            {PAGE_SIZES.map((n) => (
              <option value={String(n)} selected={view.size === n}>
                {String(n)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="submit">{t('filter.apply')}</button> <a href={`${props.base}?sort=${view.sort}&dir=${view.dir}#results`}>{t('filter.clear')}</a>
    </form>
  );
}

/** The table of one page of results, sortable by its headers, and the pager. */
export function ResultsTable(props: { t: Translate; base: string; view: ResultsView; browse: Pick<Browse, 'rows' | 'total'> }) {
  const { t, view, base } = props;
  const { rows, total } = props.browse;
  const { sort, dir, page, size } = view;
  const sortHref = (col: ResultSort) => {
    const nextDir = sort === col && dir === 'asc' ? 'desc' : sort === col ? 'asc' : col === 'code' || col === 'rank' ? 'asc' : 'desc';
    return `${base}?${viewQuery(view, { sort: col, dir: nextDir, page: 0 })}`;
  };
  const head = (col: ResultSort, key: string, num = true) => (
    <a href={sortHref(col)} title={t('sort.by', { col: t(key) })} class={num ? 'num' : undefined}>
      {t(key)}
      {sort === col ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </a>
  );
  return (
    <>
      <p data-testid="results-count">{t('run.page', { from: total === 0 ? 0 : page * size + 1, to: Math.min(total, (page + 1) * size), total })}</p>
      {total === 0 && <p>{t('filter.none')}</p>}
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
            <td class="num" data-tier={r.effective.tier ?? ''}>
              <TierCell t={t} r={r} />
            </td>
            <td class="num" data-payout={r.effective.payout ?? ''}>
              <PayoutCell t={t} r={r} />
            </td>
          </tr>
        ))}
      </Table>
      <p class="no-print">
        {page > 0 && <a href={`${base}?${viewQuery(view, { page: page - 1 })}#results`}>{t('run.prev')}</a>}{' '}
        {(page + 1) * size < total && <a href={`${base}?${viewQuery(view, { page: page + 1 })}#results`}>{t('run.next')}</a>}
      </p>
    </>
  );
}

/** The filter grid: fields side by side where there is room, stacked on a phone. */
export const resultsFilterCss = `.results-filter .filter-grid{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,11rem),1fr))}
.results-filter .filter-grid label{margin-top:.4rem}`;
