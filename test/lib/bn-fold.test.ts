import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT,
  PO2_ZERO,
  Prng,
  Q3_5,
  applyBnAffine,
  bnAffine,
  channelOfWeight,
  compareRaw,
  conv2dAcc,
  depthwiseAcc,
  expRange,
  foldWeights,
  layerOutput,
  linearAcc,
  po2Value,
  qformat,
  quantizeBatchNorm,
  quantizePo2,
  quantizeReal,
  rawToReal,
  type BatchNorm,
  type Po2,
} from '../../lib/index.ts';
import { randomPo2, randomTensor } from './helpers.ts';

const P_FMT = qformat(8, 8);
const B_FMT = qformat(8, 8);

function randomBn(p: Prng, n: number): BatchNorm {
  return {
    gamma: Array.from({ length: n }, () => (p.nextFloat() < 0.1 ? 0 : (p.nextFloat() * 3 - 1) * (p.nextU32() & 1 ? 1 : 0.1))),
    beta: Array.from({ length: n }, () => p.nextFloat() * 4 - 2),
    mean: Array.from({ length: n }, () => p.nextFloat() * 6 - 3),
    variance: Array.from({ length: n }, () => (p.nextFloat() < 0.1 ? 0 : p.nextFloat() * 10)),
    eps: 1e-5,
  };
}

describe('batch-norm parameter quantization and the Po2 affine map', () => {
  it('parameters are floored to the parameter format; scale is Po2(gamma / sqrt(var + eps)); bias follows the formula', () => {
    const bn: BatchNorm = { gamma: [0.8, -1.3, 0], beta: [0.25, -0.1, 1.5], mean: [1.1, -0.7, 2], variance: [0.5, 4, 1], eps: 1e-5 };
    const q = quantizeBatchNorm(bn, P_FMT);
    expect(q.gamma).toEqual([204n, -333n, 0n]); // floor(0.8*256) = 204, floor(-1.3*256) = floor(-332.8) = -333
    expect(q.mean).toEqual([281n, -180n, 512n]);
    const aff = bnAffine(q, { biasFormat: B_FMT });
    for (let c = 0; c < 3; c++) {
      const g = rawToReal(q.gamma[c] as bigint, 8);
      const v = rawToReal(q.variance[c] as bigint, 8);
      const mu = rawToReal(q.mean[c] as bigint, 8);
      const be = rawToReal(q.beta[c] as bigint, 8);
      expect(aff.scale[c]).toEqual(quantizePo2(g / Math.sqrt(v + 1e-5)));
      expect(aff.bias.raw[c]).toBe(quantizeReal(be - (g * mu) / Math.sqrt(v + 1e-5), B_FMT));
    }
    // 0.796875 / sqrt(0.5) = 1.127 -> 2^0;  -1.30078 / 2 = -0.65 -> -2^-1 (log2 0.65 = -0.62); gamma 0 -> zero scale
    expect(aff.scale).toEqual([{ sign: 1, exp: 0 }, { sign: -1, exp: -1 }, PO2_ZERO]);
    expect(aff.bias.raw[2]).toBe(384n); // beta alone
    const affP = bnAffine(q, { biasFormat: B_FMT, biasScale: 'po2' });
    expect(affP.bias.raw[1]).toBe(quantizeReal(rawToReal(q.beta[1] as bigint, 8) - po2Value({ sign: -1, exp: -1 }) * rawToReal(q.mean[1] as bigint, 8), B_FMT));
    expect(() => bnAffine(quantizeBatchNorm({ ...bn, variance: [0, 0, 0], eps: 0 }, P_FMT), { biasFormat: B_FMT })).toThrow();
    expect(() => quantizeBatchNorm({ ...bn, variance: [-1, 0, 0] }, P_FMT)).toThrow();
  });

  it('the scale exponent range clamps (or flushes) like weight quantization', () => {
    const q = quantizeBatchNorm({ gamma: [100, 0.001], beta: [0, 0], mean: [0, 0], variance: [1, 1], eps: 0 }, qformat(9, 12));
    expect(bnAffine(q, { biasFormat: B_FMT, scaleRange: expRange(-4, 2) }).scale).toEqual([{ sign: 1, exp: 2 }, { sign: 1, exp: -4 }]);
    expect(bnAffine(q, { biasFormat: B_FMT, scaleRange: expRange(-4, 2), scaleUnderflow: 'flush' }).scale[1]).toBe(PO2_ZERO);
  });

  it('folded weight exponents are weight + scale exponents, signs multiply, channel by layout', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom<'outer' | 'inner'>('outer', 'inner'), (seed, C, per, layout) => {
        const p = new Prng(seed);
        const w = randomPo2(p, C * per, expRange(-6, 0));
        const scale = randomPo2(p, C, expRange(-3, 3));
        const f = foldWeights(w, scale, layout);
        return f.every((fw, i) => {
          const c = layout === 'outer' ? Math.floor(i / per) : i % C;
          expect(channelOfWeight(i, C * per, C, layout)).toBe(c);
          return po2Value(fw) === po2Value(w[i] as Po2) * po2Value(scale[c] as Po2) && (fw.sign === 0 || fw.exp === (w[i] as Po2).exp + (scale[c] as Po2).exp);
        });
      }),
    );
  });
});

describe('folded model == unfolded model, exactly', () => {
  it('conv2d: conv(fold(W)) + b == scale * conv(W) + b, element by element, and after ReLU + requantization', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 2 ** 31 }),
          h: fc.integer({ min: 1, max: 6 }),
          w: fc.integer({ min: 1, max: 6 }),
          c: fc.integer({ min: 1, max: 3 }),
          outC: fc.integer({ min: 1, max: 4 }),
          k: fc.constantFrom(1, 3),
          stride: fc.constantFrom(1, 2),
          biasScale: fc.constantFrom<'exact' | 'po2'>('exact', 'po2'),
        }),
        (a) => {
          const p = new Prng(a.seed);
          const x = randomTensor(p, [a.h, a.w, a.c], Q3_5);
          const w = randomPo2(p, a.outC * a.k * a.k * a.c, expRange(-6, 0));
          const aff = bnAffine(quantizeBatchNorm(randomBn(p, a.outC), P_FMT), { biasFormat: B_FMT, biasScale: a.biasScale });
          const opts = { stride: a.stride, padding: 'same' as const, mode: EXACT };
          const unfolded = applyBnAffine(conv2dAcc(x, w, a.outC, a.k, opts), aff);
          const folded = conv2dAcc(x, foldWeights(w, aff.scale, 'outer'), a.outC, a.k, { ...opts, bias: aff.bias });
          expect(folded.shape).toEqual(unfolded.shape);
          folded.data.forEach((v, i) => expect(compareRaw(v, folded.fmt.frac, unfolded.data[i] as bigint, unfolded.fmt.frac)).toBe(0));
          for (const activation of ['none', 'relu', 'relu6'] as const) {
            expect(layerOutput(folded, { activation, out: Q3_5 }).data).toEqual(layerOutput(unfolded, { activation, out: Q3_5 }).data);
          }
          // and both equal the real-valued affine map of the quantized model
          const acc = conv2dAcc(x, w, a.outC, a.k, opts);
          folded.data.forEach((v, i) => {
            const c = i % a.outC;
            const ref = po2Value(aff.scale[c] as Po2) * rawToReal(acc.data[i] as bigint, acc.fmt.frac) + rawToReal(aff.bias.raw[c] as bigint, 8);
            expect(rawToReal(v, folded.fmt.frac)).toBe(ref);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('depthwise (channel-inner layout) and linear fold the same way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 4 }), (seed, C) => {
        const p = new Prng(seed);
        const x = randomTensor(p, [4, 3, C], Q3_5);
        const w = randomPo2(p, 9 * C, expRange(-6, 0));
        const aff = bnAffine(quantizeBatchNorm(randomBn(p, C), P_FMT), { biasFormat: B_FMT });
        const unfolded = applyBnAffine(depthwiseAcc(x, w, 3, { stride: 2 }), aff);
        const folded = depthwiseAcc(x, foldWeights(w, aff.scale, 'inner'), 3, { stride: 2, bias: aff.bias });
        folded.data.forEach((v, i) => expect(compareRaw(v, folded.fmt.frac, unfolded.data[i] as bigint, unfolded.fmt.frac)).toBe(0));
        const wl = randomPo2(p, C * x.data.length, expRange(-6, 0));
        const ul = applyBnAffine(linearAcc(x, wl, C), aff);
        const fl = linearAcc(x, foldWeights(wl, aff.scale, 'outer'), C, { bias: aff.bias });
        fl.data.forEach((v, i) => expect(compareRaw(v, fl.fmt.frac, ul.data[i] as bigint, ul.fmt.frac)).toBe(0));
        // the unfolded result fits its derived format
        for (const t of [unfolded, ul]) for (const v of t.data) expect(v >= -(1n << BigInt(t.fmt.int + t.fmt.frac - 1)) && v < 1n << BigInt(t.fmt.int + t.fmt.frac - 1)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
