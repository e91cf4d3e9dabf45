/**
 * Plain-language explanation of an annual result (DESIGN 3b: "every number has its explanation:
 * quarters used, weights, quota, why"), in zh-CN and English, one sentence per line of
 * reasoning. Like the quarterly explanation (explain.ts) it is rendered from the result's figures
 * and a small basis only, so a stored annual result renders the same text on read.
 */
import type { AnnualFigures, AnnualGrade } from './annual.js';
import type { Severity } from './types.js';
import { d2 } from './explain.js';

/** The run-wide facts the sentences quote (`annualBasis` builds it). */
export interface AnnualExplainBasis {
  year: number;
  /** The year's quarters, in order. */
  periods: string[];
  /** Rated officers of the review. */
  rated: number;
  minQuarters: number;
  tieBreakTier: number;
  excellentMin: number;
  competentMin: number;
  basicallyCompetentMin: number;
  quotaShare: number;
  /** floor(quotaShare * rated) */
  quotaCap: number;
  barringSeverities: Severity[];
}

type Explanation = { 'zh-CN': string[]; en: string[] };

export const gradeNames: Record<AnnualGrade, { 'zh-CN': string; en: string }> = {
  excellent: { 'zh-CN': '优秀', en: 'excellent' },
  competent: { 'zh-CN': '称职', en: 'competent' },
  basically_competent: { 'zh-CN': '基本称职', en: 'basically competent' },
  incompetent: { 'zh-CN': '不称职', en: 'incompetent' },
};

const severityZh: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '严重' };
const num = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(6))));
const pct = (share: number) => `${num(share * 100)}%`;
const places = (n: number) => `${n} ${n === 1 ? 'place' : 'places'}`;

/** The explanation of an annual result, rated or not, from its figures and basis. */
export function explainAnnual(r: AnnualFigures, b: AnnualExplainBasis): Explanation {
  const zh: string[] = [];
  const en: string[] = [];
  const total = b.periods.length;
  const used = r.quarters;

  // Quarters: which were used, which not and why.
  const usedZh = used.map((q) => `${q.period} ${d2(q.composite)} 分（在岗 ${q.activeDays} 天，${q.tier} 级）`).join('、');
  const usedEn = used.map((q) => `${q.period} ${d2(q.composite)} (${q.activeDays} days, tier ${q.tier})`).join(', ');
  // Quarters not used, in period order: graded no (with the active days), or no result at all.
  const skipped = new Map(r.notGraded.map((q) => [q.period, q.activeDays]));
  const usedPeriods = new Set(used.map((q) => q.period));
  const others = b.periods.filter((p) => !usedPeriods.has(p));
  const otherZh = others.map((p) => (skipped.has(p) ? `${p} 未参加评定（在岗 ${skipped.get(p)} 天）` : `${p} 无评定结果`));
  const otherEn = others.map((p) => (skipped.has(p) ? `${p} not graded (active ${skipped.get(p)} days)` : `${p} no result`));
  zh.push(
    `${b.year} 年 ${total} 个季度中参加评定 ${used.length} 个` + (used.length > 0 ? `：${usedZh}` : '') + (otherZh.length > 0 ? `；${otherZh.join('、')}` : '') + '。',
  );
  en.push(
    `Graded in ${used.length} of ${total} quarters of ${b.year}` + (used.length > 0 ? `: ${usedEn}` : '') + (otherEn.length > 0 ? `; ${otherEn.join(', ')}` : '') + '.',
  );

  if (r.status === 'not_rated') {
    if (used.length >= b.minQuarters) {
      zh.push(`不参加年度评定：参加评定的季度在岗天数为 0。`);
      en.push(`Not rated: no active days in the quarters graded.`);
    } else {
      zh.push(`不参加年度评定：参加评定的季度少于 ${b.minQuarters} 个。`);
      en.push(`Not rated: graded in fewer than ${b.minQuarters} quarters.`);
    }
    return { 'zh-CN': zh, en };
  }

  // Score: the weighted mean, written out.
  const terms = used.map((q) => `${d2(q.composite)} × ${q.activeDays}`).join(' + ');
  zh.push(`年度得分 ${d2(r.score!)}：各季度综合得分按在岗天数加权平均，(${terms}) / ${r.activeDays}。`);
  en.push(`Annual score ${d2(r.score!)}: the quarterly composites weighted by active days, (${terms}) / ${r.activeDays}.`);

  // Rank
  zh.push(`排名：${b.rated} 名参加年度评定人员中第 ${r.rank}（同分时先比 ${b.tieBreakTier} 级季度数，本人 ${r.tieBreakQuarters} 个，再按工号）。`);
  en.push(`Rank ${r.rank} of ${b.rated} rated officers (ties broken by quarters at tier ${b.tieBreakTier}, here ${r.tieBreakQuarters}, then officer code).`);

  // Grade and why
  const p = r.placement!;
  const g = r.grade!;
  const name = gradeNames[g];
  const quotaZh = `优秀名额（${pct(b.quotaShare)}，${b.rated} 人中 ${b.quotaCap} 人）`;
  const quotaEn = `the excellent quota (${pct(b.quotaShare)} of ${b.rated}: ${places(b.quotaCap)})`;
  if (p.qualifiedFor === 'excellent' && p.barredBy.length > 0) {
    const flagsZh = p.barredBy.map((f) => `${f.flagId} ${f.rule} ${severityZh[f.severity] ?? f.severity}`).join('、');
    const flagsEn = p.barredBy.map((f) => `${f.flagId} ${f.rule} ${f.severity}`).join(', ');
    zh.push(`得分不低于 ${num(b.excellentMin)}，但本年度有已确认的${p.barredBy.length === 1 ? '' : '多项'}严重问题（${flagsZh}），不能评为优秀，评为${name['zh-CN']}。`);
    en.push(`Score ${num(b.excellentMin)} or more, but barred from excellent by ${p.barredBy.length === 1 ? 'a flag' : 'flags'} confirmed in ${b.year} (${flagsEn}): ${name.en}.`);
  } else if (p.overQuota) {
    zh.push(`得分不低于 ${num(b.excellentMin)}，符合优秀条件，但${quotaZh}已满，评为${name['zh-CN']}。`);
    en.push(`Qualified for excellent (score ${num(b.excellentMin)} or more), but ${quotaEn} is full: ${name.en}.`);
  } else if (g === 'excellent') {
    zh.push(`得分不低于 ${num(b.excellentMin)}，本年度无已确认的严重问题，在${quotaZh}之内，评为优秀。`);
    en.push(`Score ${num(b.excellentMin)} or more, no barring flag confirmed in ${b.year}, within ${quotaEn}: excellent.`);
  } else if (g === 'competent') {
    zh.push(`得分不低于 ${num(b.competentMin)}，低于 ${num(b.excellentMin)}，评为称职。`);
    en.push(`Score ${num(b.competentMin)} or more, below ${num(b.excellentMin)}: competent.`);
  } else if (g === 'basically_competent') {
    zh.push(`得分不低于 ${num(b.basicallyCompetentMin)}，低于 ${num(b.competentMin)}，评为基本称职。`);
    en.push(`Score ${num(b.basicallyCompetentMin)} or more, below ${num(b.competentMin)}: basically competent.`);
  } else {
    zh.push(`得分低于 ${num(b.basicallyCompetentMin)}，评为不称职。`);
    en.push(`Score below ${num(b.basicallyCompetentMin)}: incompetent.`);
  }
  return { 'zh-CN': zh, en };
}
