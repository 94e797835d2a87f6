import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT,
  Prng,
  Q3_5,
  expRange,
  exactAccFrac,
  dotPo2,
  dotRange,
  dotRaw,
  fixed,
  floorDiv,
  po2Term,
  qformat,
  rawMax,
  rawMin,
  rawToReal,
  truncating,
  type AccumulateMode,
  type Po2,
  type QFormat,
} from '../../lib/index.ts';
import { po2Real, randomPo2 } from './helpers.ts';

interface Case {
  act: QFormat;
  acts: bigint[];
  weights: Po2[];
}

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    n: fc.integer({ min: 0, max: 40 }),
    int: fc.integer({ min: 1, max: 5 }),
    frac: fc.integer({ min: 0, max: 7 }),
    lo: fc.integer({ min: -10, max: 2 }),
    span: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ seed, n, int, frac, lo, span }) => {
    const p = new Prng(seed);
    const act = qformat(int, frac);
    const weights = randomPo2(p, n, expRange(lo, lo + span));
    const acts = weights.map(() => (p.nextFloat() < 0.15 ? (p.nextU32() & 1 ? rawMin(act) : rawMax(act)) : p.fixedRaw(act)));
    return { act, acts, weights };
  });

/** Exact float reference (all values here are exact in doubles: < 2^40 LSBs). */
function floatDot(c: Case): number {
  return c.weights.reduce((s, w, i) => s + po2Real(w) * rawToReal(c.acts[i] as bigint, c.act.frac), 0);
}

/** Exact value of an accumulator, in units of 2^-F (F >= frac). */
function at(raw: bigint, frac: number, F: number): bigint {
  return raw << BigInt(F - frac);
}

describe('dot product of Po2 weights and fixed-point activations', () => {
  it('exact mode equals the exact real dot product and fits its derived format', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = dotPo2(c.acts, c.act, c.weights, EXACT);
        expect(rawToReal(r.acc.raw, r.acc.fmt.frac)).toBe(floatDot(c));
        expect(r.acc.raw >= rawMin(r.acc.fmt) && r.acc.raw <= rawMax(r.acc.fmt)).toBe(true);
        expect(r.acc.raw >= r.range[0] && r.acc.raw <= r.range[1]).toBe(true);
        // aligned to the smallest exponent: frac = actFrac - min exp
        const nz = c.weights.filter((w) => w.sign !== 0);
        expect(r.acc.fmt.frac).toBe(nz.length === 0 ? c.act.frac : c.act.frac - Math.min(...nz.map((w) => w.exp)));
      }),
      { numRuns: 200 },
    );
  });

  it('plus bias: the bias is aligned exactly and added once', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -200, max: 200 }), fc.integer({ min: 0, max: 12 }), (c, b, bf) => {
        const bias = fixed(BigInt(b), qformat(10, bf));
        const r = dotPo2(c.acts, c.act, c.weights, EXACT, bias);
        expect(r.acc.fmt.frac).toBe(exactAccFrac(c.weights, c.act.frac, bf));
        expect(rawToReal(r.acc.raw, r.acc.fmt.frac)).toBe(floatDot(c) + b * 2 ** -bf);
        expect(r.acc.raw >= r.range[0] && r.acc.raw <= r.range[1]).toBe(true);
      }),
    );
  });

  it('the range is tight: extreme activations reach both ends (exact and truncating)', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -2, max: 8 }), fc.constantFrom<'floor-signed' | 'subtract-floored'>('floor-signed', 'subtract-floored'), (c, tf, neg) => {
        for (const mode of [EXACT, truncating(tf, neg)] as AccumulateMode[]) {
          const F = mode.kind === 'exact' ? exactAccFrac(c.weights, c.act.frac) : mode.frac;
          const [lo, hi] = dotRange(c.weights, c.act, F, mode);
          const up = c.weights.map((w) => (w.sign < 0 ? rawMin(c.act) : rawMax(c.act)));
          const down = c.weights.map((w) => (w.sign < 0 ? rawMax(c.act) : rawMin(c.act)));
          expect(dotRaw(up, c.act.frac, c.weights, F, mode)).toBe(hi);
          expect(dotRaw(down, c.act.frac, c.weights, F, mode)).toBe(lo);
          expect(dotRaw(c.acts, c.act.frac, c.weights, F, mode)).toBeGreaterThanOrEqual(lo);
          expect(dotRaw(c.acts, c.act.frac, c.weights, F, mode)).toBeLessThanOrEqual(hi);
        }
      }),
    );
  });

  it('a truncated term is floor(s * r * 2^(e - n + f)) (floor-signed) or s * floor(r * 2^(e - n + f))', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1000n, max: 1000n }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom<-1 | 1>(-1, 1),
        fc.integer({ min: -12, max: 4 }),
        fc.integer({ min: -4, max: 10 }),
        (r, n, s, e, f) => {
          const w: Po2 = { sign: s, exp: e };
          const k = e - n + f;
          // independent: as a fraction num / den with den a power of two
          const num = k >= 0 ? r << BigInt(k) : r;
          const den = k >= 0 ? 1n : 1n << BigInt(-k);
          const fs = po2Term(r, n, w, f, truncating(f, 'floor-signed'));
          const sf = po2Term(r, n, w, f, truncating(f, 'subtract-floored'));
          return fs === floorDiv(BigInt(s) * num, den) && sf === BigInt(s) * floorDiv(num, den);
        },
      ),
    );
    // -3/2: floor-signed gives floor(-1.5) = -2, subtract-floored gives -floor(1.5) = -1
    expect(po2Term(3n, 0, { sign: -1, exp: -1 }, 0, truncating(0))).toBe(-2n);
    expect(po2Term(3n, 0, { sign: -1, exp: -1 }, 0, truncating(0, 'subtract-floored'))).toBe(-1n);
    expect(() => po2Term(3n, 0, { sign: 1, exp: -1 }, 0, EXACT)).toThrow();
  });

  it('truncating never exceeds exact (floor-signed): exact - nTerms LSB < trunc <= exact, and the range likewise', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -2, max: 8 }), (c, tf) => {
        const F = exactAccFrac(c.weights, c.act.frac);
        const G = Math.max(F, tf);
        const exact = at(dotRaw(c.acts, c.act.frac, c.weights, F, EXACT), F, G);
        const mode = truncating(tf);
        const tr = at(dotRaw(c.acts, c.act.frac, c.weights, tf, mode), tf, G);
        const L = 1n << BigInt(G - tf);
        const nTerms = BigInt(c.weights.filter((w) => w.sign !== 0).length);
        expect(tr <= exact).toBe(true);
        expect(tr > exact - nTerms * L || (nTerms === 0n && tr === exact)).toBe(true);
        const [elo, ehi] = dotRange(c.weights, c.act, F, EXACT);
        const [tlo, thi] = dotRange(c.weights, c.act, tf, mode);
        expect(at(thi, tf, G) <= at(ehi, F, G)).toBe(true);
        expect(at(tlo, tf, G) <= at(elo, F, G)).toBe(true);
        expect(at(tlo, tf, G) > at(elo, F, G) - nTerms * L || nTerms === 0n).toBe(true);
        // with no fraction bits dropped, truncation is exact
        if (tf >= F) expect(tr).toBe(exact);
      }),
      { numRuns: 200 },
    );
  });

  it('subtract-floored: positive terms round down, negative terms round up, each by < 1 LSB', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: -2, max: 8 }), (c, tf) => {
        const F = exactAccFrac(c.weights, c.act.frac);
        const G = Math.max(F, tf);
        const exact = at(dotRaw(c.acts, c.act.frac, c.weights, F, EXACT), F, G);
        const tr = at(dotRaw(c.acts, c.act.frac, c.weights, tf, truncating(tf, 'subtract-floored')), tf, G);
        const L = 1n << BigInt(G - tf);
        const P = BigInt(c.weights.filter((w) => w.sign > 0).length);
        const N = BigInt(c.weights.filter((w) => w.sign < 0).length);
        return (tr > exact - P * L || (P === 0n && tr >= exact)) && (tr < exact + N * L || (N === 0n && tr <= exact));
      }),
      { numRuns: 200 },
    );
  });

  it('Q3.5 example: 1.5 * 2^-1 - 3.96875 * 2^-3 + (-4) * 2^0', () => {
    const acts = [48n, 127n, -128n];
    const ws: Po2[] = [
      { sign: 1, exp: -1 },
      { sign: -1, exp: -3 },
      { sign: 1, exp: 0 },
    ];
    const r = dotPo2(acts, Q3_5, ws, EXACT);
    expect(r.acc.fmt.frac).toBe(8);
    expect(r.acc.raw).toBe(48n * 4n - 127n + -128n * 8n); // 0.75 - 0.49609375 - 4 at 2^-8
    expect(r.range).toEqual([-128n * 4n - 127n - 128n * 8n, 127n * 4n + 128n + 127n * 8n]);
    expect(r.acc.fmt.int + r.acc.fmt.frac).toBe(12);
    // truncating at Q.5: 1.5*0.5 = 0.75 exact, -127/256 floors to -16/32, -4
    expect(dotRaw(acts, 5, ws, 5, truncating(5))).toBe(24n - 16n - 128n);
    expect(dotRaw(acts, 5, ws, 5, truncating(5, 'subtract-floored'))).toBe(24n - 15n - 128n);
  });
});
