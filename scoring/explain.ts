/**
 * Plain-language explanation of a result, in zh-CN and English, one sentence per line of
 * reasoning (DESIGN 3: raw inputs, component scores, weights used, penalty, rank, tier, and why).
 * Numbers are rounded to 2 decimals here and only here; the stored scores stay unrounded.
 *
 * Rendered from the result's figures plus a small `ExplainBasis` (the period, the officer's
 * active range and the few policy facts the sentences quote), never from anything else, so a
 * stored breakdown renders the same text on read as the engine would have produced (ADR 0013).
 */
import type { Policy } from './policy.js';
import type { CapUsage, OfficerInput, OfficerResult } from './types.js';
import { inclusiveDays, maxDate, minDate } from './dates.js';

export interface ExplainContext {
  policy: Policy;
  period: { code: string; start: string; end: string };
  window: { start: string; end: string };
  prior: number;
  graded: number;
  caps: CapUsage[];
}

/** Everything the sentences quote that is not a figure of the result itself. */
export interface ExplainBasis {
  period: { code: string; start: string; end: string };
  /** Graded officers of the run. */
  graded: number;
  /** The officer's active range in the period: [max(hire, start), min(leave, end)]. */
  activeFrom: string;
  activeTo: string;
  policyVersion: string;
  minActiveDays: number;
  minPeerGroupSize: number;
  /** Assessment categories the policy weighs. */
  categories: number;
  capYears: number;
  /** The policy weight of the assessment component (quoted when it is shared out). */
  assessmentWeight: number;
  penaltyMax: number;
  /** Share and cap of the levels the officer was capped at (only those). */
  caps: { level: number; share: number; cap: number }[];
  /** The payout is prorated by active days (policy v2, `proration: 'active_days'`); absent for v1. */
  prorated?: true;
  /**
   * The run summed its policy decimals exactly (policy v2, `arithmetic: 'decimal'`); absent for
   * v1. Not quoted: it tells whoever rebuilds figures from a stored breakdown how to sum them.
   */
  decimal?: true;
}

/** A result without its explanation: what the explanation is rendered from. */
export type ResultFigures = Omit<OfficerResult, 'explanation'>;

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

/** The officer's active range in the period (both ends counted). */
export function activeRange(o: Pick<OfficerInput, 'hireDate' | 'leaveDate'>, period: { start: string; end: string }) {
  const from = maxDate(o.hireDate, period.start);
  const to = o.leaveDate === null ? period.end : minDate(o.leaveDate, period.end);
  return { from, to };
}

/**
 * The basis of one officer's explanation from the engine's context. `cappedAt` lists the levels
 * whose cap and share the sentences quote; the cap is the run's.
 */
export function explainBasis(ctx: ExplainContext, o: Pick<OfficerInput, 'hireDate' | 'leaveDate'>, cappedAt: readonly number[] = []): ExplainBasis {
  const { policy } = ctx;
  const { from, to } = activeRange(o, ctx.period);
  return {
    period: ctx.period,
    graded: ctx.graded,
    activeFrom: from,
    activeTo: to,
    policyVersion: policy.version,
    minActiveDays: policy.eligibility.minActiveDays,
    minPeerGroupSize: policy.workload.minPeerGroupSize,
    categories: Object.keys(policy.assessment.categoryWeights).length,
    capYears: policy.tenure.capYears,
    assessmentWeight: policy.components.assessment,
    penaltyMax: policy.penalties.max,
    caps: cappedAt.map((level) => ({
      level,
      share: policy.tiers.find((t) => t.level === level)?.maxShare ?? 0,
      cap: ctx.caps.find((x) => x.level === level)?.cap ?? 0,
    })),
    ...(policy.proration === 'active_days' ? { prorated: true as const } : {}),
    ...(policy.arithmetic === 'decimal' ? { decimal: true as const } : {}),
  };
}

/** The explanation of a result, graded or not, from its figures and basis. */
export function explainResult(r: ResultFigures, b: ExplainBasis): Explanation {
  return r.status === 'graded' ? explainGraded(r, b) : explainNotGraded(r, b);
}

export function explainNotGraded(r: ResultFigures, b: ExplainBasis): Explanation {
  const ctx = b;
  const min = b.minActiveDays;
  const from = b.activeFrom;
  const to = b.activeTo;
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

export function explainGraded(r: ResultFigures, b: ExplainBasis): Explanation {
  const zh: string[] = [];
  const en: string[] = [];
  const ctx = b;
  const { period } = b;
  const c = r.components!;
  const w = r.weights!;
  const raw = r.raw;
  const min = b.minActiveDays;
  const from = b.activeFrom;
  const to = b.activeTo;

  zh.push(`${period.code} 在岗 ${r.activeDays} 天（${from} 至 ${to}），不少于 ${min} 天，参加评定。`);
  en.push(`Active ${r.activeDays} days in ${period.code} (${from}..${to}), at least ${min} required: graded.`);

  // Workload
  const mid = `中位百分位，低于本人 ${raw.peerBelow} 人，持平 ${raw.peerEqual} 人含本人`;
  const midEn = `mid-rank percentile: ${raw.peerBelow} below, ${raw.peerEqual} equal including self`;
  if (raw.peerFallback) {
    zh.push(
      `工作量 ${d2(c.workload)} 分：加权工作量 ${d2(raw.workloadPoints)}；同组（${raw.peerGroup}）参评仅 ${raw.peerGroupSize} 人，少于 ${b.minPeerGroupSize} 人，改与全部 ${raw.peerCount} 名参评人员比较，排第 ${raw.peerPosition}（${mid}）。`,
    );
    en.push(
      `Workload ${d2(c.workload)}: ${d2(raw.workloadPoints)} weighted points; peer group ${raw.peerGroup} has only ${raw.peerGroupSize} graded officers (< ${b.minPeerGroupSize}), so compared with all ${raw.peerCount} graded officers of the run: ${ordinal(raw.peerPosition)} of ${raw.peerCount} (${midEn}).`,
    );
  } else {
    zh.push(`工作量 ${d2(c.workload)} 分：加权工作量 ${d2(raw.workloadPoints)}，同组（${raw.peerGroup}）${raw.peerCount} 人中排第 ${raw.peerPosition}（${mid}）。`);
    en.push(
      `Workload ${d2(c.workload)}: ${d2(raw.workloadPoints)} weighted points, ${ordinal(raw.peerPosition)} of ${raw.peerCount} in peer group ${raw.peerGroup} (${midEn}).`,
    );
  }
  if (raw.ignoredKinds.length > 0) {
    zh.push(`政策 ${b.policyVersion} 未定义的工作量类型不计分：${raw.ignoredKinds.join('、')}。`);
    en.push(`Workload kinds not in policy ${b.policyVersion} carry no points: ${raw.ignoredKinds.join(', ')}.`);
  }

  // Assessment
  const win = raw.assessmentWindow;
  if (c.assessment === null) {
    zh.push(`业务测试缺失：${win.start} 至 ${win.end} 期间无成绩，其权重按比例分给其他各项（评定不完整）。`);
    en.push(`Assessment missing: no result between ${win.start} and ${win.end}; its weight is shared out among the other components (incomplete).`);
  } else {
    const k = raw.assessmentsUsed.length;
    const total = b.categories;
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
  const cap = num(b.capYears);
  zh.push(`任职年限 ${d2(c.tenure)} 分：截至 ${period.end} 在现岗位 ${d2(raw.tenureYears)} 年（满 ${cap} 年得满分）。`);
  en.push(`Tenure ${d2(c.tenure)}: ${d2(raw.tenureYears)} years in position on ${period.end} (full marks at ${cap} years).`);

  // Weights
  const ws = `工作量 ${d2(w.workload)}，业务测试 ${d2(w.assessment)}，纳税人评价 ${d2(w.feedback)}，任职年限 ${d2(w.tenure)}`;
  const wsEn = `workload ${d2(w.workload)}, assessment ${d2(w.assessment)}, feedback ${d2(w.feedback)}, tenure ${d2(w.tenure)}`;
  if (r.incomplete) {
    zh.push(`权重：${ws}（业务测试缺失，其权重 ${d2(b.assessmentWeight)} 按比例分给其他各项）。`);
    en.push(`Weights used: ${wsEn} (assessment missing, its ${d2(b.assessmentWeight)} shared out proportionally).`);
  } else {
    zh.push(`权重：${ws}。`);
    en.push(`Weights used: ${wsEn}.`);
  }

  // Penalty
  if (raw.penalties.length === 0) {
    zh.push('本期无已确认问题，不扣分。');
    en.push('No flags confirmed this period: no penalty.');
  } else {
    const capNote = raw.penaltyUncapped > b.penaltyMax;
    zh.push(
      `扣 ${num(r.penalty)} 分：本期已确认问题 ${raw.penalties.length} 项（` +
        raw.penalties.map((p) => `${p.rule} ${severityZh[p.severity] ?? p.severity} ${num(p.points)} 分`).join('；') +
        `）` +
        (capNote ? `，合计 ${num(raw.penaltyUncapped)} 分，按上限 ${num(b.penaltyMax)} 分扣` : '') +
        '。',
    );
    en.push(
      `Penalty ${num(r.penalty)}: ${raw.penalties.length} flag${raw.penalties.length === 1 ? '' : 's'} confirmed this period (` +
        raw.penalties.map((p) => `${p.rule} ${p.severity} ${num(p.points)}`).join('; ') +
        `)` +
        (capNote ? `, ${num(raw.penaltyUncapped)} in all, capped at ${num(b.penaltyMax)}` : '') +
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
    const capOf = (level: number) => b.caps.find((x) => x.level === level)?.cap ?? 0;
    const shareOf = (level: number) => b.caps.find((x) => x.level === level)?.share ?? 0;
    const days = inclusiveDays(period.start, period.end);
    const pay = `系数 ${num(r.coefficient!)}，绩效 ${d2(r.payout!)} 元` + (b.prorated ? `（按全期 ${days} 天中在岗 ${r.activeDays} 天计发）` : '');
    const payEn = `coefficient ${num(r.coefficient!)}, payout ${d2(r.payout!)}` + (b.prorated ? ` (paid for ${r.activeDays} of ${days} days)` : '');
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
