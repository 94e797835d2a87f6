import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT,
  Prng,
  Q3_5,
  conv2dAcc,
  convAxis,
  depthwiseAcc,
  expRange,
  fixedTensor,
  globalAvgPool,
  hwcIndex,
  layerOutput,
  linearAcc,
  pointwiseAcc,
  qformat,
  quantizeReal,
  rawMax,
  rawMin,
  rawToReal,
  residualAdd,
  tensorAt,
  tensorFromReals,
  tensorToReals,
  truncating,
  type AccTensor,
  type FixedTensor,
  type Padding,
  type Po2,
} from '../../lib/index.ts';
import { floatConv, po2Real, randomPo2, randomTensor } from './helpers.ts';

function accReals(t: AccTensor): number[] {
  return t.data.map((r) => rawToReal(r, t.fmt.frac));
}

function checkAccInvariants(t: AccTensor): void {
  const C = t.shape[2];
  t.data.forEach((v, i) => {
    const [lo, hi] = t.channelRanges[i % C] as readonly [bigint, bigint];
    expect(v >= lo && v <= hi).toBe(true);
    expect(v >= rawMin(t.fmt) && v <= rawMax(t.fmt)).toBe(true);
  });
}

const arbConv = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  h: fc.integer({ min: 1, max: 7 }),
  w: fc.integer({ min: 1, max: 7 }),
  c: fc.integer({ min: 1, max: 3 }),
  outC: fc.integer({ min: 1, max: 3 }),
  k: fc.constantFrom(1, 3, 5),
  stride: fc.constantFrom(1, 2),
  padding: fc.constantFrom<Padding>('same', 'valid', 0, 1, 2),
  withBias: fc.boolean(),
});

function padOf(padding: Padding, k: number): number {
  return padding === 'valid' ? 0 : padding === 'same' ? (k - 1) / 2 : padding;
}

describe('convolution golden models against a naive float reference (exactly representable data)', () => {
  it('conv2d (OHWI, HWC), stride 1/2, same/valid/explicit padding, with bias', () => {
    fc.assert(
      fc.property(arbConv, (a) => {
        const pad = padOf(a.padding, a.k);
        fc.pre(a.h + 2 * pad >= a.k && a.w + 2 * pad >= a.k);
        const p = new Prng(a.seed);
        const x = randomTensor(p, [a.h, a.w, a.c], Q3_5);
        const w = randomPo2(p, a.outC * a.k * a.k * a.c, expRange(-6, 1));
        const bfmt = qformat(6, 6);
        const bias = a.withBias ? { raw: Array.from({ length: a.outC }, () => p.fixedRaw(bfmt)), fmt: bfmt } : undefined;
        const got = conv2dAcc(x, w, a.outC, a.k, { stride: a.stride, padding: a.padding, ...(bias ? { bias } : {}) });
        const ref = floatConv(x, w, a.outC, a.k, a.stride, pad, false, bias?.raw.map((r) => rawToReal(r, 6)));
        expect(got.shape).toEqual([ref.h, ref.w, a.outC]);
        expect(accReals(got)).toEqual(ref.data);
        checkAccInvariants(got);
      }),
      { numRuns: 150 },
    );
  });

  it('depthwise (HWC weights) against the reference', () => {
    fc.assert(
      fc.property(arbConv, (a) => {
        const pad = padOf(a.padding, a.k);
        fc.pre(a.h + 2 * pad >= a.k && a.w + 2 * pad >= a.k);
        const p = new Prng(a.seed);
        const x = randomTensor(p, [a.h, a.w, a.c], Q3_5);
        const w = randomPo2(p, a.k * a.k * a.c, expRange(-5, 0));
        const got = depthwiseAcc(x, w, a.k, { stride: a.stride, padding: a.padding });
        const ref = floatConv(x, w, a.c, a.k, a.stride, pad, true);
        expect(got.shape).toEqual([ref.h, ref.w, a.c]);
        expect(accReals(got)).toEqual(ref.data);
        checkAccInvariants(got);
      }),
      { numRuns: 150 },
    );
  });

  it('pointwise and linear are the k = 1 conv and the flattened dot product', () => {
    fc.assert(
      fc.property(arbConv, (a) => {
        const p = new Prng(a.seed);
        const x = randomTensor(p, [a.h, a.w, a.c], Q3_5);
        const w = randomPo2(p, a.outC * a.c, expRange(-6, 0));
        const pw = pointwiseAcc(x, w, a.outC, { stride: a.stride });
        expect(accReals(pw)).toEqual(floatConv(x, w, a.outC, 1, a.stride, 0, false).data);
        const n = a.h * a.w * a.c;
        const wl = randomPo2(p, a.outC * n, expRange(-6, 0));
        const lin = linearAcc(x, wl, a.outC);
        const xs = tensorToReals(x);
        const ref = Array.from({ length: a.outC }, (_, o) => xs.reduce((s, v, i) => s + v * po2Real(wl[o * n + i] as Po2), 0));
        expect(lin.shape).toEqual([1, 1, a.outC]);
        expect(accReals(lin)).toEqual(ref);
      }),
      { numRuns: 100 },
    );
  });

  it('truncating conv never exceeds exact conv and is within nTaps LSB below it', () => {
    fc.assert(
      fc.property(arbConv, fc.integer({ min: 0, max: 6 }), (a, tf) => {
        const pad = padOf(a.padding, a.k);
        fc.pre(a.h + 2 * pad >= a.k && a.w + 2 * pad >= a.k);
        const p = new Prng(a.seed);
        const x = randomTensor(p, [a.h, a.w, a.c], Q3_5);
        const w = randomPo2(p, a.outC * a.k * a.k * a.c, expRange(-8, 0));
        const ex = conv2dAcc(x, w, a.outC, a.k, { stride: a.stride, padding: a.padding, mode: EXACT });
        const tr = conv2dAcc(x, w, a.outC, a.k, { stride: a.stride, padding: a.padding, mode: truncating(tf) });
        expect(tr.fmt.frac).toBe(tf);
        checkAccInvariants(tr);
        const taps = a.k * a.k * a.c;
        const lsb = 2 ** -tf;
        accReals(tr).forEach((t, i) => {
          const e = accReals(ex)[i] as number;
          expect(t).toBeLessThanOrEqual(e);
          expect(t).toBeGreaterThan(e - taps * lsb);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('tensors (HWC)', () => {
  it('index (y, x, c) -> (y * W + x) * C + c, checked construction and access', () => {
    const t = tensorFromReals([2, 3, 2], Q3_5, Array.from({ length: 12 }, (_, i) => i / 32));
    expect(tensorAt(t, 1, 2, 1)).toBe(11n);
    expect(tensorAt(t, 0, 1, 0)).toBe(2n);
    expect(hwcIndex(t.shape, 1, 0, 1)).toBe(7);
    expect(() => tensorAt(t, 2, 0, 0)).toThrow();
    expect(() => tensorAt(t, 0, 0, 2)).toThrow();
    expect(() => fixedTensor([1, 1, 1], Q3_5, [128n])).toThrow();
    expect(() => fixedTensor([1, 1, 2], Q3_5, [0n])).toThrow();
    expect(tensorFromReals([1, 1, 2], Q3_5, [5, -0.01]).data).toEqual([127n, -1n]);
  });
});

describe('window geometry', () => {
  it("'same' gives ceil(H / s) with symmetric padding (k - 1) / 2; 'valid' floor((H - k) / s) + 1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.constantFrom(1, 3, 5, 7), fc.constantFrom(1, 2), (h, k, s) => {
        const same = convAxis(h, k, s, 'same');
        const ok = same.out === Math.ceil(h / s) && same.padBefore === (k - 1) / 2;
        if (h < k) return ok && (() => { try { convAxis(h, k, s, 'valid'); return false; } catch { return true; } })();
        return ok && convAxis(h, k, s, 'valid').out === Math.floor((h - k) / s) + 1;
      }),
    );
    expect(convAxis(224, 3, 2, 'same')).toEqual({ out: 112, padBefore: 1 }); // PyTorch-style, not TF SAME (pad 0 before)
    expect(() => convAxis(8, 4, 1, 'same')).toThrow();
  });

  it('stride 2 same padding reads padded row -1 first: one-hot inputs pin the alignment', () => {
    // 4x4x1 input, single 1 at (0,0); 3x3 kernel of all 2^0; stride 2, same: outputs at centres 0 and 2
    const data = new Array<bigint>(16).fill(0n);
    data[0] = 32n; // 1.0 in Q3.5
    const x = fixedTensor([4, 4, 1], Q3_5, data);
    const w: Po2[] = new Array(9).fill({ sign: 1, exp: 0 });
    const y = conv2dAcc(x, w, 1, 3, { stride: 2, padding: 'same' });
    expect(y.shape).toEqual([2, 2, 1]);
    expect(accReals(y)).toEqual([1, 0, 0, 0]);
    // windows are rows/cols 2o-1 .. 2o+1: a 1 at (1,1) is seen by all four outputs, a 1 at (2,2) only by
    // output (1,1). (TensorFlow SAME, padding 0 before, would use rows 2o .. 2o+2: the opposite.)
    data[0] = 0n;
    data[hwcIndex([4, 4, 1], 1, 1, 0)] = 32n;
    expect(accReals(conv2dAcc(fixedTensor([4, 4, 1], Q3_5, data), w, 1, 3, { stride: 2, padding: 'same' }))).toEqual([1, 1, 1, 1]);
    data[hwcIndex([4, 4, 1], 1, 1, 0)] = 0n;
    data[hwcIndex([4, 4, 1], 2, 2, 0)] = 32n;
    expect(accReals(conv2dAcc(fixedTensor([4, 4, 1], Q3_5, data), w, 1, 3, { stride: 2, padding: 'same' }))).toEqual([0, 0, 0, 1]);
  });
});

describe('activation + requantization, pooling, residual', () => {
  it('layerOutput = saturate(floor(act(v) * 2^n)) for relu / relu6 / none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom<'none' | 'relu' | 'relu6'>('none', 'relu', 'relu6'), fc.constantFrom(Q3_5, qformat(4, 4), qformat(5, 2)), (seed, act, out) => {
        const p = new Prng(seed);
        const acc = randomTensor(p, [2, 3, 2], qformat(6, 9));
        const y = layerOutput(acc, { activation: act, out });
        const f = (v: number): number => (act === 'relu' ? Math.max(0, v) : act === 'relu6' ? Math.min(Math.max(0, v), 6) : v);
        expect(y.fmt).toEqual(out);
        expect(y.data).toEqual(tensorToReals(acc).map((v) => quantizeReal(f(v), out)));
      }),
      { numRuns: 100 },
    );
    // deepshift saturation: 3.5 -> 3.0 in Q3.5
    const acc = fixedTensor([1, 1, 2], qformat(4, 1), [7n, -9n]);
    expect(layerOutput(acc, { out: Q3_5, saturation: 'deepshift' }).data).toEqual([96n, -128n]);
    expect(layerOutput(acc, { activation: 'relu', out: Q3_5 }).data).toEqual([112n, 0n]);
  });

  it('global average pooling floors the exact mean (toward -infinity) and saturates', () => {
    // 7x7 of a single channel: sum of raw = -1 -> mean = -1/49 LSB -> floor = -1
    const d = new Array<bigint>(49).fill(0n);
    d[3] = -1n;
    expect(globalAvgPool(fixedTensor([7, 7, 1], Q3_5, d), Q3_5).data).toEqual([-1n]);
    d[3] = 48n;
    expect(globalAvgPool(fixedTensor([7, 7, 1], Q3_5, d), Q3_5).data).toEqual([0n]);
    d[4] = 1n;
    expect(globalAvgPool(fixedTensor([7, 7, 1], Q3_5, d), Q3_5).data).toEqual([1n]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(Q3_5, qformat(3, 8), qformat(4, 2), qformat(1, 3)), (seed, h, w, c, out) => {
        const p = new Prng(seed);
        const x = randomTensor(p, [h, w, c], Q3_5);
        const y = globalAvgPool(x, out);
        expect(y.shape).toEqual([1, 1, c]);
        for (let ch = 0; ch < c; ch++) {
          let sum = 0n;
          for (let i = ch; i < x.data.length; i += c) sum += x.data[i] as bigint;
          // mean in units of 2^-(5 + out.frac + 5) is exact after scaling by h*w: compare q <= mean < q + 1 at out LSB
          const q = y.data[ch] as bigint;
          const G = Math.max(out.frac, 5);
          const meanNum = sum << BigInt(G - 5); // mean * hw at 2^-G
          const qLo = (q << BigInt(G - out.frac)) * BigInt(h * w);
          const qHi = ((q + 1n) << BigInt(G - out.frac)) * BigInt(h * w);
          const saturated = q === rawMin(out) || q === rawMax(out);
          expect(saturated || (qLo <= meanNum && meanNum < qHi)).toBe(true);
          if (saturated) expect(q === rawMin(out) ? meanNum < qHi : meanNum >= qLo).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('residual add is exact in the grown format, then floors and saturates to the output format', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(Q3_5, qformat(4, 3), qformat(2, 7)), (seed, fb) => {
        const p = new Prng(seed);
        const a = randomTensor(p, [2, 2, 3], Q3_5);
        const b = randomTensor(p, [2, 2, 3], fb);
        const s = residualAdd(a, b);
        expect(s.fmt).toEqual({ int: Math.max(3, fb.int) + 1, frac: Math.max(5, fb.frac) });
        const ra = tensorToReals(a);
        const rb = tensorToReals(b);
        expect(tensorToReals(s)).toEqual(ra.map((v, i) => v + (rb[i] as number)));
        s.data.forEach((v) => expect(v >= rawMin(s.fmt) && v <= rawMax(s.fmt)).toBe(true));
        expect(residualAdd(a, b, Q3_5).data).toEqual(ra.map((v, i) => quantizeReal(v + (rb[i] as number), Q3_5)));
      }),
      { numRuns: 100 },
    );
    expect(() => residualAdd(fixedTensor([1, 1, 1], Q3_5, [0n]), fixedTensor([1, 1, 2], Q3_5, [0n, 0n]))).toThrow();
  });
});
