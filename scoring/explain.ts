/**
 * Plain-language explanation of a result, in zh-CN and English, one sentence per line of
 * reasoning (DESIGN 3: raw inputs, component scores, weights used, penalty, rank, tier, and why).
 * Numbers are rounded to 2 decimals here and only here; the stored scores stay unrounded.
 */
import type { Policy } from './policy.js';
import type { CapUsage, OfficerInput, OfficerResult } from './types.js';
import { maxDate, minDate } from './dates.js';

export interface ExplainContext {
  policy: Policy;
  period: { code: string; start: string; end: string };
  window: { start: string; end: string };
  prior: number;
  graded: number;
  caps: CapUsage[];
}

type Explanation = OfficerResult['explanation'];

/** Display rounding: 2 decimals. */
export const d2 = (x: number) => x.toFixed(2);
/** A number as short as it prints (weights, coefficients, counts). */
const num = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(6))));
const pct = (share: number) => `${num(share * 100)}%`;

const categoryZh: Record<string, string> = { tax_law: '税法', accounting: '会计', law: '法律', data_analysis: '数据分析' };
const severityZh: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '严重' };
const catZh = (c: string) => categoryZh[c] ?? c;

export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function activeRange(o: OfficerInput, period: { start: string; end: string }) {
  const from = maxDate(o.hireDate, period.start);
  const to = o.leaveDate === null ? period.end : minDate(o.leaveDate, period.end);
  return { from, to };
}

export function explainNotGraded(r: OfficerResult, o: OfficerInput, ctx: ExplainContext): Explanation {
  const min = ctx.policy.eligibility.minActiveDays;
  const { from, to } = activeRange(o, ctx.period);
  if (r.activeDays === 0) {
    return {
      'zh-CN': [`不参加评定：${ctx.period.code}（${ctx.period.start} 至 ${ctx.period.end}）期间不在岗，在岗 0 天，少于 ${min} 天。`],
      en: [`Not graded: not in service during ${ctx.period.code} (${ctx.period.start}..${ctx.period.end}); 0 active days, ${min} required.`],
    };
  }
  return {
    'zh-CN': [`不参加评定：${ctx.period.code} 在岗 ${r.activeDays} 天（${from} 至 ${to}），少于 ${min} 天。`],
    en: [`Not graded: active ${r.activeDays} days in ${ctx.period.code} (${from}..${to}), fewer than the ${min} required.`],
  };
}

export function explainGraded(r: OfficerResult, o: OfficerInput, ctx: ExplainContext): Explanation {
  const zh: string[] = [];
  const en: string[] = [];
  const { policy, period } = ctx;
  const c = r.components!;
  const w = r.weights!;
  const raw = r.raw;
  const min = policy.eligibility.minActiveDays;
  const { from, to } = activeRange(o, period);

  zh.push(`${period.code} 在岗 ${r.activeDays} 天（${from} 至 ${to}），不少于 ${min} 天，参加评定。`);
  en.push(`Active ${r.activeDays} days in ${period.code} (${from}..${to}), at least ${min} required: graded.`);

  // Workload
  const mid = `中位百分位，低于本人 ${raw.peerBelow} 人，持平 ${raw.peerEqual} 人含本人`;
  const midEn = `mid-rank percentile: ${raw.peerBelow} below, ${raw.peerEqual} equal including self`;
  if (raw.peerFallback) {
    zh.push(
      `工作量 ${d2(c.workload)} 分：加权工作量 ${d2(raw.workloadPoints)}；同组（${raw.peerGroup}）参评仅 ${raw.peerGroupSize} 人，少于 ${policy.workload.minPeerGroupSize} 人，改与全部 ${raw.peerCount} 名参评人员比较，排第 ${raw.peerPosition}（${mid}）。`,
    );
    en.push(
      `Workload ${d2(c.workload)}: ${d2(raw.workloadPoints)} weighted points; peer group ${raw.peerGroup} has only ${raw.peerGroupSize} graded officers (< ${policy.workload.minPeerGroupSize}), so compared with all ${raw.peerCount} graded officers of the run: ${ordinal(raw.peerPosition)} of ${raw.peerCount} (${midEn}).`,
    );
  } else {
    zh.push(`工作量 ${d2(c.workload)} 分：加权工作量 ${d2(raw.workloadPoints)}，同组（${raw.peerGroup}）${raw.peerCount} 人中排第 ${raw.peerPosition}（${mid}）。`);
    en.push(
      `Workload ${d2(c.workload)}: ${d2(raw.workloadPoints)} weighted points, ${ordinal(raw.peerPosition)} of ${raw.peerCount} in peer group ${raw.peerGroup} (${midEn}).`,
    );
  }
  if (raw.ignoredKinds.length > 0) {
    zh.push(`政策 ${policy.version} 未定义的工作量类型不计分：${raw.ignoredKinds.join('、')}。`);
    en.push(`Workload kinds not in policy ${policy.version} carry no points: ${raw.ignoredKinds.join(', ')}.`);
  }

  // Assessment
  const win = ctx.window;
  if (c.assessment === null) {
    zh.push(`业务测试缺失：${win.start} 至 ${win.end} 期间无成绩，其权重按比例分给其他各项（评定不完整）。`);
    en.push(`Assessment missing: no result between ${win.start} and ${win.end}; its weight is shared out among the other components (incomplete).`);
  } else {
    const k = raw.assessmentsUsed.length;
    const total = Object.keys(policy.assessment.categoryWeights).length;
    zh.push(
      `业务测试 ${d2(c.assessment)} 分：${win.start} 至 ${win.end} 期间各类别最近一次成绩的加权平均（${k}/${total} 个类别）：` +
        raw.assessmentsUsed.map((a) => `${catZh(a.category)} ${d2(a.score)}（${num(a.raw)}/${num(a.max)}，${a.takenOn}，权重 ${d2(a.weight)}）`).join('；') +
        '。',
    );
    en.push(
      `Assessment ${d2(c.assessment)}: weighted mean of the latest result per category between ${win.start} and ${win.end} (${k} of ${total} categories): ` +
        raw.assessmentsUsed.map((a) => `${a.category} ${d2(a.score)} (${num(a.raw)}/${num(a.max)} on ${a.takenOn}, weight ${d2(a.weight)})`).join('; ') +
        '.',
    );
  }

  // Feedback
  const C = num(raw.priorWeight);
  if (raw.feedbackN === 0) {
    zh.push(`纳税人评价 ${d2(c.feedback)} 分：本期无有效评价，取全体先验均值 ${d2(raw.prior)}（C = ${C}）。`);
    en.push(`Feedback ${d2(c.feedback)}: no accepted responses this period, so the run prior ${d2(raw.prior)} (C = ${C}).`);
  } else {
    const mean = raw.feedbackSum / raw.feedbackN;
    zh.push(`纳税人评价 ${d2(c.feedback)} 分：有效评价 ${raw.feedbackN} 份，平均 ${d2(mean)}，按全体先验均值 ${d2(raw.prior)}（C = ${C}）修正。`);
    en.push(`Feedback ${d2(c.feedback)}: ${raw.feedbackN} accepted responses averaging ${d2(mean)}, shrunk toward the run prior ${d2(raw.prior)} with C = ${C}.`);
  }

  // Tenure
  const cap = num(policy.tenure.capYears);
  zh.push(`任职年限 ${d2(c.tenure)} 分：截至 ${period.end} 在现岗位 ${d2(raw.tenureYears)} 年（满 ${cap} 年得满分）。`);
  en.push(`Tenure ${d2(c.tenure)}: ${d2(raw.tenureYears)} years in position on ${period.end} (full marks at ${cap} years).`);

  // Weights
  const ws = `工作量 ${d2(w.workload)}，业务测试 ${d2(w.assessment)}，纳税人评价 ${d2(w.feedback)}，任职年限 ${d2(w.tenure)}`;
  const wsEn = `workload ${d2(w.workload)}, assessment ${d2(w.assessment)}, feedback ${d2(w.feedback)}, tenure ${d2(w.tenure)}`;
  if (r.incomplete) {
    zh.push(`权重：${ws}（业务测试缺失，其权重 ${d2(policy.components.assessment)} 按比例分给其他各项）。`);
    en.push(`Weights used: ${wsEn} (assessment missing, its ${d2(policy.components.assessment)} shared out proportionally).`);
  } else {
    zh.push(`权重：${ws}。`);
    en.push(`Weights used: ${wsEn}.`);
  }

  // Penalty
  if (raw.penalties.length === 0) {
    zh.push('本期无已确认问题，不扣分。');
    en.push('No flags confirmed this period: no penalty.');
  } else {
    const capNote = raw.penaltyUncapped > policy.penalties.max;
    zh.push(
      `扣 ${num(r.penalty)} 分：本期已确认问题 ${raw.penalties.length} 项（` +
        raw.penalties.map((p) => `${p.rule} ${severityZh[p.severity] ?? p.severity} ${num(p.points)} 分`).join('；') +
        `）` +
        (capNote ? `，合计 ${num(raw.penaltyUncapped)} 分，按上限 ${num(policy.penalties.max)} 分扣` : '') +
        '。',
    );
    en.push(
      `Penalty ${num(r.penalty)}: ${raw.penalties.length} flag${raw.penalties.length === 1 ? '' : 's'} confirmed this period (` +
        raw.penalties.map((p) => `${p.rule} ${p.severity} ${num(p.points)}`).join('; ') +
        `)` +
        (capNote ? `, ${num(raw.penaltyUncapped)} in all, capped at ${num(policy.penalties.max)}` : '') +
        '.',
    );
  }

  // Composite
  const base = raw.compositeBeforePenalty!;
  const unclipped = base - r.penalty;
  const clipZh = unclipped < 0 ? '，低于 0 按 0 计' : unclipped > 100 ? '，高于 100 按 100 计' : '';
  const clipEn = unclipped < 0 ? ', clipped to 0' : unclipped > 100 ? ', clipped to 100' : '';
  zh.push(`综合得分 ${d2(r.composite!)}（加权合计 ${d2(base)}，扣分 ${num(r.penalty)}${clipZh}）。`);
  en.push(`Composite ${d2(r.composite!)} (weighted sum ${d2(base)} minus penalty ${num(r.penalty)}${clipEn}).`);

  // Rank and tier
  zh.push(`排名：${ctx.graded} 名参评人员中第 ${r.rank}。`);
  en.push(`Rank ${r.rank} of ${ctx.graded} graded officers.`);
  const p = r.placement;
  if (p) {
    const capOf = (level: number) => ctx.caps.find((x) => x.level === level)?.cap ?? 0;
    const shareOf = (level: number) => policy.tiers.find((t) => t.level === level)?.maxShare ?? 0;
    const pay = `系数 ${num(r.coefficient!)}，绩效 ${d2(r.payout!)} 元`;
    const payEn = `coefficient ${num(r.coefficient!)}, payout ${d2(r.payout!)}`;
    if (p.cappedAt.length === 0) {
      zh.push(`符合 ${p.qualifiedFor} 级条件，定为 ${p.placedAt} 级；${pay}。`);
      en.push(`Qualified for ${p.qualifiedFor}, placed at ${p.placedAt}; ${payEn}.`);
    } else {
      zh.push(
        `符合 ${p.qualifiedFor} 级条件，但 ` +
          p.cappedAt.map((l) => `${l} 级名额（${pct(shareOf(l))}，${capOf(l)} 人）`).join('、') +
          `已满，定为 ${p.placedAt} 级；${pay}。`,
      );
      en.push(
        `Qualified for ${p.qualifiedFor}, over the ` +
          p.cappedAt.map((l) => `${pct(shareOf(l))} cap at ${l} (${capOf(l)} ${capOf(l) === 1 ? 'place' : 'places'})`).join(' and the ') +
          `, placed at ${p.placedAt}; ${payEn}.`,
      );
    }
  }
  return { 'zh-CN': zh, en };
}
