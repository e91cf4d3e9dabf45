/**
 * The taxpayer pages: the form, the thank-you page with the audit receipt, the friendly refusals
 * (used, expired, unknown, too many attempts) and the printable slip. Server-rendered, no
 * JavaScript, mobile first; the form is native HTML (fieldset/legend radio groups), so keyboard
 * and screen-reader use come from the browser.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { FieldError } from '../core/errors.js';
import { Layout, type PageContext } from '../pages/layout.js';
import { translator, type Lang } from '../pages/i18n.js';
import { messages } from './messages.js';
import { ErrorSummary, FieldMessage, invalidProps } from '../pages/form-fields.js';
import { COMMENT_MAX, DIMENSIONS, RATING_MAX, RATING_MIN, type Dimension } from './policy.js';
import type { FeedbackForm } from './submit.js';
import { COMPLAINT_TEXT_MAX } from '../complaints/policy.js';

const tr = (lang: Lang) => {
  const t = translator(lang, messages);
  return (key: string, params?: Record<string, string | number>) => t(`feedback.${key}`, params);
};

/** What the form adds to the shell's stylesheet: the 1-5 scales as large tap targets. */
const css = `
.fb{max-width:40rem}
.fb fieldset[aria-invalid=true]{border:2px solid var(--bad)}
.fb legend .hint{display:inline}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:.4rem}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale label{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:3rem;margin:0;border:1px solid #767676;border-radius:6px;cursor:pointer;background:#fff}
.scale label small{font-weight:400;font-size:.7rem;color:var(--muted);text-align:center;line-height:1.1}
.scale input:checked+label{background:var(--accent);color:#fff;border-color:var(--accent)}
.scale input:checked+label small{color:#fff}
.scale input:focus-visible+label{outline:3px solid #f2a900;outline-offset:2px}
.fb .check{display:flex;gap:.5rem;align-items:center}
.fb .check label{margin:0}
.fb .check input{width:1.3rem;height:1.3rem}
.fb button[type=submit]{width:100%}
.fb .error{color:var(--bad);font-weight:600;margin:.25rem 0}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.slip{text-align:center}
.slip .qr{max-width:16rem;margin:0 auto}
@media print{.slip{font-size:14pt}}
`;
const FormStyle: FC = () => <style>{raw(css)}</style>;

const errorKey: Record<string, string> = {
  professionalism: 'errRating',
  attitude: 'errRating',
  efficiency: 'errRating',
  integrity: 'errRating',
  comment: 'errComment',
  complaint: 'errComplaint',
};

const RatingGroup: FC<{ lang: Lang; dim: Dimension; value?: string; error?: boolean }> = ({ lang, dim, value, error }) => {
  const t = tr(lang);
  const hintId = `${dim}-hint`;
  const values: number[] = [];
  for (let n = RATING_MIN; n <= RATING_MAX; n++) values.push(n);
  return (
    <fieldset id={`${dim}-group`} {...invalidProps(dim, { hint: true, error: !!error })}>
      <legend>
        {t(dim)}
        <span class="hint">{t('required')}</span>
      </legend>
      <p class="hint" id={hintId}>
        {t(`${dim}Hint`)} · {t('ratingsLegendHint')}
      </p>
      <FieldMessage id={dim} messages={error ? [t('errRating')] : undefined} />
      <div class="scale">
        {values.map((n) => (
          <>
            <input type="radio" id={`${dim}-${n}`} name={dim} value={String(n)} required checked={value === String(n)} />
            <label for={`${dim}-${n}`}>
              {t('ratingLabel', { n })}
              {n === RATING_MIN ? <small>{t('rating1')}</small> : n === RATING_MAX ? <small>{t('rating5')}</small> : null}
            </label>
          </>
        ))}
      </div>
    </fieldset>
  );
};

/**
 * A free-text answer: its label (with an optional hint), the error above the box when there is
 * one, and the box, tied to both for screen readers by aria-describedby.
 */
const TextArea: FC<{ name: string; label: string; hint?: string; max: number; value?: string; error: string | null }> = (p) => {
  const hintId = `${p.name}-hint`;
  return (
    <>
      <label for={p.name}>
        {p.label}
        {p.hint ? (
          <span class="hint" id={hintId}>
            {p.hint}
          </span>
        ) : null}
      </label>
      <FieldMessage id={p.name} messages={p.error ? [p.error] : undefined} />
      <textarea id={p.name} name={p.name} maxlength={p.max} {...invalidProps(p.name, { hint: !!p.hint, error: !!p.error })}>
        {p.value ?? ''}
      </textarea>
    </>
  );
};

export const FormPage: FC<{
  c: PageContext;
  lang: Lang;
  token: string;
  officerName: string;
  values?: FeedbackForm;
  errors?: FieldError[];
}> = ({ c, lang, token, officerName, values = {}, errors = [] }) => {
  const t = tr(lang);
  const has = (p: string) => errors.some((e) => e.path === p);
  const isDim = (p: string) => (DIMENSIONS as readonly string[]).includes(p);
  return (
    <Layout c={c} lang={lang} title={t('formTitle')} public>
      <FormStyle />
      <div class="fb">
        <h1>{t('formTitle')}</h1>
        <p>{t('intro')}</p>
        <p>
          {t('servedBy')}: <strong id="officer-name">{officerName}</strong>
        </p>
        <ErrorSummary
          title={t('errorsTitle')}
          items={[...new Set(errors.map((e) => e.path))].map((p) => ({
            id: isDim(p) ? `${p}-1` : p,
            label: t(isDim(p) ? p : p === 'comment' ? 'comment' : 'complaintText'),
            messages: [t(errorKey[p] ?? 'errRating')],
          }))}
        />
        {/* multipart: the texts travel as UTF-8, not percent-encoded (three times longer), so the
            longest answers fit the form's 16 KiB body limit (hot-path.tsx) */}
        <form method="post" action={`/f/${token}`} accept-charset="utf-8" enctype="multipart/form-data">
          <input type="hidden" name="lang" value={lang} />
          {DIMENSIONS.map((d) => (
            <RatingGroup lang={lang} dim={d} value={values[d]} error={has(d)} />
          ))}
          <TextArea name="comment" label={t('comment')} max={COMMENT_MAX} value={values.comment} error={has('comment') ? t('errComment') : null} />
          <p class="check">
            <input type="checkbox" id="fileComplaint" name="fileComplaint" value="1" checked={!!values.fileComplaint} />
            <label for="fileComplaint">{t('fileComplaint')}</label>
          </p>
          <TextArea
            name="complaint"
            label={t('complaintText')}
            hint={t('complaintHint')}
            max={COMPLAINT_TEXT_MAX}
            value={values.complaint}
            error={has('complaint') ? t('errComplaint') : null}
          />
          {/* Honeypot: off-screen, hidden from assistive technology and out of the tab order. */}
          <div class="hp" aria-hidden="true">
            <label for="website">{t('website')}</label>
            <input type="text" id="website" name="website" tabindex={-1} autocomplete="off" value="" />
          </div>
          <button type="submit">{t('submit')}</button>
        </form>
      </div>
    </Layout>
  );
};

export const ThanksPage: FC<{
  c: PageContext;
  lang: Lang;
  receipt?: { auditIndex: number; leafHash: string };
  /** A complaint filed with the rating: its receipt, shown this once. */
  complaint?: { receipt: string; trackingUrl: string } | null;
}> = ({ c, lang, receipt, complaint }) => {
  const t = tr(lang);
  return (
    <Layout c={c} lang={lang} title={t('thanksTitle')} public>
      <FormStyle />
      <h1>{t('thanksTitle')}</h1>
      {receipt ? (
        <>
          <div class="notice ok" role="status">
            {t('thanksBody')}
          </div>
          <section aria-labelledby="receipt-title">
            <h2 id="receipt-title">{t('receiptTitle')}</h2>
            <p>{t('receiptBody')}</p>
            <dl class="receipt">
              <dt>{t('receiptIndex')}</dt>
              <dd class="mono" id="receipt-index">
                {receipt.auditIndex}
              </dd>
              <dt>{t('receiptHash')}</dt>
              <dd class="mono" id="receipt-hash">
                {receipt.leafHash}
              </dd>
            </dl>
            <p>
              <a id="receipt-verify" href={`/verify?index=${receipt.auditIndex}&hash=${receipt.leafHash}`}>
                {t('receiptVerify')}
              </a>
            </p>
          </section>
          {complaint && (
            <section aria-labelledby="complaint-receipt-title">
              <h2 id="complaint-receipt-title">{t('complaintReceiptTitle')}</h2>
              <p>{t('complaintReceiptBody')}</p>
              <p class="mono" id="complaint-receipt">
                {complaint.receipt}
              </p>
              <p>
                <a id="complaint-follow" href={`/c/${complaint.receipt}`}>
                  {t('complaintReceiptFollow')}
                </a>
              </p>
            </section>
          )}
        </>
      ) : (
        <div class="notice ok" role="status">
          {t('thanksNoReceipt')}
        </div>
      )}
    </Layout>
  );
};

export type RefusalKind = 'used' | 'expired' | 'unknown' | 'limit' | 'tooLarge';

export const RefusalPage: FC<{ c: PageContext; lang: Lang; kind: RefusalKind }> = ({ c, lang, kind }) => {
  const t = tr(lang);
  return (
    <Layout c={c} lang={lang} title={t(`${kind}Title`)} public>
      <h1>{t(`${kind}Title`)}</h1>
      <p id="refusal" data-kind={kind}>
        {t(`${kind}Body`)}
      </p>
    </Layout>
  );
};

export const SlipPage: FC<{
  c: PageContext;
  lang: Lang;
  bureauName: string;
  officerName: string;
  url: string;
  qrSvg: string;
  expiresAt: string;
}> = ({ c, lang, bureauName, officerName, url, qrSvg, expiresAt }) => {
  const t = tr(lang);
  return (
    <Layout c={c} lang={lang} title={t('slipTitle')} public>
      <FormStyle />
      <section class="slip">
        <h1>{bureauName}</h1>
        <p>
          {t('servedBy')}: <strong id="slip-officer">{officerName}</strong>
        </p>
        <p>{t('slipScan')}</p>
        <div class="qr" role="img" aria-label={url}>
          {raw(qrSvg)}
        </div>
        <p>
          {t('slipOr')}
          <br />
          <span class="mono" id="slip-link">
            {url}
          </span>
        </p>
        <p class="hint">
          {t('slipExpires')} {expiresAt.slice(0, 10)} · {t('slipAnonymous')}
        </p>
      </section>
    </Layout>
  );
};
