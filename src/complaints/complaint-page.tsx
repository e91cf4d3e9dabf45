/**
 * /complaints/:id: one complaint with its text (never about oneself), where it stands, its flag,
 * and for a supervisor who may work it the two moves (transitionComplaint, as the API).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, statusOf, str, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import { getComplaint } from './read.js';
import { mayWorkComplaint, transitionComplaint } from './transition.js';
import { complaintOutcomes } from './policy.js';
import { ComplaintsStyle, SubNav, complaintRefusal, ct } from './page-parts.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn } from '../pages/form-fields.js';

async function complaintPage(c: PageContext, id: string, opts: { error?: unknown; notice?: string; values?: Record<string, string>; status?: PageStatus } = {}) {
  const staff = requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = ct(c);
  const ctx = c.get('ctx');
  const x = await getComplaint({ ctx, input: { id } });
  const may = x.status === 'closed' ? null : await mayWorkComplaint(ctx, x);
  const fields = fieldErrorsIn(opts.error, lang);
  return renderPage(
    c,
    <Layout c={c} title={t('one.title', { id: x.id })} lang={lang}>
      <ComplaintsStyle />
      <p>
        <a href="/complaints">{t('one.back')}</a>
      </p>
      <h1>
        {t(`category.${x.category}`)} · {t(`channel.${x.channel}`)}
      </h1>
      <SubNav t={t} canEnter canImport={staff.role === 'hr'} />
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={opts.error} lang={lang} />
      <blockquote class="complaint-text" data-testid="complaint-text">
        {x.text}
      </blockquote>
      <dl class="facts">
        <dt>{t('col.received')}</dt>
        <dd>{when(x.receivedAt)}</dd>
        <dt>{t('col.officer')}</dt>
        <dd>{x.officerCode ?? '–'}</dd>
        <dt>{t('col.unit')}</dt>
        <dd>{x.unitCode ?? '–'}</dd>
        <dt>{t('col.status')}</dt>
        <dd class={`status-${x.status}`} data-testid="status">
          {t(`status.${x.status}`)}
          {x.referred ? ` · ${t('one.referred')}` : ''}
        </dd>
        {x.outcome && (
          <>
            <dt>{t('one.outcome')}</dt>
            <dd data-testid="outcome">{t(`outcome.${x.outcome}`)}</dd>
          </>
        )}
        <dt>{t('one.flag')}</dt>
        <dd>{x.flagId ? <a href={`/flags/${enc(x.flagId)}`}>{x.flagId}</a> : t('one.noFlag')}</dd>
      </dl>
      {x.flagId && <p class="muted">{t('one.flagNote')}</p>}
      <h2>{t('one.work')}</h2>
      {x.status === 'closed' ? (
        <p>{t('one.closedNote')}</p>
      ) : may && !may.ok ? (
        <Notice kind="warn">{staff.role === 'supervisor' ? t('err.forbidden') : t('one.readOnly')}</Notice>
      ) : (
        <>
          {x.status === 'received' && (
            <form method="post" action={`/complaints/${enc(x.id)}`}>
              <CsrfInput c={c} />
              <input type="hidden" name="to" value="in_review" />
              <button type="submit" class="secondary">
                {t('one.start')}
              </button>
            </form>
          )}
          <form method="post" action={`/complaints/${enc(x.id)}`}>
            <CsrfInput c={c} />
            <input type="hidden" name="to" value="closed" />
            <fieldset id="outcome" aria-describedby={fields.has('outcome') ? 'outcome-error' : undefined}>
              <legend>{t('one.close')}</legend>
              <p class="hint">{t('one.outcomeHint')}</p>
              <FieldMessage id="outcome" messages={fields.get('outcome')} />
              {complaintOutcomes.map((o) => (
                <label>
                  <input type="radio" name="outcome" value={o} required checked={opts.values?.outcome === o} /> <strong>{t(`outcomeShort.${o}`)}</strong> · {t(`outcome.${o}`)}
                </label>
              ))}
              <button type="submit">{t('one.close')}</button>
            </fieldset>
          </form>
        </>
      )}
    </Layout>,
    opts.status ?? 200,
  );
}

export const complaintPages = new Hono<AppEnv>()
  .get('/complaints/:id', async (c) => {
    // A refused move comes back here with its refusal, once (post, redirect, get).
    const flash = await takeFlash(c);
    return complaintPage(c, c.req.param('id'), {
      notice: c.req.query('done') ? ct(c).t('one.done') : undefined,
      error: flashError(flash),
      values: flash?.values,
      status: flashStatus(flash),
    });
  })
  .post('/complaints/:id', async (c) => {
    requireStaffPage(c, 'supervisor');
    const id = c.req.param('id');
    const form = (await c.req.parseBody()) as Form;
    try {
      await transitionComplaint({ ctx: c.get('ctx'), input: { id, to: str(form, 'to') || undefined, outcome: str(form, 'outcome') || undefined } });
      // Post, redirect, get: a reload does not post the move again.
      return c.redirect(`/complaints/${enc(id)}?done=1`, 303);
    } catch (e) {
      const error = complaintRefusal(c, e);
      const values = { to: str(form, 'to'), outcome: str(form, 'outcome') };
      return (await redirectRefused(c, `/complaints/${enc(id)}`, error, { values })) ?? complaintPage(c, id, { error, values, status: statusOf(error) });
    }
  });
