/**
 * What the panel rules (sole decider, no quorum, reviewer concentration) name in their evidence
 * about each decision: the panel the service drew, the votes its members cast themselves, and the
 * draw's seed inputs, so a reviewer can check the panel was drawn and the votes were real.
 * Votes typed by a decider into records from before the service drew panels are counted apart
 * (`claimedVotes`) and never as votes.
 */
import { sql } from 'drizzle-orm';
import type { RuleContext } from './common.js';
import { jsonParam } from '../../../db/json-param.js';

export interface PanelEvidence {
  id: string;
  /** The review's status; `effective` for a record from before panels were drawn. */
  status: string;
  members: string[];
  /** Votes members cast themselves, by member. */
  votes: Record<string, 'approve' | 'reject'>;
  /** Votes the decider typed into an earlier record (never counted). */
  claimedVotes: number;
  investigators: string[];
  draw: { seed: string; auditSize: number; auditHeadHash: string; eligible: number; inheritedFrom?: string } | null;
}

/** The panels of the given decisions (a few hundred at most: the evidence lists), in four reads. */
export async function panelEvidence(rc: RuleContext, ids: readonly string[]): Promise<Map<string, PanelEvidence>> {
  const out = new Map<string, PanelEvidence>();
  if (!ids.length) return out;
  const list = jsonParam([...new Set(ids)]);
  const db = rc.ctx.db;
  const [seats, votes, reviews, investigators] = await Promise.all([
    db.all<{ id: string; code: string; claimed: string | null }>(sql`
      select s.decision_id as id, s.officer_code as code, s.vote as claimed from json_each(${list}) j cross join decision_reviewers s on s.decision_id = j.value order by s.officer_code`),
    db.all<{ id: string; code: string; vote: 'approve' | 'reject' }>(sql`
      select v.decision_id as id, v.officer_code as code, v.vote as vote from json_each(${list}) j cross join decision_votes v on v.decision_id = j.value`),
    db.all<{ id: string; status: string; draw: string }>(sql`
      select r.decision_id as id, r.status as status, r.draw as draw from json_each(${list}) j cross join decision_reviews r on r.decision_id = j.value`),
    db.all<{ id: string; code: string }>(sql`
      select i.decision_id as id, i.officer_code as code from json_each(${list}) j cross join decision_investigators i on i.decision_id = j.value order by i.officer_code`),
  ]);
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { id, status: 'effective', members: [], votes: {}, claimedVotes: 0, investigators: [], draw: null }));
    return e;
  };
  for (const id of JSON.parse(list) as string[]) entry(id);
  for (const s of seats) {
    const e = entry(s.id);
    e.members.push(s.code);
    if (s.claimed) e.claimedVotes++;
  }
  const seated = new Set(seats.map((s) => `${s.id}\u0000${s.code}`));
  for (const v of votes) if (seated.has(`${v.id}\u0000${v.code}`)) entry(v.id).votes[v.code] = v.vote;
  for (const i of investigators) entry(i.id).investigators.push(i.code);
  for (const r of reviews) {
    const e = entry(r.id);
    e.status = r.status;
    const d = JSON.parse(r.draw) as { seed: string; seedInputs: { auditSize: number; auditHeadHash: string }; eligible: string[]; inheritedFrom?: string };
    e.draw = { seed: d.seed, auditSize: d.seedInputs.auditSize, auditHeadHash: d.seedInputs.auditHeadHash, eligible: d.eligible.length, ...(d.inheritedFrom ? { inheritedFrom: d.inheritedFrom } : {}) };
  }
  return out;
}
