/**
 * /public and /public/:period: the quarter's public summary for anyone, no sign-in, with the
 * check that its figures are the ones committed in the audit log (done on the server and shown
 * step by step, so it works without JavaScript and can be redone by hand).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { canonicalJson } from '../audit/canonical.js';
import { Layout, Notice, pageT, renderPage, Table, type PageContext } from '../pages/layout.js';
import { Facts, PageStyle, enc, when } from '../pages/page-helpers.js';
import type { Translate } from '../pages/i18n.js';
import { flagsMessages } from '../flags/messages.js';
import { getPublicSummary, publishedPeriods } from './read.js';
import type { FlagCounts, PublicFigures } from './figures.js';
import { publicMessages } from './messages.js';

const tt = (c: PageContext) => pageT(c, flagsMessages, publicMessages);
const css = `pre.json{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.6rem;border-radius:4px;font-size:.8rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dd{margin:0;word-break:break-all}`;

const show = (t: Translate, min: number, n: number | null) => (n === null ? t('pub.suppressed', { min }) : String(n));

function FlagRows(props: { t: Translate; min: number; rows: (FlagCounts & { rule: string; unitCode?: string })[]; unit?: boolean }) {
  const { t } = props;
  return (
    <>
      {props.rows.map((r) => (
        <tr data-testid={props.unit ? 'flag-unit-row' : 'flag-rule-row'}>
          <td>{t(`rule.${r.rule}`)}</td>
          {props.unit && <td>{r.unitCode}</td>}
          <td class="num">{show(t, props.min, r.raised)}</td>
          <td class="num">{show(t, props.min, r.confirmed)}</td>
          <td class="num">{show(t, props.min, r.dismissed)}</td>
        </tr>
      ))}
    </>
  );
}

async function summaryPage(c: PageContext, period: string) {
  const { lang, t } = tt(c);
  const s = await getPublicSummary({ ctx: c.get('ctx'), period });
  const f = s.figures as unknown as PublicFigures;
  const min = f.minCell;
  return renderPage(
    c,
    <Layout c={c} title={t('pub.title', { period })} lang={lang}>
      <PageStyle css={css} />
      <p>
        <a href="/public">{t('pub.all')}</a>
      </p>
      <h1>{t('pub.title', { period })}</h1>
      <p>{t('pub.published', { at: when(s.publishedAt), version: s.version })}</p>
      <p class="muted">{t('pub.suppressNote', { min })}</p>

      <h2>{t('pub.flags')}</h2>
      {f.flags.byRule.length === 0 ? (
        <p>{t('pub.noFlags')}</p>
      ) : (
        <>
          <Table head={[t('pub.col.rule'), t('pub.col.raised'), t('pub.col.confirmed'), t('pub.col.dismissed')]} numeric={[1, 2, 3]}>
            <FlagRows t={t} min={min} rows={f.flags.byRule} />
          </Table>
          <h3>{t('pub.flagsByUnit')}</h3>
          <Table head={[t('pub.col.rule'), t('pub.col.unit'), t('pub.col.raised'), t('pub.col.confirmed'), t('pub.col.dismissed')]} numeric={[2, 3, 4]}>
            <FlagRows t={t} min={min} rows={f.flags.byRuleAndUnit} unit />
          </Table>
        </>
      )}

      <h2>{t('pub.spot')}</h2>
      <p data-testid="spot-line">{f.spotCheck ? t('pub.spotLine', f.spotCheck) : t('pub.noSpot')}</p>

      <h2>{t('pub.units')}</h2>
      <Table head={[t('pub.col.unit'), t('pub.col.responses'), t('pub.col.average'), t('pub.col.complaints')]} numeric={[1, 2, 3]}>
        {f.units.map((u) => (
          <tr data-testid="unit-row" data-unit={u.unitCode}>
            <td>{`${u.unitName} (${u.unitCode})`}</td>
            <td class="num">{u.responses}</td>
            <td class="num">{u.feedbackAverage === null ? t('pub.suppressed', { min }) : u.feedbackAverage.toFixed(2)}</td>
            <td class="num">{show(t, min, u.complaints)}</td>
          </tr>
        ))}
      </Table>

      <h2 id="check">{t('pub.check')}</h2>
      <p>{t('pub.checkIntro', { index: s.auditIndex })}</p>
      {s.matches ? (
        <Notice kind="ok">
          <span data-testid="check-result" data-matches="true">
            ✓ {t('pub.matches')}
          </span>
        </Notice>
      ) : (
        <Notice kind="error">
          <span data-testid="check-result" data-matches="false">
            ✗ {t('pub.mismatch')}
          </span>
        </Notice>
      )}
      <Facts
        testid="commitment"
        rows={[
          [t('pub.digest'), <code data-testid="digest">{s.digest}</code>],
          [t('pub.index.entry'), <code data-testid="audit-index">{String(s.auditIndex)}</code>],
          [t('pub.leafHash'), <code>{s.leafHash}</code>],
        ]}
      />
      <p>
        <a href={`/verify?index=${s.auditIndex}&hash=${enc(s.leafHash)}`}>{t('pub.verify')}</a>
      </p>
      <details>
        <summary>{t('pub.json')}</summary>
        <pre class="json" data-testid="canonical-json">
          {canonicalJson(s.figures)}
        </pre>
      </details>
      <details>
        <summary>{t('pub.leaf')}</summary>
        <pre class="json">{s.leaf}</pre>
      </details>
    </Layout>,
  );
}

async function indexPage(c: PageContext) {
  const { lang, t } = tt(c);
  const periods = await publishedPeriods(c.get('ctx'));
  return renderPage(
    c,
    <Layout c={c} title={t('pub.index')} lang={lang}>
      <h1>{t('pub.index')}</h1>
      <p>{t('pub.indexIntro')}</p>
      {periods.length === 0 ? (
        <p>{t('pub.none')}</p>
      ) : (
        <ul>
          {periods.map((p) => (
            <li>
              <a href={`/public/${enc(p.period)}`}>{p.period}</a> · {t('pub.published', { at: when(p.publishedAt), version: p.version })}
            </li>
          ))}
        </ul>
      )}
    </Layout>,
  );
}

export const publicPages = new Hono<AppEnv>().get('/public', (c) => indexPage(c)).get('/public/:period', (c) => summaryPage(c, c.req.param('period')));
