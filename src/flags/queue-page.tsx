/** /flags: the flag queue with its filters, and the button that scans all rules now. */
import { Hono } from 'hono';
import { zodErrors, type AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, statusOf, when } from '../pages/page-helpers.js';
import { listFlags, listFlagsQuery } from './list.js';
import { defaultOversightPolicy, ruleIds } from './policy.js';
import { flagStatuses } from './workflow.js';
import { scanFlags } from './scan.js';
import { unitOptions } from './queries.js';
import { FlagsStyle, tt } from './page-parts.js';

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
  const error = opts.error ?? (parsed.success ? undefined : new ApiError(400, 'validation_failed', 'Some filters are not valid.', zodErrors(parsed.error.issues)).say('filters_invalid'));
  const { items, nextCursor } = error && !opts.error ? { items: [], nextCursor: null } : await listFlags({ ctx, query: { ...query, limit: query.limit ?? 50 } });
  const unitRows = await unitOptions(ctx);
  const nextHref = nextCursor ? `/flags?${new URLSearchParams({ ...q, cursor: nextCursor }).toString()}` : null;
  const staff = ctx.actor.kind === 'user' ? ctx.actor : null;
  return renderPage(
    c,
    <Layout c={c} title={t('flags.title')} lang={lang}>
      <FlagsStyle />
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

export const queuePages = new Hono<AppEnv>()
  .get('/flags', (c) => {
    const { t } = tt(c);
    const scanned = c.req.query('scanned');
    const key = c.req.query('running') === '1' ? 'flags.scanRunning' : 'flags.scanned';
    return queuePage(c, { notice: scanned !== undefined && /^\d+$/.test(scanned) ? t(key, { n: scanned }) : undefined });
  })
  .post('/flags/scan', async (c) => {
    requireStaffPage(c, 'supervisor', 'hr');
    const out = await scanFlags({ ctx: c.get('ctx') });
    return c.redirect(`/flags?scanned=${out.raised}${out.status === 'running' ? '&running=1' : ''}`, 303);
  });
