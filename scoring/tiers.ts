/** Ranking and tier placement (DESIGN section 3, tiers). */
import type { Policy } from './policy.js';
import type { CapUsage, Placement } from './types.js';
import { byCodeUnits } from './components.js';

export interface Rankable {
  code: string;
  composite: number;
  feedback: number;
  assessment: number | null;
  tenure: number;
}

/**
 * Rank order: composite desc, then feedback desc, assessment desc (missing last), tenure desc,
 * officer code asc (code units). Codes are unique, so the order is total.
 */
export function compareRank(a: Rankable, b: Rankable): number {
  if (a.composite !== b.composite) return b.composite - a.composite;
  if (a.feedback !== b.feedback) return b.feedback - a.feedback;
  if (a.assessment !== b.assessment) {
    if (a.assessment === null) return 1;
    if (b.assessment === null) return -1;
    return b.assessment - a.assessment;
  }
  if (a.tenure !== b.tenure) return b.tenure - a.tenure;
  return byCodeUnits(a.code, b.code);
}

/**
 * Cap of a level: `floor(maxShare * graded)`. The 1e-9 nudge keeps a share such as 0.29 from
 * losing a place to binary rounding (0.29 * 100 = 28.999999999999996); for the default shares
 * (0.15, 0.30) it changes nothing.
 */
export function levelCap(maxShare: number | null, graded: number): number | null {
  return maxShare === null ? null : Math.floor(maxShare * graded + 1e-9);
}

/**
 * Top-down placement: for each level from the highest, the officers not yet placed whose
 * composite >= minScore are candidates; with a cap, only the first `floor(share * graded)` of
 * them in rank order are placed and the rest go on to the next level.
 * `ranked` must be in rank order. Returns one placement per officer, in the same order.
 */
export function placeTiers(policy: Policy, ranked: readonly { composite: number }[]) {
  const tiers = [...policy.tiers].sort((a, b) => b.level - a.level);
  const graded = ranked.length;
  const qualified = ranked.map((o) => tiers.find((t) => o.composite >= t.minScore)?.level ?? null);
  const placed: (number | null)[] = ranked.map(() => null);
  const capped: number[][] = ranked.map(() => []);
  const caps: CapUsage[] = [];
  for (const t of tiers) {
    const cap = levelCap(t.maxShare, graded);
    let used = 0;
    for (let i = 0; i < graded; i++) {
      if (placed[i] !== null || !(ranked[i]!.composite >= t.minScore)) continue;
      if (cap === null || used < cap) {
        placed[i] = t.level;
        used++;
      } else {
        capped[i]!.push(t.level);
      }
    }
    caps.push({ level: t.level, cap, used });
  }
  const placements: (Placement | null)[] = ranked.map((_, i) =>
    placed[i] === null ? null : { qualifiedFor: qualified[i]!, placedAt: placed[i]!, cappedAt: capped[i]! },
  );
  return { placements, caps, tiers };
}
