import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Q3_5,
  add,
  addFormat,
  compareRaw,
  fixed,
  fixedEquals,
  fixedFromReal,
  fixedToReal,
  floorDiv,
  floorShift,
  formatWidth,
  neg,
  qformat,
  quantizeReal,
  rawMax,
  rawMin,
  rawToReal,
  relu,
  relu6,
  relu6Raw,
  reluRaw,
  requantize,
  requantizeRaw,
  shiftFixed,
  signedWidth,
  sub,
  type Fixed,
} from '../../lib/index.ts';
import { arbActFormat, arbFormat, arbFormatAndRaw, arbRaw } from './arbitraries.ts';

/** Exact rational value of a Fixed as [numerator, log2 denominator] compared via bigint. */
function valueAt(x: Fixed, frac: number): bigint {
  expect(frac).toBeGreaterThanOrEqual(x.fmt.frac);
  return x.raw << BigInt(frac - x.fmt.frac);
}

function fits(x: Fixed): boolean {
  return x.raw >= rawMin(x.fmt) && x.raw <= rawMax(x.fmt);
}

describe('bigint helpers', () => {
  it('floorShift is floor(x * 2^k)', () => {
    expect(floorShift(-5n, -1)).toBe(-3n);
    expect(floorShift(5n, -1)).toBe(2n);
    expect(floorShift(-1n, -10)).toBe(-1n);
    expect(floorShift(3n, 2)).toBe(12n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }), fc.integer({ min: 0, max: 20 }), (x, k) => {
        const r = floorShift(x, -k);
        const d = 1n << BigInt(k);
        // r * 2^k <= x < (r + 1) * 2^k
        return r * d <= x && x < (r + 1n) * d;
      }),
    );
  });

  it('floorDiv floors toward -infinity', () => {
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(floorDiv(-8n, 2n)).toBe(-4n);
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }), fc.bigInt({ min: 1n, max: 1000n }), (a, b) => {
        const q = floorDiv(a, b);
        return q * b <= a && a < (q + 1n) * b;
      }),
    );
    expect(() => floorDiv(1n, 0n)).toThrow();
  });

  it('signedWidth is the minimal two-complement width', () => {
    expect(signedWidth(-128n, 127n)).toBe(8);
    expect(signedWidth(-129n, 0n)).toBe(9);
    expect(signedWidth(0n, 128n)).toBe(9);
    expect(signedWidth(-1n, 0n)).toBe(1);
    expect(signedWidth(0n, 0n)).toBe(1);
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 60n), max: 1n << 60n }), fc.bigInt({ min: 0n, max: 1n << 60n }), (lo, span) => {
        const hi = lo + span;
        const w = signedWidth(lo, hi);
        const fitsIn = (v: number): boolean => lo >= -(1n << BigInt(v - 1)) && hi <= (1n << BigInt(v - 1)) - 1n;
        return fitsIn(w) && (w === 1 || !fitsIn(w - 1));
      }),
    );
  });
});

describe('formats', () => {
  it('Q3.5 is 8 bits, [-4, 3.96875] (full) or [-4, 3.0] (deepshift)', () => {
    expect(formatWidth(Q3_5)).toBe(8);
    expect(rawMin(Q3_5)).toBe(-128n);
    expect(rawMax(Q3_5)).toBe(127n);
    expect(rawMax(Q3_5, 'deepshift')).toBe(96n);
    expect(rawToReal(rawMax(Q3_5), 5)).toBe(3.96875);
    expect(rawToReal(rawMax(Q3_5, 'deepshift'), 5)).toBe(3);
  });

  it('rejects zero-width formats and non-integers', () => {
    expect(() => qformat(0, 0)).toThrow();
    expect(() => qformat(3, -3)).toThrow();
    expect(() => qformat(1.5, 2)).toThrow();
    expect(qformat(-2, 5).frac).toBe(5);
  });

  it('deepshift maximum is 2^(m-1) - 1 on the grid and never above the full maximum', () => {
    fc.assert(
      fc.property(arbFormat, (f) => {
        const m = rawMax(f, 'deepshift');
        if (m > rawMax(f) || m < rawMin(f)) return false;
        if (f.int >= 1 && f.frac >= 0) return m === ((1n << BigInt(f.int - 1)) - 1n) << BigInt(f.frac);
        return true;
      }),
    );
  });
});

describe('quantizeReal: floor to 2^-n, then saturate', () => {
  it('corners of Q3.5', () => {
    expect(quantizeReal(0, Q3_5)).toBe(0n);
    expect(quantizeReal(-0, Q3_5)).toBe(0n);
    expect(quantizeReal(1 / 32, Q3_5)).toBe(1n);
    expect(quantizeReal(1 / 32 - 1e-12, Q3_5)).toBe(0n);
    expect(quantizeReal(-1e-12, Q3_5)).toBe(-1n); // floor, not truncation toward zero
    expect(quantizeReal(-Number.MIN_VALUE, qformat(2, -1))).toBe(-1n); // x * 2^n underflows: still floored
    expect(quantizeReal(Number.MIN_VALUE, qformat(2, -1))).toBe(0n);
    expect(quantizeReal(-Number.MIN_VALUE, qformat(1, 4))).toBe(-1n);
    expect(quantizeReal(3.96875, Q3_5)).toBe(127n);
    expect(quantizeReal(3.99, Q3_5)).toBe(127n);
    expect(quantizeReal(4, Q3_5)).toBe(127n);
    expect(quantizeReal(1e300, Q3_5)).toBe(127n);
    expect(quantizeReal(Infinity, Q3_5)).toBe(127n);
    expect(quantizeReal(-4, Q3_5)).toBe(-128n);
    expect(quantizeReal(-4.0001, Q3_5)).toBe(-128n);
    expect(quantizeReal(-Infinity, Q3_5)).toBe(-128n);
    expect(quantizeReal(3.5, Q3_5, 'deepshift')).toBe(96n);
    expect(quantizeReal(2.99, Q3_5, 'deepshift')).toBe(95n);
    expect(quantizeReal(-4, Q3_5, 'deepshift')).toBe(-128n);
    expect(() => quantizeReal(NaN, Q3_5)).toThrow();
  });

  it('in range: the largest grid point <= x; out of range: the nearest end', () => {
    fc.assert(
      fc.property(arbFormat, fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom<'full' | 'deepshift'>('full', 'deepshift'), (f, x, sat) => {
        const r = quantizeReal(x, f, sat);
        const lo = rawMin(f);
        const hi = rawMax(f, sat);
        if (r < lo || r > hi) return false;
        const v = rawToReal(r, f.frac);
        const step = 2 ** -f.frac;
        if (r === hi && x >= v) return true; // saturated high (or exactly the max)
        if (r === lo && x < v + step) return true; // saturated low (or exactly the min)
        return v <= x && x < v + step;
      }),
    );
  });

  it('is monotone', () => {
    fc.assert(
      fc.property(arbFormat, fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), (f, a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        return quantizeReal(x, f) <= quantizeReal(y, f);
      }),
    );
  });

  it('round-trips every raw code', () => {
    fc.assert(fc.property(arbFormatAndRaw, ([f, r]) => quantizeReal(rawToReal(r, f.frac), f) === r));
  });
});

describe('exact arithmetic with growing formats', () => {
  const arbPair = fc.tuple(arbFormatAndRaw, arbFormatAndRaw).map(([[fa, ra], [fb, rb]]) => [fixed(ra, fa), fixed(rb, fb)] as const);

  it('add/sub are exact and fit max(int) + 1 . max(frac), which is tight', () => {
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const s = add(a, b);
        const d = sub(a, b);
        const F = Math.max(a.fmt.frac, b.fmt.frac);
        expect(s.fmt).toEqual(addFormat(a.fmt, b.fmt));
        expect(s.fmt.frac).toBe(F);
        expect(s.fmt.int).toBe(Math.max(a.fmt.int, b.fmt.int) + 1);
        expect(valueAt(s, F)).toBe(valueAt(a, F) + valueAt(b, F));
        expect(valueAt(d, F)).toBe(valueAt(a, F) - valueAt(b, F));
        expect(fits(s)).toBe(true);
        expect(fits(d)).toBe(true);
      }),
    );
  });

  it('the grown add format is needed: min + min of a format does not fit without the extra bit', () => {
    fc.assert(
      fc.property(arbFormat, (f) => {
        const m = fixed(rawMin(f), f);
        const s = add(m, m);
        expect(fits(s)).toBe(true);
        expect(s.raw < rawMin(f)).toBe(true);
      }),
    );
  });

  it('neg is exact and grows one integer bit', () => {
    fc.assert(
      fc.property(arbFormatAndRaw, ([f, r]) => {
        const n = neg(fixed(r, f));
        return n.raw === -r && n.fmt.int === f.int + 1 && fits(n);
      }),
    );
  });

  it('shiftFixed moves only the binary point: value * 2^k, raw bits kept', () => {
    fc.assert(
      fc.property(arbFormatAndRaw, fc.integer({ min: -6, max: 6 }), ([f, r], k) => {
        const x = fixed(r, f);
        const y = shiftFixed(x, k);
        expect(y.raw).toBe(r);
        expect(y.fmt).toEqual({ int: f.int + k, frac: f.frac - k });
        expect(formatWidth(y.fmt)).toBe(formatWidth(f));
        // value(y) == value(x) * 2^k, compared exactly
        expect(compareRaw(y.raw, y.fmt.frac, r << BigInt(Math.max(k, 0)), f.frac - Math.min(k, 0))).toBe(0);
      }),
    );
    const x = fixedFromReal(1.5, Q3_5);
    expect(fixedToReal(shiftFixed(x, 2))).toBe(6);
    expect(fixedToReal(shiftFixed(x, -3))).toBe(0.1875);
  });

  it('fixedEquals compares real values across formats', () => {
    expect(fixedEquals(fixed(3n, qformat(3, 1)), fixed(12n, qformat(3, 3)))).toBe(true);
    expect(fixedEquals(fixed(3n, qformat(3, 1)), fixed(13n, qformat(3, 3)))).toBe(false);
  });
});

describe('requantize: floor shift to the new binary point, then saturate', () => {
  it('corners', () => {
    const wide = qformat(12, 11);
    // 1.5 - 2^-11 -> Q3.5 floors to 1.46875
    expect(requantizeRaw(3n * 1024n - 1n, 11, Q3_5)).toBe(47n);
    // -2^-11 floors to -1/32, not 0
    expect(requantizeRaw(-1n, 11, Q3_5)).toBe(-1n);
    // 100.0 saturates
    expect(requantize(fixed(100n << 11n, wide), Q3_5).raw).toBe(127n);
    expect(requantize(fixed(-(100n << 11n), wide), Q3_5).raw).toBe(-128n);
    expect(requantize(fixed(100n << 11n, wide), Q3_5, 'deepshift').raw).toBe(96n);
    // widening the frac is exact
    expect(requantizeRaw(5n, 1, qformat(4, 4))).toBe(40n);
  });

  it('equals quantizeReal of the exact value (for values exact in doubles)', () => {
    fc.assert(
      fc.property(arbFormatAndRaw, arbFormat, fc.constantFrom<'full' | 'deepshift'>('full', 'deepshift'), ([f, r], to, sat) => {
        return requantizeRaw(r, f.frac, to, sat) === quantizeReal(rawToReal(r, f.frac), to, sat);
      }),
    );
  });

  it('result is the floor: value(out) <= value(in) < value(out) + lsb unless saturated', () => {
    fc.assert(
      fc.property(arbFormatAndRaw, arbActFormat, ([f, r], to) => {
        const out = requantizeRaw(r, f.frac, to);
        if (out === rawMin(to) || out === rawMax(to)) return true;
        const F = Math.max(f.frac, to.frac);
        const vin = r << BigInt(F - f.frac);
        const vout = out << BigInt(F - to.frac);
        return vout <= vin && vin < vout + (1n << BigInt(F - to.frac));
      }),
    );
  });
});

describe('ReLU and ReLU6 on raw values', () => {
  it('corners', () => {
    expect(reluRaw(-1n)).toBe(0n);
    expect(reluRaw(0n)).toBe(0n);
    expect(reluRaw(5n)).toBe(5n);
    expect(relu6Raw(7n << 5n, 5)).toBe(6n << 5n);
    expect(relu6Raw((6n << 5n) + 1n, 5)).toBe(6n << 5n);
    expect(relu6Raw((6n << 5n) - 1n, 5)).toBe((6n << 5n) - 1n);
    expect(relu6Raw(-3n, 5)).toBe(0n);
    expect(relu6Raw(100n, -2)).toBe(1n); // grid step 4: the largest grid point <= 6 is 4
    expect(relu6(fixed(127n, Q3_5)).raw).toBe(127n); // Q3.5 never reaches 6
    expect(relu(fixed(-128n, Q3_5)).raw).toBe(0n);
  });

  it('relu6 output is in [0, 6] and the identity there', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 20n), max: 1n << 20n }), fc.integer({ min: -3, max: 12 }), (r, n) => {
        const y = relu6Raw(r, n);
        const v = rawToReal(y, n);
        if (v < 0 || v > 6) return false;
        if (r >= 0n && rawToReal(r, n) <= 6) return y === r;
        return r < 0n ? y === 0n : v > 6 - 2 ** -n; // clamped to the top grid point
      }),
    );
  });

  it('activation commutes with requantization (target frac >= 0)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 24n), max: 1n << 24n }), fc.integer({ min: 0, max: 14 }), arbActFormat, (r, frac, to) => {
        const a = requantizeRaw(reluRaw(r), frac, to) === reluRaw(requantizeRaw(r, frac, to));
        const b = requantizeRaw(relu6Raw(r, frac), frac, to) === relu6Raw(requantizeRaw(r, frac, to), to.frac);
        return a && b;
      }),
    );
  });
});
