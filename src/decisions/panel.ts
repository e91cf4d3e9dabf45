/**
 * The review panel of a decision (集体审议, DESIGN section 4): drawn by the service, never named by
 * the decider. Eligible are the officers of the decider's unit who can vote (an enabled officer or
 * supervisor user linked to them, in post on the day), filled from the unit's peer group when the
 * unit has too few; never the decider, the taxpayer's managing officer on the decision date, or
 * anyone named as having investigated the case. The draw is the service's one draw
 * (src/core/draw.ts), seeded from the decision id and the audit-log head, so anyone can re-run it.
 */
import { sql } from 'drizzle-orm';
import { decisionReviewers, decisionReviews } from '../../db/schema.js';
import type { Write } from '../audit/append.js';
import type { AuditEvent } from '../audit/append.js';
import type { Ctx } from '../core/context.js';
import { auditHead, drawSeed, pickMany, subSeed, type AuditHeadRef } from '../core/draw.js';
import { quorumOf, reviewPolicy } from './policy.js';
import { jsonParam } from '../../db/json-param.js';

export interface PanelDraw {
  seedInputs: { decisionId: string } & AuditHeadRef;
  /** SHA-256 of `decisionId "\n" auditSize "\n" auditHeadHash`, hex. */
  seed: string;
  /** Eligible officers of the decider's unit, sorted: the first pool. */
  eligible: string[];
  /** When the unit had fewer eligible officers than the panel size: its peer group's other eligible officers, drawn with SHA-256(seed "\n" "peer-group"). */
  fill?: { peerGroup: string; candidates: string[] };
  /** Members asked for (the policy's panel size then). */
  size: number;
  /** The members, in draw order. */
  picked: string[];
  /** Who was kept out, and why (the decider, the managing officer, the investigators). */
  excluded: { decider: string; managing: string[]; investigators: string[] };
  /** An amendment keeps the panel of the decision it amends (no new draw to shop for). */
  inheritedFrom?: string;
  note?: string;
}

/**
 * The draw itself, pure: `size` members from the unit's eligible officers, and when those run out,
 * the rest from the peer group's.
 */
export function drawPanel(
  seedInputs: PanelDraw['seedInputs'],
  pools: { unit: readonly string[]; peerGroup: string; peers: readonly string[] },
  excluded: PanelDraw['excluded'],
  size: number = reviewPolicy.panelSize,
): PanelDraw {
  const seed = drawSeed(seedInputs.decisionId, seedInputs);
  const first = pickMany(seed, pools.unit, size);
  const draw: PanelDraw = { seedInputs, seed, eligible: first.candidates, size, picked: first.picked, excluded };
  if (first.picked.length < size) {
    const second = pickMany(subSeed(seed, 'peer-group'), pools.peers, size - first.picked.length);
    draw.fill = { peerGroup: pools.peerGroup, candidates: second.candidates };
    draw.picked = [...first.picked, ...second.picked];
  }
  if (draw.picked.length < size) {
    draw.note = `Only ${draw.picked.length} eligible officer(s) in the unit and its peer group: the panel is smaller than ${size}.`;
  }
  return draw;
}

/** Re-runs a stored panel draw from its seed inputs and pools: `ok` when seed and members are exactly what they give. */
export function redrawPanel(draw: PanelDraw): { ok: boolean; seed: string; picked: string[] } {
  const again = drawPanel(draw.seedInputs, { unit: draw.eligible, peerGroup: draw.fill?.peerGroup ?? '', peers: draw.fill?.candidates ?? [] }, draw.excluded, draw.size);
  const ok = again.seed === draw.seed && again.picked.length === draw.picked.length && again.picked.every((p, i) => p === draw.picked[i]);
  return { ok, seed: again.seed, picked: again.picked };
}

/** Who may sit on the panel of a decision: see the file comment. Two pools: the unit, and the rest of its peer group. */
export async function eligibleMembers(
  ctx: Pick<Ctx, 'db'>,
  d: { deciderCode: string; taxpayerCode: string; decidedOn: string; today: string; investigators: readonly string[] },
): Promise<{ unit: string[]; peerGroup: string; peers: string[]; managing: string[] }> {
  const rows = await ctx.db.all<{ code: string; same_unit: number; peer_group: string }>(sql`
    with me as (select o.unit_code as unit, u.peer_group as peer_group from officers o join units u on u.code = o.unit_code where o.code = ${d.deciderCode})
    select o.code as code, (o.unit_code = me.unit) as same_unit, me.peer_group as peer_group
      from officers o join units u on u.code = o.unit_code cross join me
     where (o.unit_code = me.unit or u.peer_group = me.peer_group)
       and o.code <> ${d.deciderCode}
       and o.hire_date <= ${d.today} and (o.leave_date is null or o.leave_date >= ${d.today})
       and exists (select 1 from users x where x.officer_code = o.code and x.disabled_at is null and x.role in ('officer', 'supervisor'))
       and not exists (select 1 from assignments a where a.taxpayer_code = ${d.taxpayerCode} and a.officer_code = o.code
                          and a.from_date <= ${d.decidedOn} and (a.to_date is null or a.to_date >= ${d.decidedOn}))
       and o.code not in (select value from json_each(${jsonParam(d.investigators)}))
     order by o.code`);
  const managing = await ctx.db.all<{ code: string }>(sql`
    select officer_code as code from assignments
     where taxpayer_code = ${d.taxpayerCode} and from_date <= ${d.decidedOn} and (to_date is null or to_date >= ${d.decidedOn})`);
  const [me] = await ctx.db.all<{ peer_group: string }>(sql`select u.peer_group as peer_group from officers o join units u on u.code = o.unit_code where o.code = ${d.deciderCode}`);
  return {
    unit: rows.filter((r) => Number(r.same_unit) === 1).map((r) => r.code),
    peers: rows.filter((r) => Number(r.same_unit) !== 1).map((r) => r.code),
    peerGroup: me?.peer_group ?? '',
    managing: managing.map((m) => m.code),
  };
}

export interface PanelPlan {
  draw: PanelDraw;
  quorum: number;
  dueAt: string;
  writes: Write[];
  event: AuditEvent;
}

/**
 * The panel of a new decision: drawn now (or inherited from the decision it amends), its seats,
 * its review record (pending_review, due in `lapseDays`), and the audit event naming the draw.
 */
export async function planPanel(
  ctx: Ctx,
  d: { id: string; deciderCode: string; taxpayerCode: string; decidedOn: string; investigators: readonly string[]; inherit?: { from: string; draw: PanelDraw } },
): Promise<PanelPlan> {
  const now = ctx.clock.now();
  let draw: PanelDraw;
  if (d.inherit) {
    draw = { ...d.inherit.draw, inheritedFrom: d.inherit.from };
  } else {
    const today = now.toISOString().slice(0, 10);
    const [pools, head] = await Promise.all([eligibleMembers(ctx, { ...d, today }), auditHead(ctx.db)]);
    draw = drawPanel(
      { decisionId: d.id, ...head },
      pools,
      { decider: d.deciderCode, managing: pools.managing, investigators: [...d.investigators].sort() },
    );
  }
  const quorum = quorumOf(draw.picked.length);
  const openedAt = now.toISOString();
  const dueAt = new Date(now.getTime() + reviewPolicy.lapseDays * 86_400_000).toISOString();
  const writes: Write[] = [
    ctx.db.insert(decisionReviews).values({ decisionId: d.id, status: 'pending_review', panelSize: draw.picked.length, quorum, draw, openedAt, dueAt }),
  ];
  if (draw.picked.length) {
    writes.push(ctx.db.insert(decisionReviewers).values(draw.picked.map((officerCode) => ({ decisionId: d.id, officerCode, vote: null, investigated: false }))));
  }
  return {
    draw,
    quorum,
    dueAt,
    writes,
    event: { action: 'decision.panel', entity: 'decision', entityId: d.id, payload: { decisionId: d.id, policy: reviewPolicy.version, draw, quorum, dueAt } },
  };
}
