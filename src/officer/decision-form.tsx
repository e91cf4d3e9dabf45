/** The decision form (record and amend): its fields, and the verb's input built from a post. */
import { zodErrors } from '../core/http.js';
import { badRequest, type FieldError } from '../core/errors.js';
import type { Translate } from '../pages/i18n.js';
import { str, type Form } from '../pages/page-helpers.js';
import { recordDecisionInput, type RecordDecisionInput } from '../decisions/record.js';
import { recordableTypes } from '../decisions/policy.js';

/** Panel rows on the form; a panel is usually three to five members. */
const REVIEWER_ROWS = 5;

/** The fields a form sends; kept as strings so a refused form comes back as the user typed it. */
export type DecisionValues = Record<string, string>;

/** A money field: empty is "not given"; thousands separators (, ，and spaces) are allowed. */
function moneyField(v: string, path: string, errors: FieldError[], t: Translate): number | undefined {
  const s = v.replace(/[,\s，]/g, '');
  if (s === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    errors.push({ path, message: t('dec.notNumber') });
    return undefined;
  }
  return n;
}

/**
 * Builds the verb's input from the form, validated with the verb's own schema so that the page
 * and the API refuse the same things with the same field paths.
 */
export function decisionInput(form: Form, t: Translate, fixed?: { type: string; taxpayerCode: string; amends: string }): RecordDecisionInput {
  const errors: FieldError[] = [];
  const reviewers: { officerCode: string; vote?: 'approve' | 'reject' | null }[] = [];
  for (let i = 0; i < REVIEWER_ROWS; i++) {
    const code = str(form, `reviewer_code_${i}`);
    const vote = str(form, `reviewer_vote_${i}`);
    if (!code) {
      if (vote) errors.push({ path: `reviewers[${i}].officerCode`, message: t('dec.voteWithoutCode') });
      continue;
    }
    reviewers.push({ officerCode: code, vote: vote === 'approve' || vote === 'reject' ? vote : null });
  }
  const raw: Record<string, unknown> = {
    type: fixed?.type ?? str(form, 'type'),
    taxpayerCode: fixed?.taxpayerCode ?? str(form, 'taxpayerCode'),
    amount: moneyField(str(form, 'amount'), 'amount', errors, t),
    threshold: moneyField(str(form, 'threshold'), 'threshold', errors, t),
    justification: str(form, 'justification'),
    decidedAt: str(form, 'decidedAt'),
    reviewers: reviewers.length ? reviewers : undefined,
    violationType: str(form, 'violationType') || undefined,
  };
  if (fixed) {
    raw.amends = fixed.amends;
    raw.amendReason = str(form, 'amendReason') || undefined;
    if (!raw.amendReason) errors.push({ path: 'amendReason', message: 'an amendment needs a reason' });
  }
  const parsed = recordDecisionInput.safeParse(raw);
  if (!parsed.success) errors.push(...zodErrors(parsed.error.issues));
  if (errors.length || !parsed.success) throw badRequest(t('dec.formErrors'), errors);
  return parsed.data;
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
