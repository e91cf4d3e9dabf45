import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, gradeOfficers, policyV1, workloadPoints, type EngineOutput, type OfficerInput } from '../../scoring/index.js';
import { officer, run } from '../support/scoring.js';

const byCode = (out: EngineOutput, code: string) => out.results.find((r) => r.officerCode === code)!;

// Weights of DESIGN 3 in tenths, for an oracle independent of the engine: W in hundredths is
// sum(weight in tenths * count in tenths), integers all the way.
const tenths: Record<string, bigint> = {
  key_taxpayer: 50n,
  general_taxpayer: 10n,
  individual_taxpayer: 2n,
  tax_assessment_case: 30n,
  arrears_case: 20n,
  inspection_visit: 10n,
  registration_case: 5n,
  invoice_review: 2n,
};
const kinds = Object.keys(tenths);
const hundredths = (counts: Record<string, number>) => Object.entries(counts).reduce((s, [k, c]) => s + tenths[k]! * BigInt(Math.round(c * 10)), 0n);

describe('exact workload points (DESIGN 3: W is exact)', () => {
  // The example: 6 + 3 * 0.2 and 6 + 2 * 0.2 + 1 * 0.2 are both 6.6 in decimal.
  const five = [
    officer('A', { workload: { general_taxpayer: 6, invoice_review: 3 } }),
    officer('B', { workload: { general_taxpayer: 6, invoice_review: 2, individual_taxpayer: 1 } }),
    officer('C', { workload: { general_taxpayer: 7 } }),
    officer('D', { workload: { general_taxpayer: 5 } }),
    officer('E', { workload: { general_taxpayer: 6 } }),
  ];

  it('v2 ties 6 general + 3 invoice with 6 general + 2 invoice + 1 individual', () => {
    const out = gradeOfficers(defaultPolicy, run(five));
    const a = byCode(out, 'A');
    const b = byCode(out, 'B');
    expect(a.raw.workloadPoints).toBe(6.6);
    expect(b.raw.workloadPoints).toBe(6.6);
    // Below: D (5) and E (6); equal: A and B. 100 * (2 + 0.5 * 2) / 5 = 60 for both.
    expect(a.components!.workload).toBe(60);
    expect(b.components!.workload).toBe(60);
    expect(a.raw).toMatchObject({ peerBelow: 2, peerEqual: 2, peerPosition: 2 });
    expect(a.composite).toBe(b.composite);
    expect(a.tier).toBe(b.tier);
    expect(a.explanation.en[1]).toContain('6.60 weighted points, 2nd of 5');
  });

  it('v1 keeps its binary sums, so stored runs reproduce (the float noise included)', () => {
    const out = gradeOfficers(policyV1, run(five));
    expect(byCode(out, 'A').raw.workloadPoints).toBe(6 + 3 * 0.2);
    expect(byCode(out, 'B').raw.workloadPoints).toBe(6 + 0.2 + 2 * 0.2);
    // The noise that moved officers between tiers: B above A with nothing real behind it.
    expect(byCode(out, 'B').components!.workload).toBe(70);
    expect(byCode(out, 'A').components!.workload).toBe(50);
    expect(byCode(out, 'A').tier).not.toBe(byCode(out, 'B').tier);
  });

  it('reads decimal counts exactly too (0.5 registration cases, 0.1 general taxpayer)', () => {
    const p = workloadPoints(defaultPolicy, { general_taxpayer: 0.1, registration_case: 0.5, individual_taxpayer: 0.3 });
    // 0.1 + 0.25 + 0.06 = 0.41; in binary 0.1 + 0.06 + 0.25 would be 0.41000000000000003.
    expect(p.points).toBe(0.41);
    expect(p.exact).toBe(410_000_000_000);
    expect(workloadPoints(policyV1, { general_taxpayer: 0.1, registration_case: 0.5, individual_taxpayer: 0.3 }).exact).toBeNull();
  });

  it('stays exact beyond 2^53 units (bigint), and compares such points with small ones', () => {
    const huge = { general_taxpayer: 10_000_000, invoice_review: 3 };
    const same = { general_taxpayer: 10_000_000, invoice_review: 2, individual_taxpayer: 1 };
    expect(workloadPoints(defaultPolicy, huge).exact).toBe(10_000_000_600_000_000_000n);
    const out = gradeOfficers(defaultPolicy, run([officer('H1', { workload: huge }), officer('H2', { workload: same }), officer('H3', { workload: { general_taxpayer: 10_000_000, invoice_review: 4 } }), officer('S', { workload: { general_taxpayer: 6 } })]));
    expect(byCode(out, 'H1').raw.workloadPoints).toBe(10_000_000.6);
    expect(byCode(out, 'H1').raw).toMatchObject({ peerBelow: 1, peerEqual: 2 });
    expect(byCode(out, 'H2').components!.workload).toBe(byCode(out, 'H1').components!.workload);
    expect(byCode(out, 'H3').raw).toMatchObject({ peerBelow: 3, peerEqual: 1 });
    expect(byCode(out, 'S').raw).toMatchObject({ peerBelow: 0, peerEqual: 1 });
  });

  it('gives unknown kinds no points and lists them', () => {
    const p = workloadPoints(defaultPolicy, { general_taxpayer: 2, retired_kind: 9 });
    expect(p).toMatchObject({ points: 2, ignored: ['retired_kind'] });
  });

  /** Moves that keep W in decimal: 1 general = 5 individual = 5 invoice; 1 key = 5 general; 1 arrears = 2 inspection; ... */
  const moves: [string, number, string, number][] = [
    ['general_taxpayer', 1, 'individual_taxpayer', 5],
    ['general_taxpayer', 1, 'invoice_review', 5],
    ['individual_taxpayer', 1, 'invoice_review', 1],
    ['key_taxpayer', 1, 'general_taxpayer', 5],
    ['arrears_case', 1, 'inspection_visit', 2],
    ['tax_assessment_case', 1, 'general_taxpayer', 3],
    ['registration_case', 2, 'general_taxpayer', 1],
    ['registration_case', 1, 'invoice_review', 2.5],
  ];
  const countsArb = fc.dictionary(
    fc.constantFrom(...kinds),
    fc.integer({ min: 0, max: 400 }).map((x) => x / 10),
    { maxKeys: 8 },
  );
  /** The same decimal points reached another way, by moves that trade one kind for another. */
  const equalArb = countsArb.chain((counts) =>
    fc.array(fc.tuple(fc.nat(moves.length - 1), fc.boolean()), { maxLength: 12 }).map((steps) => {
      const other: Record<string, number> = { ...counts };
      for (const [i, back] of steps) {
        const [from, nFrom, to, nTo] = moves[i]!;
        const [src, take, dst, give] = back ? [to, nTo, from, nFrom] : [from, nFrom, to, nTo];
        if ((other[src] ?? 0) >= take) {
          // Counts stay decimals of at most 2 places, as imported; moves may cross 0.
          other[src] = Math.round(((other[src] ?? 0) - take) * 100) / 100;
          other[dst] = Math.round(((other[dst] ?? 0) + give) * 100) / 100;
        }
      }
      return [counts, other] as const;
    }),
  );

  it('any two count vectors with equal decimal points get equal percentiles (property)', () => {
    fc.assert(
      fc.property(equalArb, fc.array(countsArb, { maxLength: 8 }), ([a, b], others) => {
        // Equal by construction, checked with the independent oracle.
        expect(hundredths(b)).toBe(hundredths(a));
        const officers: OfficerInput[] = [officer('X1', { workload: a }), officer('X2', { workload: b }), ...others.map((w, i) => officer(`O${i}`, { workload: w }))];
        const out = gradeOfficers(defaultPolicy, run(officers));
        const x1 = byCode(out, 'X1');
        const x2 = byCode(out, 'X2');
        expect(x2.raw.workloadPoints).toBe(x1.raw.workloadPoints);
        expect(x2.components!.workload).toBe(x1.components!.workload);
        expect(x2.raw.peerEqual).toBe(x1.raw.peerEqual);
        expect(x1.raw.peerEqual).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });

  it('orders and ties officers exactly as decimal arithmetic does (property, oracle in integer hundredths)', () => {
    fc.assert(
      fc.property(fc.array(countsArb, { minLength: 2, maxLength: 12 }), (vectors) => {
        const officers = vectors.map((w, i) => officer(`P${String(i).padStart(2, '0')}`, { workload: w }));
        const out = gradeOfficers(defaultPolicy, run(officers));
        const exact = vectors.map(hundredths);
        vectors.forEach((_, i) => {
          const r = byCode(out, `P${String(i).padStart(2, '0')}`);
          const below = exact.filter((e) => e < exact[i]!).length;
          const equal = exact.filter((e) => e === exact[i]!).length;
          expect(r.raw.peerBelow).toBe(below);
          expect(r.raw.peerEqual).toBe(equal);
          expect(r.components!.workload).toBe((100 * (below + 0.5 * equal)) / vectors.length);
          expect(r.raw.workloadPoints).toBe(Number(exact[i]!) / 100);
        });
      }),
      { numRuns: 300 },
    );
  });
});
