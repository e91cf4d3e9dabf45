/**
 * The taxpayer pages under /f: the form, its submission, the QR code and the printable slip.
 * Public (no account): the invitation token in the path is the only credential.
 */
import type { Context, MiddlewareHandler } from 'hono';
import QRCode from 'qrcode';
import { bodyLimit } from 'hono/body-limit';
import { createRouter, type AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { invitationUrl } from './invitations.js';
import { openFeedbackForm, submitFeedback, type FeedbackForm } from './submit.js';
import { clientAddress } from './guessing.js';
import { langOf, parseLang, type Lang } from '../pages/i18n.js';
import { FormPage, RefusalPage, SlipPage, ThanksPage, type RefusalKind } from './pages.js';
import { GUESS_WINDOW_MS } from './policy.js';

/** The shell's langOf (?lang=, the lang cookie, Accept-Language); a posted form keeps its own. */
function pageLang(c: Context<AppEnv>, posted?: string): Lang {
  return parseLang(c.req.query('lang')) ?? parseLang(posted) ?? langOf(c);
}

const refusalByCode: Record<string, { kind: RefusalKind; status: 404 | 410 | 429 }> = {
  invitation_unknown: { kind: 'unknown', status: 404 },
  invitation_used: { kind: 'used', status: 410 },
  invitation_expired: { kind: 'expired', status: 410 },
  too_many_attempts: { kind: 'limit', status: 429 },
};

/** Our refusals as friendly pages in the taxpayer's language; anything else goes to onError. */
function refusalPage(c: Context<AppEnv>, lang: Lang, err: unknown) {
  if (err instanceof ApiError && refusalByCode[err.code]) {
    const { kind, status } = refusalByCode[err.code]!;
    if (status === 429) c.header('retry-after', String(Math.ceil(GUESS_WINDOW_MS / 1000)));
    c.header('cache-control', 'no-store');
    return c.html(<RefusalPage c={c} lang={lang} kind={kind} />, status);
  }
  throw err;
}

/** A rendered page cut at its placeholders: odd entries name the value that goes there. */
type Template = string[];
const thanksTemplates = new WeakMap<object, Map<Lang, Template>>();

/**
 * The thank-you page is the hot path's only page, and it is the same for every submission but for
 * the token (in the language switch link) and the receipt. It is rendered once per app and
 * language with the request's own values, which are then swapped for placeholders (the token is
 * 256 random bits, the receipt a number and a hex hash: none can collide with other page text).
 */
async function thanksHtml(c: Context<AppEnv>, lang: Lang, token: string, auditIndex: number, leafHash: string): Promise<string> {
  const key = c.get('ctx').config;
  let byLang = thanksTemplates.get(key);
  if (!byLang) thanksTemplates.set(key, (byLang = new Map()));
  let tpl = byLang.get(lang);
  if (!tpl) {
    const html = String(await (<ThanksPage c={c} lang={lang} receipt={{ auditIndex, leafHash }} />).toString());
    const marked = html.split(token).join('\u0000T\u0000').split(leafHash).join('\u0000H\u0000').split(`>${auditIndex}<`).join('>\u0000I\u0000<').split(`index=${auditIndex}&`).join('index=\u0000I\u0000&');
    tpl = marked.split('\u0000');
    byLang.set(lang, tpl);
  }
  const values: Record<string, string> = { T: token, H: leafHash, I: String(auditIndex) };
  let out = tpl[0]!;
  for (let i = 1; i < tpl.length; i += 2) out += values[tpl[i]!]! + tpl[i + 1]!;
  return out;
}

const formString = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const formRoutes = createRouter();

formRoutes.get('/f/:token', async (c) => {
  const lang = pageLang(c);
  const token = c.req.param('token');
  c.header('cache-control', 'no-store');
  try {
    const inv = await openFeedbackForm({ ctx: c.get('ctx'), input: { token, address: clientAddress(c) } });
    return c.html(<FormPage c={c} lang={lang} token={token} officerName={inv.officerName} />);
  } catch (err) {
    return refusalPage(c, lang, err);
  }
});

/**
 * The form is four digits and two short texts; a body far beyond that is refused before it is
 * read into memory (64 KiB leaves room for 3,000 characters of CJK text, percent-encoded).
 */
const FORM_MAX_BYTES = 64 * 1024;

const formBodyLimit = bodyLimit({
  maxSize: FORM_MAX_BYTES,
  onError: (c) => c.html(<RefusalPage c={c} lang={langOf(c)} kind="tooLarge" />, 413),
});

/**
 * Hono's bodyLimit decides by Content-Length when there is one and no Transfer-Encoding, but it
 * first asks for the request's body stream, which on @hono/node-server builds a whole WHATWG
 * Request (a measurable share of a submission's CPU). The same decision from the headers alone;
 * chunked bodies still go through bodyLimit, which counts their bytes.
 */
const formSizeLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const length = c.req.header('content-length');
  if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
    return parseInt(length || '0', 10) > FORM_MAX_BYTES ? formBodyLimit(c, next) : next();
  }
  return formBodyLimit(c, next);
};

formRoutes.post(
  '/f/:token',
  formSizeLimit,
  async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const lang = pageLang(c, formString(body.lang));
    c.header('cache-control', 'no-store');
    const token = c.req.param('token');
    const form: FeedbackForm = {
      professionalism: formString(body.professionalism),
      attitude: formString(body.attitude),
      efficiency: formString(body.efficiency),
      integrity: formString(body.integrity),
      comment: formString(body.comment),
      complaint: formString(body.complaint),
      fileComplaint: formString(body.fileComplaint),
      website: formString(body.website),
    };
    const ctx = c.get('ctx');
    try {
      const out = await submitFeedback({ ctx, input: { token, address: clientAddress(c), form } });
      if (out.status === 'ignored') return c.html(<ThanksPage c={c} lang={lang} />, 200);
      return c.html(await thanksHtml(c, lang, token, out.auditIndex, out.leafHash), 200);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') {
        const inv = await openFeedbackForm({ ctx, input: { token, address: clientAddress(c) } }).catch((e: unknown) => refusalPage(c, lang, e));
        if (inv instanceof Response) return inv;
        return c.html(
          <FormPage c={c} lang={lang} token={token} officerName={inv.officerName} values={form} errors={err.errors ?? []} />,
          400,
        );
      }
      return refusalPage(c, lang, err);
    }
  },
);

formRoutes.get('/f/:token/qr.svg', async (c) => {
  const token = c.req.param('token');
  const ctx = c.get('ctx');
  try {
    await openFeedbackForm({ ctx, input: { token, address: clientAddress(c) } });
  } catch (err) {
    return refusalPage(c, pageLang(c), err);
  }
  const svg = await QRCode.toString(invitationUrl(ctx, token), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' });
});

/** The printable slip. Public: whoever holds the token may print it; the token is the secret. */
formRoutes.get('/f/:token/slip', async (c) => {
  const lang = pageLang(c);
  const token = c.req.param('token');
  const ctx = c.get('ctx');
  c.header('cache-control', 'no-store');
  try {
    const inv = await openFeedbackForm({ ctx, input: { token, address: clientAddress(c) } });
    const url = invitationUrl(ctx, token);
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return c.html(
      <SlipPage c={c} lang={lang} bureauName={ctx.config.bureauName} officerName={inv.officerName} url={url} qrSvg={qrSvg} expiresAt={inv.expiresAt} />,
    );
  } catch (err) {
    return refusalPage(c, lang, err);
  }
});
