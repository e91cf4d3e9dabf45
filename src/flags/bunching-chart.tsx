/** The bunching chart of a threshold_bunching flag, drawn here as SVG (prints, needs no JavaScript). */
import { Table } from '../pages/layout.js';
import type { Translate } from '../pages/i18n.js';
import { money } from '../pages/page-helpers.js';
import type { BunchingHistogram } from './rules/bunching.js';


/** Server-drawn SVG: 20 bins of 2% from 0.8T to 1.2T, bars below T amber, the threshold a red line. */
export function BunchingChart(props: { h: BunchingHistogram; t: Translate; officer: string }) {
  const { h, t } = props;
  // Phone-sized, so the labels stay legible (≥ 10 px) when the chart shrinks to a 390 px screen.
  const W = 420;
  const H = 260;
  const left = 44;
  const right = 22;
  const top = 16;
  const bottom = 48;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...h.bins);
  const bw = plotW / h.bins.length;
  const xOf = (amount: number) => left + ((amount - h.from) / (h.to - h.from)) * plotW;
  const ticks = [0.8, 0.9, 1, 1.1, 1.2];
  const yTicks = [0, Math.ceil(max / 2), max];
  const title = t('flag.chart.title', { officer: props.officer, t: money(h.threshold) });
  return (
    <figure>
      <svg class="flag-histogram" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby="chart-title">
        <title id="chart-title">{title}</title>
        {/* The bunching band [0.9T, 1.1T] */}
        <rect x={xOf(0.9 * h.threshold)} y={top} width={xOf(1.1 * h.threshold) - xOf(0.9 * h.threshold)} height={plotH} fill="#f3f5f8" />
        {yTicks.map((v) => {
          const y = top + plotH - (v / max) * plotH;
          return (
            <>
              <line x1={left} x2={W - right} y1={y} y2={y} stroke="#d0d4da" stroke-width="1" />
              <text x={left - 6} y={y + 4} text-anchor="end" font-size="12" fill="#555">
                {v}
              </text>
            </>
          );
        })}
        {h.bins.map((n, i) => {
          const bh = (n / max) * plotH;
          const lo = h.from + i * h.step;
          const below = lo + h.step / 2 < h.threshold;
          return (
            <rect
              class={`bin ${below ? 'below' : 'above'}`}
              data-count={n}
              x={left + i * bw + 1}
              y={top + plotH - bh}
              width={bw - 2}
              height={bh}
              fill={below ? '#b25e00' : '#0b4f8a'}
            >
              <title>{`${money(lo)}–${money(lo + h.step)}: ${n}`}</title>
            </rect>
          );
        })}
        <line x1={left} x2={W - right} y1={top + plotH} y2={top + plotH} stroke="#1a1a1a" stroke-width="1" />
        {ticks.map((k) => (
          <text x={xOf(k * h.threshold)} y={top + plotH + 16} text-anchor="middle" font-size="12" fill="#1a1a1a">
            {`${Math.round(k * 100)}%`}
          </text>
        ))}
        <line class="threshold" x1={xOf(h.threshold)} x2={xOf(h.threshold)} y1={top - 4} y2={top + plotH + 4} stroke="#c00000" stroke-width="2" stroke-dasharray="6 3" />
        <text x={xOf(h.threshold)} y={H - 10} text-anchor="middle" font-size="12" font-weight="600" fill="#c00000">
          {t('flag.chart.threshold', { t: money(h.threshold) })}
        </text>
      </svg>
      <figcaption>{title}</figcaption>
      <details>
        <summary>{t('flag.chart.table')}</summary>
        <Table head={[t('flag.chart.bin'), t('flag.chart.count')]} numeric={[1]}>
          {h.bins.map((n, i) => (
            <tr>
              <td>{`${money(h.from + i * h.step)} – ${money(h.from + (i + 1) * h.step)}`}</td>
              <td class="num">{n}</td>
            </tr>
          ))}
        </Table>
      </details>
    </figure>
  );
}
