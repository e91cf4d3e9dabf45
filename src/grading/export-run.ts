/**
 * The exports of a run's results, each written by core/csv.ts (UTF-8 with BOM, CRLF, formula
 * cells prefixed): the payroll export of a published run, with corrections applied, and the
 * provisional export of the full results of a run not yet published, components included.
 */
import { asc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { annualResults, gradingResults, officers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { csvDocument, numeral } from '../core/csv.js';
import { findRun, resultDetail } from './run-model.js';
import { effectiveOf, runCorrections } from './corrections.js';
import { exportReason } from './not-graded.js';

/**
 * The rows every results export reads (a run's or an annual review's): each result of `parent`
 * with the officer's name and unit, in `order`. One query for the payroll, provisional and annual
 * exports, so the three name and place an officer the same way.
 */
export async function namedResults<T extends typeof gradingResults | typeof annualResults>(
  ctx: Ctx,
  table: T,
  parent: SQL,
  order: SQL[],
): Promise<{ r: T['$inferSelect']; name: string; unit: string }[]> {
  // Both tables have officer_code; one of them stands for the pair so drizzle types the join once.
  const t = table as unknown as typeof gradingResults;
  const rows = await ctx.db
    .select({ r: t, name: officers.name, unit: units.name })
    .from(t)
    .innerJoin(officers, eq(officers.code, t.officerCode))
    .innerJoin(units, eq(units.code, officers.unitCode))
    .where(parent)
    .orderBy(...order);
  return rows as unknown as { r: T['$inferSelect']; name: string; unit: string }[];
}

/** Rank order, then the officers without a rank by code (the provisional and annual exports). */
export const rankThenCode = (rank: AnyColumn, code: AnyColumn) => [sql`${rank} is null`, asc(rank), asc(code)];

/**
 * API.md: officer code, name, unit, then `tier`, `coefficient`, `payout` (all three effective:
 * after corrections), `original tier` and `correction` (the appeal id, or empty); exactly these
 * eight, which payroll systems read. Each header cell is the Chinese label, a space, and the
 * API's column name.
 */
export const exportHeader = ['工号 officer code', '姓名 name', '单位 unit', '能级 tier', '系数 coefficient', '绩效奖金 payout', '原能级 original tier', '更正 correction'];

/** Asked for (`reasons`: the HR console's download), the reason an officer was not graded, after the promised columns (ADR 0090). */
export const reasonColumn = '未参评原因 reason';

/**
 * Payroll export of a published run: UTF-8 with BOM and CRLF so Excel opens Chinese names
 * correctly. Tier, coefficient and payout are the effective ones (after corrections), with the
 * published tier and the correcting appeal beside them. Officers not graded are listed with
 * empty tier, coefficient and payout; with `reasons`, a ninth column says why.
 */
export async function exportRunCsv({ ctx, input }: { ctx: Ctx; input: { id: string; reasons?: boolean } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; payroll exports only published runs.`, 'run_not_published');
  const [rows, fixes] = await Promise.all([
    namedResults(ctx, gradingResults, eq(gradingResults.runId, run.id), [asc(gradingResults.officerCode)]),
    runCorrections(ctx, run.id),
  ]);
  // core/csv.ts writes every CSV: quoting, the formula prefix for names like `=HYPERLINK(...)`, BOM and CRLF.
  const body = csvDocument(
    input.reasons ? [...exportHeader, reasonColumn] : exportHeader,
    rows.map(({ r, name, unit }) => {
      const e = effectiveOf(r, fixes.get(run.id, r.officerCode));
      const row = [r.officerCode, name, unit, e.tier, numeral(e.coefficient, 2), numeral(e.payout, 2), r.tier, e.correction];
      return input.reasons ? [...row, r.status === 'not_graded' ? exportReason(resultDetail(r).reason) : null] : row;
    }),
  );
  return { filename: `grading-${run.period}-${run.id}.csv`, body };
}

export const provisionalTitle = '临时结果：本批次尚未发布，不得用于发放绩效奖金 PROVISIONAL: this run is not published; not for payroll';

export const provisionalHeader = [
  '工号 officer code',
  '姓名 name',
  '单位 unit',
  '岗位 team',
  '状态 status',
  '未参评原因 reason',
  '在岗天数 active days',
  '工作量 workload',
  '业务测试 assessment',
  '纳税人评议 feedback',
  '任职年限 tenure',
  '扣分 penalty',
  '综合分 composite',
  '缺项 incomplete',
  '名次 rank',
  '能级 tier',
  '系数 coefficient',
  '绩效奖金 payout',
  '调整前能级 adjusted from',
];

/**
 * The full results of a run that is not published (computed, a what-if or provisional run, or a
 * discarded one), for HR to check in a spreadsheet before publishing: every component, the
 * composite, rank, tier and payout as they stand (after approved adjustments), and the reason of
 * each officer not graded, in rank order then the officers not graded by code. Marked
 * provisional in the file name and on its first line; a published run is 409 (its export is the
 * payroll one). Components are written with 4 decimals: the console rounds to 2 for display only.
 */
export async function exportProvisionalCsv({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.status === 'published') throw conflict(`Run ${run.id} is published; its export is the payroll export (export.csv).`, 'run_published');
  const rows = await namedResults(ctx, gradingResults, eq(gradingResults.runId, run.id), rankThenCode(gradingResults.rank, gradingResults.officerCode));
  const lines = rows.map(({ r, name, unit }) => {
    const d = resultDetail(r);
    const graded = r.status === 'graded';
    return [
      r.officerCode,
      name,
      unit,
      d.team,
      graded ? '参评 graded' : '未参评 not graded',
      graded ? null : exportReason(d.reason),
      d.activeDays,
      numeral(r.workload, 4),
      numeral(r.assessment, 4),
      numeral(r.feedback, 4),
      numeral(r.tenure, 4),
      graded ? numeral(r.penalty, 2) : null,
      numeral(r.composite, 4),
      graded ? (d.incomplete ? '是 yes' : '否 no') : null,
      r.rank,
      r.tier,
      numeral(r.coefficient, 2),
      numeral(r.payout, 2),
      d.adjustment?.fromTier ?? null,
    ];
  });
  return { filename: `provisional-grading-${run.period}-${run.id}.csv`, body: csvDocument(provisionalHeader, lines, { title: provisionalTitle }) };
}
