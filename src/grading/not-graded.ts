/**
 * Why an officer was not graded (a quarter) or not rated (the year), in words. The engine states
 * the reason in a fixed English form with its figures (`active 30 days < 45`, `graded in 1
 * quarter < 2`); pages and exports say it in the reader's language from those figures. A reason
 * of another form (a future rule) is passed through as it is rather than lost.
 */
/** The languages of the pages (src/pages/i18n.ts); spelled here so a domain file imports no page. */
type Lang = 'zh-CN' | 'en';

const forms: { re: RegExp; say: Record<Lang, (m: RegExpExecArray) => string> }[] = [
  {
    re: /^active (\d+) days < (\d+)$/,
    say: { 'zh-CN': (m) => `本季度在岗 ${m[1]} 天，不足参评所需的 ${m[2]} 天`, en: (m) => `active ${m[1]} days in the quarter, fewer than the ${m[2]} needed` },
  },
  {
    re: /^graded in (\d+) quarters? < (\d+)$/,
    say: { 'zh-CN': (m) => `年度内参评 ${m[1]} 个季度，不足 ${m[2]} 个季度`, en: (m) => `graded in ${m[1]} of the year's quarters, fewer than ${m[2]}` },
  },
  {
    re: /^no active days in the quarters graded$/,
    say: { 'zh-CN': () => '参评季度内没有在岗天数', en: () => 'no active days in the quarters graded' },
  },
];

/** The reason in `lang`; '' when there is none. */
export function notGradedReason(reason: string | null | undefined, lang: Lang): string {
  if (!reason) return '';
  for (const f of forms) {
    const m = f.re.exec(reason);
    if (m) return f.say[lang](m);
  }
  return reason;
}

/** The reason for a CSV cell read by HR in a spreadsheet: Chinese, then the engine's own words. */
export const exportReason = (reason: string | null | undefined): string => (reason ? `${notGradedReason(reason, 'zh-CN')} (${reason})` : '');
