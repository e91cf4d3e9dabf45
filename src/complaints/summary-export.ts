/**
 * The analysis as CSV for the bureau's own reports: one row per figure, both quarters and the
 * change, with each item's code and its name in both languages.
 */
import type { Ctx } from '../core/context.js';
import type { Unchecked } from '../core/validate.js';
import { csvDocument, type CsvCell } from '../core/csv.js';
import { complaintMessages } from './messages.js';
import { complaintSummary, type summaryQuery } from './summary.js';
import type { z } from '@hono/zod-openapi';

/** `态度 Attitude`: the catalogue's two names of an item, for a file read in either language. */
const both = (key: keyof typeof complaintMessages) => `${complaintMessages[key]['zh-CN']} ${complaintMessages[key].en}`;
type Key = keyof typeof complaintMessages;

export async function complaintSummaryCsv({ ctx, input }: { ctx: Ctx; input: Unchecked<z.input<typeof summaryQuery>> }): Promise<{ filename: string; body: string }> {
  const s = await complaintSummary({ ctx, input });
  const p = s.previous;
  const header = [both('analysis.dimension'), both('analysis.code'), both('analysis.name'), s.period, p.period, both('analysis.change')];
  const rows: CsvCell[][] = [
    ['total', '', both('analysis.totalRow'), s.total, p.total, s.total - p.total],
  ];
  for (const [k, n] of Object.entries(s.byCategory)) rows.push(['category', k, both(`category.${k}` as Key), n, p.byCategory[k] ?? 0, n - (p.byCategory[k] ?? 0)]);
  for (const [k, n] of Object.entries(s.byChannel)) rows.push(['channel', k, both(`channel.${k}` as Key), n, p.byChannel[k] ?? 0, n - (p.byChannel[k] ?? 0)]);
  for (const [k, n] of Object.entries(s.byUnit)) rows.push(['unit', k, s.unitNames[k] ?? k, n, p.byUnit[k] ?? 0, n - (p.byUnit[k] ?? 0)]);
  rows.push(['unit', '', both('analysis.noUnit'), s.withoutUnit, p.withoutUnit, s.withoutUnit - p.withoutUnit]);
  for (const [unit, top] of Object.entries(s.topCategoriesByUnit)) {
    top.forEach((x, i) => rows.push([`top:${unit}`, x.category, `${i + 1}. ${both(`category.${x.category}` as Key)}`, x.n, '', '']));
  }
  return { filename: `complaints-${s.period}.csv`, body: csvDocument(header, rows) };
}
