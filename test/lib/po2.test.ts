import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PO2_ZERO,
  UNBOUNDED_EXP,
  decodePo2,
  encodePo2,
  expRange,
  expRangeFromBits,
  floorLog2,
  mulPo2,
  po2Value,
  quantizePo2,
  quantizePo2Tensor,
  roundLog2,
} from '../../lib/index.ts';

/** Independent exact reference: decompose the double into M * 2^E with bigints and compare a^2 with 2^(2k+1). */
function exactRoundLog2(a: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, a);
  const bits = dv.getBigUint64(0);
  const be = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const M = be === 0 ? frac : frac | (1n << 52n);
  const E = (be === 0 ? 1 : be) - 1075;
  const k = M.toString(2).length - 1 + E; // floor(log2 a)
  // a >= 2^(k + 1/2)  <=>  M^2 * 2^(2E) >= 2^(2k+1)
  const p = 2 * k + 1 - 2 * E;
  const up = p >= 0 ? M * M >= 1n << BigInt(p) : (M * M) << BigInt(-p) >= 1n;
  return up ? k + 1 : k;
}

function prevDouble(x: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  dv.setBigUint64(0, dv.getBigUint64(0) - 1n);
  return dv.getFloat64(0);
}

const arbPositive = fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true });

describe('round(log2 |w|) in the log domain', () => {
  it('Math.SQRT2 is the smallest double above sqrt 2 (so the >= comparison is exact)', () => {
    const M = BigInt(Math.SQRT2 * 2 ** 52);
    const P = BigInt(prevDouble(Math.SQRT2) * 2 ** 52);
    expect(M * M > 2n ** 105n).toBe(true);
    expect(P * P < 2n ** 105n).toBe(true);
    expect(M - P).toBe(1n);
  });

  it('boundary at 2^(k+0.5): the first double at/above rounds up, the last below rounds down', () => {
    // normal range only: scaling pred(SQRT2) into the subnormals would itself round (subnormals are covered by the reference test)
    for (let k = -1022; k <= 1020; k++) {
      const above = Math.SQRT2 * 2 ** k;
      const below = prevDouble(Math.SQRT2) * 2 ** k;
      expect(roundLog2(above)).toBe(k + 1);
      expect(roundLog2(below)).toBe(k);
      expect(roundLog2(2 ** k)).toBe(k);
      expect(roundLog2(prevDouble(2 ** (k + 1)))).toBe(k + 1);
    }
  });

  it('fast-check: boundary for arbitrary k', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1022, max: 1020 }), fc.integer({ min: 1, max: 1000 }), (k, ulps) => {
        let below = Math.SQRT2 * 2 ** k;
        for (let i = 0; i < ulps; i++) below = prevDouble(below);
        return roundLog2(Math.SQRT2 * 2 ** k) === k + 1 && roundLog2(below) === k;
      }),
    );
  });

  it('agrees with an independent exact bigint reference on every positive double', () => {
    fc.assert(fc.property(arbPositive, (a) => roundLog2(a) === exactRoundLog2(a)), { numRuns: 2000 });
    for (const a of [Number.MIN_VALUE, 2 ** -1022, prevDouble(2 ** -1022), Number.MAX_VALUE, 1, 0.75, 1.5, 3]) {
      expect(roundLog2(a)).toBe(exactRoundLog2(a));
    }
  });

  it('differs from the float shortcut Math.round(Math.log2(a)) just below the cut (documented caveat)', () => {
    const a = prevDouble(Math.SQRT2) * 2 ** -60;
    expect(Math.log2(a)).toBe(-59.5);
    expect(Math.round(Math.log2(a))).toBe(-59);
    expect(roundLog2(a)).toBe(-60);
    expect(exactRoundLog2(a)).toBe(-60);
  });

  it('floorLog2 is exact and roundLog2 is within half an octave (float check away from the cut)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (a) => {
        const k = floorLog2(a);
        const e = roundLog2(a);
        return 2 ** k <= a && a < 2 ** (k + 1) && Math.abs(Math.log2(a) - e) <= 0.5 + 1e-12;
      }),
    );
  });

  it('is monotone in |w|', () => {
    fc.assert(fc.property(arbPositive, arbPositive, (a, b) => (a <= b ? roundLog2(a) <= roundLog2(b) : roundLog2(a) >= roundLog2(b))));
  });
});

describe('exponent range from bit-width', () => {
  it('b bits: one sign bit, 2^(b-1) - 1 exponents below expMax, zero is its own code', () => {
    expect(expRangeFromBits(2)).toEqual({ expMin: 0, expMax: 0 });
    expect(expRangeFromBits(3)).toEqual({ expMin: -2, expMax: 0 });
    expect(expRangeFromBits(4)).toEqual({ expMin: -6, expMax: 0 });
    expect(expRangeFromBits(5)).toEqual({ expMin: -14, expMax: 0 });
    expect(expRangeFromBits(4, 2)).toEqual({ expMin: -4, expMax: 2 });
    expect(() => expRangeFromBits(1)).toThrow();
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: -20, max: 20 }), (b, m) => {
        const r = expRangeFromBits(b, m);
        return r.expMax === m && r.expMax - r.expMin + 1 === 2 ** (b - 1) - 1;
      }),
    );
  });

  it('encode/decode is a bijection between in-range weights (plus zero) and codes with nonzero magnitude', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: -8, max: 8 }), (b, m) => {
        const r = expRangeFromBits(b, m);
        const seen = new Set<number>();
        for (let e = r.expMin; e <= r.expMax; e++) {
          for (const s of [-1, 1] as const) {
            const c = encodePo2({ sign: s, exp: e }, b, m);
            if (c < 0 || c >= 2 ** b || seen.has(c)) return false;
            seen.add(c);
            const d = decodePo2(c, b, m);
            if (d.sign !== s || d.exp !== e) return false;
          }
        }
        return encodePo2(PO2_ZERO, b, m) === 0 && decodePo2(2 ** (b - 1), b, m).sign === 0 && seen.size === 2 ** b - 2;
      }),
    );
    expect(() => encodePo2({ sign: 1, exp: 1 }, 4)).toThrow();
    expect(() => encodePo2({ sign: 1, exp: -7 }, 4)).toThrow();
  });
});

describe('quantizePo2', () => {
  const r4 = expRangeFromBits(4); // [-6, 0]

  it('zero and sign', () => {
    expect(quantizePo2(0)).toBe(PO2_ZERO);
    expect(quantizePo2(-0)).toBe(PO2_ZERO);
    expect(quantizePo2(-0.3)).toEqual({ sign: -1, exp: -2 }); // log2 0.3 = -1.74
    expect(quantizePo2(0.35)).toEqual({ sign: 1, exp: -2 }); // 0.35 < 2^-1.5 = 0.3536
    expect(quantizePo2(0.36)).toEqual({ sign: 1, exp: -1 });
    expect(() => quantizePo2(NaN)).toThrow();
    expect(() => quantizePo2(Infinity)).toThrow();
  });

  it('clamps exponents: above expMax saturates, below expMin clamps (default) or flushes to zero', () => {
    expect(quantizePo2(5, { range: r4 })).toEqual({ sign: 1, exp: 0 });
    expect(quantizePo2(-1e-9, { range: r4 })).toEqual({ sign: -1, exp: -6 });
    expect(quantizePo2(-1e-9, { range: r4, underflow: 'flush' })).toBe(PO2_ZERO);
    // 2^-6.5 is the cut: just above stays at -6 even in flush mode
    expect(quantizePo2(Math.SQRT2 * 2 ** -7, { range: r4, underflow: 'flush' })).toEqual({ sign: 1, exp: -6 });
    expect(quantizePo2(prevDouble(Math.SQRT2 * 2 ** -7), { range: r4, underflow: 'flush' })).toBe(PO2_ZERO);
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: -20, max: 5 }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom<'clamp' | 'flush'>('clamp', 'flush'),
        (w, lo, span, underflow) => {
          const range = expRange(lo, lo + span);
          const q = quantizePo2(w, { range, underflow });
          if (w === 0) return q.sign === 0;
          const e = roundLog2(Math.abs(w));
          if (q.sign === 0) return underflow === 'flush' && e < range.expMin;
          return q.sign === Math.sign(w) && q.exp === Math.min(Math.max(e, range.expMin), range.expMax) && q.exp >= range.expMin && q.exp <= range.expMax;
        },
      ),
    );
  });

  it('unbounded quantization is the nearest power of two in the log domain', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e10, max: 1e10, noNaN: true }).filter((w) => Math.abs(w) > 1e-10), (w) => {
        const q = quantizePo2(w, { range: UNBOUNDED_EXP });
        const ratio = Math.abs(w) / Math.abs(po2Value(q));
        return q.sign === Math.sign(w) && ratio >= Math.SQRT1_2 * (1 - 1e-15) && ratio < Math.SQRT2;
      }),
    );
  });

  it('pruned entries of a tensor are exactly zero, others as quantizePo2', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.boolean()), { maxLength: 50 }), (xs) => {
        const ws = xs.map(([w]) => w);
        const keep = xs.map(([, k]) => k);
        const q = quantizePo2Tensor(ws, { range: r4 }, keep);
        q.forEach((p, i) => expect(p).toEqual(keep[i] ? quantizePo2(ws[i] as number, { range: r4 }) : PO2_ZERO));
      }),
    );
  });

  it('mulPo2: signs multiply, exponents add, zero absorbs', () => {
    expect(mulPo2({ sign: -1, exp: -3 }, { sign: -1, exp: 2 })).toEqual({ sign: 1, exp: -1 });
    expect(mulPo2({ sign: 1, exp: -3 }, { sign: -1, exp: 2 })).toEqual({ sign: -1, exp: -1 });
    expect(mulPo2(PO2_ZERO, { sign: -1, exp: 2 }).sign).toBe(0);
    fc.assert(
      fc.property(fc.constantFrom<-1 | 0 | 1>(-1, 0, 1), fc.integer({ min: -30, max: 30 }), fc.constantFrom<-1 | 0 | 1>(-1, 0, 1), fc.integer({ min: -30, max: 30 }), (s1, e1, s2, e2) => {
        const a = s1 === 0 ? PO2_ZERO : { sign: s1, exp: e1 };
        const b = s2 === 0 ? PO2_ZERO : { sign: s2, exp: e2 };
        return po2Value(mulPo2(a, b)) === po2Value(a) * po2Value(b);
      }),
    );
  });
});
