/**
 * threshold_bunching: an officer's amounts pile up just under a threshold T. With b decisions in
 * [(1-band)T, T) and a in [T, (1+band)T], flag when b >= minBelow and the one-sided binomial
 * P(X >= b | n = a + b, p = 0.5) < maxPValue: were amounts as likely just above T as just below
 * it, so lopsided a split would be that unlikely.
 */
import { sql } from 'drizzle-orm';
import { binomialTail } from '../stats.js';
import type { FlagCandidate } from '../raise.js';
import { rowChunks, effective, inWindow, rowIn, sevOf, windowEvidence, type Rule, type RuleContext } from './common.js';

export const bandBounds = (threshold: number, band: number) => ({ lower: threshold * (1 - band), upper: threshold * (1 + band) });

export const bunching: Rule = async (rc) => {
  const p = rc.policy.rules.threshold_bunching;
  const lo = 1 - p.band;
  const hi = 1 + p.band;
  const groups = await rc.ctx.db.all<{ officer: string; type: string; threshold: number; below: number; above: number }>(sql`
    select d.decider_code as officer, d.type as type, d.threshold as threshold,
           sum(case when d.amount >= d.threshold * ${lo} and d.amount < d.threshold then 1 else 0 end) as below,
           sum(case when d.amount >= d.threshold and d.amount <= d.threshold * ${hi} then 1 else 0 end) as above
      from decisions d
     where d.decider_code is not null and d.threshold is not null and d.amount is not null
       and ${inWindow('d', rc)} and ${effective('d')}
     group by d.decider_code, d.type, d.threshold
    having below >= ${p.minBelow}`);
  const tripped = groups
    .map((g) => ({ ...g, b: Number(g.below), a: Number(g.above), pValue: binomialTail(Number(g.below), Number(g.below) + Number(g.above), 0.5) }))
    .filter((g) => g.pValue < p.maxPValue);
  const ids = await bandDecisionIds(rc, tripped);
  const out: FlagCandidate[] = [];
  for (const g of tripped) {
    const { a, b, pValue } = g;
    out.push({
      rule: 'threshold_bunching',
      subjectCode: g.officer,
      conditionKey: `threshold_bunching:${g.officer}:${g.type}:${g.threshold}`,
      severity: sevOf(rc, 'threshold_bunching'),
      evidence: {
        officerCode: g.officer,
        decisionType: g.type,
        threshold: g.threshold,
        band: bandBounds(g.threshold, p.band),
        below: b,
        above: a,
        n: a + b,
        pValue,
        maxPValue: p.maxPValue,
        minBelow: p.minBelow,
        decisionIds: ids.get(`${g.officer}\u0000${g.type}\u0000${g.threshold}`) ?? [],
        window: windowEvidence(rc),
      },
    });
  }
  return out;
};

/** The decisions in the band of each tripped group, newest first (capped), a chunk of groups per query. */
async function bandDecisionIds(rc: RuleContext, groups: readonly { officer: string; type: string; threshold: number }[]) {
  const p = rc.policy.rules.threshold_bunching;
  const out = new Map<string, string[]>();
  for (const chunk of rowChunks(groups, 3)) {
    const rows = await rc.ctx.db.all<{ officer: string; type: string; threshold: number; id: string }>(sql`
      select officer, type, threshold, id from (
        select d.decider_code as officer, d.type as type, d.threshold as threshold, d.id as id,
               row_number() over (partition by d.decider_code, d.type, d.threshold order by d.decided_at desc, d.id desc) as rn
          from decisions d
         where ${rowIn(['d.decider_code', 'd.type', 'd.threshold'], chunk.map((g) => [g.officer, g.type, g.threshold]))}
           and d.amount >= d.threshold * ${1 - p.band} and d.amount <= d.threshold * ${1 + p.band}
           and ${inWindow('d', rc)} and ${effective('d')})
       where rn <= ${rc.policy.maxEvidenceDecisions}
       order by officer, type, threshold, rn`);
    for (const r of rows) {
      const k = `${r.officer}\u0000${r.type}\u0000${r.threshold}`;
      out.set(k, [...(out.get(k) ?? []), r.id]);
    }
  }
  return out;
}

export interface BunchingHistogram {
  threshold: number;
  /** Bin i covers [from + i * step, from + (i + 1) * step); the last bin also takes `to`. */
  from: number;
  to: number;
  step: number;
  bins: number[];
}

/**
 * The officer's amounts from 0.8T to 1.2T in 2% bins (20 bins), over the flag's window: one
 * GROUP BY over that officer's decisions. The small epsilon keeps an amount at a bin edge (e.g.
 * exactly T) in the bin it starts, despite floating-point division.
 */
export async function bunchingHistogram(
  ctx: Pick<RuleContext['ctx'], 'db'>,
  ev: { officerCode: string; decisionType: string; threshold: number; window: { from: string; to: string } },
): Promise<BunchingHistogram> {
  const T = ev.threshold;
  const from = 0.8 * T;
  const to = 1.2 * T;
  const step = 0.02 * T;
  const toExclusive = new Date(Date.parse(`${ev.window.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const rows = await ctx.db.all<{ bin: number; n: number }>(sql`
    select min(cast((d.amount - ${from}) / ${step} + 1e-9 as integer), 19) as bin, count(*) as n
      from decisions d
     where d.decider_code = ${ev.officerCode} and d.type = ${ev.decisionType} and d.threshold = ${T}
       and d.amount >= ${from} and d.amount <= ${to}
       and d.decided_at >= ${ev.window.from} and d.decided_at < ${toExclusive} and ${effective('d')}
     group by bin`);
  const bins = Array(20).fill(0) as number[];
  for (const r of rows) bins[Number(r.bin)] += Number(r.n);
  return { threshold: T, from, to, step, bins };
}
