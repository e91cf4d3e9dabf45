/**
 * /spot-checks: draw a quarter, the quarters drawn, and for a supervisor the decisions drawn to
 * them with the form to record each outcome; /spot-checks/:id: one draw, re-run, with its items.
 * Forms call the same verbs as the API and work without JavaScript.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { periodOf, shiftPeriod } from '../core/period.js';
import { CsrfInput, ErrorBox, Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, PageStyle, enc, formRefusal, money, statusOf, str, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import { decisionsMessages } from '../decisions/messages.js';
import { drawSpotCheck } from './create.js';
import { getSpotCheck, listSpotChecks, mySpotCheckItems } from './read.js';
import { recordSpotCheckOutcome } from './outcome.js';
import { spotCheckPolicy } from './policy.js';
import { spotCheckMessages } from './messages.js';
import type { SpotCheckDraw } from './plan.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';

const tt = (c: PageContext) => pageT(c, decisionsMessages, spotCheckMessages);
const css = `.check{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
.check h3{margin:.3rem 0;font-size:1.05rem}.outcomes label{display:inline-block;font-weight:400;margin-right:1.2rem}
label.inline{font-weight:400}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dd{margin:0;word-break:break-all}`;

type MyItem = Awaited<ReturnType<typeof mySpotCheckItems>>[number];

function ItemCard(props: { c: PageContext; t: Translate; lang: Lang; i: MyItem; error?: unknown; values?: Record<string, string> }) {
  const { c, t, i } = props;
  const v = props.values ?? {};
  const fields = fieldErrorsIn(props.error, props.lang);
  const noteId = `note-${i.decisionId}`;
  return (
    <section class="check" data-testid="spot-item" data-id={i.decisionId} id={`i-${i.decisionId}`}>
      <h3>
        {i.period} · {t('sc.decision', { id: i.decisionId })}
      </h3>
      <p>
        {t('sc.facts', { type: t(`type.${i.type}`), decider: i.deciderCode ?? '–', date: i.decidedAt.slice(0, 10), amount: money(i.proposedAmount), threshold: money(i.threshold) })} ·{' '}
        {t(`sc.stratum.${i.stratum}`)}
      </p>
      {i.outcome ? (
        <p data-testid="spot-outcome">
          {t('sc.recordedLine', { outcome: t(`sc.outcome.${i.outcome}`), note: i.note ?? '', at: when(i.recordedAt) })}
          {i.flagId ? ` · ${t('sc.flagRaised', { id: i.flagId })}` : ''}
        </p>
      ) : (
        <form method="post" action={`/spot-checks/${enc(i.spotCheckId)}/items/${enc(i.decisionId)}`}>
          <ErrorBox error={props.error} lang={props.lang} />
          <CsrfInput c={c} />
          <fieldset class="outcomes" id={`outcome-${i.decisionId}`} aria-describedby={fields.has('outcome') ? `outcome-${i.decisionId}-error` : undefined}>
            <legend>{t('sc.outcome')}</legend>
            <FieldMessage id={`outcome-${i.decisionId}`} messages={fields.get('outcome')} />
            {(['compliant', 'finding'] as const).map((o) => (
              <label>
                <input type="radio" name="outcome" value={o} required checked={v.outcome === o} /> {t(`sc.outcome.${o}`)}
              </label>
            ))}
          </fieldset>
          <label for={noteId}>{t('sc.note')}</label>
          <FieldMessage id={noteId} messages={fields.get('note')} />
          <textarea id={noteId} name="note" required maxlength={4000} {...invalidProps(noteId, { error: fields.has('note') })}>
            {v.note ?? ''}
          </textarea>
          <FieldMessage id={`raise-${i.decisionId}`} messages={fields.get('raiseFlag')} />
          <label class="inline">
            <input
              type="checkbox"
              id={`raise-${i.decisionId}`}
              name="raiseFlag"
              value="1"
              checked={v.raiseFlag === '1'}
              {...invalidProps(`raise-${i.decisionId}`, { error: fields.has('raiseFlag') })}
            />{' '}
            {t('sc.raiseFlag')}
          </label>
          <div>
            <button type="submit">{t('sc.record')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

async function indexPage(c: PageContext, opts: { error?: unknown; errorItem?: string; values?: Record<string, string>; status?: PageStatus } = {}) {
  const staff = requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const checks = await listSpotChecks({ ctx });
  const mine = staff.role === 'supervisor' ? await mySpotCheckItems({ ctx }) : [];
  // An outcome's refusal shows on its item's form; one whose form is gone (recorded meanwhile, not drawn to me) at the top.
  const onItem = opts.errorItem !== undefined && mine.some((i) => i.decisionId === opts.errorItem && !i.outcome);
  const lastQuarter = shiftPeriod(periodOf(ctx.clock.now().toISOString()), -1);
  const drawFields = fieldErrorsIn(opts.errorItem === undefined ? opts.error : undefined, lang);
  return renderPage(
    c,
    <Layout c={c} title={t('sc.title')} lang={lang}>
      <PageStyle css={css} />
      <h1>{t('sc.title')}</h1>
      <p>{t('sc.intro', { pct: spotCheckPolicy.share * 100 })}</p>
      {c.req.query('recorded') && <Notice kind="ok">{t('sc.recorded')}</Notice>}
      {opts.errorItem !== undefined && !onItem && <ErrorBox error={opts.error} lang={lang} />}
      {staff.role === 'supervisor' && (
        <>
          <h2>{t('sc.mine')}</h2>
          {mine.length === 0 ? (
            <p>{t('sc.mineNone')}</p>
          ) : (
            mine.map((i) => <ItemCard c={c} t={t} lang={lang} i={i} error={opts.errorItem === i.decisionId ? opts.error : undefined} values={opts.errorItem === i.decisionId ? opts.values : undefined} />)
          )}
        </>
      )}
      <h2>{t('sc.list')}</h2>
      {checks.length === 0 ? (
        <p>{t('sc.none')}</p>
      ) : (
        <Table head={[t('sc.col.period'), t('sc.col.items'), t('sc.col.compliant'), t('sc.col.findings'), t('sc.col.pending'), t('sc.col.drawn')]} numeric={[1, 2, 3, 4]}>
          {checks.map((s) => (
            <tr data-testid="spot-check-row">
              <td>
                <a href={`/spot-checks/${enc(s.id)}`}>{s.period}</a>
              </td>
              <td class="num">{s.items}</td>
              <td class="num">{s.compliant}</td>
              <td class="num">{s.findings}</td>
              <td class="num">{s.pending}</td>
              <td>{when(s.createdAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      <form method="post" action="/spot-checks">
        <fieldset>
          <legend>{t('sc.draw')}</legend>
          {opts.errorItem === undefined && <ErrorBox error={opts.error} lang={lang} />}
          <CsrfInput c={c} />
          <label for="sc-period">
            {t('sc.period')} <span class="hint">{t('sc.periodHint')}</span>
          </label>
          <FieldMessage id="sc-period" messages={drawFields.get('period')} />
          <input id="sc-period" name="period" type="text" required value={opts.values?.period ?? lastQuarter} {...invalidProps('sc-period', { error: drawFields.has('period') })} />
          <div>
            <button type="submit">{t('sc.drawSubmit')}</button>
          </div>
        </fieldset>
      </form>
    </Layout>,
    opts.status ?? 200,
  );
}

async function detailPage(c: PageContext, id: string) {
  requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t } = tt(c);
  const s = await getSpotCheck({ ctx: c.get('ctx'), id });
  const draw = s.draw as unknown as SpotCheckDraw;
  return renderPage(
    c,
    <Layout c={c} title={t('sc.detail', { period: s.period })} lang={lang}>
      <PageStyle css={css} />
      <p>
        <a href="/spot-checks">{t('sc.back')}</a>
      </p>
      <h1>{t('sc.detail', { period: s.period })}</h1>
      {c.req.query('drawn') === '1' && <Notice kind="ok">{t('sc.drawn')}</Notice>}
      <p class="muted">{t('sc.seedExplain')}</p>
      <Facts
        testid="spot-draw"
        rows={[
          [t('sc.seed'), <code>{s.seed}</code>],
          [t('sc.seedInputs'), <code>{`spot-check:${draw.seedInputs.period} · ${draw.seedInputs.auditSize} · ${draw.seedInputs.auditHeadHash}`}</code>],
          [t('sc.asOf'), when(draw.asOf)],
          [t('sc.reproducible'), <strong data-testid="reproducible">{s.reproducible ? t('sc.reproducible.yes') : t('sc.reproducible.no')}</strong>],
        ]}
      />
      <h2>{t('sc.strata')}</h2>
      <Table head={[t('sc.col.type'), t('sc.col.count'), t('sc.col.k')]} numeric={[1, 2]}>
        {draw.strata.map((x) => (
          <tr>
            <td>{t(`type.${x.type}`)}</td>
            <td class="num">{x.count}</td>
            <td class="num">{x.k}</td>
          </tr>
        ))}
      </Table>
      <h2>{t('sc.col.items')}</h2>
      <Table head={[t('sc.col.decision'), t('sc.col.type'), t('sc.col.decider'), t('sc.col.reviewer'), t('sc.col.outcome')]}>
        {s.items.map((i) => (
          <tr data-testid="spot-row">
            <td>
              <code>{i.decisionId}</code>
            </td>
            <td>
              {t(`type.${i.type}`)} · {t(`sc.stratum.${i.stratum}`)}
            </td>
            <td>{i.deciderCode ?? '–'}</td>
            <td>{i.reviewerCode ?? '–'}</td>
            <td>{i.outcome ? `${t(`sc.outcome.${i.outcome}`)}${i.flagId ? ` · ${t('sc.flagRaised', { id: i.flagId })}` : ''}` : t('sc.pending')}</td>
          </tr>
        ))}
      </Table>
    </Layout>,
  );
}

export const spotCheckPages = new Hono<AppEnv>()
  .get('/spot-checks', async (c) => {
    // A refused draw or outcome comes back here with its refusal, once (post, redirect, get).
    const flash = await takeFlash(c);
    return indexPage(c, { error: flashError(flash), errorItem: flash?.form, values: flash?.values, status: flashStatus(flash) });
  })
  .post('/spot-checks', async (c) => {
    requireStaffPage(c, 'hr', 'supervisor');
    const form = (await c.req.parseBody()) as Form;
    const period = str(form, 'period');
    let id: string;
    try {
      id = (await drawSpotCheck({ ctx: c.get('ctx'), input: { period } })).id;
    } catch (e) {
      const error = formRefusal(c, e);
      return (await redirectRefused(c, '/spot-checks#sc-period', error, { values: { period } })) ?? indexPage(c, { error, values: { period }, status: statusOf(error) });
    }
    return c.redirect(`/spot-checks/${enc(id)}?drawn=1`, 303);
  })
  .get('/spot-checks/:id', (c) => detailPage(c, c.req.param('id')))
  .post('/spot-checks/:id/items/:decisionId', async (c) => {
    requireStaffPage(c, 'supervisor');
    const { id, decisionId } = c.req.param();
    const form = (await c.req.parseBody()) as Form;
    const values = { outcome: str(form, 'outcome'), note: typeof form.note === 'string' ? form.note : '', raiseFlag: str(form, 'raiseFlag') };
    try {
      await recordSpotCheckOutcome({
        ctx: c.get('ctx'),
        spotCheckId: id,
        decisionId,
        input: { outcome: values.outcome || undefined, note: values.note, raiseFlag: values.raiseFlag === '1' ? true : undefined },
      });
    } catch (e) {
      const error = formRefusal(c, e);
      const back = `/spot-checks#i-${enc(decisionId)}`;
      return (await redirectRefused(c, back, error, { form: decisionId, values })) ?? indexPage(c, { error, errorItem: decisionId, values, status: statusOf(error) });
    }
    return c.redirect(`/spot-checks?recorded=${enc(decisionId)}#i-${enc(decisionId)}`, 303);
  });
