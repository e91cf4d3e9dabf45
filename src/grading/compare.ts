/**
 * Comparing two runs of one period (typically the real policy and a what-if candidate): the tier
 * transition matrix, the officers who move and why, and the distribution by peer group, team
 * and unit, so that a policy change or a unit graded systematically high is visible before
 * anyone is paid. It reads one joined row per officer from the stored results (not the raw
 * inputs) and tallies in one pass.
 */
import { sql } from 'drizzle-orm';
import { z } from '@hono/zod-openapi';
import { requireRole, type Ctx } from '../core/context.js';
import { badRequest } from '../core/errors.js';
import { parseInput, type Unchecked } from '../core/validate.js';
import { effectiveOf, findRun, runPolicy, runView } from './run-model.js';
import { idParam } from '../core/openapi.js';
import { runCorrections } from './corrections.js';

const components = ['workload', 'assessment', 'feedback', 'tenure'] as const;
type Component = (typeof components)[number];

export interface GroupStats {
  n: number;
  graded: number;
  meanComposite: number | null;
  tiers: Record<string, number>;
}

export interface Mover {
  officerCode: string;
  name: string;
  peerGroup: string;
  team: string;
  from: string;
  to: string;
  compositeA: number | null;
  compositeB: number | null;
  rankA: number | null;
  rankB: number | null;
  /** Score deltas b - a per component (null where missing on either side). */
  componentDeltas: Record<Component, number | null>;
  /** Weighted contribution deltas b - a (weight used * score), the composite's own parts. */
  contributionDeltas: Record<Component, number | null>;
  penaltyDelta: number | null;
  why: { en: string; 'zh-CN': string };
}

const label = (tier: number | null, present: boolean) => (!present ? 'absent' : tier === null ? 'not_graded' : String(tier));

function round2(x: number) {
  return Math.round(x * 100) / 100;
}

function signed(x: number) {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

const zhComponent: Record<Component, string> = { workload: '工作量', assessment: '业务测试', feedback: '纳税人评议', tenure: '任职年限' };

/** Explains a move by its largest contribution changes and whether the composite moved at all. */
export function explainMove(m: Omit<Mover, 'why'>): Mover['why'] {
  const parts = components
    .map((c) => ({ c, d: m.contributionDeltas[c] }))
    .filter((x): x is { c: Component; d: number } => x.d !== null && Math.abs(x.d) >= 0.005)
    .sort((x, y) => Math.abs(y.d) - Math.abs(x.d) || (x.c < y.c ? -1 : 1))
    .slice(0, 2);
  if (m.compositeA === null || m.compositeB === null) {
    const en = m.compositeA === null ? 'not graded in run A' : 'not graded in run B';
    const zh = m.compositeA === null ? '方案A中未参评' : '方案B中未参评';
    return { en: `${en}.`, 'zh-CN': `${zh}。` };
  }
  const delta = m.compositeB - m.compositeA;
  if (Math.abs(delta) < 1e-9) {
    return {
      en: `Same composite ${m.compositeA.toFixed(2)}; the tier boundaries, caps or the ranks around this officer differ.`,
      'zh-CN': `综合分相同（${m.compositeA.toFixed(2)}），能级分数线、名额上限或其他人员排名不同。`,
    };
  }
  const penalty = m.penaltyDelta && Math.abs(m.penaltyDelta) >= 0.005 ? m.penaltyDelta : null;
  const en = [
    `Composite ${m.compositeA.toFixed(2)} -> ${m.compositeB.toFixed(2)} (${signed(delta)})`,
    ...parts.map((p) => `${p.c} contribution ${signed(p.d)}`),
    ...(penalty !== null ? [`penalty ${signed(penalty)}`] : []),
  ].join('; ');
  const zh = [
    `综合分 ${m.compositeA.toFixed(2)} → ${m.compositeB.toFixed(2)}（${signed(delta)}）`,
    ...parts.map((p) => `${zhComponent[p.c]}贡献 ${signed(p.d)}`),
    ...(penalty !== null ? [`扣分 ${signed(penalty)}`] : []),
  ].join('；');
  return { en: `${en}.`, 'zh-CN': `${zh}。` };
}

interface JoinedRow {
  officerCode: string;
  name: string | null;
  peerGroup: string | null;
  team: string | null;
  inA: number;
  inB: number;
  tierA: number | null;
  tierB: number | null;
  compositeA: number | null;
  compositeB: number | null;
  rankA: number | null;
  rankB: number | null;
  coefA: number | null;
  coefB: number | null;
  payoutA: number | null;
  payoutB: number | null;
  unit: string | null;
  penaltyA: number | null;
  penaltyB: number | null;
  wA: number | null; aA: number | null; fA: number | null; tA: number | null;
  wB: number | null; aB: number | null; fB: number | null; tB: number | null;
  weightsA: string | null;
  weightsB: string | null;
}

/**
 * Weights used from a stored detail: an object in rows stored before the compact breakdown, the
 * array [workload, assessment, feedback, tenure] after it (detail.ts).
 */
function weightsOf(json: string | null): Record<Component, number> | null {
  if (!json) return null;
  const w = JSON.parse(json) as Record<Component, number> | [number, number, number, number];
  return Array.isArray(w) ? { workload: w[0], assessment: w[1], feedback: w[2], tenure: w[3] } : w;
}

export const compareRunsQuery = z.object({ a: idParam, b: idParam });

/** Both runs must be of the same period; HR only. */
export async function compareRuns({ ctx, input: given }: { ctx: Ctx; input: Unchecked<z.input<typeof compareRunsQuery>> }) {
  requireRole(ctx.actor, 'hr');
  const input = parseInput(compareRunsQuery, given);
  const [runA, runB] = [await findRun(ctx, input.a), await findRun(ctx, input.b)];
  if (runA.period !== runB.period) {
    throw badRequest(`Runs of different periods (${runA.period}, ${runB.period}) are not compared.`, [{ path: 'b', message: `must be a run of ${runA.period}` }]);
  }
  const [policyA, policyB] = [await runPolicy(ctx, runA), await runPolicy(ctx, runB)];
  const levels = [...new Set([...policyA.tiers, ...policyB.tiers].map((t) => t.level))].sort((x, y) => y - x);

  // One row per officer present in either run: a left join both ways (SQLite before 3.39 and D1
  // may lack FULL OUTER JOIN), joined on the officer code.
  const a = runA.id;
  const b = runB.id;
  const rows = await ctx.db.all<JoinedRow>(sql`
    select x.officer_code as officerCode,
           coalesce(json_extract(ra.detail, '$.name'), json_extract(rb.detail, '$.name')) as name,
           coalesce(json_extract(ra.detail, '$.peerGroup'), json_extract(ra.detail, '$.group'),
                    json_extract(rb.detail, '$.peerGroup'), json_extract(rb.detail, '$.group')) as peerGroup,
           coalesce(json_extract(ra.detail, '$.team'), json_extract(rb.detail, '$.team')) as team,
           ra.officer_code is not null as inA, rb.officer_code is not null as inB,
           ra.tier as tierA, rb.tier as tierB, ra.composite as compositeA, rb.composite as compositeB,
           ra.rank as rankA, rb.rank as rankB, ra.penalty as penaltyA, rb.penalty as penaltyB,
           ra.coefficient as coefA, rb.coefficient as coefB, ra.payout as payoutA, rb.payout as payoutB,
           coalesce(json_extract(ra.detail, '$.unit'), json_extract(ra.detail, '$.unitCode'),
                    json_extract(rb.detail, '$.unit'), json_extract(rb.detail, '$.unitCode')) as unit,
           ra.workload as wA, ra.assessment as aA, ra.feedback as fA, ra.tenure as tA,
           rb.workload as wB, rb.assessment as aB, rb.feedback as fB, rb.tenure as tB,
           coalesce(json_extract(ra.detail, '$.weights'), json_extract(ra.detail, '$.w')) as weightsA,
           coalesce(json_extract(rb.detail, '$.weights'), json_extract(rb.detail, '$.w')) as weightsB
    from (select officer_code from grading_results where run_id = ${a}
          union select officer_code from grading_results where run_id = ${b}) x
    left join grading_results ra on ra.run_id = ${a} and ra.officer_code = x.officer_code
    left join grading_results rb on rb.run_id = ${b} and rb.officer_code = x.officer_code
    order by x.officer_code`);

  const [fixesA, fixesB, unitNames] = await Promise.all([
    runCorrections(ctx, a),
    runCorrections(ctx, b),
    ctx.db.all<{ code: string; name: string }>(sql`select code, name from units`),
  ]);
  const money = new MoneyTally(new Map(unitNames.map((u) => [u.code, u.name])));

  const labels = [...levels.map(String), 'not_graded'];
  const index = new Map(labels.map((l, i) => [l, i]));
  const ensure = (l: string) => {
    if (!index.has(l)) {
      index.set(l, labels.length);
      labels.push(l);
    }
    return index.get(l)!;
  };
  const cells = new Map<string, number>();
  const movers: Mover[] = [];
  const groups = { peerGroup: new Map<string, { a: GroupStats; b: GroupStats; sumA: number; sumB: number }>(), team: new Map<string, { a: GroupStats; b: GroupStats; sumA: number; sumB: number }>() };
  const empty = (): GroupStats => ({ n: 0, graded: 0, meanComposite: null, tiers: {} });
  const add = (kind: 'peerGroup' | 'team', key: string, side: 'a' | 'b', tier: number | null, composite: number | null) => {
    let g = groups[kind].get(key);
    if (!g) groups[kind].set(key, (g = { a: empty(), b: empty(), sumA: 0, sumB: 0 }));
    const s = g[side];
    s.n++;
    if (composite !== null) {
      s.graded++;
      if (side === 'a') g.sumA += composite;
      else g.sumB += composite;
    }
    if (tier !== null) s.tiers[String(tier)] = (s.tiers[String(tier)] ?? 0) + 1;
  };

  for (const r of rows) {
    // Money: what each run pays, corrections applied (a what-if has none).
    const unit = r.unit ?? '-';
    if (r.inA) money.add('a', unit, effectiveOf({ tier: r.tierA, coefficient: r.coefA, payout: r.payoutA }, fixesA.get(a, r.officerCode)).payout);
    if (r.inB) money.add('b', unit, effectiveOf({ tier: r.tierB, coefficient: r.coefB, payout: r.payoutB }, fixesB.get(b, r.officerCode)).payout);
    const from = label(r.tierA, !!r.inA);
    const to = label(r.tierB, !!r.inB);
    const key = `${ensure(from)}:${ensure(to)}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    const pg = r.peerGroup ?? '-';
    const team = r.team ?? '-';
    if (r.inA) {
      add('peerGroup', pg, 'a', r.tierA, r.compositeA);
      add('team', team, 'a', r.tierA, r.compositeA);
    }
    if (r.inB) {
      add('peerGroup', pg, 'b', r.tierB, r.compositeB);
      add('team', team, 'b', r.tierB, r.compositeB);
    }
    if (from === to) continue;
    const wa = weightsOf(r.weightsA);
    const wb = weightsOf(r.weightsB);
    const scoresA: Record<Component, number | null> = { workload: r.wA, assessment: r.aA, feedback: r.fA, tenure: r.tA };
    const scoresB: Record<Component, number | null> = { workload: r.wB, assessment: r.aB, feedback: r.fB, tenure: r.tB };
    const componentDeltas = {} as Record<Component, number | null>;
    const contributionDeltas = {} as Record<Component, number | null>;
    for (const c of components) {
      const sa = scoresA[c];
      const sb = scoresB[c];
      componentDeltas[c] = sa !== null && sb !== null ? sb - sa : null;
      const ca = sa !== null && wa ? (wa[c] ?? 0) * sa : wa ? 0 : null;
      const cb = sb !== null && wb ? (wb[c] ?? 0) * sb : wb ? 0 : null;
      contributionDeltas[c] = ca !== null && cb !== null ? cb - ca : null;
    }
    const base = {
      officerCode: r.officerCode,
      name: r.name ?? '',
      peerGroup: pg,
      team,
      from,
      to,
      compositeA: r.compositeA,
      compositeB: r.compositeB,
      rankA: r.rankA,
      rankB: r.rankB,
      componentDeltas,
      contributionDeltas,
      penaltyDelta: r.penaltyA !== null && r.penaltyB !== null ? r.penaltyB - r.penaltyA : null,
    };
    movers.push({ ...base, why: explainMove(base) });
  }
  movers.sort((x, y) => {
    const dx = x.compositeA !== null && x.compositeB !== null ? Math.abs(x.compositeB - x.compositeA) : Infinity;
    const dy = y.compositeA !== null && y.compositeB !== null ? Math.abs(y.compositeB - y.compositeA) : Infinity;
    return dy - dx || (x.officerCode < y.officerCode ? -1 : 1);
  });

  const matrix = labels.map((_, i) => labels.map((__, j) => cells.get(`${i}:${j}`) ?? 0));
  const distribution = (kind: 'peerGroup' | 'team') =>
    [...groups[kind].entries()]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([group, g]) => ({
        group,
        a: { ...g.a, meanComposite: g.a.graded ? round2(g.sumA / g.a.graded) : null },
        b: { ...g.b, meanComposite: g.b.graded ? round2(g.sumB / g.b.graded) : null },
      }));
  return {
    period: runA.period,
    a: { ...runView(runA), policyVersion: policyA.version },
    b: { ...runView(runB), policyVersion: policyB.version },
    labels,
    matrix,
    moved: movers.length,
    money: money.result(),
    movers,
    byPeerGroup: distribution('peerGroup'),
    byTeam: distribution('team'),
  };
}

/** Payouts summed in integer fen (so totals are exact), per run and per unit. */
class MoneyTally {
  private readonly totals = { a: { fen: 0, paid: 0 }, b: { fen: 0, paid: 0 } };
  private readonly units = new Map<string, { a: { fen: number; paid: number }; b: { fen: number; paid: number } }>();
  constructor(private readonly names: Map<string, string>) {}

  add(side: 'a' | 'b', unit: string, payout: number | null) {
    if (payout === null) return;
    const fen = Math.round(payout * 100);
    let u = this.units.get(unit);
    if (!u) this.units.set(unit, (u = { a: { fen: 0, paid: 0 }, b: { fen: 0, paid: 0 } }));
    u[side].fen += fen;
    u[side].paid++;
    this.totals[side].fen += fen;
    this.totals[side].paid++;
  }

  /**
   * Money of the comparison: each run's total payout, the officers paid and the mean per officer
   * paid, the same by unit, and B - A. Yuan, exact to the fen.
   */
  result() {
    const yuan = (fen: number) => fen / 100;
    const side = (x: { fen: number; paid: number }) => ({ total: yuan(x.fen), paid: x.paid, perOfficer: x.paid ? Math.round(x.fen / x.paid) / 100 : null });
    return {
      a: side(this.totals.a),
      b: side(this.totals.b),
      difference: yuan(this.totals.b.fen - this.totals.a.fen),
      byUnit: [...this.units.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([unit, u]) => ({ unit, name: this.names.get(unit) ?? null, a: side(u.a), b: side(u.b), difference: yuan(u.b.fen - u.a.fen) })),
    };
  }
}
