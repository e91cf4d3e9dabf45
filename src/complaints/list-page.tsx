/** /complaints: the complaints, newest first, filtered; the same verb as GET /api/v1/complaints. */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { ErrorBox, Layout, renderPage, Table } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, when } from '../pages/page-helpers.js';
import { listComplaints } from './read.js';
import { complaintCategories, complaintChannels, complaintStatuses } from './policy.js';
import { ComplaintsStyle, Options, SubNav, ct } from './page-parts.js';

const filterNames = ['period', 'status', 'channel', 'category', 'officerCode', 'unitCode'] as const;

export const listPages = new Hono<AppEnv>().get('/complaints', async (c) => {
  const staff = requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = ct(c);
  const ctx = c.get('ctx');
  const q: Record<string, string> = {};
  for (const k of filterNames) {
    const v = c.req.query(k);
    if (v) q[k] = v;
  }
  let error: unknown;
  const page = await listComplaints({ ctx, input: { ...q, limit: 50, cursor: c.req.query('cursor') } }).catch((e: unknown) => {
    error = formRefusal(c, e);
    return { items: [], nextCursor: null };
  });
  const next = page.nextCursor ? `/complaints?${new URLSearchParams({ ...q, cursor: page.nextCursor }).toString()}` : null;
  return renderPage(
    c,
    <Layout c={c} title={t('list.title')} lang={lang}>
      <ComplaintsStyle />
      <h1>{t('list.title')}</h1>
      <SubNav t={t} canEnter canImport={staff.role === 'hr'} />
      <p>{t('list.intro')}</p>
      <form method="get" action="/complaints" class="filters" aria-label={t('list.filter')}>
        <div>
          <label for="period">{t('field.period')}</label>
          <input id="period" name="period" type="text" value={q.period ?? ''} placeholder="2026Q3" size={8} />
        </div>
        <div>
          <label for="status">{t('field.status')}</label>
          <select id="status" name="status">
            <Options t={t} prefix="status" codes={complaintStatuses} selected={q.status} placeholder={t('list.any')} />
          </select>
        </div>
        <div>
          <label for="channel">{t('field.channel')}</label>
          <select id="channel" name="channel">
            <Options t={t} prefix="channel" codes={complaintChannels} selected={q.channel} placeholder={t('list.any')} />
          </select>
        </div>
        <div>
          <label for="category">{t('field.category')}</label>
          <select id="category" name="category">
            <Options t={t} prefix="category" codes={complaintCategories} selected={q.category} placeholder={t('list.any')} />
          </select>
        </div>
        <button type="submit">{t('list.apply')}</button>
      </form>
      <ErrorBox error={error} lang={lang} />
      {page.items.length === 0 ? (
        <p>{t('list.empty')}</p>
      ) : (
        <Table head={[t('col.received'), t('col.channel'), t('col.category'), t('col.officer'), t('col.unit'), t('col.status'), t('col.complaint')]}>
          {page.items.map((x) => (
            <tr data-complaint={x.id}>
              <td>{when(x.receivedAt)}</td>
              <td>{t(`channel.${x.channel}`)}</td>
              <td>{t(`category.${x.category}`)}</td>
              <td>{x.officerCode ?? '–'}</td>
              <td>{x.unitCode ?? '–'}</td>
              <td class={`status-${x.status}`}>{t(`status.${x.status}`)}</td>
              <td>
                <a href={`/complaints/${enc(x.id)}`}>{x.text.length > 40 ? `${[...x.text].slice(0, 40).join('')}…` : x.text}</a>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {next && (
        <p>
          <a href={next}>{t('list.more')}</a>
        </p>
      )}
    </Layout>,
  );
});
