/**
 * /hr/policies: the policy in effect in plain words, approved policies still to come, the
 * proposals waiting for a second HR user with what each changes, and the form that proposes one.
 * Every action calls the same verbs as the API (policy-proposals.ts).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { badRequest } from '../core/errors.js';
import { periodOf } from '../core/period.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import type { Translate } from '../pages/i18n.js';
import { usernames } from '../auth/directory.js';
import { decidePolicy, listPolicies, proposePolicy, upcomingPolicies } from './policy-proposals.js';
import { policyInEffect } from './policies.js';
import { describePolicy, policyDifferences } from './policy-words.js';
import { GradingStyle, tt } from './page-parts.js';
import type { Policy } from '../../scoring/policy.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';

/** The sentences of a policy, or of what it changes, as a list. */
export function Sentences(props: { lines: string[]; testid?: string }) {
  return (
    <ul class="policy-words" data-testid={props.testid}>
      {props.lines.map((l) => (
        <li>{l}</li>
      ))}
    </ul>
  );
}

/** What `to` changes compared with `from`, or "no difference". */
export function Differences(props: { from: Policy; to: Policy; t: Translate; testid?: string }) {
  const lines = policyDifferences(props.from, props.to, props.t);
  return <Sentences lines={lines.length ? lines : [props.t('pol.diff.none')]} testid={props.testid} />;
}

async function policiesPage(c: PageContext, opts: { error?: unknown; notice?: string; values?: Record<string, string>; form?: string; status?: PageStatus } = {}) {
  const me = requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const current = periodOf(ctx.clock.now().toISOString());
  const all = await listPolicies({ ctx, input: { period: current, limit: 200 } });
  const inEffect = all.inEffect;
  const upcoming = await upcomingPolicies(ctx, current);
  const pending = all.items.filter((p) => p.status === 'proposed');
  const decided = all.items.filter((p) => p.status !== 'proposed');
  // Each proposal is compared with the policy that would otherwise be in effect from its quarter.
  const baselines = new Map(await Promise.all(pending.map(async (p) => [p.id, (await policyInEffect(ctx, p.effectiveFrom)).policy] as const)));
  const names = await usernames(ctx, [inEffect.approvedBy, ...all.items.flatMap((p) => [p.proposedBy, p.decidedBy])]);
  const who = (id: string | null) => (id ? (names.get(id) ?? id) : '');
  // A refused decision belongs to its proposal's form (`form` is its hash); anything else to the propose form.
  const decisionOn = opts.form && pending.some((p) => p.hash === opts.form && p.proposedBy !== me.userId) ? opts.form : undefined;
  const v = opts.form ? {} : (opts.values ?? {});
  const fields = fieldErrorsIn(opts.form ? undefined : opts.error, lang);
  const decisionFields = fieldErrorsIn(decisionOn ? opts.error : undefined, lang);
  const mark = (id: string, field: string, hint = false) => invalidProps(id, { hint, error: fields.has(field) });
  const current_ = inEffect.document as Policy;
  return renderPage(
    c,
    <Layout c={c} title={t('pol.title')} lang={lang}>
      <GradingStyle />
      <h1>{t('pol.title')}</h1>
      <p>{t('pol.rule')}</p>
      {opts.notice && <Notice kind="ok">{opts.notice}</Notice>}
      {!decisionOn && <ErrorBox error={opts.error} lang={lang} />}

      <h2 id="in-effect">{t('pol.inEffect', { period: current })}</h2>
      <p data-testid="in-effect-source">
        {inEffect.builtIn ? t('pol.builtIn') : t('pol.approvedLine', { from: inEffect.effectiveFrom ?? '', user: who(inEffect.approvedBy), at: when(inEffect.approvedAt) })}{' '}
        <code>{inEffect.hash.slice(0, 12)}</code>
      </p>
      <Sentences lines={describePolicy(current_, t)} testid="policy-in-effect" />

      {upcoming.map((p) => (
        <section data-upcoming={p.hash}>
          <h3>{t('pol.upcoming', { from: p.effectiveFrom })}</h3>
          <p class="muted">{t('pol.approvedLine', { from: p.effectiveFrom, user: who(p.decidedBy), at: when(p.decidedAt) })}</p>
          <p>{t('pol.changes')}</p>
          <Differences from={current_} to={p.document as Policy} t={t} />
        </section>
      ))}

      <h2 id="proposals">{t('pol.proposals')}</h2>
      {pending.length === 0 && <p>{t('pol.noProposals')}</p>}
      {pending.map((p) => (
        <div class="adjustment" data-proposal={p.hash}>
          <p>
            <strong>{t('pol.proposalLine', { from: p.effectiveFrom, user: who(p.proposedBy), at: when(p.proposedAt) })}</strong> <code>{p.hash.slice(0, 12)}</code>
            <br />
            {t('pol.reason')}: {p.reason}
          </p>
          <p>{t('pol.diffFrom', { from: p.effectiveFrom })}</p>
          <Differences from={baselines.get(p.id)!} to={p.document as Policy} t={t} testid="proposal-differences" />
          {p.proposedBy === me.userId ? (
            <p class="muted">{t('pol.own')}</p>
          ) : (
            <form method="post" action={`/hr/policies/${enc(p.hash)}/decision`} id={`decide-${p.hash}`}>
              {decisionOn === p.hash && <ErrorBox error={opts.error} lang={lang} />}
              <CsrfInput c={c} />
              <label for={`pol-reason-${p.id}`}>{t('pol.decisionReason')}</label>
              <FieldMessage id={`pol-reason-${p.id}`} messages={decisionOn === p.hash ? decisionFields.get('reason') : undefined} />
              <input
                id={`pol-reason-${p.id}`}
                name="reason"
                type="text"
                required
                maxlength={4000}
                value={decisionOn === p.hash ? (opts.values?.reason ?? '') : ''}
                {...invalidProps(`pol-reason-${p.id}`, { error: decisionOn === p.hash && decisionFields.has('reason') })}
              />
              <button type="submit" name="decision" value="approve">
                {t('pol.approve')}
              </button>{' '}
              <button type="submit" name="decision" value="reject" class="secondary">
                {t('pol.reject')}
              </button>
            </form>
          )}
        </div>
      ))}

      {decided.length > 0 && (
        <>
          <h2>{t('pol.history')}</h2>
          <Table head={[t('pol.col.from'), t('pol.col.version'), t('pol.col.status'), t('pol.reason'), t('pol.col.by')]}>
            {decided.map((p) => (
              <tr>
                <td>{p.effectiveFrom}</td>
                <td>
                  {p.version} <code>{p.hash.slice(0, 12)}</code>
                </td>
                <td>{t(`pol.status.${p.status}`)}</td>
                <td>
                  {p.reason}
                  {p.decisionReason ? ` / ${p.decisionReason}` : ''}
                </td>
                <td>{`${who(p.proposedBy)} / ${who(p.decidedBy)}`}</td>
              </tr>
            ))}
          </Table>
        </>
      )}

      <form method="post" action="/hr/policies">
        <fieldset>
          <legend>{t('pol.propose')}</legend>
          <CsrfInput c={c} />
          <label for="pol-from">
            {t('pol.effectiveFrom')}{' '}
            <span class="hint" id="pol-from-hint">
              {t('pol.effectiveFromHint')}
            </span>
          </label>
          <FieldMessage id="pol-from" messages={fields.get('effectiveFrom')} />
          <input id="pol-from" name="effectiveFrom" type="text" required value={v.effectiveFrom ?? ''} {...mark('pol-from', 'effectiveFrom', true)} />
          <label for="pol-reason">{t('pol.reason')}</label>
          <FieldMessage id="pol-reason" messages={fields.get('reason')} />
          <textarea id="pol-reason" name="reason" required maxlength={4000} {...mark('pol-reason', 'reason')}>
            {v.reason ?? ''}
          </textarea>
          <label for="pol-document">
            {t('pol.document')}{' '}
            <span class="hint" id="pol-document-hint">
              {t('pol.documentHint')}
            </span>
          </label>
          <FieldMessage id="pol-document" messages={fields.get('document')} />
          <textarea id="pol-document" name="document" class="policy-json" spellcheck={false} required {...mark('pol-document', 'document', true)}>
            {v.document ?? JSON.stringify(current_, null, 2)}
          </textarea>
          <div>
            <button type="submit">{t('pol.submit')}</button>
          </div>
        </fieldset>
      </form>
    </Layout>,
    opts.status ?? 200,
  );
}

export const policyPages = new Hono<AppEnv>()
  .get('/hr/policies', async (c) => {
    const { t } = tt(c);
    const done = c.req.query('done');
    const notice = done === 'proposed' ? t('pol.proposed') : done === 'approved' || done === 'rejected' ? t('pol.decided', { status: t(`pol.status.${done}`) }) : undefined;
    // A refused proposal or decision comes back here with its refusal and what was typed, once.
    const flash = await takeFlash(c);
    return policiesPage(c, { notice, error: flashError(flash), values: flash?.values, form: flash?.form, status: flashStatus(flash) });
  })
  .post('/hr/policies', async (c) => {
    requireStaffPage(c, 'hr');
    const { t } = tt(c);
    const form = await c.req.parseBody();
    const values = { effectiveFrom: str(form, 'effectiveFrom'), reason: str(form, 'reason'), document: str(form, 'document') };
    try {
      let document: unknown;
      try {
        document = JSON.parse(values.document);
      } catch {
        throw badRequest(t('pol.badJson'), [{ path: 'document', message: t('pol.badJson') }]);
      }
      await proposePolicy({ ctx: c.get('ctx'), input: { document, effectiveFrom: values.effectiveFrom, reason: values.reason } });
    } catch (e) {
      const error = formRefusal(c, e);
      // A policy document too long for the flash cookie is shown again in place, as typed.
      return (await redirectRefused(c, '/hr/policies#pol-from', error, { values })) ?? policiesPage(c, { error, values, status: statusOf(error) });
    }
    return c.redirect('/hr/policies?done=proposed#proposals', 303);
  })
  .post('/hr/policies/:hash/decision', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const hash = c.req.param('hash');
    try {
      const out = await decidePolicy({ ctx: c.get('ctx'), input: { hash, decision: str(form, 'decision'), reason: str(form, 'reason') } });
      return c.redirect(`/hr/policies?done=${out.status}#proposals`, 303);
    } catch (e) {
      const error = formRefusal(c, e);
      const values = { reason: str(form, 'reason') };
      return (await redirectRefused(c, `/hr/policies#decide-${hash}`, error, { form: hash, values })) ?? policiesPage(c, { error, form: hash, values, status: statusOf(error) });
    }
  });
