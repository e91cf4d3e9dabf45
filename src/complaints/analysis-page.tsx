/**
 * /complaints/analysis: the quarter's complaint analysis (投诉定期分析) for HR and supervisors,
 * with charts, each unit's top categories and the CSV export (/complaints/analysis.csv). The same
 * verbs as GET /api/v1/complaints/summary(.csv).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { periodOf, readPeriod } from '../core/period.js';
import { ErrorBox, Layout, renderPage, Table } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal } from '../pages/page-helpers.js';
import { complaintSummary } from './summary.js';
import { complaintSummaryCsv } from './summary-export.js';
import { BarChart } from './charts.js';
import { ComplaintsStyle, SubNav, change, ct } from './page-parts.js';

export const analysisPages = new Hono<AppEnv>()
  .get('/complaints/analysis', async (c) => {
    const staff = requireStaffPage(c, 'hr', 'supervisor');
    const { lang, t } = ct(c);
    const ctx = c.get('ctx');
    const asked = c.req.query('period');
    const period = asked === undefined ? periodOf(ctx.clock.now().toISOString()) : (readPeriod(asked) ?? asked);
    let error: unknown;
    const s = await complaintSummary({ ctx, input: { period } }).catch((e: unknown) => {
      error = formRefusal(c, e);
      return null;
    });
    const cur = t('analysis.current');
    const prev = t('analysis.previous');
    return renderPage(
      c,
      <Layout c={c} title={t('analysis.title', { period })} lang={lang}>
        <ComplaintsStyle />
        <h1>{t('analysis.title', { period })}</h1>
        <SubNav t={t} canEnter={staff.role === 'hr' || staff.role === 'supervisor'} canImport={staff.role === 'hr'} />
        <form method="get" action="/complaints/analysis" class="filters">
          <div>
            <label for="period">
              {t('analysis.period')} <span class="hint">{t('field.periodHint')}</span>
            </label>
            <input id="period" name="period" type="text" required value={period} />
          </div>
          <button type="submit">{t('analysis.show')}</button>
        </form>
        <ErrorBox error={error} lang={lang} />
        {s && (
          <>
            <p>{t('analysis.intro', { previous: s.previous.period })}</p>
            <p data-testid="total">{t('analysis.total', { n: s.total, p: s.previous.total, change: change(s.total - s.previous.total) })}</p>
            <p>
              <a class="button secondary" href={`/complaints/analysis.csv?period=${enc(s.period)}`} download>
                {t('analysis.csv')}
              </a>
            </p>
            <h2>{t('analysis.byCategory')}</h2>
            <BarChart
              id="by-category"
              t={t}
              title={`${t('analysis.byCategory')} · ${s.period} / ${s.previous.period}`}
              currentLabel={cur}
              previousLabel={prev}
              rows={Object.entries(s.byCategory).map(([k, n]) => ({ label: t(`category.${k}`), current: n, previous: s.previous.byCategory[k] ?? 0 }))}
            />
            <h2>{t('analysis.byChannel')}</h2>
            <BarChart
              id="by-channel"
              t={t}
              title={`${t('analysis.byChannel')} · ${s.period} / ${s.previous.period}`}
              currentLabel={cur}
              previousLabel={prev}
              rows={Object.entries(s.byChannel).map(([k, n]) => ({ label: t(`channel.${k}`), current: n, previous: s.previous.byChannel[k] ?? 0 }))}
            />
            <h2>{t('analysis.byUnit')}</h2>
            {Object.keys(s.byUnit).length > 0 ? (
              <BarChart
                id="by-unit"
                t={t}
                title={`${t('analysis.byUnit')} · ${s.period} / ${s.previous.period}`}
                currentLabel={cur}
                previousLabel={prev}
                rows={Object.entries(s.byUnit).map(([k, n]) => ({ label: s.unitNames[k] ?? k, current: n, previous: s.previous.byUnit[k] ?? 0 }))}
              />
            ) : (
              <p>{t('analysis.none')}</p>
            )}
            {s.withoutUnit + s.previous.withoutUnit > 0 && <p>{t('analysis.withoutUnit', { n: s.withoutUnit })}</p>}
            <h2>{t('analysis.top')}</h2>
            {Object.keys(s.topCategoriesByUnit).length > 0 ? (
              <Table head={[t('col.unit'), t('analysis.rank'), t('col.category'), t('analysis.current')]} numeric={[1, 3]}>
                {Object.entries(s.topCategoriesByUnit).flatMap(([unit, top]) =>
                  top.map((x, i) => (
                    <tr data-unit={unit}>
                      <td>{i === 0 ? (s.unitNames[unit] ?? unit) : ''}</td>
                      <td class="num">{i + 1}</td>
                      <td>{t(`category.${x.category}`)}</td>
                      <td class="num">{x.n}</td>
                    </tr>
                  )),
                )}
              </Table>
            ) : (
              <p>{t('analysis.none')}</p>
            )}
          </>
        )}
      </Layout>,
      error ? 400 : 200,
    );
  })
  .get('/complaints/analysis.csv', async (c) => {
    requireStaffPage(c, 'hr', 'supervisor');
    const { filename, body } = await complaintSummaryCsv({ ctx: c.get('ctx'), input: { period: c.req.query('period') } });
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
  });
