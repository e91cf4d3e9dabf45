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
import { flashError, flashStatus, redirectRefused, setFlash, takeFlash, type Flash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';
import { fileComplaint } from './file.js';
import { importColumns, importComplaints } from './import.js';
import { complaintCategories, enteredChannels } from './policy.js';
import { ComplaintsStyle, Options, SubNav, complaintRefusal, ct } from './page-parts.js';

type Filed = { receipt: string; trackingUrl: string; id: string };
/** What an import's confirmation shows: each line's ticket and the receipt to pass on. */
type ImportShown = { imported: number; items: { line: number; ticket: string; receipt: string }[] };

function newPage(c: PageContext, opts: { error?: unknown; values?: Record<string, string>; filed?: Filed } = {}) {
  const staff = requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = ct(c);
  const v = opts.values ?? {};
  const fields = fieldErrorsIn(opts.error, lang);
  const mark = (id: string, hint = false) => invalidProps(id, { hint, error: fields.has(id) });
  const Msg = (p: { id: string }) => <FieldMessage id={p.id} messages={fields.get(p.id)} />;
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
        <Msg id="channel" />
        <select id="channel" name="channel" required {...mark('channel')}>
          <Options t={t} prefix="channel" codes={enteredChannels} selected={v.channel ?? 'hotline_12366'} />
        </select>
        <label for="category">{t('field.category')}</label>
        <Msg id="category" />
        <select id="category" name="category" required {...mark('category')}>
          <Options t={t} prefix="category" codes={complaintCategories} selected={v.category} placeholder={t('field.choose')} />
        </select>
        <label for="text">
          {t('field.text')} <span class="hint" id="text-hint">{t('field.textHint')}</span>
        </label>
        <Msg id="text" />
        <textarea id="text" name="text" required maxlength={2000} aria-describedby="text-hint" {...mark('text', true)}>
          {v.text ?? ''}
        </textarea>
        <label for="receivedAt">
          {t('field.receivedAt')} <span class="hint">{t('field.receivedAtHint')}</span>
        </label>
        <Msg id="receivedAt" />
        <input id="receivedAt" name="receivedAt" type="date" required value={v.receivedAt ?? today} max={today} {...mark('receivedAt')} />
        <label for="officerCode">
          {t('field.officer')} <span class="hint">{t('field.officerHint')}</span>
        </label>
        <Msg id="officerCode" />
        <input id="officerCode" name="officerCode" type="text" value={v.officerCode ?? ''} autocomplete="off" {...mark('officerCode')} />
        <label for="unitCode">
          {t('field.unit')} <span class="hint">{t('field.unitHint')}</span>
        </label>
        <Msg id="unitCode" />
        <input id="unitCode" name="unitCode" type="text" value={v.unitCode ?? ''} autocomplete="off" {...mark('unitCode')} />
        <label for="taxpayerCode">{t('field.taxpayer')}</label>
        <Msg id="taxpayerCode" />
        <input id="taxpayerCode" name="taxpayerCode" type="text" value={v.taxpayerCode ?? ''} autocomplete="off" {...mark('taxpayerCode')} />
        <div>
          <button type="submit">{t('new.submit')}</button>
        </div>
      </form>
    </Layout>
  );
}

function importPage(c: PageContext, opts: { error?: unknown; done?: ImportShown } = {}) {
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

/**
 * A receipt is shown exactly once, so it rides the sealed flash of this session (ADR 0086) to the
 * page the browser is sent to; false when it does not fit one cookie (a large import: the caller
 * then shows it in place).
 */
const onceFlash = (c: PageContext, once: Record<string, string>) => setFlash(c, { once } satisfies Flash);

/** The receipts of an import as its flash carries them. */
const importedOf = (once: Record<string, string> | undefined): ImportShown | undefined => {
  if (!once?.imported) return undefined;
  try {
    return JSON.parse(once.imported) as ImportShown;
  } catch {
    return undefined;
  }
};

export const entryPages = new Hono<AppEnv>()
  .get('/complaints/new', async (c) => {
    // Post, redirect, get: a refusal with what was typed, or the new receipt, shown once.
    const flash = await takeFlash(c);
    const filed = flash?.once?.receipt ? { receipt: flash.once.receipt, trackingUrl: flash.once.trackingUrl ?? '', id: flash.once.id ?? '' } : undefined;
    return renderPage(c, newPage(c, { error: flashError(flash), values: flash?.values, filed }), flashStatus(flash));
  })
  .post('/complaints/new', async (c) => {
    requireStaffPage(c, 'hr', 'supervisor');
    const form = (await c.req.parseBody()) as Form;
    let filed: Filed;
    try {
      filed = await fileComplaint({
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
    } catch (e) {
      const error = complaintRefusal(c, e);
      const values = valuesOf(form);
      return (await redirectRefused(c, '/complaints/new', error, { values })) ?? renderPage(c, newPage(c, { error, values }), statusOf(error));
    }
    if (await onceFlash(c, { receipt: filed.receipt, trackingUrl: filed.trackingUrl, id: filed.id })) return c.redirect('/complaints/new', 303);
    return renderPage(c, newPage(c, { filed }), 201);
  })
  .get('/complaints/import', async (c) => {
    const flash = await takeFlash(c);
    return renderPage(c, importPage(c, { error: flashError(flash), done: importedOf(flash?.once) }), flashStatus(flash));
  })
  .post('/complaints/import', async (c) => {
    requireStaffPage(c, 'hr');
    const form = (await c.req.parseBody()) as Form;
    const file = form.file;
    let done: ImportShown;
    try {
      const csv = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : '';
      done = await importComplaints({ ctx: c.get('ctx'), input: { csv } });
    } catch (e) {
      // A file's many line errors may not fit the flash: then they are shown in place.
      const error = complaintRefusal(c, e);
      return (await redirectRefused(c, '/complaints/import', error)) ?? renderPage(c, importPage(c, { error }), statusOf(error));
    }
    const shown: ImportShown = { imported: done.imported, items: done.items.map(({ line, ticket, receipt }) => ({ line, ticket, receipt })) };
    if (await onceFlash(c, { imported: JSON.stringify(shown) })) return c.redirect('/complaints/import', 303);
    return renderPage(c, importPage(c, { done }), 201);
  });
