/**
 * The Excel-ready export of a published annual review: UTF-8 with BOM and CRLF (like the payroll
 * export), one line per officer in rank order then the officers not rated by code, with the
 * effective grade (after an upheld appeal), the computed one beside it and the appeal, and the
 * reason of each officer not rated.
 */
import { and, eq } from 'drizzle-orm';
import { annualAppeals, annualResults } from '../../db/schema.js';
import { requireRole, type Ctx } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { gradeNames } from '../../scoring/index.js';
import { effectiveGrade, findReview, unpackAnnual } from './annual-model.js';
import { csvDocument, numeral } from '../core/csv.js';
import { exportReason } from './not-graded.js';
import { namedResults, rankThenCode } from './export-run.js';

export const annualExportHeader = [
  '工号 officer code',
  '姓名 name',
  '单位 unit',
  '状态 status',
  '年度得分 score',
  '名次 rank',
  '等次 grade',
  '等次名称 grade name',
  '原等次 original grade',
  '更正 correction',
  '参评季度 quarters',
  '在岗天数 active days',
  '未评定原因 reason',
];

export async function exportAnnualCsv({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<{ filename: string; body: string }> {
  requireRole(ctx.actor, 'hr');
  const review = await findReview(ctx, input.id);
  if (review.status !== 'published') throw conflict(`Annual review ${review.id} is not published; only published reviews are exported.`, 'review_not_published');
  const [rows, appeals] = await Promise.all([
    namedResults(ctx, annualResults, eq(annualResults.reviewId, review.id), rankThenCode(annualResults.rank, annualResults.officerCode)),
    ctx.db.select().from(annualAppeals).where(and(eq(annualAppeals.reviewId, review.id), eq(annualAppeals.status, 'upheld'))),
  ]);
  const upheld = new Map(appeals.map((a) => [a.officerCode, a]));
  const lines = rows.map(({ r, name, unit }) => {
    const f = unpackAnnual(r);
    const e = effectiveGrade(r, upheld.get(r.officerCode));
    return [
      r.officerCode,
      name,
      unit,
      r.status,
      numeral(r.score, 2),
      r.rank,
      e.grade,
      e.grade ? gradeNames[e.grade]['zh-CN'] : null,
      r.grade,
      e.correction,
      f.quarters.map((q) => q.period).join(' '),
      f.activeDays,
      r.status === 'not_rated' ? exportReason(f.reason) : null,
    ];
  });
  return { filename: `annual-${review.year}-${review.id}.csv`, body: csvDocument(annualExportHeader, lines) };
}
