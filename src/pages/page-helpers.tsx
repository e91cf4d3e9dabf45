/**
 * The small pieces every staff page uses: reading a posted form, formatting numbers and times,
 * turning a verb's refusal into a page status, and a page's own stylesheet. One copy here, so a
 * page file holds only its page.
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { ApiError, type FieldError } from '../core/errors.js';
import { InputError } from '../core/validate.js';
import { pageT, type PageContext } from './layout.js';
import type { Messages, Translate } from './i18n.js';
import { messages } from './messages.js';

/** A parsed `application/x-www-form-urlencoded` or multipart body (`c.req.parseBody()`). */
export type Form = Record<string, string | File | (string | File)[]>;

/** The statuses a page answers with when it shows a refused form again. */
export type PageStatus = 200 | 201 | 400 | 403 | 404 | 409;

/** A text field, trimmed; '' when absent or not text. */
export const str = (f: Form, k: string): string => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');

/** A number field: undefined when empty, so the verb's schema names the missing field. */
export const num = (f: Form, k: string): number | undefined => {
  const s = str(f, k);
  return s === '' ? undefined : Number(s);
};

/** The text fields of a form, untrimmed, so a refused form comes back as the user typed it. */
export function valuesOf(form: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

export const enc = encodeURIComponent;

/** A score with `d` decimals; '–' when there is none. */
export const fmt = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? '–' : x.toFixed(d));

/** An amount in yuan with thousands separators (a decided amount, a threshold: `20,000`); '–' when there is none. */
export const money = (x: unknown): string => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '–');

/**
 * Pay in yuan as every page writes it: thousands separators and the fen (`3,000.00`), the way
 * the payroll export and payslips have it; '–' when there is none.
 */
export const pay = (x: unknown): string => (typeof x === 'number' ? x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : '–');

/**
 * A stored time as `YYYY-MM-DD HH:MM UTC`. A date alone (`YYYY-MM-DD`, e.g. a decision's day)
 * stays a date: it is a calendar day, not an instant, so it gets no time zone.
 */
export const when = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')}${iso.length > 10 ? ' UTC' : ''}` : '');

/** The page status for a verb's refusal: its own 403, 404 or 409; anything else is the form's 400. */
export function statusOf(e: unknown): 400 | 403 | 404 | 409 {
  if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 409)) return e.status;
  return 400;
}

/**
 * A schema refusal in the page's words: `detail` instead of the API's sentence, and each field's
 * message from `say` where it has a friendlier one (the verb's check stays the only check).
 */
export function inPageWords(e: ApiError, detail: string, say: (f: FieldError) => string | undefined = () => undefined): ApiError {
  if (!(e instanceof InputError)) return e;
  const worded = new ApiError(400, e.code, detail, (e.errors ?? []).map((f) => ({ path: f.path, message: say(f) ?? f.message })));
  worded.spoken = true;
  return worded;
}

/** A verb's refusal to show on the page again; re-throws what a page should not swallow (unexpected errors, sign-in needed). */
export function recoverable(e: unknown): ApiError {
  if (!(e instanceof ApiError) || e.status >= 500 || e.status === 401) throw e;
  return e;
}

/**
 * What a page shows for a verb's refusal of a posted form: `recoverable`, and a schema refusal
 * headed in the page's language ("please correct the following") with the schema's field errors
 * (ErrorBox says each field's message in the page's language, core/problems.ts).
 */
export function formRefusal(c: PageContext, e: unknown): ApiError {
  const { t } = pageT(c, messages);
  // A period is read the same way everywhere (core/period.ts), so its refusal has one wording too.
  const err = inPageWords(recoverable(e), t('error.fields'));
  const isPeriod = (f: FieldError) => /^(period|effectiveFrom)$/.test(f.path);
  if (!err.errors?.some(isPeriod)) return err;
  const worded = new ApiError(err.status as 400, err.code, err.message, err.errors.map((f) => (isPeriod(f) ? { path: f.path, message: t('form.period') } : f)));
  // The refusal's own sentence (ADR 0082) stays with it.
  if (err.textKey) worded.say(err.textKey, err.params);
  worded.spoken = err.spoken;
  return worded;
}

/** The translator of one domain's pages: the shell's catalogue plus the domain's. */
export function domainT(catalogue: Messages): (c: PageContext) => { lang: ReturnType<typeof pageT>['lang']; t: Translate } {
  return (c) => pageT(c, catalogue);
}

/** A page's own rules on top of the shell's stylesheet. */
export function PageStyle(props: { css: string }) {
  return <style>{raw(props.css)}</style>;
}

/** Facts as a two-column definition list. */
export function Facts(props: { rows: [string, Child][]; testid?: string }) {
  return (
    <dl class="facts" data-testid={props.testid}>
      {props.rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}
