/**
 * The complainant's pages (public, no account): /c, a form to type a receipt in, and
 * /c/{receipt}, where the complaint stands and its outcome in plain words. No names, nothing of
 * the text; unknown receipts count against the guessing limit (src/complaints/track.ts).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { ApiError } from '../core/errors.js';
import { Layout, Notice, renderPage, type PageContext } from '../pages/layout.js';
import { clientAddress, GUESS_WINDOW_MS } from '../core/guessing.js';
import { trackComplaint, type TrackedComplaint } from './track.js';
import { normalizeReceipt } from './receipt.js';
import { ComplaintsStyle, ct } from './page-parts.js';

function LookupForm(props: { c: PageContext; value?: string }) {
  const { t } = ct(props.c);
  return (
    <form method="get" action="/c">
      <label for="receipt">
        {t('track.receiptField')} <span class="hint">{t('track.receiptHint')}</span>
      </label>
      <input id="receipt" name="receipt" type="text" required autocomplete="off" spellcheck={false} value={props.value ?? ''} />
      <button type="submit">{t('track.lookup')}</button>
    </form>
  );
}

/** What /c/{receipt} shows: status, outcome and dates, in the complainant's language. */
export function TrackedFacts(props: { t: (k: string) => string; x: TrackedComplaint }) {
  const { t, x } = props;
  return (
    <>
      <dl class="facts">
        <dt>{t('track.receipt')}</dt>
        <dd class="receipt" data-testid="receipt">
          {x.receipt}
        </dd>
        <dt>{t('track.received')}</dt>
        <dd>{x.receivedOn}</dd>
        <dt>{t('track.channel')}</dt>
        <dd>{t(`channel.${x.channel}`)}</dd>
        <dt>{t('track.category')}</dt>
        <dd>{t(`category.${x.category}`)}</dd>
        <dt>{t('track.status')}</dt>
        <dd class={`status-${x.status}`} data-testid="status">
          {t(`status.${x.status}`)}
        </dd>
        <dt>{t('track.updated')}</dt>
        <dd>{x.updatedOn}</dd>
      </dl>
      {x.status === 'closed' && x.outcome ? (
        <Notice kind="ok" title={t('track.outcome')}>
          <span data-testid="outcome">{t(`outcome.${x.outcome}`)}</span>
        </Notice>
      ) : (
        <Notice kind="info">{x.referred ? t('track.referred') : t(`track.statusNote.${x.status}`)}</Notice>
      )}
    </>
  );
}

export const trackPages = new Hono<AppEnv>()
  .get('/c', (c) => {
    const { lang, t } = ct(c);
    const typed = c.req.query('receipt');
    if (typed !== undefined) {
      // A well-formed receipt goes to its page (which checks and counts it); anything else is the
      // page at a path that cannot be one, so it is counted there too.
      const r = normalizeReceipt(typed);
      return c.redirect(`/c/${r ?? encodeURIComponent(typed.slice(0, 64) || '-')}${lang === 'en' ? '?lang=en' : ''}`, 303);
    }
    return renderPage(
      c,
      <Layout c={c} title={t('track.lookupTitle')} lang={lang} public>
        <ComplaintsStyle />
        <h1>{t('track.lookupTitle')}</h1>
        <p>{t('track.lookupIntro')}</p>
        <LookupForm c={c} />
      </Layout>,
    );
  })
  .get('/c/:receipt', async (c) => {
    const { lang, t } = ct(c);
    c.header('referrer-policy', 'no-referrer');
    try {
      const x = await trackComplaint({ ctx: c.get('ctx'), input: { receipt: c.req.param('receipt'), address: clientAddress(c) } });
      return renderPage(
        c,
        <Layout c={c} title={t('track.title')} lang={lang} public>
          <ComplaintsStyle />
          <h1>{t('track.title')}</h1>
          <TrackedFacts t={t} x={x} />
          <p class="muted">{t('track.privacy')}</p>
        </Layout>,
      );
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 429)) throw err;
      if (err.status === 429) c.header('retry-after', String(Math.ceil(GUESS_WINDOW_MS / 1000)));
      const kind = err.status === 429 ? 'limit' : 'unknown';
      return renderPage(
        c,
        <Layout c={c} title={t(`track.${kind}Title`)} lang={lang} public>
          <ComplaintsStyle />
          <h1>{t(`track.${kind}Title`)}</h1>
          <p>{t(`track.${kind}Body`)}</p>
          {kind === 'unknown' && <LookupForm c={c} />}
        </Layout>,
        err.status,
      );
    }
  });
