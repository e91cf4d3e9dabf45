/**
 * The analysis charts, drawn here as SVG (they print and need no JavaScript): one horizontal bar
 * per item for this quarter, a thinner grey one under it for the quarter before, the counts at
 * the bars' ends. Each chart has its data as a table beside it for screen readers and copying.
 */
import { Table } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import { change } from './page-parts.js';

export interface BarRow {
  label: string;
  current: number;
  previous: number;
}

export function BarChart(props: { id: string; title: string; rows: BarRow[]; t: Translate; currentLabel: string; previousLabel: string }) {
  const { rows, t } = props;
  // Phone-sized, so the labels stay legible (≥ 10 px) when the chart shrinks to a 390 px screen.
  const W = 420;
  const labelW = 120;
  const right = 36;
  const rowH = 30;
  const top = 26;
  const H = top + rows.length * rowH + 8;
  const max = Math.max(1, ...rows.flatMap((r) => [r.current, r.previous]));
  const plotW = W - labelW - right;
  const len = (n: number) => (n / max) * plotW;
  const titleId = `${props.id}-title`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={titleId} data-chart={props.id}>
        <title id={titleId}>{props.title}</title>
        <rect x={labelW} y={6} width={12} height={10} fill="#0b4f8a" />
        <text x={labelW + 16} y={15} font-size="12" fill="#1a1a1a">
          {props.currentLabel}
        </text>
        <rect x={labelW + 110} y={8} width={12} height={6} fill="#9aa3ad" />
        <text x={labelW + 126} y={15} font-size="12" fill="#1a1a1a">
          {props.previousLabel}
        </text>
        {rows.map((r, i) => {
          const y = top + i * rowH;
          return (
            <g class="bar-row" data-label={r.label} data-current={r.current} data-previous={r.previous}>
              <text x={labelW - 8} y={y + 13} text-anchor="end" font-size="13" fill="#1a1a1a">
                {r.label}
              </text>
              <rect class="current" x={labelW} y={y + 2} width={len(r.current)} height={14} fill="#0b4f8a">
                <title>{`${r.label}: ${r.current}`}</title>
              </rect>
              <text x={labelW + len(r.current) + 4} y={y + 13} font-size="12" fill="#1a1a1a">
                {r.current}
              </text>
              <rect class="previous" x={labelW} y={y + 18} width={len(r.previous)} height={6} fill="#9aa3ad">
                <title>{`${r.label}: ${r.previous}`}</title>
              </rect>
            </g>
          );
        })}
        <line x1={labelW} x2={labelW} y1={top - 2} y2={H - 6} stroke="#1a1a1a" stroke-width="1" />
      </svg>
      <figcaption>{props.title}</figcaption>
      <details>
        <summary>{t('analysis.chartTable')}</summary>
        <Table head={[t('analysis.item'), props.currentLabel, props.previousLabel, t('analysis.change')]} numeric={[1, 2, 3]}>
          {rows.map((r) => (
            <tr>
              <td>{r.label}</td>
              <td class="num">{r.current}</td>
              <td class="num">{r.previous}</td>
              <td class="num">{change(r.current - r.previous)}</td>
            </tr>
          ))}
        </Table>
      </details>
    </figure>
  );
}
