/**
 * /complaints/new and /complaints/import: HR and supervisors record hotline, letter, hall and web
 * complaints by hand, or import a 12366 export, with the same verbs as the API. The intake system
 * (a machine client, whose tokens cannot sign in to pages) posts to the API instead.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { statusOf, str, valuesOf, type Form } from '../pages/page-helpers.js';
import { fileComplaint } from './file.js';
import { importColumns, importComplaints } from './import.js';
import { complaintCategories, enteredChannels } from './policy.js';
import { ComplaintsStyle, Options, SubNav, complaintRefusal, ct } from './page-parts.js';

function newPage(c: PageContext, opts: { error?: unknown; values?: Record<string, string>; filed?: { receipt: string; trackingUrl: string; id: string } } = {}) {
  const staff = requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = ct(c);
  const v = opts.values ?? {};
  const today = c.get('ctx').clock.now().toISOString().slice(0, 10);
  return (
    <Layout c={c} title={t('new.title')} lang={lang}>
      <ComplaintsStyle />
      <h1>{t('new.title')}</h1>
      <SubNav t={t} canEnter canImport={staff.role === 'hr'} />
      {opts.filed && (
        <Notice kind="ok" title={t('new.done')}>
          <dl class="facts">
            <dt>{t('new.receipt')}</dt>
            <dd class="receipt" data-testid="receipt">
              {opts.filed.receipt}
            </dd>
            <dt>{t('new.tracking')}</dt>
            <dd>
              <a href={opts.filed.trackingUrl} data-testid="tracking-url">
                {opts.filed.trackingUrl}
              </a>
            </dd>
          </dl>
          <a href={`/complaints/${opts.filed.id}`}>{opts.filed.id}</a>
        </Notice>
      )}
      <p>{t('new.intro')}</p>
      <ErrorBox error={opts.error} lang={lang} />
      <form method="post" action="/complaints/new">
        <CsrfInput c={c} />
        <label for="channel">{t('field.channel')}</label>
        <select id="channel" name="channel" required>
          <Options t={t} prefix="channel" codes={enteredChannels} selected={v.channel ?? 'hotline_12366'} />
        </select>
        <label for="category">{t('field.category')}</label>
        <select id="category" name="category" required>
          <Options t={t} prefix="category" codes={complaintCategories} selected={v.category} placeholder={t('field.choose')} />
        </select>
        <label for="text">
          {t('field.text')} <span class="hint" id="text-hint">{t('field.textHint')}</span>
        </label>
        <textarea id="text" name="text" required maxlength={2000} aria-describedby="text-hint">{v.text ?? ''}</textarea>
        <label for="receivedAt">
          {t('field.receivedAt')} <span class="hint">{t('field.receivedAtHint')}</span>
        </label>
        <input id="receivedAt" name="receivedAt" type="date" required value={v.receivedAt ?? today} max={today} />
        <label for="officerCode">
          {t('field.officer')} <span class="hint">{t('field.officerHint')}</span>
        </label>
        <input id="officerCode" name="officerCode" type="text" value={v.officerCode ?? ''} autocomplete="off" />
        <label for="unitCode">
          {t('field.unit')} <span class="hint">{t('field.unitHint')}</span>
        </label>
        <input id="unitCode" name="unitCode" type="text" value={v.unitCode ?? ''} autocomplete="off" />
        <label for="taxpayerCode">{t('field.taxpayer')}</label>
        <input id="taxpayerCode" name="taxpayerCode" type="text" value={v.taxpayerCode ?? ''} autocomplete="off" />
        <div>
          <button type="submit">{t('new.submit')}</button>
        </div>
      </form>
    </Layout>
  );
}

function importPage(c: PageContext, opts: { error?: unknown; done?: Awaited<ReturnType<typeof importComplaints>> } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = ct(c);
  return (
    <Layout c={c} title={t('import.title')} lang={lang}>
      <ComplaintsStyle />
      <h1>{t('import.title')}</h1>
      <SubNav t={t} canEnter canImport />
      {opts.done && (
        <Notice kind="ok" title={t('import.done', { n: opts.done.imported })}>
          <Table head={[t('import.line'), t('import.ticket'), t('import.receipt')]} numeric={[0]}>
            {opts.done.items.map((x) => (
              <tr>
                <td class="num">{x.line}</td>
                <td>{x.ticket}</td>
                <td class="receipt">{x.receipt}</td>
              </tr>
            ))}
          </Table>
        </Notice>
      )}
      <p>{t('import.intro', { columns: Object.values(importColumns).map((n) => n.join(' / ')).join(', ') })}</p>
      <ErrorBox error={opts.error} lang={lang} title={opts.error ? t('import.refused') : undefined} />
      <form method="post" action="/complaints/import" enctype="multipart/form-data">
        <CsrfInput c={c} />
        <label for="file">{t('import.file')}</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        <div>
          <button type="submit">{t('import.submit')}</button>
        </div>
      </form>
    </Layout>
  );
}

const field = (f: Form, k: string) => str(f, k) || undefined;

export const entryPages = new Hono<AppEnv>()
  .get('/complaints/new', (c) => renderPage(c, newPage(c)))
  .post('/complaints/new', async (c) => {
    requireStaffPage(c, 'hr', 'supervisor');
    const form = (await c.req.parseBody()) as Form;
    try {
      const filed = await fileComplaint({
        ctx: c.get('ctx'),
        input: {
          channel: field(form, 'channel'),
          category: field(form, 'category'),
          text: typeof form.text === 'string' ? form.text : undefined,
          receivedAt: field(form, 'receivedAt'),
          officerCode: field(form, 'officerCode'),
          unitCode: field(form, 'unitCode'),
          taxpayerCode: field(form, 'taxpayerCode'),
        },
      });
      return renderPage(c, newPage(c, { filed }), 201);
    } catch (e) {
      return renderPage(c, newPage(c, { error: complaintRefusal(c, e), values: valuesOf(form) }), statusOf(e));
    }
  })
  .get('/complaints/import', (c) => renderPage(c, importPage(c)))
  .post('/complaints/import', async (c) => {
    requireStaffPage(c, 'hr');
    const form = (await c.req.parseBody()) as Form;
    const file = form.file;
    try {
      const csv = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : '';
      const done = await importComplaints({ ctx: c.get('ctx'), input: { csv } });
      return renderPage(c, importPage(c, { done }), 201);
    } catch (e) {
      return renderPage(c, importPage(c, { error: complaintRefusal(c, e) }), statusOf(e));
    }
  });
