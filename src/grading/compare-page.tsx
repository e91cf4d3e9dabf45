/**
 * /hr/compare: two runs of one period side by side (a what-if against the real one): the tier
 * transition matrix, what each run pays (in all, per officer paid and per unit) and the
 * difference, the movers and why, and the distribution by peer group and team.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../core/http.js';
import { ErrorBox, Layout, renderPage, Table, type PageContext } from '../pages/layout.js';
import { requireStaffPage } from '../pages/errors.js';
import { enc, fmt, pay, recoverable, statusOf } from '../pages/page-helpers.js';
import { listRuns } from './list-runs.js';
import { compareRuns } from './compare.js';
import { GradingStyle, tt } from './page-parts.js';

const signedMoney = (x: number) => `${x > 0 ? '+' : ''}${pay(x)}`;

async function comparePage(c: PageContext) {
  requireStaffPage(c, 'hr');
  const { lang, t } = tt(c);
  const ctx = c.get('ctx');
  const a = c.req.query('a') ?? '';
  const b = c.req.query('b') ?? '';
  const runs = await listRuns({ ctx, input: { limit: 200 } });
  let cmp: Awaited<ReturnType<typeof compareRuns>> | null = null;
  let error: unknown;
  if (a && b) {
    try {
      cmp = await compareRuns({ ctx, input: { a, b } });
    } catch (e) {
      error = recoverable(e);
    }
  }
  const label = (l: string) => (l === 'not_graded' ? t('status.not_graded') : l === 'absent' ? t('cmp.absent') : l);
  const SHOW = 200;
  const tierList = (x: Record<string, number>) =>
    Object.entries(x)
      .sort(([p], [q]) => Number(q) - Number(p))
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
  const Dist = (props: { rows: NonNullable<typeof cmp>['byPeerGroup']; title: string; testid: string }) => (
    <>
      <h2>{props.title}</h2>
      <Table head={[t('cmp.group'), t('cmp.n'), t('cmp.mean'), t('cmp.tiers')]}>
        {props.rows.map((g) => (
          <tr data-testid={props.testid} data-group={g.group}>
            <td>{g.group}</td>
            <td class="num">{`${g.a.n} / ${g.b.n}`}</td>
            <td class="num">{`${fmt(g.a.meanComposite)} → ${fmt(g.b.meanComposite)}`}</td>
            <td>{`${tierList(g.a.tiers)} → ${tierList(g.b.tiers)}`}</td>
          </tr>
        ))}
      </Table>
    </>
  );
  const RunSelect = (props: { name: string; value: string; label: string }) => (
    <>
      <label for={`cmp-${props.name}`}>{props.label}</label>
      <select id={`cmp-${props.name}`} name={props.name} required>
        {runs.items.map((r) => (
          <option value={r.id} selected={r.id === props.value}>{`${r.period} · ${r.id}${r.whatIf ? ` · ${t('run.whatIf')}` : ''}`}</option>
        ))}
      </select>
    </>
  );
  return renderPage(
    c,
    <Layout c={c} title={t('cmp.title')} lang={lang}>
      <GradingStyle />
      <h1>{t('cmp.title')}</h1>
      <form method="get" action="/hr/compare" class="no-print">
        <fieldset>
          <legend>{t('cmp.pick')}</legend>
          <RunSelect name="a" value={a} label={t('cmp.a')} />
          <RunSelect name="b" value={b} label={t('cmp.b')} />
          <button type="submit">{t('run.compareGo')}</button>
        </fieldset>
      </form>
      <ErrorBox error={error} lang={lang} />
      {cmp && (
        <>
          <p>
            {cmp.period}: A = <a href={`/hr/runs/${enc(cmp.a.id)}`}>{cmp.a.id}</a> ({cmp.a.policyVersion}), B = <a href={`/hr/runs/${enc(cmp.b.id)}`}>{cmp.b.id}</a> ({cmp.b.policyVersion})
          </p>
          <h2>{t('cmp.matrix')}</h2>
          <div class="table-wrap" tabindex={0}>
            <table data-testid="transition-matrix">
              <thead>
                <tr>
                  <th scope="col">A \ B</th>
                  {cmp.labels.map((l) => (
                    <th scope="col" class="num">{label(l)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cmp.matrix.map((row, i) => (
                  <tr>
                    <th scope="row">{label(cmp!.labels[i]!)}</th>
                    {row.map((n, j) => (
                      <td class="num" style={i === j ? 'background:#e6f4ea;font-weight:600' : n > 0 ? 'background:#fff6db' : undefined}>{n}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('cmp.money')}</h2>
          <Table head={[t('cmp.unit'), t('cmp.paidA'), t('cmp.paidB'), t('cmp.difference')]} numeric={[1, 2, 3]}>
            <tr data-testid="money-total">
              <th scope="row">{t('cmp.total')}</th>
              <td class="num">{`${pay(cmp.money.a.total)} (${cmp.money.a.paid})`}</td>
              <td class="num">{`${pay(cmp.money.b.total)} (${cmp.money.b.paid})`}</td>
              <td class="num">{signedMoney(cmp.money.difference)}</td>
            </tr>
            <tr data-testid="money-per-officer">
              <th scope="row">{t('cmp.perOfficer')}</th>
              <td class="num">{pay(cmp.money.a.perOfficer)}</td>
              <td class="num">{pay(cmp.money.b.perOfficer)}</td>
              <td class="num">{cmp.money.a.perOfficer !== null && cmp.money.b.perOfficer !== null ? signedMoney(Math.round((cmp.money.b.perOfficer - cmp.money.a.perOfficer) * 100) / 100) : '–'}</td>
            </tr>
            {cmp.money.byUnit.map((u) => (
              <tr data-testid="money-unit" data-unit={u.unit}>
                <td>{u.name ? `${u.name} (${u.unit})` : u.unit}</td>
                <td class="num">{`${pay(u.a.total)} (${u.a.paid})`}</td>
                <td class="num">{`${pay(u.b.total)} (${u.b.paid})`}</td>
                <td class="num">{signedMoney(u.difference)}</td>
              </tr>
            ))}
          </Table>
          <p class="muted">{t('cmp.moneyNote')}</p>
          <h2>{t('cmp.moved', { n: cmp.moved })}</h2>
          {cmp.movers.length > SHOW && <p class="muted">{t('cmp.more', { n: SHOW })}</p>}
          <Table head={[t('col.code'), t('col.name'), t('officer.peerGroup'), t('col.tier'), t('col.composite'), t('cmp.why')]}>
            {cmp.movers.slice(0, SHOW).map((m) => (
              <tr data-testid="mover">
                <td>{m.officerCode}</td>
                <td>{m.name}</td>
                <td>{t(`term.peerGroup.${m.peerGroup}`)}</td>
                <td>{`${label(m.from)} → ${label(m.to)}`}</td>
                <td class="num">{`${fmt(m.compositeA)} → ${fmt(m.compositeB)}`}</td>
                <td>{m.why[lang]}</td>
              </tr>
            ))}
          </Table>
          <Dist rows={cmp.byPeerGroup} title={t('cmp.byPeerGroup')} testid="by-peer-group" />
          <Dist rows={cmp.byTeam} title={t('cmp.byTeam')} testid="by-team" />
        </>
      )}
    </Layout>,
    error ? statusOf(error) : 200,
  );
}

export const comparePages = new Hono<AppEnv>().get('/hr/compare', (c) => comparePage(c));
