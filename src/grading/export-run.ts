/** The payroll export of a published run, with corrections applied. */
import { asc, eq } from 'drizzle-orm';
import { gradingResults, officers, units } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { csvDocument, numeral } from '../core/csv.js';
import { findRun } from './run-model.js';
import { effectiveOf, runCorrections } from './corrections.js';

/**
 * API.md: officer code, name, unit, then `tier`, `coefficient`, `payout` (all three effective:
 * after corrections), `original tier` and `correction` (the appeal id, or empty). Each header
 * cell is the Chinese label, a space, and the API's column name.
 */
export const exportHeader = ['工号 officer code', '姓名 name', '单位 unit', '能级 tier', '系数 coefficient', '绩效奖金 payout', '原能级 original tier', '更正 correction'];

/**
 * Payroll export of a published run: UTF-8 with BOM and CRLF so Excel opens Chinese names
 * correctly. Tier, coefficient and payout are the effective ones (after corrections), with the
 * published tier and the correcting appeal beside them. Officers not graded are listed with
 * empty tier, coefficient and payout.
 */
export async function exportRunCsv({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const run = await findRun(ctx, input.id);
  if (run.status !== 'published') throw conflict(`Run ${run.id} is not published; payroll exports only published runs.`, 'run_not_published');
  const [rows, fixes] = await Promise.all([
    ctx.db
      .select({ code: gradingResults.officerCode, name: officers.name, unit: units.name, tier: gradingResults.tier, coefficient: gradingResults.coefficient, payout: gradingResults.payout })
      .from(gradingResults)
      .innerJoin(officers, eq(officers.code, gradingResults.officerCode))
      .innerJoin(units, eq(units.code, officers.unitCode))
      .where(eq(gradingResults.runId, run.id))
      .orderBy(asc(gradingResults.officerCode)),
    runCorrections(ctx, run.id),
  ]);
  // core/csv.ts writes every CSV: quoting, the formula prefix for names like `=HYPERLINK(...)`, BOM and CRLF.
  const body = csvDocument(
    exportHeader,
    rows.map((r) => {
      const e = effectiveOf(r, fixes.get(run.id, r.code));
      return [r.code, r.name, r.unit, e.tier, numeral(e.coefficient, 2), numeral(e.payout, 2), r.tier, e.correction];
    }),
  );
  return { filename: `grading-${run.period}-${run.id}.csv`, body };
}
