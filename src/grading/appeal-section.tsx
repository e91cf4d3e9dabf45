/**
 * The HR side of an appeal on a page, one component for both kinds (ADR 0092): an officer's
 * appeals with the form that decides each pending one (on /hr/runs/:id/officers/:code and
 * /hr/annual/:id/officers/:code), and the table of pending appeals (on /hr and /hr/annual). What
 * differs is passed in: where the decision posts, what an upheld appeal corrects (a tier or a
 * grade) and where an appeal's officer page is.
 */
import { CsrfInput, ErrorBox, Table, type PageContext } from '../pages/layout.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, str, when, type Form } from '../pages/page-helpers.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import type { ApiError } from '../core/errors.js';
import type { Ctx } from '../core/context.js';
import type { AppealStatus } from './appeal-core.js';

/** What both kinds of appeal show. */
export interface AppealItem {
  id: string;
  officerCode: string;
  reason: string;
  filedAt: string;
  status: AppealStatus;
  decisionReason: string | null;
}

/** The officer's appeals, each decided one with its outcome, each pending one with the form that decides it. */
export function AppealDecisions<A extends AppealItem>(props: {
  c: PageContext;
  t: Translate;
  lang: Lang;
  title: string;
  /** Who may decide, said above each form. */
  rule: string;
  items: A[];
  /** Where an appeal's decision posts. */
  action: (a: A) => string;
  /** What an upheld appeal corrected, said after its reason ('' when nothing). */
  corrected: (a: A) => string;
  /** The correction field: its form name, label and choices. */
  field: { name: string; label: string; options: { value: string; label: string }[] };
  error?: unknown;
  /** The appeal a refused decision was about, and its reason as typed (post, redirect, get). */
  refused?: { id?: string; reason?: string };
}) {
  const { c, t } = props;
  if (props.items.length === 0) return null;
  return (
    <section id="appeals">
      <h2>{props.title}</h2>
      <ErrorBox error={props.error} lang={props.lang} />
      {props.items.map((a) => (
        <div class="adjustment" data-appeal={a.id}>
          <p>
            <strong>{t('appeal.line', { at: when(a.filedAt), status: t(`appeal.status.${a.status}`) })}</strong>
            <br />
            {a.reason}
          </p>
          {a.status !== 'pending' ? (
            <p>
              {a.decisionReason}
              {props.corrected(a) ? ` · ${props.corrected(a)}` : ''}
            </p>
          ) : (
            <form method="post" action={props.action(a)}>
              <CsrfInput c={c} />
              <p class="muted">{props.rule}</p>
              <label for={`outcome-${a.id}`}>{t('appeal.outcome')}</label>
              <select id={`outcome-${a.id}`} name="outcome" required>
                <option value="dismissed">{t('appeal.status.dismissed')}</option>
                <option value="upheld">{t('appeal.status.upheld')}</option>
              </select>
              <label for={`corrected-${a.id}`}>{props.field.label}</label>
              <select id={`corrected-${a.id}`} name={props.field.name}>
                <option value="">–</option>
                {props.field.options.map((o) => (
                  <option value={o.value}>{o.label}</option>
                ))}
              </select>
              <label for={`appeal-reason-${a.id}`}>{t('adj.decisionReason')}</label>
              <textarea id={`appeal-reason-${a.id}`} name="reason" required maxlength={4000}>
                {props.refused?.id === a.id ? (props.refused.reason ?? '') : ''}
              </textarea>
              <div>
                <button type="submit">{t('appeal.decide')}</button>
              </div>
            </form>
          )}
        </div>
      ))}
    </section>
  );
}

/** The pending appeals of one kind, each linked to the officer's page where it is decided. */
export function PendingAppeals<A extends AppealItem>(props: { t: Translate; items: A[]; parentLabel: string; parent: (a: A) => string; href: (a: A) => string }) {
  const { t } = props;
  if (props.items.length === 0) return <p>{t('hr.noAppeals')}</p>;
  return (
    <Table head={[t('col.code'), props.parentLabel, t('adj.reason'), t('appeal.filedAt')]}>
      {props.items.map((a) => (
        <tr>
          <td>{a.officerCode}</td>
          <td class="id">
            <a href={props.href(a)}>{props.parent(a)}</a>
          </td>
          <td class="prose">{a.reason}</td>
          <td>{when(a.filedAt)}</td>
        </tr>
      ))}
    </Table>
  );
}

/** The officer page of a run's or review's appeal: `/hr/runs/:id/officers/:code` or `/hr/annual/:id/officers/:code`. */
export const officerPageOf = (base: string, parentId: string, officerCode: string) => `${base}/${enc(parentId)}/officers/${enc(officerCode)}`;

const APPEAL_FORM = 'appeal:';

/**
 * An HR appeal decision posted from an officer's page (post, redirect, get; ADR 0086): decided,
 * back to that page's appeals; refused, back there too with the refusal and the reason as typed
 * (`inPlace` renders the page itself only when they do not fit the flash cookie).
 */
export async function appealDecisionPost(
  c: PageContext,
  subject: (ctx: Ctx) => Promise<string | null>,
  decide: (form: Form) => Promise<unknown>,
  inPlace: (err: ApiError) => Promise<Response>,
): Promise<Response> {
  requireStaffPage(c, 'hr');
  const form = (await c.req.parseBody()) as Form;
  const back = await subject(c.get('ctx'));
  try {
    await decide(form);
  } catch (e) {
    const err = formRefusal(c, e);
    if (!back) throw err;
    return (await redirectRefused(c, `${back}#appeals`, err, { form: `${APPEAL_FORM}${c.req.param('id')}`, values: { reason: str(form, 'reason') } })) ?? inPlace(err);
  }
  return c.redirect(`${back!}#appeals`, 303);
}

/** What an officer's page shows once after a redirect: the refusal, and whether it was an appeal decision's. */
export async function officerPageFlash(c: PageContext) {
  const flash = await takeFlash(c);
  const appealId = flash?.form?.startsWith(APPEAL_FORM) ? flash.form.slice(APPEAL_FORM.length) : undefined;
  return { error: flashError(flash), status: flashStatus(flash), refused: appealId ? { id: appealId, reason: flash?.values?.reason } : undefined };
}
