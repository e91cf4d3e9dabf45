/**
 * /flags/:id: one flag with its evidence, the bunching chart, the decisions involved, the
 * reviewer draw and the actions. Every action calls the same verb as the API (transitionFlag).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import type { ApiError } from '../core/errors.js';
import { problemSentence } from '../core/problems.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, money, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';
import { usernames } from '../auth/directory.js';
import { decisionsByIds } from '../decisions/list.js';
import { complaintForReview } from './complaint-text.js';
import { getFlag } from './list.js';
import { defaultOversightPolicy } from './policy.js';
import { flagOutcomes, mayReview, transitionFlag } from './workflow.js';
import { carriesPenalty, confirmingEarly } from './due-process.js';
import { flagFigures } from './evidence-figures.js';
import { EvidenceSection } from './evidence-section.js';
import type { Draw } from './draw.js';
import { flagRow } from './queries.js';
import { FlagsStyle, tt } from './page-parts.js';

// ---------------------------------------------------------------------------------------------
// One flag

/** A transition's reason; the scan's own (`Raised by rule benford.`) in the page's words. */
function transitionReason(t: (k: string, p?: Record<string, string | number>) => string, reason: string): string {
  const raised = /^Raised by rule ([a-z_]+)\.$/.exec(reason);
  if (raised) return t('flag.raisedBy', { rule: t(`rule.${raised[1]}`) });
  const reopened = /^Reopened by rule ([a-z_]+):/.exec(reason);
  if (reopened) return t('flag.reopenedBy', { rule: t(`rule.${reopened[1]}`) });
  return reason;
}

/** The subject's hearing (申辩): when they were told, until when they may answer, and their answer. */
function Hearing(props: { t: (k: string, p?: Record<string, string | number>) => string; flag: Awaited<ReturnType<typeof getFlag>>; now: string }) {
  const { t, flag } = props;
  if (!carriesPenalty(flag.severity)) return <></>;
  return (
    <>
      <h2>{t('flag.hearing')}</h2>
      <div data-testid="hearing">
        {!flag.notice ? (
          <p>{t('flag.hearing.notTold')}</p>
        ) : (
          <p>{t('flag.hearing.told', { at: when(flag.notice.toldAt), due: when(flag.notice.answerDueAt) })}</p>
        )}
        {flag.answer ? (
          <blockquote data-testid="answer">
            <p class="muted">{t('flag.hearing.answered', { at: when(flag.answer.answeredAt) })}</p>
            <p style="white-space:pre-wrap">{flag.answer.text}</p>
          </blockquote>
        ) : (
          flag.notice && <p class="muted">{props.now <= flag.notice.answerDueAt ? t('flag.hearing.waiting') : t('flag.hearing.none')}</p>
        )}
      </div>
    </>
  );
}

const fmtP = (p: unknown) => (typeof p === 'number' ? (p < 1e-4 ? p.toExponential(3) : p.toPrecision(4)) : '–');

async function flagPage(c: PageContext, id: string, opts: { error?: ApiError; notice?: string; values?: Record<string, string>; status?: PageStatus } = {}) {
  requireStaffPage(c, 'supervisor', 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const flag = await getFlag({ ctx, id });
  const ev = flag.evidence;
  const decisionIds = Array.isArray(ev.decisionIds) ? (ev.decisionIds as string[]) : [];
  const involved = await decisionsByIds(ctx, decisionIds);
  const draw = flag.draw as unknown as Draw | null;
  const names = await usernames(ctx, [...(draw?.candidates ?? []), flag.reviewerUserId]);
  const who = (uid: string | null | undefined) => (uid ? `${names.get(uid) ?? '?'} (${uid})` : '');
  const figures = await flagFigures(ctx, flag);
  // A complaint's words are in its record, not in the flag (nor in the log): read for the reviewer.
  const complaint = flag.rule === 'complaint' && typeof ev.complaintId === 'string' ? await complaintForReview({ ctx, input: { id: ev.complaintId } }).catch(() => null) : null;
  const row = await flagRow(ctx, id);
  const may = flag.status === 'closed' || !row ? null : await mayReview(ctx, row);
  const values = opts.values ?? {};
  const fields = fieldErrorsIn(opts.error, lang);
  /** A control's message beside it and its invalid mark (post, redirect, get brings them back). */
  const mark = (id: string, field: string) => invalidProps(id, { hint: true, error: fields.has(field) });
  const window = ev.window as { from: string; to: string } | undefined;
  // Whether confirming now would be early (the close form then asks why not wait).
  const early = flag.status === 'in_review' && confirmingEarly(flag, flag, ctx.clock.now().toISOString());
  const names2 = await usernames(ctx, flag.escalations.flatMap((e) => [e.escalatedBy, ...((e.draw as unknown as Draw).candidates ?? [])]));
  for (const [k, v] of names2) names.set(k, v);
  return renderPage(
    c,
    <Layout c={c} title={t('flag.title', { id: flag.id })} lang={lang}>
      <FlagsStyle />
      <p>
        <a href="/flags">{t('flag.back')}</a>
      </p>
      <h1>
        {t(`rule.${flag.rule}`)} · {flag.subjectCode}
      </h1>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      <ErrorBox error={opts.error} lang={lang} />
      <h2>{t('flag.summary')}</h2>
      <dl class="facts">
        <dt>{t('flags.col.flag')}</dt>
        <dd>
          <code>{flag.id}</code>
        </dd>
        <dt>{t('flags.col.subject')}</dt>
        <dd>{`${flag.subjectCode}${flag.unitCode ? ` · ${flag.unitCode}` : ''}`}</dd>
        <dt>{t('flags.col.severity')}</dt>
        <dd class={`sev-${flag.severity}`}>{t(`severity.${flag.severity}`)}</dd>
        <dt>{t('flags.col.status')}</dt>
        <dd data-testid="flag-status">
          {t(`status.${flag.status}`)}
          {flag.overdue && (
            <>
              {' '}
              <span class="badge overdue">{t('flags.overdue')}</span>
            </>
          )}
        </dd>
        {flag.outcome && (
          <>
            <dt>{t('flag.outcome')}</dt>
            <dd data-testid="flag-outcome">{t(`outcome.${flag.outcome}`)}</dd>
            <dt>{t('flag.closedAt')}</dt>
            <dd>{when(flag.closedAt)}</dd>
          </>
        )}
        <dt>{t('flags.col.reviewer')}</dt>
        <dd>{flag.reviewerUserId ? who(flag.reviewerUserId) : t('flags.unassigned')}</dd>
        <dt>{t('flags.col.raised')}</dt>
        <dd>{when(flag.raisedAt)}</dd>
        <dt>{t('flag.condition')}</dt>
        <dd>
          {/* The rule part of the key in words (the language scan reads every page); the rest is its own id. */}
          {flag.conditionKey.startsWith(`${flag.rule}:`) ? (
            <>
              {t(`rule.${flag.rule}`)} ·{' '}
              <code>
                {flag.conditionKey
                  .slice(flag.rule.length + 1)
                  .split(':')
                  // A decision type in the key (sole_decider:E0001:assessed_turnover) in words too.
                  .map((part) => (/^[a-z]+(_[a-z]+)+$/.test(part) && t(`term.decisionType.${part}`) !== `term.decisionType.${part}` ? t(`term.decisionType.${part}`) : part))
                  .join(' · ')}
              </code>
            </>
          ) : (
            <code>{flag.conditionKey}</code>
          )}
        </dd>
      </dl>
      <p class="muted">{t('flag.penaltyNote')}</p>

      <h2>{t('flag.evidence')}</h2>
      {window && <p>{t('flag.window', { from: window.from, to: window.to })}</p>}
      <EvidenceSection t={t} lang={lang} rule={flag.rule} subject={flag.subjectCode} evidence={ev} figures={figures} />
      {flag.rule === 'threshold_bunching' && (
        <p class="muted" data-testid="bunching-figures">
          {t('flag.bunching.figures', { below: String(ev.below), above: String(ev.above), n: String(ev.n), p: fmtP(ev.pValue), max: String(ev.maxPValue) })}
        </p>
      )}
      {complaint && (
        <section data-testid="complaint-text">
          <h3>{t('flag.complaint')}</h3>
          {complaint.text === null ? <p class="muted">{t('flag.complaint.erased')}</p> : <blockquote>{complaint.text}</blockquote>}
        </section>
      )}
      <details>
        <summary>{t('flag.evidence.raw')}</summary>
        <pre class="evidence">{JSON.stringify(ev, null, 2)}</pre>
      </details>

      {involved.length > 0 && (
        <>
          <h2>{t('flag.decisions')}</h2>
          {decisionIds.length >= defaultOversightPolicy.maxEvidenceDecisions && <p class="muted">{t('flag.decisions.more', { n: decisionIds.length })}</p>}
          <Table
            head={[t('flag.col.decision'), t('flag.col.type'), t('flag.col.decider'), t('flag.col.taxpayer'), t('flag.col.amount'), t('flag.col.threshold'), t('flag.col.decidedAt'), t('flag.col.panel')]}
            numeric={[4, 5]}
          >
            {involved.map((d) => (
              <tr data-testid="decision-row">
                <td>
                  <code>{d.id}</code>
                  {d.amends ? <span class="muted">{` ← ${d.amends}`}</span> : ''}
                </td>
                <td>{t(`term.decisionType.${d.type}`)}</td>
                <td>{d.deciderCode ?? ''}</td>
                <td>{d.taxpayerCode ?? ''}</td>
                <td class="num">{money(d.amount)}</td>
                <td class="num">{money(d.threshold)}</td>
                <td>{d.decidedAt.slice(0, 10)}</td>
                <td>{d.panel.map((r) => `${r.officerCode}${r.vote ? ` (${t(`vote.${r.vote}`)})` : r.voted ? ` (${t('vote.cast')})` : ' (–)'}${r.investigated ? '*' : ''}`).join(', ')}</td>
              </tr>
            ))}
          </Table>
        </>
      )}

      <h2>{t('flag.draw')}</h2>
      {draw ? (
        <>
          <p class="muted">{t('flag.draw.explain')}</p>
          <dl class="facts" data-testid="draw">
            <dt>{t('flag.draw.flagId')}</dt>
            <dd>
              <code>{draw.seedInputs.flagId}</code>
            </dd>
            <dt>{t('flag.draw.auditSize')}</dt>
            <dd>
              <code>{String(draw.seedInputs.auditSize)}</code>
            </dd>
            <dt>{t('flag.draw.head')}</dt>
            <dd>
              <code>{draw.seedInputs.auditHeadHash}</code>
            </dd>
            <dt>{t('flag.draw.seed')}</dt>
            <dd>
              <code>{draw.seed}</code>
            </dd>
            <dt>{t('flag.draw.candidates')}</dt>
            <dd>
              {draw.candidates.length ? (
                <ol start={0}>
                  {draw.candidates.map((u) => (
                    <li>{who(u)}</li>
                  ))}
                </ol>
              ) : (
                '–'
              )}
            </dd>
            <dt>{t('flag.draw.picked')}</dt>
            <dd>{draw.picked ? who(draw.picked) : t('flag.draw.none')}</dd>
          </dl>
        </>
      ) : (
        <p>–</p>
      )}

      <Hearing t={t} flag={flag} now={ctx.clock.now().toISOString()} />
      {flag.escalations.length > 0 && (
        <>
          <h2>{t('flag.escalations')}</h2>
          {flag.escalations.map((e) => {
            const d = e.draw as unknown as Draw;
            return (
              <dl class="facts" data-testid="escalation">
                <dt>{t('flag.escalation.level')}</dt>
                <dd>{String(e.level)}</dd>
                <dt>{t('flag.escalation.by')}</dt>
                <dd>{who(e.escalatedBy)}</dd>
                <dt>{t('flag.col.reason')}</dt>
                <dd>{e.reason}</dd>
                <dt>{t('flag.draw.seed')}</dt>
                <dd>
                  <code>{d.seed}</code> ({d.seedInputs.flagId}, {String(d.seedInputs.auditSize)})
                </dd>
                <dt>{t('flag.draw.candidates')}</dt>
                <dd>{d.candidates.map((u) => who(u)).join(', ') || '–'}</dd>
                <dt>{t('flag.draw.picked')}</dt>
                <dd>{d.picked ? who(d.picked) : t('flag.escalation.none')}</dd>
              </dl>
            );
          })}
        </>
      )}

      <h2>{t('flag.history')}</h2>
      <Table head={[t('flag.col.at'), t('flag.col.move'), t('flag.col.actor'), t('flag.col.reason')]}>
        {flag.transitions.map((x) => (
          <tr data-testid="transition-row">
            <td>{when(x.at)}</td>
            <td>{`${x.from ? t(`status.${x.from}`) : '∅'} → ${t(`status.${x.to}`)}${x.outcome ? ` (${t(`outcome.${x.outcome}`)})` : ''}`}</td>
            <td>{x.actor}</td>
            <td>
              {transitionReason(t, x.reason)}
              {x.earlyReason ? ` · ${t('flag.earlyReason.shown', { reason: x.earlyReason })}` : ''}
            </td>
          </tr>
        ))}
      </Table>

      <h2 id="actions">{t('flag.actions')}</h2>
      <div class="actions">
        {flag.status === 'closed' ? (
          <p>{t('flag.closedNote')}</p>
        ) : may && !may.ok ? (
          <Notice kind="warn">{t('flag.cannot', { why: problemSentence(lang, may.key) })}</Notice>
        ) : flag.status === 'open' ? (
          <form method="post" action={`/flags/${enc(flag.id)}/transition`}>
            <CsrfInput c={c} />
            <input type="hidden" name="to" value="in_review" />
            <label for="reason-start">
              {t('flag.reason')} <span class="hint" id="reason-start-hint">{t('flag.reason.hint')}</span>
            </label>
            <FieldMessage id="reason-start" messages={fields.get('reason')} />
            <textarea id="reason-start" name="reason" required {...mark('reason-start', 'reason')}>
              {values.reason ?? ''}
            </textarea>
            <button type="submit">{t('flag.start')}</button>
          </form>
        ) : (
          <form method="post" action={`/flags/${enc(flag.id)}/transition`}>
            <CsrfInput c={c} />
            <input type="hidden" name="to" value="closed" />
            <fieldset class="outcomes" id="outcome" aria-describedby={fields.has('outcome') ? 'outcome-error' : undefined}>
              <legend>{t('flag.close.outcome')}</legend>
              <FieldMessage id="outcome" messages={fields.get('outcome')} />
              {flagOutcomes.map((o) => (
                <label>
                  <input type="radio" name="outcome" value={o} required checked={values.outcome === o} /> {t(`outcome.${o}`)}
                </label>
              ))}
            </fieldset>
            <label for="reason-close">
              {t('flag.reason')} <span class="hint" id="reason-close-hint">{t('flag.reason.hint')}</span>
            </label>
            <FieldMessage id="reason-close" messages={fields.get('reason')} />
            <textarea id="reason-close" name="reason" required {...mark('reason-close', 'reason')}>
              {values.reason ?? ''}
            </textarea>
            {early && (
              <>
                <label for="early-reason">
                  {t('flag.earlyReason')} <span class="hint" id="early-reason-hint">{t('flag.earlyReason.hint')}</span>
                </label>
                <FieldMessage id="early-reason" messages={fields.get('earlyReason')} />
                <textarea id="early-reason" name="earlyReason" {...mark('early-reason', 'earlyReason')}>
                  {values.earlyReason ?? ''}
                </textarea>
              </>
            )}
            <button type="submit">{t('flag.close')}</button>
          </form>
        )}
      </div>
    </Layout>,
    opts.status ?? (opts.error ? statusOf(opts.error) : 200),
  );
}

export const flagPages = new Hono<AppEnv>()
  .get('/flags/:id', async (c) => {
    const { t } = tt(c);
    // A refused move comes back here with its refusal and what was typed, once (post, redirect, get).
    const flash = await takeFlash(c);
    return flagPage(c, c.req.param('id'), {
      notice: c.req.query('done') === '1' ? t('flag.done') : undefined,
      error: flashError(flash),
      values: flash?.values,
      status: flashStatus(flash),
    });
  })
  .post('/flags/:id/transition', async (c) => {
    requireStaffPage(c, 'supervisor', 'hr');
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const values = { to: str(form, 'to'), outcome: str(form, 'outcome'), reason: str(form, 'reason'), earlyReason: str(form, 'earlyReason') };
    try {
      await transitionFlag({
        ctx: c.get('ctx'),
        flagId: id,
        input: { to: values.to, outcome: values.outcome || undefined, reason: values.reason, earlyReason: values.earlyReason || undefined },
      });
    } catch (e) {
      const error = formRefusal(c, e);
      return (await redirectRefused(c, `/flags/${enc(id)}#actions`, error, { values })) ?? flagPage(c, id, { error, values });
    }
    return c.redirect(`/flags/${enc(id)}?done=1`, 303);
  });
