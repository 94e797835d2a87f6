// The constant-division arithmetic behind globalAvgPoolHw (pure, no hardware).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csdDigits, reciprocalShift } from '../../lib/index.ts';

describe('floor division by a constant via a reciprocal', () => {
  it('csdDigits recode m exactly with no two adjacent nonzero digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 40n }), (m) => {
        const ds = csdDigits(m);
        expect(ds.reduce((a, d) => a + BigInt(d.digit) * (1n << BigInt(d.shift)), 0n)).toBe(m);
        for (let i = 1; i < ds.length; i++) expect(ds[i]!.shift - ds[i - 1]!.shift).toBeGreaterThan(1);
      }),
    );
  });

  it('floor(y * M / 2^s) = floor(y / D) over the whole range, edges included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.bigInt({ min: 0n, max: 1n << 24n }), fc.bigInt({ min: 0n, max: 1n << 24n }), (d, Y, r) => {
        const D = BigInt(2 * d + 1);
        const { s, M } = reciprocalShift(D, Y);
        const check = (y: bigint): void => expect((y * M) >> BigInt(s), `y=${y} D=${D}`).toBe(y / D);
        for (const y of [0n, Y, Y > 0n ? Y - 1n : 0n, r % (Y + 1n)]) check(y);
        // every multiple-of-D boundary near the top of the range
        const top = (Y / D) * D;
        for (const y of [top, top - 1n, top + D - 1n]) if (y >= 0n && y <= Y) check(y);
      }),
    );
  });

  it('chooses the smallest shift', () => {
    expect(reciprocalShift(49n, 4000n)).toEqual({ s: 17, M: 2675n });
    const { s } = reciprocalShift(49n, 4000n);
    const p = 1n << BigInt(s - 1);
    const M = (p + 48n) / 49n;
    expect(4000n * (M * 49n - p) >= p).toBe(true);
  });
});
