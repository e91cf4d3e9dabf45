import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRoundHalfUp, floorShare, hasPlaces, scaledText, scaledToNumber, sumWeights, toScaled, toScaledRounded } from '../../scoring/index.js';

describe('exact decimals (scoring/decimal.ts)', () => {
  it('reads a double as the decimal that was written', () => {
    expect(toScaled(0.2, 6)).toBe(200_000n);
    expect(toScaled(5, 6)).toBe(5_000_000n);
    expect(toScaled(0.000001, 6)).toBe(1n);
    expect(toScaled(1e21, 6)).toBe(10n ** 27n);
    expect(toScaled(1.5e-5, 6)).toBe(15n);
    expect(toScaled(-2.5, 1)).toBe(-25n);
    // More places than asked: not exact in that unit.
    expect(toScaled(1e-7, 6)).toBeNull();
    expect(toScaled(0.1234567, 6)).toBeNull();
    expect(toScaled(Number.NaN, 6)).toBeNull();
    expect(hasPlaces(3000.01, 2)).toBe(true);
    expect(hasPlaces(3000.001, 2)).toBe(false);
  });

  it('rounds finer digits half away from zero', () => {
    expect(toScaledRounded(0.0000005, 6)).toBe(1n);
    expect(toScaledRounded(0.0000004, 6)).toBe(0n);
    expect(toScaledRounded(-0.0000005, 6)).toBe(-1n);
    expect(toScaledRounded(2.5, 0)).toBe(3n);
  });

  it('divides rounding half away from zero (四舍五入)', () => {
    expect(divRoundHalfUp(5n, 2n)).toBe(3n);
    expect(divRoundHalfUp(4n, 3n)).toBe(1n);
    expect(divRoundHalfUp(5n, 3n)).toBe(2n);
    expect(divRoundHalfUp(-5n, 2n)).toBe(-3n);
    expect(divRoundHalfUp(0n, 7n)).toBe(0n);
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('gives the nearest double of an exact decimal, also beyond 53 bits', () => {
    expect(scaledToNumber(6_600_000_000_000n, 12)).toBe(6.6);
    expect(scaledText(6_600_000_000_000n, 12)).toBe('6.6');
    expect(scaledText(5n, 2)).toBe('0.05');
    expect(scaledText(-123_400n, 2)).toBe('-1234');
    const big = 123_456_789_012_345_678_901n;
    expect(scaledToNumber(big, 12)).toBe(Number('123456789.012345678901'));
  });

  it('agrees with the decimal text for any integer and scale (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), (v, places) => {
        expect(scaledToNumber(v, places)).toBe(Number(scaledText(v, places)));
        const back = toScaled(Number(scaledText(v, places)), places);
        // A decimal of up to 15 significant digits survives the trip through a double.
        if (v.toString().replace('-', '').length <= 15) expect(back).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('sums policy decimals exactly under decimal arithmetic, as floats under binary (v1)', () => {
    expect(sumWeights({ arithmetic: 'decimal' }, [0.1, 0.2])).toBe(0.3);
    expect(sumWeights({}, [0.1, 0.2])).toBe(0.1 + 0.2);
    expect(sumWeights({ arithmetic: 'binary' }, [0.1, 0.2])).not.toBe(0.3);
    expect(sumWeights({ arithmetic: 'decimal' }, [])).toBe(0);
  });

  it('takes the floor of a share exactly', () => {
    expect(floorShare(0.15, 20)).toBe(3);
    expect(floorShare(0.15, 19)).toBe(2);
    expect(floorShare(0.29, 100)).toBe(29); // 0.29 * 100 is 28.999999999999996 in binary
    expect(floorShare(0.15, 0)).toBe(0);
  });
});
