/**
 * The grading's inputs, which HR imports after each quarter: workload records (a managing
 * officer's taxpayer counts, the other kinds by team and productivity) and test results (by an
 * officer's hidden skill).
 */
import type { Rng } from './prng.js';
import type { BureauSize } from './sizes.js';
import { dayOf, isoOf } from './bureau-calendar.js';
import { clamp, peerDensity, type AssessmentRow, type Bureau, type OfficerTraits, type TaxpayerRow, type Team, type UnitRow, type WorkloadRow } from './bureau-model.js';

const teamKinds: Record<Team, string[]> = {
  纳税服务: ['registration_case', 'invoice_review', 'general_taxpayer', 'individual_taxpayer', 'inspection_visit'],
  综合管理: ['key_taxpayer', 'general_taxpayer', 'individual_taxpayer', 'arrears_case', 'inspection_visit'],
  评估: ['tax_assessment_case', 'key_taxpayer', 'general_taxpayer', 'individual_taxpayer', 'inspection_visit'],
  风险分析: ['tax_assessment_case', 'arrears_case', 'inspection_visit', 'invoice_review', 'key_taxpayer'],
};
const kindBase: Record<string, number> = {
  key_taxpayer: 3,
  general_taxpayer: 30,
  individual_taxpayer: 60,
  tax_assessment_case: 12,
  arrears_case: 8,
  inspection_visit: 15,
  registration_case: 40,
  invoice_review: 120,
};
const assessmentCats = ['tax_law', 'accounting', 'law', 'data_analysis'];

/** Workload of each complete quarter of the last `size.workloadQuarters`, for every officer active in it. */
export function drawWorkload(
  rngW: Rng,
  size: BureauSize,
  periods: Bureau['periods'],
  units: UnitRow[],
  traits: OfficerTraits[],
  taxpayers: TaxpayerRow[],
): WorkloadRow[] {
  const workload: WorkloadRow[] = [];
  const workloadPeriods = periods.slice(0, -1).slice(-size.workloadQuarters);
  for (const p of workloadPeriods) {
    const ps = dayOf(p.startDate);
    const pe = dayOf(p.endDate);
    for (const t of traits) {
      const a = Math.max(ps, t.hire);
      const b = Math.min(pe, t.leave ?? pe);
      if (b < a) continue;
      const activeShare = (b - a + 1) / (pe - ps + 1);
      const peer = peerDensity[units[t.unitIdx]!.peerGroup] ?? 1;
      const counts = { key: 0, general: 0, individual: 0 };
      for (const ti of t.managed) counts[taxpayers[ti]!.category]++;
      for (const kind of teamKinds[t.o.team as Team]) {
        let count: number;
        if (t.manager && kind.endsWith('_taxpayer') && t.managed.length > 0) {
          count = counts[kind.slice(0, -'_taxpayer'.length) as keyof typeof counts];
        } else {
          const scale = kind.endsWith('_taxpayer') ? peer : 1;
          count = Math.round(kindBase[kind]! * t.productivity * scale * activeShare * clamp(rngW.normal(1, 0.25), 0.2, 2));
        }
        if (count > 0) workload.push({ officerCode: t.o.code, period: p.code, kind, count });
      }
    }
  }
  return workload;
}

/** Test results in the data window: most officers sit each category once, a few twice. */
export function drawAssessments(rngA: Rng, traits: OfficerTraits[], windowDay: number, todayDay: number): AssessmentRow[] {
  const assessments: AssessmentRow[] = [];
  for (const t of traits) {
    const lo = Math.max(windowDay, t.hire + 14);
    const hi = Math.min(todayDay - 1, t.leave ?? todayDay - 1);
    if (hi <= lo) continue;
    for (const category of assessmentCats) {
      if (rngA.chance(0.1)) continue;
      const attempts = rngA.chance(0.1) ? 2 : 1;
      const days = new Set<number>();
      while (days.size < attempts) days.add(rngA.int(lo, hi));
      for (const d of days) {
        const raw = clamp(Math.round(rngA.normal(74 + 8 * t.skill, 8)), 20, 100);
        assessments.push({ officerCode: t.o.code, category, raw, max: 100, takenOn: isoOf(d) });
      }
    }
  }
  return assessments;
}
