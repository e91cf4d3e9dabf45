/**
 * The flag page's evidence in plain words: why each rule raised its flag (one sentence or two,
 * with the flag's own figures) and the labels of the evidence charts. Part of the flags
 * catalogue (messages.ts spreads it in); zh-CN and English side by side.
 */
import type { Messages } from '../pages/i18n.js';

export const evidenceMessages = {
  'why.title': { 'zh-CN': '为什么提出这个疑点', en: 'Why this flag was raised' },
  'why.chance': { 'zh-CN': '只有 {p}', en: 'only {p}' },
  'why.chance.tiny': { 'zh-CN': '不到万分之一', en: 'less than 1 in 10,000' },
  'why.threshold_bunching': {
    'zh-CN': '{officer} 在考察期内作出的“{type}”决定中，有 {below} 笔金额落在临界值 {threshold} 元下方（{lower} 元至 {threshold} 元），而上方（{threshold} 元至 {upper} 元）只有 {above} 笔。如果金额落在临界值两侧的机会相同，出现这样一边倒的情况的可能性{chance}（低于 {limit} 即提出疑点）。',
    en: 'Of the “{type}” decisions {officer} took in the window, {below} amounts lie just below the threshold of {threshold} yuan (from {lower} up to {threshold}) and only {above} just above it (from {threshold} to {upper}). Were amounts as likely to land on either side, so lopsided a split would happen with a chance of {chance} (a flag is raised below {limit}).',
  },
  'why.sole_decider': {
    'zh-CN': '{officer} 有 {n} 项“{type}”决定按规定须经集体审议，但生效时亲自表决的独立审议人员（不含承办人和该纳税人的管户人员）少于 {min} 名。',
    en: '{n} “{type}” decision(s) by {officer} needed a collective review, yet took effect with fewer than {min} independent members (neither the decider nor the taxpayer’s managing officer) voting themselves.',
  },
  'why.reviewer_concentration': {
    'zh-CN': '{officer} 经集体审议的 {reviewed} 项决定中，有 {with} 项（{share}）由同一名审议人员 {reviewer} 参加表决，超过 {max} 的上限。同一人长期审议同一干部的决定，集体审议就可能流于形式。',
    en: 'Of the {reviewed} decisions by {officer} that a panel reviewed, {reviewer} voted on {with} ({share}), more than the limit of {max}. When one member keeps reviewing the same officer, the collective review may become a formality.',
  },
  'why.rotation_due': {
    'zh-CN': '截至 {asOf}，{officer} 连续管理 {n} 户纳税人已超过 {years} 年（最早一户自 {since} 起），按规定应当轮岗。',
    en: 'As of {asOf}, {officer} has managed {n} taxpayer(s) continuously for more than {years} years (the longest since {since}), and is due for rotation.',
  },
  'why.peer_outlier': {
    'zh-CN': '{officer} 在考察期内每管理一户纳税人平均作出 {rate} 项有利于纳税人的决定（{fav} 项，管户 {managed} 户），而{group}的中位数是 {median}。偏离程度（稳健 z 值）为 {z}，超过 {maxZ} 即提出疑点。',
    en: 'In the window {officer} took {rate} favourable decisions per managed taxpayer ({fav} decisions, {managed} taxpayers), where the median of {group} is {median}. That is {z} robust standard deviations above the median; a flag is raised above {maxZ}.',
  },
  'why.peer.group': { 'zh-CN': '同组（{peerGroup}）{peers} 名干部', en: 'the {peers} officers of the peer group “{peerGroup}”' },
  'why.peer.all': { 'zh-CN': '全部 {peers} 名干部（同组人数太少，改与全部干部比较）', en: 'all {peers} officers (the peer group is too small to compare within)' },
  'why.benford': {
    'zh-CN': '{officer} 在考察期内核定的 {n} 个金额，首位数字的分布与通常规律（本福特定律：首位是 1 的约占 30%，是 9 的不到 5%）相差较大：平均偏差 {mad}，超过 {max}。偏离最大的是首位数字 {digit}：实际占 {observed}，通常约占 {expected}。金额可能是人为设定的，也可能另有原因，需要查阅案卷。',
    en: 'The first digits of the {n} amounts {officer} assessed in the window depart from the usual pattern (Benford’s law: about 30% start with 1, under 5% with 9): the mean deviation is {mad}, above the limit of {max}. The largest gap is at digit {digit}: {observed} of the amounts against about {expected} usually. The amounts may have been set by hand, or there may be another reason: the case files tell.',
  },
  'why.late_amendment.late': {
    'zh-CN': '{officer} 于 {recorded} 更正了 {decided} 作出的决定，相隔 {days} 天，超过 {max} 天的期限。',
    en: 'On {recorded} {officer} amended a decision taken on {decided}, {days} days later, beyond the limit of {max} days.',
  },
  'why.late_amendment.below': {
    'zh-CN': '更正把金额从 {from} 元改为 {to} 元，由临界值 {threshold} 元以上降到以下，这样的决定可能因此不再需要集体审议。',
    en: 'The amendment changed the amount from {from} to {to} yuan, from at or above the threshold of {threshold} yuan to below it, which can take a decision out of collective review.',
  },
  'why.complaint': { 'zh-CN': '纳税人投诉了 {officer}。', en: 'A taxpayer complained about {officer}.' },
  'why.complaint.channel': { 'zh-CN': '投诉渠道：{channel}。', en: 'Channel: {channel}.' },
  'why.complaint.category': { 'zh-CN': '投诉类别：{category}。', en: 'Category: {category}.' },
  'why.complaint.period': { 'zh-CN': '所属季度：{period}。', en: 'Quarter: {period}.' },
  'why.complaint.text': { 'zh-CN': '投诉原文见下方，仅供复核人阅看。', en: 'The complaint’s words are below, for the reviewer only.' },
  'why.feedback_burst': {
    'zh-CN': '{officer} 曾在 {minutes} 分钟内收到多达 {peak} 条评价（超过 {max} 条即提出疑点），考察期内共出现 {bursts} 次这样的集中评价。正常办税服务很少在几分钟内产生这么多评价，可能有人集中提交。',
    en: '{officer} received as many as {peak} ratings within {minutes} minutes (a flag is raised above {max}); this happened {bursts} time(s) in the window. Ordinary service rarely produces so many ratings within minutes: someone may have submitted them in bulk.',
  },
  'why.repeat_waiver': {
    'zh-CN': '{officer} 于 {decided} 对同一纳税人的同一类违法行为（{violation}）再次适用“首违不罚”；此前已适用 {k} 次，最早一次是 {first}（承办人 {firstBy}）。首违不罚只适用于首次违法。',
    en: 'On {decided} {officer} waived the penalty for a violation ({violation}) the same taxpayer had already been let off {k} time(s), first on {first} (by {firstBy}). The first-violation waiver is for a first violation only.',
  },
  'why.no_quorum': { 'zh-CN': '{officer} 有 {n} 项决定的集体审议不符合规定。', en: '{n} collective review(s) of decisions by {officer} did not meet the rules.' },
  'why.no_quorum.of': { 'zh-CN': '在下列 {listed} 项中：{parts}。', en: 'Of the {listed} listed below, {parts}.' },
  'why.no_quorum.few': { 'zh-CN': '{k} 项亲自表决的成员不足审议组的 {share}', en: '{k} had fewer than {share} of the panel voting themselves' },
  'why.no_quorum.investigator': { 'zh-CN': '{k} 项有参与调查的人员参加了表决', en: 'in {k} someone who investigated the case voted' },
  'why.no_quorum.lapsed': { 'zh-CN': '{k} 项逾期未达法定人数而作废', en: '{k} lapsed without a quorum' },
  'why.list.sep': { 'zh-CN': '；', en: '; ' },
  'why.spot_check': {
    'zh-CN': '在 {period} 的随机抽查中，抽查人认为 {officer} 的一项决定（见下方）存在问题：“{finding}”',
    en: 'In the random spot check of {period}, the checking supervisor found a problem with a decision by {officer} (listed below): “{finding}”',
  },
  'why.feedback_selection': {
    'zh-CN': '{officer} 自己邀请的纳税人平均打分 {inv}（{invN} 份），系统随机回访的纳税人平均打分 {rv}（{rvN} 份），低了 {gap} 分。如果两类纳税人的评价本无差别，出现这么大差距的可能性{chance}（低于 {alpha} 即提出疑点）。这可能说明邀请评价时挑选了满意的纳税人。',
    en: 'Taxpayers {officer} invited rated them {inv} on average ({invN} ratings); taxpayers the service drew at random for a return visit rated them {rv} ({rvN} ratings): lower by {gap}. Were the two groups alike, a gap this large would happen with a chance of {chance} (a flag is raised below {alpha}). The officer may have picked satisfied taxpayers to invite.',
  },
  'why.unknown': { 'zh-CN': '规则 {rule} 提出了此疑点；证据数据见下方。', en: 'The rule {rule} raised this flag; its figures are below.' },

  'violation.late_filing': { 'zh-CN': '逾期申报', en: 'late filing' },
  'violation.late_registration': { 'zh-CN': '逾期办理税务登记', en: 'late registration' },
  'violation.invoice_keeping': { 'zh-CN': '未按规定保管发票', en: 'invoices not kept as required' },
  'violation.bookkeeping': { 'zh-CN': '未按规定设置账簿', en: 'books not kept as required' },
  'violation.late_reporting_change': { 'zh-CN': '逾期报告变更事项', en: 'a change reported late' },

  'peerGroup.urban': { 'zh-CN': '城区', en: 'urban' },
  'peerGroup.suburban': { 'zh-CN': '近郊', en: 'suburban' },
  'peerGroup.county': { 'zh-CN': '县域', en: 'county' },
  'peerGroup.development_zone': { 'zh-CN': '开发区', en: 'development zone' },

  'chart.data': { 'zh-CN': '图表数据', en: 'Chart data' },
  'chart.peer.title': {
    'zh-CN': '{group}每户有利决定数的分布（红点为 {officer}）',
    en: 'Favourable decisions per managed taxpayer across {group} ({officer} in red)',
  },
  'chart.peer.desc': {
    'zh-CN': '每个点代表一名干部，其他干部不显示姓名和代码；灰线为中位数，红色虚线为疑点线（中位数加 {maxZ} 倍离散程度）。同组数据按疑点的考察期间重新读取。',
    en: 'Each dot is one officer; the others are not named. The grey line is the median, the red dashed line where a flag starts (the median plus {maxZ} times the spread). The peers’ figures are read again over the flag’s window.',
  },
  'chart.peer.median': { 'zh-CN': '中位数 {v}', en: 'median {v}' },
  'chart.peer.cutoff': { 'zh-CN': '疑点线 {v}', en: 'flag line {v}' },
  'chart.peer.col.rank': { 'zh-CN': '序号', en: 'No.' },
  'chart.peer.col.rate': { 'zh-CN': '每户有利决定数', en: 'Favourable decisions per taxpayer' },
  'chart.peer.col.who': { 'zh-CN': '干部', en: 'Officer' },
  'chart.peer.peer': { 'zh-CN': '同组干部（不具名）', en: 'a peer (not named)' },
  'chart.benford.title': {
    'zh-CN': '{officer} 核定金额的首位数字：实际占比（柱）与本福特定律的预期（黑点）',
    en: 'First digits of the amounts {officer} assessed: observed (bars) against Benford’s law (black dots)',
  },
  'chart.benford.desc': {
    'zh-CN': '共 {n} 个金额。柱子高出或低于黑点越多，偏离越大。',
    en: '{n} amounts. The further a bar is from its dot, the larger the departure.',
  },
  'chart.benford.digit': { 'zh-CN': '首位数字', en: 'First digit' },
  'chart.benford.expected': { 'zh-CN': '预期占比', en: 'Expected' },
  'chart.benford.observed': { 'zh-CN': '实际占比', en: 'Observed' },
  'chart.benford.count': { 'zh-CN': '金额个数', en: 'Amounts' },
  'chart.burst.title': {
    'zh-CN': '{officer} 集中收到的评价：每行一个 {minutes} 分钟的时段，每个点一条评价',
    en: 'The ratings {officer} received in bursts: one row per {minutes}-minute span, one dot per rating',
  },
  'chart.burst.desc': {
    'zh-CN': '只列出提交时间、平均分和状态，不显示任何可以识别纳税人的信息。',
    en: 'Only the time, the mean rating and the status are shown: nothing that identifies a taxpayer.',
  },
  'chart.burst.row': { 'zh-CN': '{start} 起 {n} 条', en: '{n} from {start}' },
  'chart.burst.more': { 'zh-CN': '共 {n} 个时段，仅列出前 {shown} 个。', en: '{n} bursts; the first {shown} are listed.' },
  'chart.burst.col.burst': { 'zh-CN': '时段', en: 'Burst' },
  'chart.burst.col.at': { 'zh-CN': '提交时间', en: 'Submitted' },
  'chart.burst.col.mean': { 'zh-CN': '平均分', en: 'Mean rating' },
  'chart.burst.col.status': { 'zh-CN': '状态', en: 'Status' },
  'chart.burst.status.accepted': { 'zh-CN': '有效', en: 'accepted' },
  'chart.burst.status.voided': { 'zh-CN': '已作废', en: 'voided' },
  'chart.burst.minutes': { 'zh-CN': '{m} 分钟', en: '{m} min' },
  'chart.conc.title': {
    'zh-CN': '{officer} 经审议的 {reviewed} 项决定中，各审议人员参加表决的比例',
    en: 'Share of the {reviewed} reviewed decisions by {officer} that each member voted on',
  },
  'chart.conc.desc': {
    'zh-CN': '一项决定通常有几名审议人员，比例之和可以超过 100%。红色虚线为上限 {max}；红色柱为提出疑点的审议人员。',
    en: 'A decision usually has several members voting, so the shares add up to more than 100%. The red dashed line is the limit of {max}; the red bar is the member the flag names.',
  },
  'chart.conc.limit': { 'zh-CN': '上限 {max}', en: 'limit {max}' },
  'chart.conc.col.reviewer': { 'zh-CN': '审议人员', en: 'Member' },
  'chart.conc.col.together': { 'zh-CN': '参加表决的决定数', en: 'Decisions voted on' },
  'chart.conc.col.share': { 'zh-CN': '比例', en: 'Share' },
} satisfies Messages;
