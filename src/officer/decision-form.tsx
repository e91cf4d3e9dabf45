/** The decision form (record and amend): its fields, and the verb's input built from a post. */
import type { z } from '@hono/zod-openapi';
import type { ApiError } from '../core/errors.js';
import type { Unchecked } from '../core/validate.js';
import type { Lang, Translate } from '../pages/i18n.js';
import { ErrorBox } from '../pages/layout.js';
import { ErrorSummary, FieldMessage, fieldMessages, invalidProps, type FieldMessages } from '../pages/form-fields.js';
import { inPageWords, str, type Form } from '../pages/page-helpers.js';
import type { recordDecisionInput } from '../decisions/record.js';
import { recordableTypes } from '../decisions/policy.js';

/** The fields a form sends; kept as strings so a refused form comes back as the user typed it. */
export type DecisionValues = Record<string, string>;

/** A money field: empty is "not given"; thousands separators (, ，and spaces) are allowed. Not a number: the text, for the verb's schema to refuse. */
function moneyField(v: string): number | string | undefined {
  const s = v.replace(/[,\s，]/g, '');
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : v;
}

export type DecisionFormInput = Unchecked<z.input<typeof recordDecisionInput>>;

/** Officer codes typed into one field, separated by commas (, or ，) or spaces. */
function codeList(v: string): string[] | undefined {
  const codes = v.split(/[,，\s]+/).filter(Boolean);
  return codes.length ? codes : undefined;
}

/**
 * The verb's input as the form gives it. The verb validates it with its own schema, so the page
 * and the API refuse the same things with the same field paths. The panel is not on the form: the
 * service draws it, and its members vote on /me/reviews.
 */
export function decisionInput(form: Form, fixed?: { type: string; taxpayerCode: string; amends: string }): DecisionFormInput {
  return {
    type: fixed?.type ?? str(form, 'type'),
    taxpayerCode: fixed?.taxpayerCode ?? str(form, 'taxpayerCode'),
    amount: moneyField(str(form, 'amount')),
    threshold: moneyField(str(form, 'threshold')),
    justification: str(form, 'justification'),
    decidedAt: str(form, 'decidedAt'),
    investigators: codeList(str(form, 'investigators')),
    violationType: str(form, 'violationType') || undefined,
    ...(fixed ? { amends: fixed.amends, amendReason: str(form, 'amendReason') || undefined } : {}),
  };
}

/** The verb's refusal of a decision form, headed in the form's words (the fields say the rest). */
export function decisionFormError(e: ApiError, _input: DecisionFormInput, t: Translate): ApiError {
  return inPageWords(e, t('dec.formErrors'));
}

/** The control of each field the verb names, and its label. */
const controls: Record<string, { id: string; label: string }> = {
  type: { id: 'dec-type', label: 'dec.type' },
  taxpayerCode: { id: 'dec-taxpayer', label: 'dec.taxpayer' },
  amount: { id: 'dec-amount', label: 'dec.amount' },
  threshold: { id: 'dec-threshold', label: 'dec.threshold' },
  violationType: { id: 'dec-violation', label: 'dec.violationType' },
  justification: { id: 'dec-justification', label: 'dec.justification' },
  decidedAt: { id: 'dec-decided', label: 'dec.decidedAt' },
  investigators: { id: 'dec-investigators', label: 'dec.investigators' },
  amendReason: { id: 'dec-amend-reason', label: 'dec.amendReason' },
};

/** The code an `investigators[i]` error is about, from the field as typed. */
const investigatorAt = (path: string, v: DecisionValues): string => {
  const i = Number(/\[(\d+)\]/.exec(path)?.[1] ?? -1);
  return codeList(v.investigators ?? '')?.[i] ?? '';
};

/** A decision form's field errors in the page's words, by field (all of them: the verb reports every one). */
export function decisionFieldMessages(error: unknown, v: DecisionValues, t: Translate): FieldMessages {
  return fieldMessages(error, (f, field) => {
    const m = f.message;
    switch (field) {
      case 'type':
        return m.startsWith('an amendment') ? t('dec.err.typeKept') : t('dec.err.type');
      case 'taxpayerCode':
        return m.startsWith('no taxpayer') ? t('dec.err.taxpayerUnknown', { code: v.taxpayerCode ?? '' }) : m.startsWith('an amendment') ? t('dec.err.taxpayerKept') : t('dec.err.taxpayer');
      case 'amount':
        return m.startsWith('required for') ? t('dec.err.amountRequired') : m.startsWith('not used') ? t('dec.err.amountNone') : t('dec.err.amount');
      case 'threshold':
        return t('dec.err.threshold');
      case 'justification':
        return t('dec.err.justification');
      case 'decidedAt':
        return m === 'must not be in the future' ? t('dec.err.decidedAtFuture') : t('dec.err.decidedAt');
      case 'violationType':
        return t('dec.err.violationType');
      case 'investigators':
        return m.endsWith('listed twice')
          ? t('dec.err.investigatorTwice', { code: investigatorAt(f.path, v) })
          : m.startsWith('no officer')
            ? t('dec.err.investigatorUnknown', { code: investigatorAt(f.path, v) })
            : t('dec.err.investigators');
      case 'amendReason':
        return t('dec.err.amendReason');
      default:
        return undefined;
    }
  });
}

/**
 * Every error of a refused decision form at once, each a link to its field; a refusal about no
 * field (a role, one's own case, an amendment already amended) in its own words.
 */
export function DecisionErrors(props: { t: Translate; lang: Lang; error?: unknown; fields: FieldMessages }) {
  const { t, fields } = props;
  if (props.error === undefined) return <></>;
  const items = [...fields].filter(([f]) => controls[f]).map(([f, messages]) => ({ id: controls[f]!.id, label: t(controls[f]!.label), messages }));
  const other = [...fields].filter(([f]) => !controls[f]);
  if (!items.length) return <ErrorBox error={props.error} lang={props.lang} />;
  return (
    <ErrorSummary
      title={t('form.errorsTitle')}
      detail={other.length ? other.map(([, m]) => m.join(' ')).join(' ') : undefined}
      items={items}
    />
  );
}

/** A control's error beside it and the attributes that tie the two. */
const errorOf = (fields: FieldMessages, name: string, hint = false) => ({
  message: <FieldMessage id={controls[name]!.id} messages={fields.get(name)} />,
  aria: invalidProps(controls[name]!.id, { hint, error: fields.has(name) }),
});

/** A text field with its hint under the label and its error beside it (amount, threshold, violation type, investigators). */
function HintedText(props: { t: Translate; name: string; hint: string; v: DecisionValues; fields: FieldMessages; inputmode?: 'decimal'; maxlength?: number; autocomplete?: 'off' }) {
  const { id, label } = controls[props.name]!;
  const e = errorOf(props.fields, props.name, true);
  return (
    <>
      <label for={id}>
        {props.t(label)}
        <span class="hint" id={`${id}-hint`}>
          {props.t(props.hint)}
        </span>
      </label>
      {e.message}
      <input id={id} name={props.name} type="text" inputmode={props.inputmode} maxlength={props.maxlength} autocomplete={props.autocomplete} value={props.v[props.name] ?? ''} {...e.aria} />
    </>
  );
}

/** Shared fields of the record and amend forms. */
export function DecisionFields(props: { t: Translate; v: DecisionValues; amend?: boolean; fields?: FieldMessages }) {
  const { t, v } = props;
  const fields = props.fields ?? new Map();
  const type = errorOf(fields, 'type');
  const taxpayer = errorOf(fields, 'taxpayerCode');
  const justification = errorOf(fields, 'justification');
  const decided = errorOf(fields, 'decidedAt');
  return (
    <>
      {!props.amend && (
        <>
          <label for="dec-type">{t('dec.type')}</label>
          {type.message}
          <select id="dec-type" name="type" required {...type.aria}>
            {recordableTypes.map((ty) => (
              <option value={ty} selected={v.type === ty}>
                {t(`dec.type.${ty}`)}
              </option>
            ))}
          </select>
          <label for="dec-taxpayer">{t('dec.taxpayer')}</label>
          {taxpayer.message}
          <input id="dec-taxpayer" name="taxpayerCode" type="text" required maxlength={64} autocomplete="off" value={v.taxpayerCode ?? ''} {...taxpayer.aria} />
        </>
      )}
      <HintedText t={t} name="amount" hint="dec.amountHint" v={v} fields={fields} inputmode="decimal" autocomplete="off" />
      <HintedText t={t} name="threshold" hint="dec.thresholdHint" v={v} fields={fields} inputmode="decimal" autocomplete="off" />
      <HintedText t={t} name="violationType" hint="dec.violationTypeHint" v={v} fields={fields} maxlength={100} />
      <label for="dec-justification">{t('dec.justification')}</label>
      {justification.message}
      <textarea id="dec-justification" name="justification" required maxlength={4000} {...justification.aria}>
        {v.justification ?? ''}
      </textarea>
      <label for="dec-decided">{t('dec.decidedAt')}</label>
      {decided.message}
      <input id="dec-decided" name="decidedAt" type="date" required value={v.decidedAt ?? ''} {...decided.aria} />
      <HintedText t={t} name="investigators" hint="dec.investigatorsHint" v={v} fields={fields} maxlength={400} autocomplete="off" />
      <p class="hint">{t('dec.panelDrawn')}</p>
    </>
  );
}

/** The amendment's reason, with its error. */
export function AmendReason(props: { t: Translate; v: DecisionValues; fields?: FieldMessages }) {
  const reason = errorOf(props.fields ?? new Map(), 'amendReason');
  return (
    <>
      <label for="dec-amend-reason">{props.t('dec.amendReason')}</label>
      {reason.message}
      <textarea id="dec-amend-reason" name="amendReason" required maxlength={2000} {...reason.aria}>
        {props.v.amendReason ?? ''}
      </textarea>
    </>
  );
}
