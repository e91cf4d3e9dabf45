/** The decision form (record and amend): its fields, and the verb's input built from a post. */
import type { z } from '@hono/zod-openapi';
import type { ApiError } from '../core/errors.js';
import type { Unchecked } from '../core/validate.js';
import type { Translate } from '../pages/i18n.js';
import { inPageWords, str, type Form } from '../pages/page-helpers.js';
import type { recordDecisionInput } from '../decisions/record.js';
import { recordableTypes } from '../decisions/policy.js';

/** Panel rows on the form; a panel is usually three to five members. */
const REVIEWER_ROWS = 5;

/** The fields a form sends; kept as strings so a refused form comes back as the user typed it. */
export type DecisionValues = Record<string, string>;

/** A money field: empty is "not given"; thousands separators (, ，and spaces) are allowed. Not a number: the text, for the verb's schema to refuse. */
function moneyField(v: string): number | string | undefined {
  const s = v.replace(/[,\s，]/g, '');
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : v;
}

export type DecisionFormInput = Unchecked<z.input<typeof recordDecisionInput>> & { reviewers?: { officerCode: string; vote: string | null }[] };

/**
 * The verb's input as the form gives it. The verb validates it with its own schema, so the page
 * and the API refuse the same things with the same field paths; a reviewer row with a vote and
 * no code goes in with an empty code, for the schema to name.
 */
export function decisionInput(form: Form, fixed?: { type: string; taxpayerCode: string; amends: string }): DecisionFormInput {
  const reviewers: { officerCode: string; vote: string | null }[] = [];
  for (let i = 0; i < REVIEWER_ROWS; i++) {
    const code = str(form, `reviewer_code_${i}`);
    const vote = str(form, `reviewer_vote_${i}`);
    if (!code && !vote) continue;
    reviewers.push({ officerCode: code, vote: vote === 'approve' || vote === 'reject' ? vote : null });
  }
  return {
    type: fixed?.type ?? str(form, 'type'),
    taxpayerCode: fixed?.taxpayerCode ?? str(form, 'taxpayerCode'),
    amount: moneyField(str(form, 'amount')),
    threshold: moneyField(str(form, 'threshold')),
    justification: str(form, 'justification'),
    decidedAt: str(form, 'decidedAt'),
    reviewers: reviewers.length ? reviewers : undefined,
    violationType: str(form, 'violationType') || undefined,
    ...(fixed ? { amends: fixed.amends, amendReason: str(form, 'amendReason') || undefined } : {}),
  };
}

/** The verb's refusal of a decision form in the form's words: a number field that is text, a vote without a code. */
export function decisionFormError(e: ApiError, input: DecisionFormInput, t: Translate): ApiError {
  return inPageWords(e, t('dec.formErrors'), (f) => {
    if ((f.path === 'amount' || f.path === 'threshold') && typeof input[f.path] === 'string') return t('dec.notNumber');
    const row = /^reviewers\[(\d+)\]\.officerCode$/.exec(f.path);
    if (row && input.reviewers?.[Number(row[1])]?.officerCode === '') return t('dec.voteWithoutCode');
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
      <fieldset>
        <legend>{t('dec.reviewers')}</legend>
        <p class="hint">{t('dec.reviewersHint')}</p>
        {Array.from({ length: REVIEWER_ROWS }, (_, i) => (
          <div class="reviewer-row">
            <div>
              <label for={`rev-code-${i}`}>{t('dec.reviewerCode', { n: i + 1 })}</label>
              <input id={`rev-code-${i}`} name={`reviewer_code_${i}`} type="text" maxlength={64} autocomplete="off" value={v[`reviewer_code_${i}`] ?? ''} />
            </div>
            <div>
              <label for={`rev-vote-${i}`}>{t('dec.reviewerVote', { n: i + 1 })}</label>
              <select id={`rev-vote-${i}`} name={`reviewer_vote_${i}`}>
                <option value="">{t('dec.vote.none')}</option>
                <option value="approve" selected={v[`reviewer_vote_${i}`] === 'approve'}>
                  {t('dec.vote.approve')}
                </option>
                <option value="reject" selected={v[`reviewer_vote_${i}`] === 'reject'}>
                  {t('dec.vote.reject')}
                </option>
              </select>
            </div>
          </div>
        ))}
      </fieldset>
    </>
  );
}
