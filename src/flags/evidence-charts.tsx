/**
 * The flag page's charts where the figures are a distribution, drawn on the server as SVG (they
 * print and need no JavaScript): the peer group with the officer marked, first digits against
 * Benford's law, the bursts of ratings on a time line, and the reviewers' shares. Each has a
 * title and a description for screen readers and its numbers as a small table.
 */
import type { Child } from 'hono/jsx';
import { Table } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import type { BenfordFigures, BurstFigures, ConcentrationFigures, PeerFigures } from './evidence-figures.js';

/** A finite number, or null. */
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A plain number: at most `digits` decimals, thousands grouped. */
export const plain = (v: unknown, digits = 2): string => {
  const x = num(v);
  return x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
};

/** A share as a percentage: 0.6 -> "60%", 0.30103 -> "30.1%". */
export const pct = (v: unknown, digits = 1): string => {
  const x = num(v);
  return x === null ? '–' : `${Number((x * 100).toFixed(digits))}%`;
};

// A narrower drawing than the page's width with larger type, so the labels stay legible when a
// phone scales the chart down to its screen.
const W = 420;
const FONT = 14;
const BLUE = '#0b4f8a';
const RED = '#b00020';
const GREY = '#5c6670';

/** The frame every chart shares: the SVG with its title and description, a caption, and the table of its numbers. */
function ChartFigure(props: { id: string; title: string; desc: string; height: number; table: Child; children: Child }) {
  return (
    <figure class="evidence-chart" data-testid={`chart-${props.id}`}>
      <svg
        class={`flag-chart chart-${props.id}`}
        viewBox={`0 0 ${W} ${props.height}`}
        width={W}
        height={props.height}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{props.desc}</desc>
        {props.children}
      </svg>
      <figcaption>
        {props.title}
        <span class="muted">{` ${props.desc}`}</span>
      </figcaption>
      {props.table}
    </figure>
  );
}

function DataTable(props: { t: Translate; head: string[]; numeric: number[]; children: Child }) {
  return (
    <details class="chart-data">
      <summary>{props.t('chart.data')}</summary>
      <Table head={props.head} numeric={props.numeric}>
        {props.children}
      </Table>
    </details>
  );
}

/** Round-ish ticks from 0 to at least `max`. */
function ticksTo(max: number, n = 4): number[] {
  const raw = max / n || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return Array.from({ length: Math.ceil(max / step - 1e-9) + 1 }, (_, i) => Number((i * step).toPrecision(6)));
}

// ---------------------------------------------------------------------------------------------

/** Peer outlier: one dot per officer of the group on the rate axis, the subject in red, the median and the flag line. */
export function PeerChart(props: { f: PeerFigures; t: Translate; officer: string; group: string }) {
  const { f, t } = props;
  const H = 190;
  const left = 16;
  const right = 16;
  const base = 130;
  const ticks = ticksTo(Math.max(f.own, f.cutoff, ...f.peers, 1e-9) * 1.05);
  const top = ticks.at(-1)!;
  const x = (v: number) => left + (v / top) * (W - left - right);
  // Stack dots that would overlap (same 8 px column) upwards.
  const columns = new Map<number, number>();
  const dots = [...f.peers.map((v) => ({ v, own: false })), { v: f.own, own: true }].map((d) => {
    const col = Math.round(x(d.v) / 8);
    const k = columns.get(col) ?? 0;
    columns.set(col, k + 1);
    return { ...d, k };
  });
  const tallest = Math.max(...columns.values());
  const dy = Math.min(11, (base - 36) / Math.max(1, tallest));
  const title = t('chart.peer.title', { group: props.group, officer: props.officer });
  const rows = [...f.peers.map((v) => ({ v, own: false })), { v: f.own, own: true }].sort((a, b) => b.v - a.v);
  return (
    <ChartFigure
      id="peer"
      title={title}
      desc={t('chart.peer.desc', { maxZ: plain(f.maxZ, 1) })}
      height={H}
      table={
        <DataTable t={t} head={[t('chart.peer.col.rank'), t('chart.peer.col.who'), t('chart.peer.col.rate')]} numeric={[0, 2]}>
          {rows.map((r, i) => (
            <tr class={r.own ? 'own' : undefined}>
              <td class="num">{i + 1}</td>
              <td>{r.own ? <strong>{props.officer}</strong> : t('chart.peer.peer')}</td>
              <td class="num">{plain(r.v, 3)}</td>
            </tr>
          ))}
        </DataTable>
      }
    >
      <line x1={left} x2={W - right} y1={base} y2={base} stroke="#1a1a1a" />
      {ticks.map((v) => (
        <>
          <line x1={x(v)} x2={x(v)} y1={base} y2={base + 5} stroke="#1a1a1a" />
          <text x={x(v)} y={base + 20} text-anchor="middle" font-size={FONT} fill="#1a1a1a">
            {plain(v, 3)}
          </text>
        </>
      ))}
      <line class="median" x1={x(f.median)} x2={x(f.median)} y1={18} y2={base} stroke={GREY} stroke-width="2" />
      <text x={x(f.median)} y={14} text-anchor="middle" font-size={FONT} fill={GREY}>
        {t('chart.peer.median', { v: plain(f.median, 3) })}
      </text>
      <line class="cutoff" x1={x(f.cutoff)} x2={x(f.cutoff)} y1={34} y2={base} stroke={RED} stroke-width="2" stroke-dasharray="6 3" />
      <text x={Math.min(x(f.cutoff), W - 64)} y={base + 40} text-anchor="middle" font-size={FONT} fill={RED}>
        {t('chart.peer.cutoff', { v: plain(f.cutoff, 3) })}
      </text>
      {dots.map((d) => (
        <circle
          class={d.own ? 'dot own' : 'dot peer'}
          cx={x(d.v)}
          cy={base - 7 - d.k * dy}
          r={d.own ? 7 : 5}
          fill={d.own ? RED : BLUE}
          fill-opacity={d.own ? 1 : 0.6}
          stroke={d.own ? '#1a1a1a' : 'none'}
        >
          <title>{`${d.own ? props.officer : t('chart.peer.peer')}: ${plain(d.v, 3)}`}</title>
        </circle>
      ))}
    </ChartFigure>
  );
}

/** Benford: observed share of each first digit as a bar, the expected share as a dot. */
export function BenfordChart(props: { f: BenfordFigures; t: Translate; officer: string }) {
  const { f, t } = props;
  const H = 230;
  const left = 44;
  const right = 10;
  const top = 12;
  const plotH = 170;
  const ticks = ticksTo(Math.max(...f.observed, ...f.expected) * 100).map((v) => v / 100);
  const yMax = ticks.at(-1)!;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const slot = (W - left - right) / 9;
  return (
    <ChartFigure
      id="benford"
      title={t('chart.benford.title', { officer: props.officer })}
      desc={t('chart.benford.desc', { n: plain(f.amounts) })}
      height={H}
      table={
        <DataTable t={t} head={[t('chart.benford.digit'), t('chart.benford.expected'), t('chart.benford.observed'), t('chart.benford.count')]} numeric={[1, 2, 3]}>
          {f.counts.map((n, i) => (
            <tr>
              <td>{i + 1}</td>
              <td class="num">{pct(f.expected[i])}</td>
              <td class="num">{pct(f.observed[i])}</td>
              <td class="num">{n}</td>
            </tr>
          ))}
        </DataTable>
      }
    >
      {ticks.map((v) => (
        <>
          <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} stroke="#d0d4da" />
          <text x={left - 6} y={y(v) + 4} text-anchor="end" font-size={FONT} fill="#1a1a1a">
            {pct(v, 0)}
          </text>
        </>
      ))}
      {f.observed.map((o, i) => (
        <>
          <rect class="digit" data-digit={i + 1} data-observed={o} x={left + i * slot + slot * 0.2} y={y(o)} width={slot * 0.6} height={top + plotH - y(o)} fill={BLUE}>
            <title>{`${i + 1}: ${pct(o)} / ${pct(f.expected[i])}`}</title>
          </rect>
          <line class="expected" x1={left + i * slot + slot * 0.1} x2={left + i * slot + slot * 0.9} y1={y(f.expected[i]!)} y2={y(f.expected[i]!)} stroke="#1a1a1a" stroke-width="2" />
          <circle cx={left + (i + 0.5) * slot} cy={y(f.expected[i]!)} r={4} fill="#1a1a1a" />
          <text x={left + (i + 0.5) * slot} y={top + plotH + 18} text-anchor="middle" font-size={FONT} fill="#1a1a1a">
            {i + 1}
          </text>
        </>
      ))}
      <line x1={left} x2={W - right} y1={top + plotH} y2={top + plotH} stroke="#1a1a1a" />
      <text x={left + (W - left - right) / 2} y={H - 6} text-anchor="middle" font-size={FONT} fill="#1a1a1a">
        {t('chart.benford.digit')}
      </text>
    </ChartFigure>
  );
}

/** Feedback burst: one row per burst, its span on the x axis, one dot per response (hollow when voided). */
export function BurstChart(props: { f: BurstFigures; t: Translate; officer: string; when: (iso: string) => string }) {
  const { f, t } = props;
  const left = 160;
  const right = 14;
  const rowH = 30;
  const shown = f.bursts.slice(0, f.shownBursts);
  const H = 20 + shown.length * rowH + 30;
  const span = f.windowMinutes * 60_000;
  const x = (iso: string, start: string) => left + Math.max(0, Math.min(1, (Date.parse(iso) - Date.parse(start)) / span)) * (W - left - right);
  const axisY = 20 + shown.length * rowH;
  const status = (s: string) => (s === 'accepted' || s === 'voided' ? t(`chart.burst.status.${s}`) : s);
  return (
    <ChartFigure
      id="burst"
      title={t('chart.burst.title', { officer: props.officer, minutes: f.windowMinutes })}
      desc={t('chart.burst.desc')}
      height={H}
      table={
        <>
          {f.bursts.length > f.shownBursts && <p class="muted">{t('chart.burst.more', { n: f.bursts.length, shown: f.shownBursts })}</p>}
          <DataTable t={t} head={[t('chart.burst.col.burst'), t('chart.burst.col.at'), t('chart.burst.col.mean'), t('chart.burst.col.status')]} numeric={[2]}>
            {f.responses.map((r) => (
              <tr data-testid="burst-response">
                <td>{r.burst + 1}</td>
                <td>{`${r.submittedAt.slice(0, 10)} ${r.submittedAt.slice(11, 19)} UTC`}</td>
                <td class="num">{plain(r.mean, 2)}</td>
                <td>{status(r.status)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      }
    >
      {shown.map((b, i) => {
        const cy = 20 + i * rowH + rowH / 2;
        const mine = f.responses.filter((r) => r.burst === i);
        return (
          <>
            <text x={left - 8} y={cy + 4} text-anchor="end" font-size={FONT} fill="#1a1a1a">
              {t('chart.burst.row', { start: props.when(b.start).slice(5, 16), n: b.responses })}
            </text>
            <line x1={left} x2={W - right} y1={cy} y2={cy} stroke="#d0d4da" />
            {mine.map((r) => (
              <circle class={`response ${r.status}`} cx={x(r.submittedAt, b.start)} cy={cy} r={5} fill={r.status === 'voided' ? '#fff' : BLUE} fill-opacity={r.status === 'voided' ? 1 : 0.7} stroke={BLUE}>
                <title>{`${r.submittedAt.slice(11, 19)} · ${plain(r.mean, 2)} · ${status(r.status)}`}</title>
              </circle>
            ))}
          </>
        );
      })}
      <line x1={left} x2={W - right} y1={axisY} y2={axisY} stroke="#1a1a1a" />
      {[0, 0.5, 1].map((k) => (
        <text x={left + k * (W - left - right)} y={axisY + 18} text-anchor={k === 0 ? 'start' : k === 1 ? 'end' : 'middle'} font-size={FONT} fill="#1a1a1a">
          {t('chart.burst.minutes', { m: plain(k * f.windowMinutes, 1) })}
        </text>
      ))}
    </ChartFigure>
  );
}

/** Reviewer concentration: one bar per member, the share of the officer's reviewed decisions they voted on. */
export function ConcentrationChart(props: { f: ConcentrationFigures; t: Translate; officer: string }) {
  const { f, t } = props;
  const left = 90;
  const right = 60;
  const barH = 22;
  const listed = f.reviewers.slice(0, 15);
  const H = 16 + listed.length * (barH + 6) + 42;
  const share = (n: number) => (f.reviewed ? n / f.reviewed : 0);
  const x = (s: number) => left + s * (W - left - right);
  const axisY = 16 + listed.length * (barH + 6);
  return (
    <ChartFigure
      id="concentration"
      title={t('chart.conc.title', { officer: props.officer, reviewed: f.reviewed })}
      desc={t('chart.conc.desc', { max: pct(f.maxShare) })}
      height={H}
      table={
        <DataTable t={t} head={[t('chart.conc.col.reviewer'), t('chart.conc.col.together'), t('chart.conc.col.share')]} numeric={[1, 2]}>
          {f.reviewers.map((r) => (
            <tr class={r.reviewer === f.flagged ? 'own' : undefined}>
              <td>{r.reviewer === f.flagged ? <strong>{r.reviewer}</strong> : r.reviewer}</td>
              <td class="num">{r.together}</td>
              <td class="num">{pct(share(r.together))}</td>
            </tr>
          ))}
        </DataTable>
      }
    >
      {listed.map((r, i) => {
        const y = 16 + i * (barH + 6);
        const flagged = r.reviewer === f.flagged;
        return (
          <>
            <text x={left - 8} y={y + barH / 2 + 5} text-anchor="end" font-size={FONT} fill="#1a1a1a" font-weight={flagged ? '700' : '400'}>
              {r.reviewer}
            </text>
            <rect class={flagged ? 'share flagged' : 'share'} data-reviewer={r.reviewer} data-share={share(r.together)} x={left} y={y} width={x(share(r.together)) - left} height={barH} fill={flagged ? RED : BLUE} />
            <text x={x(share(r.together)) + 6} y={y + barH / 2 + 5} font-size={FONT} fill="#1a1a1a">
              {pct(share(r.together), 0)}
            </text>
          </>
        );
      })}
      <line class="limit" x1={x(f.maxShare)} x2={x(f.maxShare)} y1={8} y2={axisY} stroke={RED} stroke-width="2" stroke-dasharray="6 3" />
      <line x1={left} x2={W - right} y1={axisY} y2={axisY} stroke="#1a1a1a" />
      {[0, 0.5, 1].map((s) => (
        <text x={x(s)} y={axisY + 18} text-anchor="middle" font-size={FONT} fill="#1a1a1a">
          {pct(s, 0)}
        </text>
      ))}
      <text x={x(f.maxShare)} y={axisY + 32} text-anchor="middle" font-size={FONT} fill={RED}>
        {t('chart.conc.limit', { max: pct(f.maxShare) })}
      </text>
    </ChartFigure>
  );
}
