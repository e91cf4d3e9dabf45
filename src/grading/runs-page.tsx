/**
 * /hr: the runs of each period, the pending appeals, and the form that starts a run.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { shiftPeriod, periodOf } from '../core/period.js';
import { CsrfInput, ErrorBox, Layout, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, formRefusal, statusOf, str, when, type PageStatus } from '../pages/page-helpers.js';
import { flashError, flashStatus, redirectRefused, takeFlash } from '../pages/flash.js';
import { listRuns } from './list-runs.js';
import { startRun } from './compute-run.js';
import { listAppeals } from './appeal.js';
import { usernames } from '../auth/directory.js';
import { knownPeriods } from './queries.js';
import { hrInbox } from './inbox.js';
import { HrInboxSection } from './inbox-section.js';
import { GradingStyle, pageRefusal, policyField, tt } from './page-parts.js';
import { PendingAppeals, officerPageOf } from './appeal-section.js';
import { defaultPolicy } from '../../scoring/policy.js';

async function hrHome(c: PageContext, opts: { error?: unknown; values?: Record<string, string>; status?: PageStatus } = {}) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const all = await listRuns({ ctx, input: { limit: 200 } });
  // Discarded runs are kept but set aside (DESIGN 3): hidden unless asked for.
  const showDiscarded = c.req.query('discarded') === '1';
  const discarded = all.items.filter((r) => r.status === 'discarded').length;
  const runs = { items: showDiscarded ? all.items : all.items.filter((r) => r.status !== 'discarded') };
  const names = await usernames(ctx, runs.items.map((r) => r.createdBy));
  const byPeriod = new Map<string, typeof runs.items>();
  for (const r of runs.items) byPeriod.set(r.period, [...(byPeriod.get(r.period) ?? []), r]);
  const known = await knownPeriods(ctx, 12);
  const periods = [...new Set([...byPeriod.keys(), ...known])].sort().reverse();
  const appeals = await listAppeals({ ctx, input: { status: 'pending', limit: 50 } });
  const inbox = await hrInbox({ ctx });
  const v = opts.values ?? {};
  const suggested = v.period || shiftPeriod(periodOf(ctx.clock.now().toISOString()), -1);
  return renderPage(
    c,
    <Layout c={c} title={t('hr.title')} lang={lang}>
      <GradingStyle />
      <h1>{t('hr.title')}</h1>
      <HrInboxSection t={t} inbox={inbox} />
      <p>
        <a href="/hr/import">{t('hr.import')}</a>
      </p>
      <form method="post" action="/hr/runs">
        <fieldset>
          <legend>{t('hr.start')}</legend>
          <ErrorBox error={opts.error} lang={lang} />
          <CsrfInput c={c} />
          <label for="period">
            {t('hr.period')} <span class="hint">{t('hr.periodHint')}</span>
          </label>
          <input id="period" name="period" type="text" required value={suggested} list="known-periods" />
          <datalist id="known-periods">
            {periods.map((p) => (
              <option value={p} />
            ))}
          </datalist>
          <label>
            <input type="checkbox" name="whatIf" value="1" checked={v.whatIf === '1'} /> {t('hr.whatIf')}
          </label>
          <label for="policy">
            {t('hr.policy')} <span class="hint">{t('hr.policyHint')}</span>
          </label>
          <textarea id="policy" name="policy" spellcheck={false}>{v.policy ?? ''}</textarea>
          <details>
            <summary>{t('hr.defaultPolicy')}</summary>
            <pre class="policy-json">{JSON.stringify(defaultPolicy, null, 2)}</pre>
          </details>
          <div>
            <button type="submit">{t('hr.compute')}</button>
          </div>
        </fieldset>
      </form>

      <p>
        <a href="/hr/annual">{t('hr.annual')}</a>
      </p>
      <h2>{t('hr.periods')}</h2>
      {discarded > 0 && (
        <p class="no-print">
          {showDiscarded ? <a href="/hr">{t('hr.hideDiscarded')}</a> : <a href="/hr?discarded=1">{t('hr.showDiscarded', { n: discarded })}</a>}
        </p>
      )}
      {periods.length === 0 && <p>{t('hr.noRuns')}</p>}
      {periods.map((p) => {
        const list = byPeriod.get(p) ?? [];
        return (
          <section>
            <h3>{p}</h3>
            {list.length === 0 ? (
              <p class="muted">{t('hr.noRuns')}</p>
            ) : (
              <Table head={[t('run.id'), t('run.status'), t('run.policy'), t('run.created'), <span class="visually-hidden">{t('table.actions')}</span>]}>
                {list.map((r) => (
                  <tr>
                    <td>
                      <a href={`/hr/runs/${enc(r.id)}`}>{r.id}</a>
                    </td>
                    <td>{t(`run.status.${r.status}`) + (r.provisional ? ` · ${t('run.provisional')}` : r.whatIf ? ` · ${t('run.whatIf')}` : '')}</td>
                    <td>
                      <code>{r.policyHash.slice(0, 12)}</code>
                    </td>
                    <td>{t('run.by', { at: when(r.createdAt), user: names.get(r.createdBy) ?? r.createdBy })}</td>
                    <td>
                      {list.length > 1 && list[0]!.id !== r.id && (
                        <a href={`/hr/compare?a=${enc(list[0]!.id)}&b=${enc(r.id)}`}>{t('hr.compare')}</a>
                      )}
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </section>
        );
      })}
      <h2>{t('hr.appeals')}</h2>
      <PendingAppeals t={t} items={appeals.items} parentLabel={t('run.id')} parent={(a) => a.runId} href={(a) => officerPageOf('/hr/runs', a.runId, a.officerCode)} />
    </Layout>,
    opts.status ?? 200,
  );
}

export const runsPages = new Hono<AppEnv>()
  .get('/hr', async (c) => {
    const flash = await takeFlash(c);
    return hrHome(c, { error: flashError(flash), values: flash?.values, status: flashStatus(flash) });
  })
  .post('/hr/runs', async (c) => {
    requireStaffPage(c, 'hr');
    const form = await c.req.parseBody();
    const values = { period: str(form, 'period'), whatIf: str(form, 'whatIf'), policy: str(form, 'policy') };
    try {
      const out = await startRun({ ctx: c.get('ctx'), input: { period: values.period, policy: policyField(values.policy), whatIf: values.whatIf === '1' } });
      return c.redirect(`/hr/runs/${enc(out.id)}`, 303);
    } catch (e) {
      const err = pageRefusal(c, e);
      return (await redirectRefused(c, '/hr#period', err, { values })) ?? hrHome(c, { error: err, values, status: statusOf(err) });
    }
  });
