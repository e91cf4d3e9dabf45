/**
 * How every form shows what is wrong with it, first written for the taxpayer form (GOV.UK's
 * error-summary pattern): all the errors at once in a summary at the top, each a link to its
 * field; beside each field its own message, the field marked `aria-invalid` and tied to the
 * message (and its hint) by `aria-describedby`; the values come back as typed. One copy here, used
 * by the taxpayer form and the staff forms alike (ADR 0087).
 */
import type { Child } from 'hono/jsx';
import type { FieldError } from '../core/errors.js';
import { ApiError } from '../core/errors.js';
import { fieldMessage } from '../core/problems.js';
import type { Lang } from '../core/lang.js';

/** A field's errors by the form field they belong to (`investigators[2]` belongs to `investigators`). */
export type FieldMessages = Map<string, string[]>;

/** The form field of an error path: its first segment (`investigators[2]` and `policy.x` -> `investigators`, `policy`). */
export const fieldOf = (path: string): string => path.split(/[[.]/, 1)[0]!;

/**
 * A verb's field errors grouped by form field, each worded by `say` (the page's catalogue; the
 * verb's own message where `say` has none). Empty for a refusal without field errors.
 */
export function fieldMessages(error: unknown, say: (f: FieldError, field: string) => string | undefined = () => undefined): FieldMessages {
  const out: FieldMessages = new Map();
  const errors = error instanceof ApiError ? (error.errors ?? []) : [];
  for (const f of errors) {
    const field = fieldOf(f.path);
    const text = say(f, field) ?? f.message;
    const list = out.get(field) ?? [];
    if (!list.includes(text)) list.push(text);
    out.set(field, list);
  }
  return out;
}

/**
 * A refusal's field errors by form field, each in the page's language as the ErrorBox says them
 * (core/problems.ts `fieldMessage`): for a form that shows each beside its field.
 */
export const fieldErrorsIn = (error: unknown, lang: Lang): FieldMessages => fieldMessages(error, (f) => fieldMessage(f.message, lang));

/** The id of a field's error message, for `aria-describedby`. */
export const errorId = (id: string): string => `${id}-error`;

/**
 * The attributes that tie a control to its hint and its error: `aria-invalid` when it has one,
 * `aria-describedby` naming the hint and the message. Spread onto the input, select or textarea.
 */
export function invalidProps(id: string, opts: { error: boolean; hint?: boolean }): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } {
  const describedBy = [opts.hint ? `${id}-hint` : null, opts.error ? errorId(id) : null].filter(Boolean).join(' ');
  return { ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(opts.error ? { 'aria-invalid': 'true' as const } : {}) };
}

/** A field's own error message(s), above the control; nothing when it has none. */
export function FieldMessage(props: { id: string; messages?: string[] }) {
  if (!props.messages?.length) return <></>;
  return (
    <p class="error field-error" id={errorId(props.id)}>
      {props.messages.join(' ')}
    </p>
  );
}

export interface SummaryItem {
  /** The control's id: the summary links to it. */
  id: string;
  label: string;
  messages: string[];
}

/**
 * Every error of a refused form at once, at the top, as links to the fields (`role="alert"`, so
 * it is read out when the page comes back). `detail` is the refusal's sentence when it is more
 * than "correct the fields" (a conflict, a rule about oneself).
 */
export function ErrorSummary(props: { title: string; detail?: Child; items: SummaryItem[] }) {
  if (!props.items.length && !props.detail) return <></>;
  return (
    <div class="notice error" role="alert" aria-labelledby="errors-title">
      <strong id="errors-title">{props.title}</strong>
      {props.detail ? <p class="error-detail">{props.detail}</p> : null}
      {props.items.length > 0 && (
        <ul>
          {props.items.map((i) => (
            <li>
              <a href={`#${i.id}`}>
                {i.label}: {i.messages.join(' ')}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
