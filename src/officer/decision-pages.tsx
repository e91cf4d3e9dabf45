/**
 * The officer's decision register: the list, recording a new decision, one decision with its
 * audit receipt, and amending it. Every action calls the same verb as the API (recordDecision).
 */
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { PageError } from '../pages/errors.js';
import type { Translate } from '../pages/i18n.js';
import { Facts, enc, money, recoverable, statusOf, valuesOf, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import { recordDecision } from '../decisions/record.js';
import { getDecision, listDecisions, type DecisionView } from '../decisions/list.js';
import { leafHashAt } from './queries.js';
import { AmendReason, DecisionErrors, DecisionFields, decisionFieldMessages, decisionFormError, decisionInput, type DecisionValues } from './decision-form.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { OfficerStyle, selfActor, tt } from './page-parts.js';

const DECISIONS_PER_PAGE = 20;

export function DecisionTable(props: { t: Translate; items: DecisionView[] }) {
  const { t } = props;
  if (props.items.length === 0) return <p>{t('dec.none')}</p>;
  return (
    <Table
      head={[t('dec.col.decidedAt'), t('dec.col.type'), t('dec.col.taxpayer'), t('dec.col.amount'), t('dec.col.threshold'), t('dec.col.status'), t('dec.col.receipt')]}
      numeric={[3, 4, 6]}
    >
      {props.items.map((d) => (
        <tr data-testid="decision-row" data-id={d.id}>
          <td>
            <a href={`/me/decisions/${enc(d.id)}`}>{d.decidedAt.slice(0, 10)}</a>
          </td>
          <td>
            {t(`dec.type.${d.type}`)}
            {d.amends ? ` · ${t('dec.col.amends')}` : ''}
          </td>
          <td>{d.taxpayerCode ?? ''}</td>
          <td class="num">{money(d.proposedAmount)}</td>
          <td class="num">{money(d.threshold)}</td>
          <td data-testid="decision-status">{t(`dec.status.${d.status}`)}</td>
          <td class="num">{d.auditIndex ?? ''}</td>
        </tr>
      ))}
    </Table>
  );
}

/**
 * The panel as its decider sees it: who the service drew and who has voted; how each voted, with
 * the reasons, only once the review is closed (the verb leaves the votes out until then).
 */
function PanelSection(props: { t: Translate; d: Awaited<ReturnType<typeof getDecision>> }) {
  const { t, d } = props;
  if (d.panel.length === 0 && !d.review) return <p>{t('dec.noPanel')}</p>;
  return (
    <>
      {d.review && (
        <p data-testid="review-state">
          {d.status === 'pending_review'
            ? t('dec.reviewPending', { voted: d.review.voted, size: d.review.panelSize, quorum: d.review.quorum, due: when(d.review.dueAt) })
            : t('dec.reviewClosed', { status: t(`dec.status.${d.status}`), at: when(d.review.closedAt) })}
        </p>
      )}
      <ul data-testid="panel">
        {d.panel.map((r) => (
          <li data-testid="panel-member" data-code={r.officerCode}>
            {r.officerCode}: {r.vote ? `${t(`dec.vote.${r.vote}`)} · ${r.reason ?? ''}` : r.voted ? t('dec.vote.cast') : d.status === 'pending_review' ? t('dec.vote.none') : t('dec.vote.didNot')}
            {r.claimedVote ? ` ${t('dec.vote.claimed', { vote: t(`dec.vote.${r.claimedVote}`) })}` : ''}
            {r.investigated ? t('dec.investigated') : ''}
          </li>
        ))}
      </ul>
      {d.investigators.length > 0 && <p>{t('dec.investigatorsList', { codes: d.investigators.join(', ') })}</p>}
      {d.draw && (
        <p class="muted" data-testid="panel-draw">
          {t('dec.drawLine', { seed: d.draw.seed, size: d.draw.seedInputs.auditSize, head: d.draw.seedInputs.auditHeadHash, eligible: d.draw.eligible.join(', ') || '–', ok: d.draw.verified ? t('dec.drawOk') : t('dec.drawBad') })}
        </p>
      )}
    </>
  );
}

async function decisionsPage(c: PageContext) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  const cursor = c.req.query('cursor') || undefined;
  const page = await listDecisions({ ctx: c.get('ctx'), query: { officerCode: me.officerCode, limit: DECISIONS_PER_PAGE, cursor } });
  return renderPage(
    c,
    <Layout c={c} title={t('dec.title')} lang={lang}>
      <OfficerStyle />
      <p class="no-print">
        <a href="/me">{t('dec.backMe')}</a>
      </p>
      <h1>{t('dec.title')}</h1>
      {me.role === 'officer' ? (
        <p>
          <a class="button" href="/me/decisions/new">
            {t('dec.new')}
          </a>
        </p>
      ) : (
        <p class="muted">{t('dec.supervisorNote')}</p>
      )}
      <DecisionTable t={t} items={page.items} />
      <p>
        {cursor && <a href="/me/decisions">{t('dec.first')}</a>}
        {cursor && page.nextCursor && ' · '}
        {page.nextCursor && (
          <a href={`/me/decisions?cursor=${enc(page.nextCursor)}`} rel="next">
            {t('dec.older')}
          </a>
        )}
      </p>
    </Layout>,
  );
}

async function newDecisionPage(c: PageContext, opts: { error?: unknown; values?: DecisionValues; status?: PageStatus } = {}) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  // recordDecision serves officers (and linked HR users); a supervisor gets the verb's own refusal.
  if (me.role !== 'officer') throw new PageError(403, t('dec.supervisorNote'));
  const v = opts.values ?? { decidedAt: c.get('ctx').clock.now().toISOString().slice(0, 10) };
  const fields = decisionFieldMessages(opts.error, v, t);
  return renderPage(
    c,
    <Layout c={c} title={t('dec.new')} lang={lang}>
      <OfficerStyle />
      <p class="no-print">
        <a href="/me/decisions">{t('dec.back')}</a>
      </p>
      <h1>{t('dec.new')}</h1>
      <form method="post" action="/me/decisions">
        <DecisionErrors t={t} lang={lang} error={opts.error} fields={fields} />
        <CsrfInput c={c} />
        <DecisionFields t={t} v={v} fields={fields} />
        <button type="submit">{t('dec.submit')}</button>
      </form>
    </Layout>,
    opts.status ?? 200,
  );
}

/** The caller's own decision, or a 404 page (another officer's decision is not theirs to see here). */
async function ownDecision(c: PageContext, officerCode: string, id: string) {
  const { t } = tt(c);
  try {
    const d = await getDecision({ ctx: c.get('ctx'), id });
    if (d.deciderCode !== officerCode) throw new PageError(404, t('dec.notYours', { id }));
    return d;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) throw new PageError(404, t('dec.notYours', { id }));
    throw e;
  }
}

async function decisionPage(c: PageContext, id: string, opts: { error?: unknown; values?: DecisionValues; status?: PageStatus } = {}) {
  const me = selfActor(c);
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const d = await ownDecision(c, me.officerCode, id);
  const hash = d.auditIndex !== null ? await leafHashAt(ctx, d.auditIndex) : null;
  const recorded = c.req.query('recorded') === '1';
  const canAmend = me.role === 'officer' && d.amendedBy.length === 0;
  const v: DecisionValues = opts.values ?? {
    amount: d.proposedAmount === null ? '' : String(d.proposedAmount),
    threshold: d.threshold === null ? '' : String(d.threshold),
    violationType: d.violationType ?? '',
    justification: d.justification,
    decidedAt: d.decidedAt.slice(0, 10),
    investigators: d.investigators.join(', '),
  };
  const fields = decisionFieldMessages(opts.error, v, t);
  return renderPage(
    c,
    <Layout c={c} title={t('dec.detailTitle', { id: d.id })} lang={lang}>
      <OfficerStyle />
      <p class="no-print">
        <a href="/me/decisions">{t('dec.back')}</a>
      </p>
      <h1>{t('dec.detailTitle', { id: d.id })}</h1>
      {recorded && <Notice kind="ok">{t('dec.recorded')}</Notice>}
      {!canAmend && <ErrorBox error={opts.error} lang={lang} />}
      {d.auditIndex !== null && hash && (
        <section id="receipt" data-testid="receipt" data-index={String(d.auditIndex)} data-hash={hash}>
          <h2>{t('dec.receipt')}</h2>
          <Facts
            rows={[
              [t('dec.receiptIndex'), <strong>{d.auditIndex}</strong>],
              [t('dec.receiptHash'), <code class="hash">{hash}</code>],
            ]}
          />
          <p class="muted">{t('dec.receiptNote')}</p>
          <p>
            <a data-testid="verify-link" href={`/verify?index=${d.auditIndex}&hash=${hash}`}>
              {t('dec.receiptVerify')}
            </a>
          </p>
        </section>
      )}
      <Facts
        testid="decision-facts"
        rows={[
          [t('dec.type'), t(`dec.type.${d.type}`)],
          [t('dec.taxpayer'), d.taxpayerCode ?? ''],
          [t('dec.col.status'), <strong data-testid="decision-status">{t(`dec.status.${d.status}`)}</strong>],
          [t('dec.proposedAmount'), money(d.proposedAmount)],
          [t('dec.decidedAmount'), money(d.amount)],
          [t('dec.col.threshold'), money(d.threshold)],
          ...(d.violationType ? ([[t('dec.violationType'), t(`term.violationType.${d.violationType}`)]] as [string, Child][]) : []),
          [t('dec.justification'), d.justification],
          [t('dec.decidedAt'), when(d.decidedAt)],
          [t('dec.recordedAt'), when(d.recordedAt)],
          ...(d.amends
            ? ([
                [t('dec.col.amends'), <a href={`/me/decisions/${enc(d.amends)}`}>{t('dec.amendsLink', { id: d.amends })}</a>],
                [t('dec.amendReason'), d.amendReason ?? ''],
              ] as [string, Child][])
            : []),
        ]}
      />
      {d.amendedBy.map((a) => (
        <Notice kind="warn">
          <a href={`/me/decisions/${enc(a)}`}>{t('dec.amendedBy', { id: a })}</a>
        </Notice>
      ))}
      <h2>{t('dec.panel')}</h2>
      <PanelSection t={t} d={d} />
      {canAmend && (
        <form method="post" action={`/me/decisions/${enc(d.id)}/amend`} id="amend">
          <fieldset>
            <legend>{t('amend.title')}</legend>
            <p>{t('amend.intro')}</p>
            <DecisionErrors t={t} lang={lang} error={opts.error} fields={fields} />
            <CsrfInput c={c} />
            <DecisionFields t={t} v={v} amend fields={fields} />
            <AmendReason t={t} v={v} fields={fields} />
            <div>
              <button type="submit">{t('amend.submit')}</button>
            </div>
          </fieldset>
        </form>
      )}
    </Layout>,
    opts.status ?? 200,
  );
}

export const decisionPages = new Hono<AppEnv>()
  .get('/me/decisions', (c) => decisionsPage(c))
  .get('/me/decisions/new', async (c) => {
    const flash = await takeFlash(c);
    return newDecisionPage(c, { error: flashError(flash), values: flash?.values, status: flashStatus(flash) });
  })
  .post('/me/decisions', async (c) => {
    selfActor(c);
    const { t } = tt(c);
    const form = (await c.req.parseBody()) as Form;
    const input = decisionInput(form);
    let out: Awaited<ReturnType<typeof recordDecision>>;
    try {
      out = await recordDecision({ ctx: c.get('ctx'), input });
    } catch (e) {
      const error = decisionFormError(recoverable(e), input, t);
      // Back to the form's own page with every error and the typed values (post, redirect, get).
      return (await redirectRefused(c, '/me/decisions/new', error, { values: valuesOf(form) })) ?? newDecisionPage(c, { error, values: valuesOf(form), status: statusOf(error) });
    }
    return c.redirect(`/me/decisions/${enc(out.id)}?recorded=1`, 303);
  })
  .get('/me/decisions/:id', async (c) => {
    const flash = await takeFlash(c);
    return decisionPage(c, c.req.param('id'), { error: flashError(flash), values: flash?.values, status: flashStatus(flash) });
  })
  .post('/me/decisions/:id/amend', async (c) => {
    const me = selfActor(c);
    const { t } = tt(c);
    const id = c.req.param('id');
    const orig = await ownDecision(c, me.officerCode, id);
    const form = (await c.req.parseBody()) as Form;
    const input = decisionInput(form, { type: orig.type, taxpayerCode: orig.taxpayerCode ?? '', amends: orig.id });
    let out: Awaited<ReturnType<typeof recordDecision>>;
    try {
      out = await recordDecision({ ctx: c.get('ctx'), input });
    } catch (e) {
      const error = decisionFormError(recoverable(e), input, t);
      return (await redirectRefused(c, `/me/decisions/${enc(id)}#amend`, error, { values: valuesOf(form) })) ?? decisionPage(c, id, { error, values: valuesOf(form), status: statusOf(error) });
    }
    return c.redirect(`/me/decisions/${enc(out.id)}?recorded=1`, 303);
  });
