/** What the complaint pages share: their translator, stylesheet and the choice lists. */
import { PageStyle, domainT, recoverable } from '../pages/page-helpers.js';
import { ApiError, type FieldError } from '../core/errors.js';
import type { PageContext } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import { complaintMessages } from './messages.js';

export const ct = domainT(complaintMessages);

const css = `dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-word}
.receipt{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.3rem;letter-spacing:.05em;user-select:all}
.complaint-text{white-space:pre-wrap;border-left:4px solid var(--line);padding:.3rem .8rem;margin:.5rem 0}
.filters{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:flex-end}.filters label{margin-top:.3rem}.filters select,.filters input{width:auto}
.sub-nav{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.2rem 0 1rem;padding:0;list-style:none}
.status-received{color:var(--muted)}.status-in_review{color:#8a6100;font-weight:600}.status-closed{color:var(--ok);font-weight:600}
figure.chart{margin:1rem 0}figure.chart svg{max-width:100%;height:auto}
.change-up{color:var(--bad)}.change-down{color:var(--ok)}`;

export function ComplaintsStyle() {
  return <PageStyle css={css} />;
}

/** The links under the title of every staff complaint page. */
export function SubNav(props: { t: Translate; canEnter: boolean; /** HR only: the import page refuses anyone else. */ canImport?: boolean }) {
  const { t } = props;
  return (
    <ul class="sub-nav">
      <li>
        <a href="/complaints">{t('nav.list')}</a>
      </li>
      {props.canEnter && (
        <>
          <li>
            <a href="/complaints/new">{t('nav.new')}</a>
          </li>
          {props.canImport && (
            <li>
              <a href="/complaints/import">{t('nav.import')}</a>
            </li>
          )}
        </>
      )}
      <li>
        <a href="/complaints/analysis">{t('nav.analysis')}</a>
      </li>
    </ul>
  );
}

/** `<option>`s of a code list in the page's words; `selected` marks the current value. */
export function Options(props: { t: Translate; prefix: string; codes: readonly string[]; selected?: string; placeholder?: string }) {
  return (
    <>
      {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
      {props.codes.map((code) => (
        <option value={code} selected={props.selected === code}>
          {props.t(`${props.prefix}.${code}`)}
        </option>
      ))}
    </>
  );
}

/** A signed change in a count: `+3`, `−2`, `±0`. */
export function change(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}

/** A field error of the complaint verbs in the page's words (the verb's check stays the only check). */
function say(t: Translate, f: FieldError): string {
  const col = f.path.replace(/^line \d+: /, '');
  const m = f.message;
  if (/^no (officer|unit|taxpayer) /.test(m)) return t('err.unknown', { code: m.replace(/^no \w+ /, '') });
  if (m === 'in the future') return t('err.future');
  if (col === 'receivedAt') return t('err.date');
  if (col === 'text') return t('err.text');
  if (col === 'category') return t('err.category');
  if (col === 'channel') return t('err.channel');
  if (/ also on line (\d+)$/.test(m)) return t('err.ticketTwice', { line: /(\d+)$/.exec(m)![1]! });
  if (/already recorded$/.test(m)) return t('err.recorded');
  if (m === 'required') return t('err.required');
  if (m.startsWith('nobody enters')) return t('err.self');
  if (col === 'outcome') return t('err.outcome');
  return m;
}

/** A refusal of a complaint verb to show on a page: its fields in the page's words, under the page's heading. */
export function complaintRefusal(c: PageContext, e: unknown): ApiError {
  const err = recoverable(e);
  const { t } = ct(c);
  if (!err.errors?.length) {
    const key = ({ invalid_transition: 'complaint_stale', stale_complaint: 'complaint_stale', own_case: 'complaint_own', forbidden: 'complaint_forbidden' } as Record<string, string>)[err.code];
    return key ? new ApiError(err.status, err.code, err.message).say(key) : err;
  }
  const worded = new ApiError(err.status, err.code, t('err.heading'), err.errors.map((f) => ({ path: f.path, message: say(t, f) })));
  worded.spoken = true;
  return worded;
}
