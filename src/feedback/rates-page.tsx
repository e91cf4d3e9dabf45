/**
 * /hr/response-rates: the response rates of a quarter per unit and per officer, and the officers
 * whose feedback score is not stable yet, for HR (and supervisors). The same verb as
 * GET /api/v1/feedback/summary?period= without an officer.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { periodOf, readPeriod } from '../core/period.js';
import { ErrorBox, Layout, Notice, renderPage, Table } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { domainT, formRefusal } from '../pages/page-helpers.js';
import { messages } from './messages.js';
import { feedbackSummary } from './reports.js';
import type { ResponseRates } from './response-rates.js';
import { outboxCounts } from '../delivery/outbox-report.js';

const ft = domainT(messages);
const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);

export const ratesPages = new Hono<AppEnv>().get('/hr/response-rates', async (c) => {
  requireStaffPage(c, 'hr', 'supervisor');
  const { lang, t: base } = ft(c);
  const t = (k: string, p?: Record<string, string | number>) => base(`feedback.rates.${k}`, p);
  const ctx = c.get('ctx');
  const asked = c.req.query('period');
  const period = asked === undefined ? periodOf(ctx.clock.now().toISOString()) : (readPeriod(asked) ?? asked);
  let error: unknown;
  const r = (await feedbackSummary({ ctx, input: { period } }).catch((e: unknown) => {
    error = formRefusal(c, e);
    return null;
  })) as ResponseRates | null;
  const outbox = r ? await outboxCounts(ctx, period) : [];
  return renderPage(
    c,
    <Layout c={c} title={t('title', { period })} lang={lang}>
      <h1>{t('title', { period })}</h1>
      <form method="get" action="/hr/response-rates">
        <label for="period">{t('period')}</label>
        <input id="period" name="period" type="text" required value={period} />
        <button type="submit">{t('show')}</button>
      </form>
      <ErrorBox error={error} lang={lang} />
      {r && (
        <>
          <p>{t('intro')}</p>
          <h2>{t('units')}</h2>
          {r.units.length === 0 ? (
            <p>{t('empty')}</p>
          ) : (
            <Table head={[t('unit'), t('invited'), t('answered'), t('rate'), t('responses')]} numeric={[1, 2, 3, 4]}>
              {r.units.map((u) => (
                <tr data-unit={u.unitCode}>
                  <td>{`${u.unitName} (${u.unitCode})`}</td>
                  <td class="num">{u.invited}</td>
                  <td class="num">{u.answered}</td>
                  <td class="num">{pct(u.responseRate)}</td>
                  <td class="num">{u.responses}</td>
                </tr>
              ))}
            </Table>
          )}
          <h2 id="low">{t('low', { min: r.lowResponse.minResponses })}</h2>
          <p>{t('lowIntro', { min: r.lowResponse.minResponses })}</p>
          {r.lowResponse.officers.length === 0 ? (
            <Notice kind="ok">{t('noneLow')}</Notice>
          ) : (
            <Table head={[t('officer'), t('unit'), t('responses')]} numeric={[2]}>
              {r.lowResponse.officers.map((o) => (
                <tr data-low-officer={o.officerCode}>
                  <td>{o.officerCode}</td>
                  <td>{o.unitCode}</td>
                  <td class="num">{o.responses}</td>
                </tr>
              ))}
            </Table>
          )}
          <h2>{t('outbox')}</h2>
          {outbox.length === 0 ? (
            <p>{t('outboxNone')}</p>
          ) : (
            <Table head={[t('outboxMessage'), t('outboxChannel'), t('outboxDelivered'), t('outboxFailed'), t('outboxPending'), t('outboxCancelled')]} numeric={[2, 3, 4, 5]}>
              {outbox.map((o) => (
                <tr data-outbox={`${o.kind}:${o.channel}`}>
                  <td>{t(`kind.${o.kind}`)}</td>
                  <td>{t(`channel.${o.channel}`)}</td>
                  <td class="num">{o.delivered}</td>
                  <td class="num">{o.failed}</td>
                  <td class="num">{o.pending}</td>
                  <td class="num">{o.cancelled}</td>
                </tr>
              ))}
            </Table>
          )}
          <h2>{t('officers')}</h2>
          <Table head={[t('officer'), t('unit'), t('invited'), t('answered'), t('rate'), t('responses')]} numeric={[2, 3, 4, 5]}>
            {r.officers.map((o) => (
              <tr data-officer={o.officerCode}>
                <td>{o.officerCode}</td>
                <td>{o.unitCode}</td>
                <td class="num">{o.invited}</td>
                <td class="num">{o.answered}</td>
                <td class="num">{pct(o.responseRate)}</td>
                <td class="num">{o.responses}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </Layout>,
    error ? 400 : 200,
  );
});
