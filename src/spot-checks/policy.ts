/**
 * Spot checks (双随机, DESIGN section 4 "Double random, one public"): how many decisions each
 * quarter's random sample takes. Versioned with the code.
 */
export const spotCheckPolicy = {
  version: 'spot-check-v1',
  /** Share of each decision type's decisions in the quarter drawn (at least one per type that has any). */
  share: 0.02,
  /** Every officer with decisions in the quarter has at least this many drawn. */
  minPerOfficer: 1,
} as const;

/** Decisions drawn from a stratum of `n`: ceil(share x n), so every non-empty type gives at least one. */
export function sampleSize(n: number, share: number = spotCheckPolicy.share): number {
  return n === 0 ? 0 : Math.max(1, Math.ceil(share * n - 1e-9));
}
