import { describe, expect, it } from 'vitest';
import { npuAccRange, npuAccWidth, npuCycles, npuDefaultFormats, npuGolden, npuLastResultCycle, scaleSimOsCycles, scaleSimOsFolds } from '../../lib/index.ts';

describe('scaleSimOsCycles', () => {
  it('1000 x 1280 by 1280 x 1 on a 1000 x 1 array takes 2278 cycles (the HaShiFlex example)', () => {
    expect(scaleSimOsCycles({ M: 1000, K: 1280, N: 1, R: 1000, C: 1 })).toBe(2278);
    expect(npuCycles({ classes: 1000, features: 1280, lanes: 1000 })).toBe(2278);
  });

  it('counts folds over both array dimensions', () => {
    expect(scaleSimOsFolds({ M: 10, K: 3, N: 5, R: 4, C: 2 })).toBe(3 * 3);
    expect(scaleSimOsCycles({ M: 10, K: 3, N: 5, R: 4, C: 2 })).toBe(9 * (3 + 4 + 2 - 2) - 1);
    expect(scaleSimOsCycles({ M: 1, K: 1, N: 1, R: 1, C: 1 })).toBe(0);
  });

  it('rejects non-positive shapes', () => {
    expect(() => scaleSimOsCycles({ M: 0, K: 1, N: 1, R: 1, C: 1 })).toThrow(/M must be a positive integer/);
    expect(() => scaleSimOsCycles({ M: 1, K: 1.5, N: 1, R: 1, C: 1 })).toThrow(/K must be/);
  });

  it('the last score comes at the end of the last fold only when the lanes divide the classes', () => {
    expect(npuLastResultCycle({ classes: 8, features: 5, lanes: 4 })).toBe(npuCycles({ classes: 8, features: 5, lanes: 4 }));
    expect(npuLastResultCycle({ classes: 10, features: 16, lanes: 4 })).toBe(npuCycles({ classes: 10, features: 16, lanes: 4 }) - 2);
  });
});

describe('npuGolden', () => {
  const f = npuDefaultFormats; // weights Q2.6, features Q3.5, scores Q8.8

  it('accumulates exactly and requantizes with floor and saturation', () => {
    // 1.5 * 2.0 + (-0.015625) * 0.03125 = 3 - 2^-11: floors to 3 - 2^-8 in Q8.8.
    const { acc, scores } = npuGolden(f, [[96n, -1n]], [64n, 1n]);
    expect(acc).toEqual([96n * 64n - 1n]);
    expect(scores).toEqual([3n * 256n - 1n]);
    // 16 x (-2) x (-4) = 128: saturates to the Q8.8 maximum; 16 x (-2) x 3.96875 = -127: fits.
    const hi = npuGolden(f, [Array(16).fill(-128n)], Array(16).fill(-128n));
    expect(hi.scores).toEqual([32767n]);
    const lo = npuGolden(f, [Array(16).fill(-128n)], Array(16).fill(127n));
    expect(lo.scores).toEqual([-127n * 256n]);
  });

  it('sizes the accumulator for the worst case of k_fe products', () => {
    expect(npuAccRange(f, 16)).toEqual([16n * -128n * 127n, 16n * 128n * 128n]);
    expect(npuAccWidth(f, 16)).toBe(20); // 2^18 needs 20 signed bits
    expect(npuAccWidth(f, 1)).toBe(16);
  });

  it('rejects raw values outside their formats', () => {
    expect(() => npuGolden(f, [[128n]], [0n])).toThrow(/weights\[0\]\[0\] = 128 is outside Q2.6/);
    expect(() => npuGolden(f, [[0n]], [-129n])).toThrow(/features\[0\]/);
  });
});
