/**
 * The HR import page (`/hr/import`): upload one CSV file of one kind, through the same verb as
 * `POST /api/v1/import`. Works without JavaScript (a multipart form); every bad row is listed
 * with its line and field, exactly as the API reports it.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { importBody } from './import.js';
import { importKinds, rowSchemas, type ImportKind } from './rows.js';
import { masterDataCounts } from './master-data.js';
import { importMessages } from './messages.js';
import { flashError, flashStatus, redirectRefused, setFlash, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

async function importPage(c: PageContext, opts: { kind?: string; error?: unknown; done?: { kind: string; n: number }; status?: 200 | 400 | 403 | 404 | 409 | 413 } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = pageT(c, importMessages);
  const counts = await masterDataCounts(c.get('ctx'));
  const selected = opts.kind && (importKinds as readonly string[]).includes(opts.kind) ? opts.kind : 'officers';
  const fields = fieldErrorsIn(opts.error, lang);
  return renderPage(
    c,
    <Layout c={c} title={t('import.title')} lang={lang}>
      <h1>{t('import.title')}</h1>
      {opts.done && <Notice kind="ok">{t('import.done', { kind: t(`kind.${opts.done.kind}`), n: opts.done.n })}</Notice>}
      {opts.error !== undefined && <ErrorBox error={opts.error} title={t('import.failed')} lang={lang} />}
      <p>{t('import.intro')}</p>
      <form method="post" action="/hr/import" enctype="multipart/form-data">
        <CsrfInput c={c} />
        <label for="kind">{t('import.kind')}</label>
        <select id="kind" name="kind">
          {importKinds.map((k) => (
            <option value={k} selected={k === selected}>
              {t(`kind.${k}`)}
            </option>
          ))}
        </select>
        <label for="file">
          {t('import.file')} <span class="hint">{t('import.fileHint')}</span>
        </label>
        <FieldMessage id="file" messages={fields.get('file')} />
        <input id="file" name="file" type="file" accept=".csv,text/csv" required {...invalidProps('file', { error: fields.has('file') })} />
        <div>
          <button type="submit">{t('import.submit')}</button>
        </div>
      </form>
      <p class="muted">{t('import.api')}</p>

      <h2>{t('import.loaded')}</h2>
      <Table head={[<span class="visually-hidden">{t('table.item')}</span>, t('import.count')]} numeric={[1]}>
        {(
          [
            ['units', counts.units],
            ['officers', counts.officers],
            ['taxpayers', counts.taxpayers],
            ['periods', counts.periods],
          ] as const
        ).map(([k, n]) => (
          <tr>
            <td>{t(`kind.${k}`)}</td>
            <td class="num">{n ?? 0}</td>
          </tr>
        ))}
      </Table>

      <h2>{t('import.columns')}</h2>
      {importKinds.map((k) => (
        <details>
          <summary>{t(`kind.${k}`)}</summary>
          <p>
            <code>{columnsOf(k).map((f) => f.name).join(',')}</code>
          </p>
          <ul>
            {columnsOf(k).map((f) => (
              <li>
                <code>{f.name}</code> <span class="muted">({f.required ? t('import.required') : t('import.optional')})</span>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </Layout>,
    opts.status ?? 200,
  );
}

function columnsOf(kind: ImportKind) {
  const shape = rowSchemas[kind].shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  return Object.entries(shape).map(([name, schema]) => ({ name, required: !schema.safeParse(undefined).success }));
}

/** A refused upload: back to the form with the refusal and the kind chosen (post, redirect, get); in place when it does not fit the flash. */
async function refused(c: PageContext, kind: string, error: ApiError, status: 400 | 413 = 400) {
  return (await redirectRefused(c, '/hr/import', error, { values: { kind } })) ?? importPage(c, { kind, error, status });
}

export const importPages = new Hono<AppEnv>()
  .get('/hr/import', async (c) => {
    // What the last upload did, once: its confirmation or its refusal with the kind chosen.
    const flash = await takeFlash(c);
    const done = flash?.once?.kind ? { kind: flash.once.kind, n: Number(flash.once.n ?? 0) } : undefined;
    return importPage(c, { kind: flash?.values?.kind ?? done?.kind, error: flashError(flash), done, status: flashStatus(flash) });
  })
  .post(
    '/hr/import',
    // No bodyLimit middleware here: the page CSRF check has read (and cached) the form already.
    async (c) => {
      requireStaffPage(c, 'hr');
      const form = await c.req.parseBody();
      const kind = typeof form.kind === 'string' ? form.kind : '';
      const file = form.file;
      // What is wrong with the file itself is said beside the file field, in the page's language.
      const { t } = pageT(c, importMessages);
      const fileRefusal = (status: 400 | 413, key: string) => {
        const err = new ApiError(status, status === 413 ? 'too_large' : 'validation_failed', t(key), [{ path: 'file', message: t(key) }]);
        err.spoken = true;
        return refused(c, kind, err, status);
      };
      if (file instanceof File && file.size > MAX_UPLOAD_BYTES) return fileRefusal(413, 'import.tooLarge');
      if (!(file instanceof File) || file.size === 0) return fileRefusal(400, 'import.noFile');
      let n: number;
      try {
        const out = await importBody({ ctx: c.get('ctx'), contentType: 'text/csv', kind, body: new Uint8Array(await file.arrayBuffer()) });
        n = out.imported[kind] ?? 0;
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) return refused(c, kind, err);
        throw err;
      }
      // Post, redirect, get: the confirmation rides the flash, so a refresh does not upload again.
      if (await setFlash(c, { once: { kind, n: String(n) } })) return c.redirect('/hr/import', 303);
      return importPage(c, { kind, done: { kind, n } });
    },
  );
