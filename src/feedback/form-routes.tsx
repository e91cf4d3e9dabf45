/**
 * The taxpayer pages under /f: the form, its submission, the QR code and the printable slip.
 * Public (no account): the invitation token in the path is the only credential.
 */
import type { Context } from 'hono';
import QRCode from 'qrcode';
import { createRouter, type AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { invitationUrl } from './invitations.js';
import { openFeedbackForm, submitFeedback, type FeedbackForm } from './submit.js';
import { clientAddress, GUESS_WINDOW_MS } from '../core/guessing.js';
import { langOf, parseLang, type Lang } from '../pages/i18n.js';
import { FormPage, RefusalPage, SlipPage, ThanksPage, type RefusalKind } from './pages.js';
import { formBodyLimit, thanksPage } from './hot-path.js';

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

formRoutes.post(
  '/f/:token',
  formBodyLimit((c) => c.html(<RefusalPage c={c} lang={langOf(c)} kind="tooLarge" />, 413)),
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
      // A complaint's receipt is one page's own (rare): rendered whole, not from the template.
      if (out.complaint) return c.html(<ThanksPage c={c} lang={lang} receipt={out} complaint={out.complaint} />, 200);
      const page = await thanksPage(c, lang, token, out, async () => String(await (<ThanksPage c={c} lang={lang} receipt={out} />).toString()));
      return c.body(page, 200, { 'content-type': 'text/html; charset=UTF-8' });
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
