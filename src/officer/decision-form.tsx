/** The decision form (record and amend): its fields, and the verb's input built from a post. */
import type { z } from '@hono/zod-openapi';
import type { ApiError } from '../core/errors.js';
import type { Unchecked } from '../core/validate.js';
import type { Translate } from '../pages/i18n.js';
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

/** The verb's refusal of a decision form in the form's words: a number field that is text. */
export function decisionFormError(e: ApiError, input: DecisionFormInput, t: Translate): ApiError {
  return inPageWords(e, t('dec.formErrors'), (f) => {
    if ((f.path === 'amount' || f.path === 'threshold') && typeof input[f.path] === 'string') return t('dec.notNumber');
    return undefined;
  });
}

/** Shared fields of the record and amend forms. */
export function DecisionFields(props: { t: Translate; v: DecisionValues; amend?: boolean }) {
  const { t, v } = props;
  return (
    <>
      {!props.amend && (
        <>
          <label for="dec-type">{t('dec.type')}</label>
          <select id="dec-type" name="type" required>
            {recordableTypes.map((ty) => (
              <option value={ty} selected={v.type === ty}>
                {t(`dec.type.${ty}`)}
              </option>
            ))}
          </select>
          <label for="dec-taxpayer">{t('dec.taxpayer')}</label>
          <input id="dec-taxpayer" name="taxpayerCode" type="text" required maxlength={64} autocomplete="off" value={v.taxpayerCode ?? ''} />
        </>
      )}
      <label for="dec-amount">
        {t('dec.amount')}
        <span class="hint">{t('dec.amountHint')}</span>
      </label>
      <input id="dec-amount" name="amount" type="text" inputmode="decimal" autocomplete="off" value={v.amount ?? ''} />
      <label for="dec-threshold">
        {t('dec.threshold')}
        <span class="hint">{t('dec.thresholdHint')}</span>
      </label>
      <input id="dec-threshold" name="threshold" type="text" inputmode="decimal" autocomplete="off" value={v.threshold ?? ''} />
      <label for="dec-violation">
        {t('dec.violationType')}
        <span class="hint">{t('dec.violationTypeHint')}</span>
      </label>
      <input id="dec-violation" name="violationType" type="text" maxlength={100} value={v.violationType ?? ''} />
      <label for="dec-justification">{t('dec.justification')}</label>
      <textarea id="dec-justification" name="justification" required maxlength={4000}>
        {v.justification ?? ''}
      </textarea>
      <label for="dec-decided">{t('dec.decidedAt')}</label>
      <input id="dec-decided" name="decidedAt" type="date" required value={v.decidedAt ?? ''} />
      <label for="dec-investigators">
        {t('dec.investigators')}
        <span class="hint">{t('dec.investigatorsHint')}</span>
      </label>
      <input id="dec-investigators" name="investigators" type="text" maxlength={400} autocomplete="off" value={v.investigators ?? ''} />
      <p class="hint">{t('dec.panelDrawn')}</p>
    </>
  );
}
