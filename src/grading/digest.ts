/**
 * The canonical JSON a run's digests hash, byte for byte what `canonicalJson`
 * (src/audit/canonical.ts) gives, built fast: the input digest of a 10,000-officer run
 * canonicalises ~6 MB, which the recursive `canonicalJson` takes ~0.2-0.4 s for. Here each
 * object of the known shapes is copied with its keys inserted in sorted (UTF-16 code unit) order
 * and the copy goes through the native `JSON.stringify`, which keeps insertion order and prints
 * strings and numbers exactly as `canonicalJson` does (it calls `JSON.stringify` for them).
 * Anything off the known shapes (an extra or missing key, an integer-like key that JavaScript
 * would reorder, a non-finite number) falls back to `canonicalJson` itself, so the text, and the
 * error for a non-finite number, are always the definition's. test/grading/digest.test.ts checks.
 */
import { canonicalJson } from '../audit/canonical.js';
import type { ComponentScores, ComponentWeights, OfficerInput } from '../../scoring/types.js';

class OffShape extends Error {}
const off = (): never => {
  throw new OffShape();
};
const fin = (x: number) => (typeof x === 'number' && Number.isFinite(x) ? x : off());
const str = (x: string) => (typeof x === 'string' ? x : off());
const indexLike = /^(0|[1-9][0-9]*)$/;

function keyCount(o: object, n: number) {
  let k = 0;
  for (const key in o) if (Object.hasOwn(o, key)) k++;
  if (k !== n) off();
}

function sortedCounts(w: Record<string, number>) {
  const keys = Object.keys(w).sort();
  const out: Record<string, number> = {};
  for (const k of keys) {
    // An index-like key would be printed first by JSON.stringify; `__proto__` would set the copy's
    // prototype instead of a member. Both take the general encoder.
    if (indexLike.test(k) || k === '__proto__') off();
    out[k] = fin(w[k]!);
  }
  return out;
}

function officerCopy(o: OfficerInput) {
  // 11 keys, plus `name` when present (undefined members are dropped by both encoders).
  keyCount(o, o.name === undefined ? ('name' in o ? 12 : 11) : 12);
  return {
    assessments: o.assessments.map((a) => {
      keyCount(a, 4);
      return { category: str(a.category), max: fin(a.max), raw: fin(a.raw), takenOn: str(a.takenOn) };
    }),
    code: str(o.code),
    feedback: (keyCount(o.feedback, 2), { n: fin(o.feedback.n), sumMeans: fin(o.feedback.sumMeans) }),
    hireDate: str(o.hireDate),
    leaveDate: o.leaveDate === null ? null : str(o.leaveDate),
    ...(o.name === undefined ? {} : { name: str(o.name) }),
    peerGroup: str(o.peerGroup),
    penalties: o.penalties.map((p) => {
      keyCount(p, 3);
      return { flagId: str(p.flagId), rule: str(p.rule), severity: str(p.severity) };
    }),
    positionStartDate: str(o.positionStartDate),
    team: str(o.team),
    unitCode: str(o.unitCode),
    workload: sortedCounts(o.workload),
  };
}

/** `canonicalJson({ period, officers })` for engine input (officers and their lists already in digest order). */
export function inputText(period: { code: string; start: string; end: string }, officers: readonly OfficerInput[]): string {
  try {
    keyCount(period, 3);
    return JSON.stringify({ officers: officers.map(officerCopy), period: { code: str(period.code), end: str(period.end), start: str(period.start) } });
  } catch (e) {
    if (e instanceof OffShape) return canonicalJson({ period, officers });
    throw e;
  }
}

type Figures = [string, string, number | null, ComponentScores | null, ComponentWeights | null, number, number | null, number | null, number | null, number | null];

const maybe = (x: number | null) => (x === null ? null : fin(x));

function scoresCopy(c: ComponentScores | ComponentWeights | null) {
  if (c === null) return null;
  keyCount(c, 4);
  return { assessment: maybe(c.assessment), feedback: fin(c.feedback), tenure: fin(c.tenure), workload: fin(c.workload) };
}

/** `canonicalJson(figures)` for the results digest's list of `resultFigures`. */
export function figuresText(figures: readonly Figures[]): string {
  try {
    return JSON.stringify(
      figures.map((f) => {
        if (f.length !== 10) off();
        return [str(f[0]), str(f[1]), maybe(f[2]), scoresCopy(f[3]), scoresCopy(f[4]), fin(f[5]), maybe(f[6]), maybe(f[7]), maybe(f[8]), maybe(f[9])];
      }),
    );
  } catch (e) {
    if (e instanceof OffShape) return canonicalJson(figures);
    throw e;
  }
}
