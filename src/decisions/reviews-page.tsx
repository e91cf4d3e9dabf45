/**
 * /me/reviews: the panels the signed-in officer sits on, each with its case file and a vote form
 * (works without JavaScript). The form calls the same verb as the API (castVote).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { PageError, requireStaffPage } from '../pages/errors.js';
import { Facts, PageStyle, domainT, enc, formRefusal, money, statusOf, str, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { myPanels, type CaseFile } from './case-file.js';
import { castVote } from './vote.js';
import { reviewPolicy } from './policy.js';
import { decisionsMessages } from './messages.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';

const tt = domainT(decisionsMessages);

const css = `.case{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem 1rem;margin:1rem 0}
.case h3{margin:.3rem 0 .5rem;font-size:1.1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-word}
.votes label{display:inline-block;font-weight:400;margin-right:1.2rem}
.justification{white-space:pre-wrap}`;

function reviewer(c: PageContext) {
  const staff = requireStaffPage(c, 'officer', 'supervisor');
  if (!staff.officerCode) throw new PageError(403, tt(c).t('rev.notLinked'));
  return staff;
}

/** The proposal against its threshold: "-1.5% against the threshold". */
function distance(t: Translate, amount: number | null, threshold: number | null): string | null {
  if (amount === null || threshold === null || threshold === 0) return null;
  const pct = ((amount - threshold) / threshold) * 100;
  return t('rev.distance', { sign: pct > 0 ? '+' : pct < 0 ? '−' : '', pct: Math.abs(pct).toFixed(1) });
}

function CaseCard(props: { c: PageContext; t: Translate; lang: Lang; f: CaseFile; open: boolean; error?: unknown; values?: Record<string, string> }) {
  const { c, t, f } = props;
  const d = f.decision;
  const dist = distance(t, d.proposedAmount, d.threshold);
  const v = props.values ?? {};
  const fields = fieldErrorsIn(props.error, props.lang);
  const reasonId = `reason-${d.id}`;
  return (
    <section class="case" id={`d-${d.id}`} data-testid="case" data-id={d.id} data-status={d.status}>
      <h3>{t('rev.case', { id: d.id })}</h3>
      <Facts
        rows={[
          [t('rev.type'), t(`type.${d.type}`)],
          [t('rev.taxpayer'), f.taxpayer ? `${f.taxpayer.name} (${f.taxpayer.code})` : (d.taxpayerCode ?? '–')],
          [t('rev.decider'), d.deciderCode ?? '–'],
          [t('rev.proposed'), <strong data-testid="proposed">{money(d.proposedAmount)}</strong>],
          [t('rev.threshold'), `${money(d.threshold)}${dist ? ` · ${dist}` : ''}`],
          [t('rev.decidedAt'), when(d.decidedAt)],
          [t('rev.justification'), <span class="justification">{d.justification}</span>],
          ...(d.investigators.length ? ([[t('rev.investigators'), d.investigators.join(', ')]] as [string, string][]) : []),
          [t('rev.panel'), d.panel.map((p) => t('rev.panelLine', { code: p.officerCode, state: p.voted ? t('rev.hasVoted') : t('rev.notVoted') })).join('; ')],
          [t('rev.due'), when(d.review?.dueAt)],
        ]}
      />
      {d.draw && (
        <p class="muted" data-testid="draw">
          {t('rev.draw')}:{' '}
          {t('rev.drawLine', { seed: d.draw.seed.slice(0, 16), size: d.draw.seedInputs.auditSize, n: d.draw.eligible.length, ok: d.draw.verified ? t('rev.drawOk') : t('rev.drawBad') })}
        </p>
      )}
      <h4>{t('rev.history')}</h4>
      {f.history.length === 0 ? (
        <p class="muted">{t('rev.noHistory')}</p>
      ) : (
        <Table head={[t('rev.col.date'), t('rev.col.type'), t('rev.col.amount'), t('rev.col.status'), t('rev.col.decider')]} numeric={[2]}>
          {f.history.map((h) => (
            <tr data-testid="history-row">
              <td>{h.decidedAt.slice(0, 10)}</td>
              <td>{t(`type.${h.type}`)}</td>
              <td class="num">{money(h.proposedAmount)}</td>
              <td>{t(`status.${h.status}`)}</td>
              <td>{h.deciderCode ?? '–'}</td>
            </tr>
          ))}
        </Table>
      )}
      {f.myVote ? (
        <p data-testid="my-vote">{t('rev.mine', { at: when(f.myVote.castAt), vote: t(`vote.${f.myVote.vote}`), reason: f.myVote.reason })}</p>
      ) : (
        props.open && (
          <form method="post" action={`/me/reviews/${enc(d.id)}/vote`}>
            <fieldset>
              <legend>{t('rev.form')}</legend>
              <ErrorBox error={props.error} lang={props.lang} />
              <CsrfInput c={c} />
              <FieldMessage id={`vote-${d.id}`} messages={fields.get('vote')} />
              <div class="votes" id={`vote-${d.id}`} aria-describedby={fields.has('vote') ? `vote-${d.id}-error` : undefined}>
                <label>
                  <input type="radio" name="vote" value="approve" required checked={v.vote === 'approve'} /> {t('rev.approve')}
                </label>
                <label>
                  <input type="radio" name="vote" value="reject" required checked={v.vote === 'reject'} /> {t('rev.reject')}
                </label>
              </div>
              <label for={reasonId}>
                {t('rev.reason')}{' '}
                <span class="hint" id={`${reasonId}-hint`}>
                  {t('rev.reasonHint')}
                </span>
              </label>
              <FieldMessage id={reasonId} messages={fields.get('reason')} />
              <textarea id={reasonId} name="reason" required maxlength={4000} {...invalidProps(reasonId, { hint: true, error: fields.has('reason') })}>
                {v.reason ?? ''}
              </textarea>
              <div>
                <button type="submit">{t('rev.submit')}</button>
              </div>
            </fieldset>
          </form>
        )
      )}
      {!props.open && d.review && (
        <p data-testid="outcome">{t('rev.outcome', { status: t(`status.${d.status}`), a: d.review.approvals ?? '–', r: d.review.rejections ?? '–' })}</p>
      )}
    </section>
  );
}

async function reviewsPage(c: PageContext, opts: { error?: unknown; errorId?: string; values?: Record<string, string>; status?: PageStatus } = {}) {
  reviewer(c);
  const { lang, t } = tt(c);
  const { pending, closed } = await myPanels({ ctx: c.get('ctx') });
  const voted = c.req.query('voted');
  return renderPage(
    c,
    <Layout c={c} title={t('rev.title')} lang={lang}>
      <PageStyle css={css} />
      <h1>{t('rev.title')}</h1>
      <p>{t('rev.intro', { days: reviewPolicy.lapseDays })}</p>
      {voted && <Notice kind="ok">{t('rev.voted')}</Notice>}
      {opts.error !== undefined && !pending.some((f) => f.decision.id === opts.errorId) && <ErrorBox error={opts.error} lang={lang} />}
      <h2>{t('rev.pending')}</h2>
      {pending.length === 0 ? (
        <p data-testid="none-pending">{t('rev.nonePending')}</p>
      ) : (
        pending.map((f) => (
          <CaseCard c={c} t={t} lang={lang} f={f} open error={opts.errorId === f.decision.id ? opts.error : undefined} values={opts.errorId === f.decision.id ? opts.values : undefined} />
        ))
      )}
      <h2>{t('rev.closed')}</h2>
      {closed.length === 0 ? <p>{t('rev.noneClosed')}</p> : closed.map((f) => <CaseCard c={c} t={t} lang={lang} f={f} open={false} />)}
    </Layout>,
    opts.status ?? 200,
  );
}

export const reviewPages = new Hono<AppEnv>()
  .get('/me/reviews', async (c) => {
    // A refused vote comes back here, on its case, with the refusal and what was typed, once.
    const flash = await takeFlash(c);
    return reviewsPage(c, { error: flashError(flash), errorId: flash?.form, values: flash?.values, status: flashStatus(flash) });
  })
  .post('/me/reviews/:id/vote', async (c) => {
    reviewer(c);
    const id = c.req.param('id');
    const form = (await c.req.parseBody()) as Form;
    const values = { vote: str(form, 'vote'), reason: typeof form.reason === 'string' ? form.reason : '' };
    try {
      await castVote({ ctx: c.get('ctx'), decisionId: id, input: { vote: values.vote || undefined, reason: values.reason } });
    } catch (e) {
      const error = formRefusal(c, e);
      return (await redirectRefused(c, `/me/reviews#d-${enc(id)}`, error, { form: id, values })) ?? reviewsPage(c, { error, errorId: id, values, status: statusOf(error) });
    }
    return c.redirect(`/me/reviews?voted=${enc(id)}#d-${enc(id)}`, 303);
  });
