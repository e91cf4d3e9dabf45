/**
 * Due process on the officer's own pages: the flags put to them (a section of /me, and
 * /me/flags/:id for one), each with what it is about and the answer form (works without
 * JavaScript). The form calls the same verb as the API (answerFlag).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { CsrfInput, ErrorBox, Layout, Notice, renderPage, type PageContext } from '../pages/layout.js';
import { PageError, requireStaffPage } from '../pages/errors.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { Facts, enc, formRefusal, statusOf, when, type Form, type PageStatus } from '../pages/page-helpers.js';
import { ANSWER_DAYS, answerFlag, myFlagNotices } from './due-process.js';
import { tt } from './page-parts.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { FieldMessage, fieldErrorsIn, invalidProps } from '../pages/form-fields.js';

type NoticeItem = Awaited<ReturnType<typeof myFlagNotices>>[number];

function about(t: Translate, n: NoticeItem): string {
  const a = n.about;
  if (n.rule === 'complaint') {
    const period = String(a.period ?? '');
    return typeof a.category === 'string'
      ? t('notice.complaint', { period, category: t(`category.${a.category}`) })
      : t('notice.complaintNoCategory', { period });
  }
  const parts: string[] = [];
  if (Array.isArray(a.decisionIds)) parts.push(t('notice.decisions', { n: a.decisionIds.length }));
  const w = a.window as { from?: string; to?: string } | undefined;
  if (w?.from && w.to) parts.push(t('notice.window', { from: w.from, to: w.to }));
  // The rule's own words, not its evidence keys: the figures are the reviewer's to weigh. A spot
  // check's finding is the checking supervisor's own sentence, which the officer answers.
  if (n.rule === 'spot_check' && typeof a.finding === 'string') parts.push(t('notice.finding', { text: a.finding }));
  parts.unshift(t(`notice.rule.${n.rule}`));
  return parts.join('；');
}

/** One flag put to the officer: facts, and their answer or the form. */
export function NoticeCard(props: { c: PageContext; lang: Lang; n: NoticeItem; error?: unknown; text?: string }) {
  const { c, n } = props;
  const { t } = tt(c);
  const textErrors = fieldErrorsIn(props.error, props.lang).get('text');
  return (
    <section class="result" data-testid="flag-notice" data-id={n.id} id={`flag-${n.id}`}>
      <h3>{t(`rule.${n.rule}`)}</h3>
      <Facts
        rows={[
          [t('notice.severity'), t(`severity.${n.severity}`)],
          [t('notice.state'), `${t(`status.${n.status}`)}${n.outcome ? ` · ${t(`outcome.${n.outcome}`)}` : ''}`],
          [t('notice.about'), about(t, n)],
          [t('notice.told'), when(n.toldAt)],
          [t('notice.due'), when(n.answerDueAt)],
        ]}
      />
      {n.answer ? (
        <>
          <p>{t('notice.answered', { at: when(n.answer.answeredAt) })}</p>
          <blockquote data-testid="my-answer" style="white-space:pre-wrap">
            {n.answer.text}
          </blockquote>
        </>
      ) : n.mayAnswer ? (
        <form method="post" action={`/me/flags/${enc(n.id)}/answer`}>
          <ErrorBox error={props.error} lang={props.lang} />
          <CsrfInput c={c} />
          <label for={`answer-${n.id}`}>
            {t('notice.answer')}{' '}
            <span class="hint" id={`answer-${n.id}-hint`}>
              {t('notice.answerHint')}
            </span>
          </label>
          <FieldMessage id={`answer-${n.id}`} messages={textErrors} />
          <textarea id={`answer-${n.id}`} name="text" required maxlength={4000} {...invalidProps(`answer-${n.id}`, { hint: true, error: !!textErrors })}>
            {props.text ?? ''}
          </textarea>
          <div>
            <button type="submit">{t('notice.submit')}</button>
          </div>
        </form>
      ) : (
        <p class="muted">{t('notice.closedWindow')}</p>
      )}
    </section>
  );
}

/** The /me section: every flag put to the signed-in officer. */
export function FlagNotices(props: { c: PageContext; lang: Lang; items: NoticeItem[] }) {
  const { t } = tt(props.c);
  return (
    <>
      <p>{t('notice.intro', { days: ANSWER_DAYS })}</p>
      {props.c.req.query('answered') && <Notice kind="ok">{t('notice.done')}</Notice>}
      {props.items.length === 0 ? <p data-testid="no-notices">{t('notice.none')}</p> : props.items.map((n) => <NoticeCard c={props.c} lang={props.lang} n={n} />)}
    </>
  );
}

async function noticePage(c: PageContext, id: string, opts: { error?: unknown; text?: string; status?: PageStatus } = {}) {
  const staff = requireStaffPage(c, 'officer', 'supervisor');
  const { lang, t } = tt(c);
  const n = staff.officerCode ? (await myFlagNotices({ ctx: c.get('ctx') })).find((x) => x.id === id) : undefined;
  if (!n) throw new PageError(404, t('error.404'));
  return renderPage(
    c,
    <Layout c={c} title={t('notice.title')} lang={lang}>
      <p>
        <a href="/me#flags">{t('flag.back')}</a>
      </p>
      <h1>{t('notice.title')}</h1>
      <p>{t('notice.intro', { days: ANSWER_DAYS })}</p>
      {/* A refusal whose form is gone (answered meanwhile, the window closed) is said above the card. */}
      {(n.answer || !n.mayAnswer) && <ErrorBox error={opts.error} lang={lang} />}
      <NoticeCard c={c} lang={lang} n={n} error={opts.error} text={opts.text} />
    </Layout>,
    opts.status ?? 200,
  );
}

export const noticePages = new Hono<AppEnv>()
  .get('/me/flags/:id', async (c) => {
    // A refused answer comes back here with its refusal and the text as typed, once (post, redirect, get).
    const flash = await takeFlash(c);
    return noticePage(c, c.req.param('id'), { error: flashError(flash), text: flash?.values?.text, status: flashStatus(flash) });
  })
  .post('/me/flags/:id/answer', async (c) => {
    requireStaffPage(c, 'officer', 'supervisor');
    const id = c.req.param('id');
    const form = (await c.req.parseBody()) as Form;
    const text = typeof form.text === 'string' ? form.text : '';
    try {
      await answerFlag({ ctx: c.get('ctx'), flagId: id, input: { text } });
    } catch (e) {
      const error = formRefusal(c, e);
      // A long answer that does not fit the flash cookie is shown again in place, as typed.
      return (await redirectRefused(c, `/me/flags/${enc(id)}`, error, { values: { text } })) ?? noticePage(c, id, { error, text, status: statusOf(error) });
    }
    return c.redirect(`/me?answered=${enc(id)}#flags`, 303);
  });
