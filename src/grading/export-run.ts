/** The payroll export of a published run. */
import { asc, eq } from 'drizzle-orm';
import { gradingResults, officers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { csvDocument, numeral } from '../core/csv.js';
import { findRun } from './run-model.js';

export const exportHeader = ['工号 Officer code', '姓名 Name', '单位 Unit', '能级 Tier', '系数 Coefficient', '绩效奖金 Payout (yuan)'];

/**
 * Payroll export of a published run: UTF-8 with BOM and CRLF so Excel opens Chinese names
 * correctly. Officers not graded are listed with empty tier, coefficient and payout.
 */
export async function exportRunCsv({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; payroll exports only published runs.`, 'run_not_published');
  const rows = await ctx.db
    .select({ code: gradingResults.officerCode, name: officers.name, unit: units.name, tier: gradingResults.tier, coefficient: gradingResults.coefficient, payout: gradingResults.payout })
    .from(gradingResults)
    .innerJoin(officers, eq(officers.code, gradingResults.officerCode))
    .innerJoin(units, eq(units.code, officers.unitCode))
    .where(eq(gradingResults.runId, run.id))
    .orderBy(asc(gradingResults.officerCode));
  // core/csv.ts writes every CSV: quoting, the formula prefix for names like `=HYPERLINK(...)`, BOM and CRLF.
  const body = csvDocument(
    exportHeader,
    rows.map((r) => [r.code, r.name, r.unit, r.tier, numeral(r.coefficient, 2), numeral(r.payout, 2)]),
  );
  return { filename: `grading-${run.period}-${run.id}.csv`, body };
}
