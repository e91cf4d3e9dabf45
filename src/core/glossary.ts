/**
 * The glossary: every code a person may meet on a page or in a refusal (decision types, flag
 * rules, peer groups, votes, statuses, severities, evidence figures) with its zh-CN and English
 * label, written once here (ADR 0083). Domain catalogues take their labels from it under their
 * own keys (`...terms('rule', 'rule.')`), and every page's translator holds it as
 * `term.<family>.<code>`, so no page prints a raw code such as `assessed_turnover`.
 */
import { defaultLang, type Lang, type Messages } from './lang.js';

export const glossary = {
  decisionType: {
    assessed_turnover: { 'zh-CN': '定额核定', en: 'Assessed turnover' },
    penalty_waiver: { 'zh-CN': '首违不罚', en: 'First-violation penalty waiver' },
    tax_relief: { 'zh-CN': '减免税', en: 'Tax relief' },
    deferral: { 'zh-CN': '延期', en: 'Deferral' },
    invoice_quota: { 'zh-CN': '发票限额', en: 'Invoice quota' },
    grade_adjustment: { 'zh-CN': '能级调整', en: 'Grade adjustment' },
  },
  decisionStatus: {
    effective: { 'zh-CN': '已生效', en: 'effective' },
    pending_review: { 'zh-CN': '待集体审议', en: 'under review' },
    approved: { 'zh-CN': '审议通过', en: 'approved' },
    rejected: { 'zh-CN': '审议未通过', en: 'rejected' },
    lapsed: { 'zh-CN': '逾期未达法定人数', en: 'lapsed without quorum' },
    superseded: { 'zh-CN': '已被更正取代', en: 'superseded by an amendment' },
  },
  vote: {
    approve: { 'zh-CN': '同意', en: 'approve' },
    reject: { 'zh-CN': '不同意', en: 'reject' },
  },
  rule: {
    threshold_bunching: { 'zh-CN': '临界值聚集', en: 'Threshold bunching' },
    sole_decider: { 'zh-CN': '未经集体审议', en: 'Sole decider' },
    reviewer_concentration: { 'zh-CN': '审议人集中', en: 'Reviewer concentration' },
    rotation_due: { 'zh-CN': '应轮岗', en: 'Rotation due' },
    peer_outlier: { 'zh-CN': '同组异常', en: 'Peer outlier' },
    benford: { 'zh-CN': '首位数字偏离（本福特）', en: 'Benford deviation' },
    late_amendment: { 'zh-CN': '迟延或跨临界值更正', en: 'Late amendment' },
    complaint: { 'zh-CN': '纳税人投诉', en: 'Complaint' },
    feedback_burst: { 'zh-CN': '评价集中突增', en: 'Feedback burst' },
    repeat_waiver: { 'zh-CN': '重复适用首违不罚', en: 'Repeat first-violation waiver' },
    no_quorum: { 'zh-CN': '审议不足法定人数', en: 'No quorum' },
    spot_check: { 'zh-CN': '随机抽查发现问题', en: 'Spot-check finding' },
    feedback_selection: { 'zh-CN': '评价对象疑似经过挑选', en: 'Feedback selection' },
  },
  severity: {
    low: { 'zh-CN': '低', en: 'Low' },
    medium: { 'zh-CN': '中', en: 'Medium' },
    high: { 'zh-CN': '高', en: 'High' },
    critical: { 'zh-CN': '严重', en: 'Critical' },
  },
  flagStatus: {
    open: { 'zh-CN': '待处理', en: 'Open' },
    in_review: { 'zh-CN': '复核中', en: 'In review' },
    closed: { 'zh-CN': '已结案', en: 'Closed' },
  },
  flagOutcome: {
    confirmed: { 'zh-CN': '属实', en: 'Confirmed' },
    false_positive: { 'zh-CN': '误报', en: 'False positive' },
    escalated: { 'zh-CN': '移交上级', en: 'Escalated' },
  },
  complaintStatus: {
    received: { 'zh-CN': '已受理', en: 'Received' },
    in_review: { 'zh-CN': '核查中', en: 'In review' },
    closed: { 'zh-CN': '已办结', en: 'Closed' },
  },
  resultStatus: {
    graded: { 'zh-CN': '参评', en: 'graded' },
    not_graded: { 'zh-CN': '未参评', en: 'not graded' },
  },
  peerGroup: {
    urban: { 'zh-CN': '城区', en: 'urban' },
    suburban: { 'zh-CN': '近郊', en: 'suburban' },
    county: { 'zh-CN': '县域', en: 'county' },
    development_zone: { 'zh-CN': '开发区', en: 'development zone' },
  },
  /** The violation types a first-violation waiver names (decisions.violation_type). */
  violationType: {
    late_filing: { 'zh-CN': '逾期申报', en: 'late filing' },
    late_registration: { 'zh-CN': '逾期办理税务登记', en: 'late registration' },
    invoice_keeping: { 'zh-CN': '未按规定保管发票', en: 'invoice keeping' },
    bookkeeping: { 'zh-CN': '未按规定设置账簿', en: 'bookkeeping' },
    late_reporting_change: { 'zh-CN': '逾期报告变更事项', en: 'late report of a change' },
  },
  /** The figures a flag rule writes into its evidence (flags/rules), by their key. */
  evidence: {
    above: { 'zh-CN': '临界值以上（笔）', en: 'above the threshold' },
    alpha: { 'zh-CN': '显著性水平', en: 'significance level' },
    amendmentId: { 'zh-CN': '更正记录', en: 'amendment' },
    amendmentRecordedAt: { 'zh-CN': '更正录入时间', en: 'amendment recorded at' },
    amount: { 'zh-CN': '金额', en: 'amount' },
    amounts: { 'zh-CN': '金额笔数', en: 'amounts' },
    asOf: { 'zh-CN': '计算截至', en: 'as of' },
    band: { 'zh-CN': '临界区间宽度', en: 'band' },
    below: { 'zh-CN': '临界值以下（笔）', en: 'below the threshold' },
    bursts: { 'zh-CN': '突增次数', en: 'bursts' },
    comparedWith: { 'zh-CN': '比较对象', en: 'compared with' },
    counts: { 'zh-CN': '各首位数字笔数', en: 'counts' },
    days: { 'zh-CN': '天数', en: 'days' },
    decidedAt: { 'zh-CN': '决定日期', en: 'decided on' },
    decisionId: { 'zh-CN': '决定', en: 'decision' },
    decisionType: { 'zh-CN': '决定类型', en: 'decision type' },
    decisions: { 'zh-CN': '决定数', en: 'decisions' },
    decisionsWithoutQuorum: { 'zh-CN': '未达法定人数的决定', en: 'decisions without quorum' },
    df: { 'zh-CN': '自由度', en: 'degrees of freedom' },
    earlierWaivers: { 'zh-CN': '此前的首违不罚', en: 'earlier waivers' },
    earliestSince: { 'zh-CN': '最早起始日', en: 'earliest since' },
    expected: { 'zh-CN': '期望值', en: 'expected' },
    favourableDecisions: { 'zh-CN': '有利决定数', en: 'favourable decisions' },
    gap: { 'zh-CN': '差距', en: 'gap' },
    independentReviewers: { 'zh-CN': '独立审议人数', en: 'independent reviewers' },
    investigatorsVoting: { 'zh-CN': '参与表决的调查人员', en: 'investigators voting' },
    invitationMean: { 'zh-CN': '邀请评价均分', en: 'mean score of invited ratings' },
    invitationN: { 'zh-CN': '邀请评价份数', en: 'invited ratings' },
    invitationSd: { 'zh-CN': '邀请评价标准差', en: 'spread of invited ratings' },
    lapsed: { 'zh-CN': '逾期未决', en: 'lapsed' },
    mad: { 'zh-CN': '平均绝对偏差', en: 'mean absolute deviation' },
    managedTaxpayers: { 'zh-CN': '管户数', en: 'taxpayers managed' },
    maxDays: { 'zh-CN': '最长天数', en: 'most days' },
    maxMad: { 'zh-CN': '平均绝对偏差上限', en: 'largest allowed deviation' },
    maxPValue: { 'zh-CN': '显著性上限', en: 'largest p-value' },
    maxResponses: { 'zh-CN': '评价份数上限', en: 'most responses' },
    maxShare: { 'zh-CN': '占比上限', en: 'largest share' },
    maxYears: { 'zh-CN': '最长年限', en: 'most years' },
    maxZ: { 'zh-CN': '标准分上限', en: 'largest z-score' },
    median: { 'zh-CN': '中位数', en: 'median' },
    minBelow: { 'zh-CN': '临界值以下最少笔数', en: 'fewest below' },
    minDecisions: { 'zh-CN': '最少决定数', en: 'fewest decisions' },
    minEach: { 'zh-CN': '每组最少份数', en: 'fewest in each group' },
    minGap: { 'zh-CN': '最小差距', en: 'smallest gap' },
    minIndependentReviewers: { 'zh-CN': '独立审议人最少人数', en: 'fewest independent reviewers' },
    minVotingShare: { 'zh-CN': '最低表决比例', en: 'smallest voting share' },
    n: { 'zh-CN': '样本数', en: 'count' },
    observed: { 'zh-CN': '实际值', en: 'observed' },
    officerCode: { 'zh-CN': '人员编号', en: 'officer' },
    originalAmount: { 'zh-CN': '原金额', en: 'original amount' },
    originalDecidedAt: { 'zh-CN': '原决定日期', en: 'originally decided on' },
    originalId: { 'zh-CN': '原决定', en: 'original decision' },
    pValue: { 'zh-CN': '显著性（p 值）', en: 'p-value' },
    panel: { 'zh-CN': '审议组', en: 'panel' },
    panels: { 'zh-CN': '审议组数', en: 'panels' },
    peakResponses: { 'zh-CN': '峰值评价份数', en: 'peak responses' },
    peerGroup: { 'zh-CN': '同组类别', en: 'peer group' },
    peers: { 'zh-CN': '同组人数', en: 'peers' },
    rate: { 'zh-CN': '比率', en: 'rate' },
    reasons: { 'zh-CN': '理由', en: 'reasons' },
    returnVisitMean: { 'zh-CN': '回访评价均分', en: 'mean score of return visits' },
    returnVisitN: { 'zh-CN': '回访份数', en: 'return visits' },
    returnVisitSd: { 'zh-CN': '回访评价标准差', en: 'spread of return visits' },
    reviewedDecisions: { 'zh-CN': '经审议的决定数', en: 'reviewed decisions' },
    reviewerCode: { 'zh-CN': '审议人', en: 'reviewer' },
    samples: { 'zh-CN': '样本', en: 'samples' },
    scale: { 'zh-CN': '离散尺度', en: 'scale' },
    scaleMethod: { 'zh-CN': '尺度算法', en: 'scale method' },
    share: { 'zh-CN': '占比', en: 'share' },
    t: { 'zh-CN': 't 统计量', en: 't statistic' },
    taxpayerCode: { 'zh-CN': '纳税人', en: 'taxpayer' },
    taxpayers: { 'zh-CN': '纳税人数', en: 'taxpayers' },
    taxpayersDue: { 'zh-CN': '应轮换的纳税人数', en: 'taxpayers due for rotation' },
    threshold: { 'zh-CN': '临界值', en: 'threshold' },
    violationType: { 'zh-CN': '违法类型', en: 'violation type' },
    voting: { 'zh-CN': '表决人数', en: 'voting' },
    window: { 'zh-CN': '时间窗', en: 'window' },
    windowMinutes: { 'zh-CN': '时间窗（分钟）', en: 'window (minutes)' },
    withReviewer: { 'zh-CN': '与该审议人', en: 'with this reviewer' },
    z: { 'zh-CN': '标准分（z）', en: 'z-score' },
  },
} satisfies Record<string, Messages>;

export type TermFamily = keyof typeof glossary;

/** One family's labels under a catalogue's own prefix: `...terms('rule', 'rule.')` gives `rule.benford`. */
export function terms(family: TermFamily, prefix: string): Messages {
  const out: Messages = {};
  for (const [code, entry] of Object.entries(glossary[family] as Messages)) out[`${prefix}${code}`] = entry;
  return out;
}

/** Every family as `term.<family>.<code>`: the page shell's translator holds these. */
export const glossaryMessages: Messages = Object.assign({}, ...Object.keys(glossary).map((f) => terms(f as TermFamily, `term.${f}.`)));

/** Why a result is not graded, as the engine wrote it (`active 44 days < 45`), said with a page's translator. */

const inProse: TermFamily[] = ['peerGroup', 'rule', 'decisionType', 'severity'];

/**
 * A sentence written with codes in it (the grading engine's explanation: "同组（urban）",
 * "peer_outlier 中 2 分", kept pure of the service) with each code of the glossary said as its label.
 */
export function sayCodes(lang: Lang, text: string): string {
  // In English, plain words ("low", "complaint") are English already; only joined codes are said.
  return text.replace(lang === 'en' ? /\b[a-z]+(?:_[a-z]+)+\b/g : /\b[a-z]+(?:_[a-z]+)*\b/g, (word) => {
    for (const family of inProse) {
      const entry = (glossary[family] as Messages)[word];
      if (entry) return entry[lang] ?? entry[defaultLang];
    }
    return word;
  });
}

/** A code's label in `lang`; a code the glossary does not know is shown as it is (and a test finds it). */
export function term(lang: Lang, family: TermFamily, code: string): string {
  const entry = (glossary[family] as Messages)[code];
  return entry ? entry[lang] ?? entry[defaultLang] : code;
}
