/**
 * "Double random" review assignment (DESIGN section 4): the reviewer of a flag is drawn from the
 * eligible supervisors by a deterministic draw that anyone can re-run from what the flag stores.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditHead, drawSeed, EMPTY_TREE_HASH, pickMany, seedText } from '../core/draw.js';

// The mechanism itself is the service's one draw (src/core/draw.ts); these are its flag words.
export { auditHead, EMPTY_TREE_HASH };

export interface DrawSeedInputs {
  /** The flag's id; for an escalation, `<flagId>/escalation/<level>` (what is drawn, by name). */
  flagId: string;
  /** Number of audit entries when the draw was made (max(seq) + 1). */
  auditSize: number;
  /** Leaf hash of the last audit entry then (hex); the empty-tree hash for an empty log. */
  auditHeadHash: string;
}

export interface Draw {
  seedInputs: DrawSeedInputs;
  /** SHA-256 of the seed inputs, hex. */
  seed: string;
  /** Eligible supervisors' user ids, sorted by code unit order. */
  candidates: string[];
  /** The picked user id; null when nobody was eligible. */
  picked: string | null;
  note?: string;
}

/** The exact bytes hashed: `flagId "\n" auditSize "\n" auditHeadHash`, UTF-8. */
export function seedMessage(i: DrawSeedInputs): string {
  return seedText(i.flagId, i);
}

/**
 * seed = SHA-256(flagId || "\n" || auditSize || "\n" || auditHeadHash);
 * index = uint64(first 8 bytes of seed, big-endian) mod |candidates|, candidates sorted by user id.
 */
export async function makeDraw(seedInputs: DrawSeedInputs, eligibleUserIds: readonly string[]): Promise<Draw> {
  const seed = drawSeed(seedInputs.flagId, seedInputs);
  const { candidates, picked } = pickMany(seed, eligibleUserIds, 1);
  if (candidates.length === 0) {
    return { seedInputs, seed, candidates, picked: null, note: 'No eligible supervisor: the flag stays unassigned; any eligible supervisor may take it up.' };
  }
  return { seedInputs, seed, candidates, picked: picked[0]! };
}

/**
 * Re-runs a stored draw from its seed inputs and candidate list. `ok` is true when the stored
 * seed and pick are exactly what the inputs give.
 */
export async function redraw(draw: Pick<Draw, 'seedInputs' | 'candidates'> & Partial<Draw>): Promise<{ ok: boolean; seed: string; picked: string | null }> {
  const again = await makeDraw(draw.seedInputs, draw.candidates);
  const ok = again.seed === draw.seed && again.picked === (draw.picked ?? null) && sameList(again.candidates, draw.candidates);
  return { ok, seed: again.seed, picked: again.picked };
}

function sameList(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface SupervisorUser {
  id: string;
  officerCode: string | null;
}

/** Supervisors who may be drawn at all: role supervisor, not disabled. */
export async function activeSupervisors(db: Db): Promise<SupervisorUser[]> {
  const rows = await db.all<{ id: string; officer_code: string | null }>(
    sql`select id, officer_code from users where role = 'supervisor' and disabled_at is null order by id`,
  );
  return rows.map((r) => ({ id: r.id, officerCode: r.officer_code }));
}

/**
 * Each subject's supervisor chain (officers.supervisor_code followed transitively), for many
 * subjects in one recursive query per 200 (WITH RECURSIVE, which D1 supports); `depth` stops a
 * cycle in badly imported data from looping.
 */
export async function supervisorChains(db: Db, subjects: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const list = [...new Set(subjects)];
  for (const s of list) out.set(s, new Set());
  // 90 codes per query: within D1's 100 bound parameters per statement.
  for (let i = 0; i < list.length; i += 90) {
    const chunk = list.slice(i, i + 90);
    const rows = await db.all<{ subject: string; code: string }>(sql`
      with recursive chain(subject, code, depth) as (
        select code, supervisor_code, 1 from officers
         where code in (${sql.join(chunk.map((c) => sql`${c}`), sql`, `)}) and supervisor_code is not null
        union
        select c.subject, o.supervisor_code, c.depth + 1 from officers o join chain c on o.code = c.code
         where o.supervisor_code is not null and c.depth < 64
      )
      select distinct subject, code from chain`);
    for (const r of rows) out.get(r.subject)!.add(r.code);
  }
  return out;
}

/**
 * The eligibility rule itself: not the subject, not in the subject's supervisor chain, not
 * involved (by officer code or user id) in the flag's decisions. Returns user ids.
 */
export function eligibleFrom(
  supervisors: readonly SupervisorUser[],
  subjectCode: string,
  chain: ReadonlySet<string>,
  involved: { officerCodes: readonly string[]; userIds: readonly string[] },
): string[] {
  const codes = new Set([subjectCode, ...involved.officerCodes]);
  const usersOut = new Set(involved.userIds);
  return supervisors
    .filter((u) => !usersOut.has(u.id) && !(u.officerCode !== null && (codes.has(u.officerCode) || chain.has(u.officerCode))))
    .map((u) => u.id);
}

/** User ids of supervisors eligible to review a flag about `subjectCode` (see eligibleFrom). */
export async function eligibleReviewers(
  db: Db,
  subjectCode: string,
  involved: { officerCodes: readonly string[]; userIds: readonly string[] },
): Promise<string[]> {
  const [supervisors, chains] = await Promise.all([activeSupervisors(db), supervisorChains(db, [subjectCode])]);
  return eligibleFrom(supervisors, subjectCode, chains.get(subjectCode)!, involved);
}
