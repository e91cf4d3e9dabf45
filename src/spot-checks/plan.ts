/**
 * The draw of a quarter's spot check (双随机): which decisions, and which supervisor checks each.
 * Both with the service's one draw (src/core/draw.ts): the seed is SHA-256 over
 * `spot-check:<period>` and the audit-log head; each part of the draw takes a sub-seed named for
 * it (`type:<type>`, `officer:<code>`, `reviewer:<decision id>`). The decisions are those decided
 * in the quarter and recorded by the draw's time (`asOf`), not superseded by then, so the same
 * period, head and time give the same draw, whenever it is re-run.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { drawSeed, pickMany, subSeed, type AuditHeadRef } from '../core/draw.js';
import { sha256HexSync } from '../core/sha256.js';
import { parsePeriod } from '../core/period.js';
import { eligibleFrom, supervisorChains, type SupervisorUser } from '../flags/draw.js';
import { sampleSize, spotCheckPolicy } from './policy.js';
import { jsonParam } from '../../db/json-param.js';

export interface SpotCheckDraw {
  seedInputs: { period: string } & AuditHeadRef;
  /** The draw's time: decisions recorded (and amendments made) by then. */
  asOf: string;
  share: number;
  /** Per decision type: how many decisions, a digest of their sorted ids, and how many were drawn. */
  strata: { type: string; count: number; digest: string; k: number }[];
  /** Officers topped up to one drawn decision each: how many, and a digest of their codes. */
  officers: { count: number; digest: string };
  /** The supervisors the reviewers were drawn from (the pool when drawn). */
  supervisors: SupervisorUser[];
}

export interface PlannedItem {
  decisionId: string;
  stratum: 'type' | 'officer';
  reviewerUserId: string | null;
}

export interface SpotCheckPlan {
  seed: string;
  draw: SpotCheckDraw;
  items: PlannedItem[];
}

interface Candidate {
  id: string;
  type: string;
  decider: string;
  deciderUserId: string;
}

const digestOf = (xs: readonly string[]) => sha256HexSync(xs.join('\n'));

/** The quarter's decisions as of `asOf`: decided in it, recorded by then, not amended by then. */
async function candidatesOf(db: Db, period: string, asOf: string): Promise<Candidate[]> {
  const p = parsePeriod(period)!;
  const rows = await db.all<{ id: string; type: string; decider: string; decider_user_id: string }>(sql`
    select d.id as id, d.type as type, d.decider_code as decider, d.decider_user_id as decider_user_id from decisions d
     where d.decider_code is not null and substr(d.decided_at, 1, 10) >= ${p.start} and substr(d.decided_at, 1, 10) <= ${p.end}
       and d.recorded_at <= ${asOf}
       and d.id not in (select a.amends from decisions a where a.amends is not null and a.recorded_at <= ${asOf})
     order by d.id`);
  return rows.map((r) => ({ id: r.id, type: r.type, decider: r.decider, deciderUserId: r.decider_user_id }));
}

/** Panel members and investigators of the drawn decisions: nobody checks a decision they took part in. */
async function involvedOf(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = jsonParam(ids.slice(i, i + 5000));
    const rows = await db.all<{ id: string; code: string }>(sql`
      select s.decision_id as id, s.officer_code as code from json_each(${chunk}) j cross join decision_reviewers s on s.decision_id = j.value
      union all
      select v.decision_id as id, v.officer_code as code from json_each(${chunk}) j cross join decision_investigators v on v.decision_id = j.value`);
    for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r.code]);
  }
  return out;
}

/**
 * Plans the spot check of `period` from `head` as of `asOf`, drawing reviewers from `supervisors`.
 * Pure in everything but reading the decisions and the supervisor chains.
 */
export async function planSpotCheck(
  db: Db,
  input: { period: string; head: AuditHeadRef; asOf: string; supervisors: SupervisorUser[]; share?: number },
): Promise<SpotCheckPlan> {
  const share = input.share ?? spotCheckPolicy.share;
  const seedInputs = { period: input.period, ...input.head };
  const seed = drawSeed(`spot-check:${input.period}`, input.head);
  const candidates = await candidatesOf(db, input.period, input.asOf);
  const byType = new Map<string, Candidate[]>();
  for (const c of candidates) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
  const items: PlannedItem[] = [];
  const picked = new Set<string>();
  const strata: SpotCheckDraw['strata'] = [];
  for (const type of [...byType.keys()].sort()) {
    const ids = byType.get(type)!.map((c) => c.id);
    const k = sampleSize(ids.length, share);
    const draw = pickMany(subSeed(seed, `type:${type}`), ids, k);
    strata.push({ type, count: ids.length, digest: digestOf(draw.candidates), k });
    for (const id of draw.picked) {
      picked.add(id);
      items.push({ decisionId: id, stratum: 'type', reviewerUserId: null });
    }
  }
  // At least one per officer with decisions: officers the type samples missed get one of theirs.
  const byOfficer = new Map<string, string[]>();
  for (const c of candidates) byOfficer.set(c.decider, [...(byOfficer.get(c.decider) ?? []), c.id]);
  const coveredBy = new Map<string, number>();
  for (const c of candidates) if (picked.has(c.id)) coveredBy.set(c.decider, (coveredBy.get(c.decider) ?? 0) + 1);
  const toppedUp: string[] = [];
  for (const officer of [...byOfficer.keys()].sort()) {
    const missing = spotCheckPolicy.minPerOfficer - (coveredBy.get(officer) ?? 0);
    if (missing <= 0) continue;
    toppedUp.push(officer);
    const draw = pickMany(subSeed(seed, `officer:${officer}`), byOfficer.get(officer)!.filter((id) => !picked.has(id)), missing);
    for (const id of draw.picked) {
      picked.add(id);
      items.push({ decisionId: id, stratum: 'officer', reviewerUserId: null });
    }
  }
  // A reviewer per decision: a supervisor who is not its decider, not in the decider's chain, and
  // took no part in it (panel, investigation).
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const [chains, involved] = await Promise.all([supervisorChains(db, [...new Set(items.map((i) => byId.get(i.decisionId)!.decider))]), involvedOf(db, items.map((i) => i.decisionId))]);
  for (const item of items) {
    const d = byId.get(item.decisionId)!;
    const eligible = eligibleFrom(input.supervisors, d.decider, chains.get(d.decider)!, { officerCodes: involved.get(d.id) ?? [], userIds: [d.deciderUserId] });
    item.reviewerUserId = pickMany(subSeed(seed, `reviewer:${d.id}`), eligible, 1).picked[0] ?? null;
  }
  return {
    seed,
    items,
    draw: { seedInputs, asOf: input.asOf, share, strata, officers: { count: toppedUp.length, digest: digestOf(toppedUp) }, supervisors: input.supervisors },
  };
}

/** Re-runs a stored draw: the same items, strata and officers, or not. */
export async function replaySpotCheck(db: Db, seed: string, draw: SpotCheckDraw, items: readonly PlannedItem[]): Promise<{ reproducible: boolean; plan: SpotCheckPlan }> {
  const { auditSize, auditHeadHash } = draw.seedInputs;
  const plan = await planSpotCheck(db, { period: draw.seedInputs.period, head: { auditSize, auditHeadHash }, asOf: draw.asOf, supervisors: draw.supervisors, share: draw.share });
  const key = (xs: readonly PlannedItem[]) => xs.map((i) => `${i.decisionId}|${i.stratum}|${i.reviewerUserId ?? ''}`).sort().join('\n');
  const reproducible =
    plan.seed === seed &&
    key(plan.items) === key(items) &&
    JSON.stringify(plan.draw.strata) === JSON.stringify(draw.strata) &&
    plan.draw.officers.digest === draw.officers.digest;
  return { reproducible, plan };
}
