import { describe, expect, it } from 'vitest';
import { benfordExpected, benfordMad, binomialTail, firstDigit, lnChoose, mad, median, meanAbsDeviation, robustZ } from '../../src/flags/stats.js';

describe('binomial tail', () => {
  it('matches exact values for n = 10, p = 0.5', () => {
    expect(binomialTail(8, 10)).toBe(0.0546875);
    expect(binomialTail(9, 10)).toBe(0.0107421875);
    expect(binomialTail(10, 10)).toBe(0.0009765625);
    expect(binomialTail(0, 10)).toBe(1);
    expect(binomialTail(11, 10)).toBe(0);
    expect(binomialTail(5, 5)).toBe(1 / 32);
  });

  it('stays accurate in log space for large n and other p', () => {
    // P(X >= 60 | 100, 0.5) = 0.028443966820490...
    expect(binomialTail(60, 100)).toBeCloseTo(0.02844396682049039, 12);
    // Symmetry: P(X >= k | n, p) = 1 - P(X >= n - k + 1 | n, 1 - p)
    expect(binomialTail(3, 12, 0.3)).toBeCloseTo(1 - binomialTail(10, 12, 0.7), 12);
    // P(X >= 3 | 12, 0.3) = 0.747184652145 (exact rational, computed with fractions)
    expect(binomialTail(3, 12, 0.3)).toBeCloseTo(0.747184652145, 10);
    // Far tail without underflow to NaN: P(X >= 1000 | 1000) = 2^-1000
    expect(Math.log2(binomialTail(1000, 1000))).toBeCloseTo(-1000, 6);
    expect(binomialTail(5000, 10000)).toBeCloseTo(0.5039893230, 8);
    expect(lnChoose(10, 5)).toBeCloseTo(Math.log(252), 12);
  });
});

describe('median and MAD', () => {
  it('computes known values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // x = 1 1 2 2 4 6 9: median 2, |x-2| = 1 1 0 0 2 4 7 -> MAD 1
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(meanAbsDeviation([1, 1, 2, 2, 4, 6, 9])).toBeCloseTo(15 / 7, 12);
    expect(() => median([])).toThrow();
  });

  it('robust z uses 1.4826 * MAD, falls back to MeanAD when MAD = 0, and to no outliers when all equal', () => {
    const z = robustZ([1, 1, 2, 2, 4, 6, 9]);
    expect(z.method).toBe('mad');
    expect(z.z(9)).toBeCloseTo(7 / 1.4826, 12);
    const zeroMad = robustZ([0, 0, 0, 0, 0, 0, 5]);
    expect(zeroMad.mad).toBe(0);
    expect(zeroMad.method).toBe('meanad');
    expect(zeroMad.z(5)).toBeCloseTo(5 / (1.253314 * (5 / 7)), 9);
    const flat = robustZ([2, 2, 2]);
    expect(flat.method).toBe('none');
    expect(flat.z(2)).toBeNull();
  });
});

describe('Benford', () => {
  it('expects log10(1 + 1/d)', () => {
    const e = benfordExpected();
    expect(e[0]).toBeCloseTo(0.30103, 5);
    expect(e[8]).toBeCloseTo(0.04576, 5);
    expect(e.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('measures the first-digit MAD', () => {
    const perfect = benfordExpected().map((s) => s * 1e6);
    expect(benfordMad(perfect).mad).toBeCloseTo(0, 9);
    // All amounts starting with 1: |1 - .30103| + sum of the other expected shares = 2 * 0.69897.
    expect(benfordMad([50, 0, 0, 0, 0, 0, 0, 0, 0]).mad).toBeCloseTo((2 * (1 - Math.log10(2))) / 9, 12);
    expect(firstDigit(19_999)).toBe(1);
    expect(firstDigit(1000)).toBe(1);
    expect(firstDigit(0.052)).toBe(5);
    expect(firstDigit(0)).toBeNull();
  });
});
