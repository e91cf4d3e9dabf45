/**
 * Refusals in the words of the person who reads them (ADR 0082). A verb throws an ApiError with
 * its code (and, where the code alone says too little, `.say(key, params)`); the one error
 * handler and every page render `detail` from `problem.<key>` (the code when no key was said) in
 * the request's language: the API by Accept-Language, a page by its page language. The English
 * sentence the verb wrote stays the fallback for a refusal without a catalogue entry.
 */
import { ApiError } from './errors.js';
import { translator, type Lang } from './lang.js';
import { problemMessages } from './problem-messages.js';

const say = translator('zh-CN', problemMessages);

function lookup(lang: Lang, key: string, params?: Record<string, string | number>): string | undefined {
  if (!(key in problemMessages)) return undefined;
  return translator(lang, problemMessages)(key, params);
}

/**
 * A refusal's `detail` in `lang`: its said sentence; else in English the verb's own sentence, in
 * zh-CN its code's sentence, or undefined when the catalogue has none, so that a page can say
 * something general rather than show English.
 */
export function problemDetail(err: ApiError, lang: Lang): string | undefined {
  if (err.spoken) return err.message;
  const said = err.textKey ? lookup(lang, `problem.${err.textKey}`, err.params) : undefined;
  if (said !== undefined) return said;
  // The verb's own English names more than its code's general sentence ("No flag F1.").
  if (lang === 'en') return err.message;
  return lookup(lang, `problem.${err.code}`, err.params);
}

/** One catalogue sentence by its key (`problem.<key>`), for a page that names a refusal without throwing it. */
export function problemSentence(lang: Lang, key: string, params?: Record<string, string | number>): string {
  return translator(lang, problemMessages)(`problem.${key}`, params);
}

/**
 * A field's message in `lang`. The schemas (zod and the verbs' own checks) write English; the
 * common shapes are said again here, and in zh-CN anything else becomes a general "not valid"
 * so that no English reaches a Chinese page. The field's path stays as it is.
 */
export function fieldMessage(message: string, lang: Lang): string {
  // English stays as the schema wrote it; a message a page already wrote in Chinese stays too.
  if (lang === 'en' || /[\u3400-\u9fff]/.test(message)) return message;
  for (const [re, key, pick] of fieldPatterns) {
    const m = re.exec(message.trim());
    if (m) return say(key, pick ? pick(m) : undefined);
  }
  return say('field.invalid');
}

/**
 * The same refusal with its detail rendered in `lang` (for problem+json). The fields' messages
 * stay as the schema wrote them: the API's clients are programs that read `path`; a page says
 * them in its language (ErrorBox).
 */
export function inLanguage(err: ApiError, lang: Lang): ApiError {
  const detail = problemDetail(err, lang) ?? err.message;
  const out = new ApiError(err.status as 400, err.code, detail, err.errors, err.headers);
  out.textKey = err.textKey;
  out.params = err.params;
  out.spoken = true;
  return out;
}

type Pick = (m: RegExpExecArray) => Record<string, string | number>;

// The shapes zod (v3) and the verbs write, most specific first.
const fieldPatterns: [RegExp, string, Pick?][] = [
  [/^(required|Required|is required|required for role officer|required when .+)$/, 'field.required'],
  [/^a reason is required$/i, 'field.reason'],
  [/^String must contain at least (\d+) character\(s\)$/, 'field.minChars', (m) => ({ n: m[1]! })],
  [/^String must contain at most (\d+) character\(s\)$/, 'field.maxChars', (m) => ({ n: m[1]! })],
  [/^Number must be greater than or equal to (-?[\d.]+)$/, 'field.min', (m) => ({ n: m[1]! })],
  [/^Number must be less than or equal to (-?[\d.]+)$/, 'field.max', (m) => ({ n: m[1]! })],
  [/^Number must be greater than (-?[\d.]+)$/, 'field.above', (m) => ({ n: m[1]! })],
  [/^Number must be less than (-?[\d.]+)$/, 'field.below', (m) => ({ n: m[1]! })],
  [/^Expected integer, received float$/, 'field.integer'],
  [/^Expected number, received (nan|string)$/, 'field.number'],
  [/^Expected (string|number|boolean|array|object), received (undefined|null)$/, 'field.required'],
  [/^Expected .+, received .+$/, 'field.type'],
  [/^Invalid enum value\./, 'field.choice'],
  [/^Invalid (date|datetime)/i, 'field.date'],
  [/(expected YYYY-MM-DD|a date like)/, 'field.date'],
  [/(expected YYYYQn|a quarter like)/, 'field.period'],
  [/^Unrecognized key\(s\) in object: (.+)$/, 'field.unknownKeys', (m) => ({ keys: m[1]! })],
  [/^no (officer|taxpayer|unit|supervisor) (.+)$/, 'field.unknownRef', (m) => ({ code: m[2]! })],
  [/^(unknown|no such) /i, 'field.unknown'],
  [/^must be a whole number/i, 'field.integer'],
  [/(duplicate|appears twice|more than once)/i, 'field.duplicate'],
  [/not valid UTF-8/i, 'field.utf8'],
  [/(not valid JSON|malformed JSON)/i, 'field.json'],
  [/(in the future|cannot be in the future|a time to come)/i, 'field.future'],
  [/^only (with|when) /, 'field.notNow'],
  [/^not needed now$/, 'field.notNow'],
  [/^same as the current tier$/, 'field.sameTier'],
];

export { problemMessages } from './problem-messages.js';
