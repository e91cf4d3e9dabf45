/**
 * The decision stream and the thresholds decisions are taken against. Deciders are drawn by team,
 * the planted ones more often, so their patterns have the numbers a rule needs: bunching under
 * the assessed-turnover threshold, repeat first-violation waivers, a favourite reviewer, panels of
 * one or with a missing vote; and now and then a decider amends a recent decision, late or across
 * the threshold.
 */
import { justifications, violationTypes } from './names.js';
import { DAY, officeTime } from './bureau-calendar.js';
import { clamp, type DecisionEvent, type Drawn, type OfficerTraits, type ThresholdRow } from './bureau-model.js';
import { cumulative, officerDraws } from './bureau-streams.js';

/** The assessed-turnover threshold the bunching is planted under (yuan a month). */
export const turnoverThreshold = 20_000;

export function thresholdRows(): ThresholdRow[] {
  return [
    { decisionType: 'assessed_turnover', amount: 15_000, validFrom: '2014-10-01', validTo: '2018-12-31' },
    { decisionType: 'assessed_turnover', amount: turnoverThreshold, validFrom: '2019-01-01' },
  ];
}

/** `decisionCount` decisions in the order drawn; `chronological` sorts them. */
export function* drawDecisions(d: Drawn, decisionCount: number): Generator<DecisionEvent> {
  const { root, traits, officersByUnit, todayDay } = d;
  const { deciders, bunching, waiverHappy, favouriteReviewer, soloDecider } = d.planted;
  const { activeDay, unitTaxpayer } = officerDraws(d);
  const rng = root.fork('decisions');
  const teamWeight: Record<string, number> = { 评估: 3, 综合管理: 2, 纳税服务: 1, 风险分析: 0.4 };
  // Planted officers decide more, so their pattern has the numbers a rule needs to see it.
  const plantedWeight = (t: OfficerTraits) => (bunching.has(t) || favouriteReviewer.has(t) ? 6 : waiverHappy.has(t) || soloDecider.has(t) ? 3 : 1);
  const pickDecider = cumulative(deciders.length > 0 ? deciders : traits, (t) => (teamWeight[t.o.team] ?? 1) * plantedWeight(t));
  const types = ['assessed_turnover', 'penalty_waiver', 'tax_relief', 'deferral', 'invoice_quota'];
  const recent: DecisionEvent[] = [];
  const waivers: { taxpayerCode: string; violationType: string; decider: OfficerTraits }[] = [];
  const waived = new Set<string>();
  const favourite = new Map<OfficerTraits, OfficerTraits>();
  const T = turnoverThreshold;
  const stayingByUnit = officersByUnit.map((list) => list.filter((x) => x.leave === null));
  const panelFor = (t: OfficerTraits, n: number): DecisionEvent['reviewers'] => {
    const pool = stayingByUnit[t.unitIdx]!.filter((x) => x !== t);
    const chosen = new Set<OfficerTraits>();
    if (favouriteReviewer.has(t) && pool.length > 0) {
      if (!favourite.has(t)) favourite.set(t, rng.pick(pool));
      chosen.add(favourite.get(t)!);
    }
    for (let guard = 0; chosen.size < Math.min(n, pool.length) && guard < 50; guard++) chosen.add(rng.pick(pool));
    return [...chosen].map((x) => ({
      officerCode: x.o.code,
      vote: rng.chance(soloDecider.has(t) ? 0.1 : 0.0005) ? null : rng.chance(0.95) ? 'approve' : 'reject',
      investigated: rng.chance(0.0003),
    }));
  };
  for (let index = 0; index < decisionCount; index++) {
    // Amendments: the same decider revisits one of their recent decisions.
    if (recent.length > 20 && rng.chance(0.004)) {
      const orig = rng.pick(recent);
      const late = rng.chance(0.25);
      const origMs = Date.parse(orig.decidedAt);
      const ms = Math.min(origMs + (late ? rng.int(31, 90) : rng.int(1, 20)) * DAY, todayDay * DAY - 3_600_000);
      if (ms > origMs) {
        let amount = orig.amount;
        if (orig.type === 'assessed_turnover' && orig.amount >= T && rng.chance(0.3)) amount = Math.round((T * rng.next() * 0.1 + 0.9 * T) / 100) * 100 - 100;
        else amount = Math.round(orig.amount * clamp(rng.normal(0.95, 0.05), 0.7, 1.1));
        const ev: DecisionEvent = {
          ...orig,
          index,
          amount,
          decidedAt: new Date(ms).toISOString(),
          reviewers: orig.reviewers.map((r) => ({ ...r })),
          amends: orig.index,
          amendReason: late ? '纳税人补充提供经营资料，重新核定。' : '核定依据录入有误，予以更正。',
        };
        yield ev;
        continue;
      }
    }
    const t = pickDecider(rng);
    const day = activeDay(rng, t);
    if (day === null) { index--; continue; }
    const wTypes = waiverHappy.has(t) ? [0.3, 0.55, 0.05, 0.04, 0.06] : bunching.has(t) ? [0.75, 0.08, 0.05, 0.04, 0.08] : [0.45, 0.18, 0.1, 0.08, 0.19];
    const type = rng.weighted(types, wTypes);
    const decidedAt = officeTime(rng, day);
    let taxpayerCode = unitTaxpayer(rng, t);
    let amount: number;
    let threshold: number | undefined;
    let violationType: string | undefined;
    let reviewers: DecisionEvent['reviewers'] = [];
    switch (type) {
      case 'assessed_turnover': {
        threshold = T;
        // Monthly turnovers of small businesses span two orders of magnitude.
        amount = rng.logNormal(Math.log(12_000), 0.9);
        // A bunching officer assesses many businesses just under the threshold, where no tax is due.
        if (bunching.has(t) && (rng.chance(0.45) || (amount >= T && amount <= 1.4 * T))) amount = T * (0.9 + rng.next() * 0.0995);
        amount = Math.max(1000, Math.round(amount / 100) * 100);
        if (amount >= T && amount < T + 50 && bunching.has(t)) amount = T - 100;
        // 定额核定 goes to a collective review; now and then the panel is one colleague.
        reviewers = panelFor(t, rng.chance(soloDecider.has(t) ? 0.3 : 0.0005) ? 1 : 3);
        break;
      }
      case 'penalty_waiver': {
        amount = Math.round(rng.logNormal(Math.log(400), 0.6) / 10) * 10;
        violationType = rng.pick(violationTypes);
        if (waivers.length > 10 && rng.chance(waiverHappy.has(t) ? 0.05 : 0.002)) {
          // 首违不罚 granted again for the same violation: what the repeat-waiver rule is for.
          const prev = rng.pick(waivers);
          taxpayerCode = prev.taxpayerCode;
          violationType = prev.violationType;
        } else {
          // Otherwise a first violation: another type or taxpayer when this pair had one.
          for (let k = 0; k < 8 && waived.has(`${taxpayerCode}|${violationType}`); k++) {
            taxpayerCode = unitTaxpayer(rng, t);
            violationType = rng.pick(violationTypes);
          }
          waived.add(`${taxpayerCode}|${violationType}`);
          if (waivers.length < 20_000) waivers.push({ taxpayerCode, violationType, decider: t });
        }
        break;
      }
      case 'tax_relief':
        amount = Math.round(rng.logNormal(Math.log(30_000), 0.8));
        reviewers = panelFor(t, rng.chance(soloDecider.has(t) ? 0.3 : 0.0005) ? 1 : 3);
        break;
      case 'deferral':
        amount = Math.round(rng.logNormal(Math.log(200_000), 0.9));
        if (rng.chance(0.3)) reviewers = panelFor(t, 3);
        break;
      default:
        amount = rng.pick([10_000, 100_000, 100_000, 1_000_000]);
    }
    const ev: DecisionEvent = {
      index,
      type,
      deciderCode: t.o.code,
      taxpayerCode,
      amount,
      justification: rng.pick(justifications[type]!),
      decidedAt,
      reviewers,
    };
    if (threshold !== undefined) ev.threshold = threshold;
    if (violationType) ev.violationType = violationType;
    if (recent.length < 2000) recent.push(ev);
    else recent[rng.int(0, recent.length - 1)] = ev;
    yield ev;
  }
}
