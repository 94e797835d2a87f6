import { describe, expect, it } from 'vitest';
import {
  Prng,
  Q3_5,
  applyBnAffine,
  bnAffine,
  conv2dAcc,
  denseByDefault,
  depthwiseAcc,
  expRangeFromBits,
  foldWeights,
  globalAvgPool,
  layerOutput,
  linearAcc,
  pointwiseAcc,
  pruneLayers,
  qformat,
  quantizeBatchNorm,
  quantizePo2Tensor,
  quantizeReal,
  rawToReal,
  residualAdd,
  tensorToReals,
  type BnAffine,
  type FixedTensor,
  type LayerKind,
  type Po2,
} from '../../lib/index.ts';
import { floatConv, po2Real, randomTensor } from './helpers.ts';

/**
 * A tiny MobileNetV2-like network through the whole flow: float weights ->
 * magnitude pruning (first and depthwise layers dense) -> 4-bit Po2 ->
 * quantized BN folded -> golden integer layers, each checked against the
 * unfolded model and against a float re-computation on the same quantized
 * values (floor + saturate applied at the same points).
 */
describe('end-to-end: a small inverted-residual network', () => {
  const P_FMT = qformat(8, 8);
  const B_FMT = qformat(6, 8);
  const range = expRangeFromBits(4); // [-6, 0]

  function build(seed: number) {
    const p = new Prng(seed);
    const layers: { kind: LayerKind; n: number; outC: number }[] = [
      { kind: 'conv', n: 8 * 3 * 3 * 3, outC: 8 },
      { kind: 'depthwise', n: 3 * 3 * 8, outC: 8 },
      { kind: 'pointwise', n: 8 * 8, outC: 8 },
      { kind: 'linear', n: 4 * 8, outC: 4 },
    ];
    const floats = layers.map((l) => Array.from({ length: l.n }, () => p.normal() * 0.3));
    const pruned = pruneLayers(
      layers.map((l, i) => ({ weights: floats[i] as number[], dense: denseByDefault(i, l.kind) })),
      0.5,
    );
    const q = pruned.map((pl, i) => quantizePo2Tensor(floats[i] as number[], { range }, pl.keep));
    const bns: BnAffine[] = layers.slice(0, 3).map((l) =>
      bnAffine(
        quantizeBatchNorm(
          {
            gamma: Array.from({ length: l.outC }, () => 0.5 + p.nextFloat() * 1.5),
            beta: Array.from({ length: l.outC }, () => p.nextFloat() - 0.5),
            mean: Array.from({ length: l.outC }, () => p.nextFloat() * 0.4 - 0.2),
            variance: Array.from({ length: l.outC }, () => 0.2 + p.nextFloat() * 2),
            eps: 1e-5,
          },
          P_FMT,
        ),
        { biasFormat: B_FMT },
      ),
    );
    const x = randomTensor(p, [8, 8, 3], Q3_5);
    return { layers, pruned, q, bns, x };
  }

  function run(seed: number) {
    const { pruned, q, bns, x } = build(seed);
    const [w0, w1, w2, w3] = q as [Po2[], Po2[], Po2[], Po2[]];
    const [bn0, bn1, bn2] = bns as [BnAffine, BnAffine, BnAffine];
    const a0 = conv2dAcc(x, foldWeights(w0, bn0.scale, 'outer'), 8, 3, { stride: 2, bias: bn0.bias });
    const y0 = layerOutput(a0, { activation: 'relu6', out: Q3_5 });
    const a1 = depthwiseAcc(y0, foldWeights(w1, bn1.scale, 'inner'), 3, { bias: bn1.bias });
    const y1 = layerOutput(a1, { activation: 'relu6', out: Q3_5 });
    const a2 = pointwiseAcc(y1, foldWeights(w2, bn2.scale, 'outer'), 8, { bias: bn2.bias });
    const y2 = layerOutput(a2, { out: Q3_5 });
    const r = residualAdd(y2, y0, Q3_5);
    const g = globalAvgPool(r, Q3_5);
    const logits = linearAcc(g, w3, 4);
    // unfolded path for every BN layer
    const u0 = layerOutput(applyBnAffine(conv2dAcc(x, w0, 8, 3, { stride: 2 }), bn0), { activation: 'relu6', out: Q3_5 });
    const u1 = layerOutput(applyBnAffine(depthwiseAcc(y0, w1, 3), bn1), { activation: 'relu6', out: Q3_5 });
    const u2 = layerOutput(applyBnAffine(pointwiseAcc(y1, w2, 8), bn2), { out: Q3_5 });
    return { pruned, q, bns, x, y0, y1, y2, r, g, logits, u0, u1, u2 };
  }

  it('the data is not degenerate (layers neither all zero nor all saturated)', () => {
    for (const seed of [1, 2, 3, 4, 5, 7]) {
      const s = run(seed);
      for (const t of [s.y0, s.y1, s.y2, s.r]) {
        const distinct = new Set(t.data).size;
        const saturated = t.data.filter((v) => v === 127n || v === -128n).length;
        expect(distinct).toBeGreaterThan(8);
        expect(saturated).toBeLessThan(t.data.length / 2);
      }
    }
  });

  it('folded == unfolded at every layer; pruning left the first and depthwise layers dense and hit 50% elsewhere', () => {
    for (const seed of [1, 2, 3]) {
      const s = run(seed);
      expect(s.y0.data).toEqual(s.u0.data);
      expect(s.y1.data).toEqual(s.u1.data);
      expect(s.y2.data).toEqual(s.u2.data);
      expect(s.pruned.map((l) => l.pruned)).toEqual([0, 0, 32, 16]);
      expect((s.q[2] as Po2[]).filter((w) => w.sign === 0).length).toBe(32);
    }
  });

  it('matches a float re-computation with floor + saturate at the same points', () => {
    const requant = (vs: number[], act: 'none' | 'relu6'): bigint[] => vs.map((v) => quantizeReal(act === 'relu6' ? Math.min(Math.max(v, 0), 6) : v, Q3_5));
    const asTensor = (shape: readonly [number, number, number], data: bigint[]): FixedTensor => ({ shape, fmt: Q3_5, data });
    for (const seed of [4, 5]) {
      const s = run(seed);
      const [w0, w1, w2, w3] = s.q as [Po2[], Po2[], Po2[], Po2[]];
      const [bn0, bn1, bn2] = s.bns as [BnAffine, BnAffine, BnAffine];
      const bias = (b: BnAffine): number[] => b.bias.raw.map((r) => rawToReal(r, b.bias.fmt.frac));
      const f0 = floatConv(s.x, foldWeights(w0, bn0.scale, 'outer'), 8, 3, 2, 1, false, bias(bn0));
      const y0 = requant(f0.data, 'relu6');
      expect(s.y0.data).toEqual(y0);
      const f1 = floatConv(asTensor([4, 4, 8], y0), foldWeights(w1, bn1.scale, 'inner'), 8, 3, 1, 1, true, bias(bn1));
      const y1 = requant(f1.data, 'relu6');
      expect(s.y1.data).toEqual(y1);
      const f2 = floatConv(asTensor([4, 4, 8], y1), foldWeights(w2, bn2.scale, 'outer'), 8, 1, 1, 0, false, bias(bn2));
      const y2 = requant(f2.data, 'none');
      expect(s.y2.data).toEqual(y2);
      const r = requant(y2.map((v, i) => rawToReal(v, 5) + rawToReal(y0[i] as bigint, 5)), 'none');
      expect(s.r.data).toEqual(r);
      const g = Array.from({ length: 8 }, (_, c) => {
        let sum = 0;
        for (let i = c; i < r.length; i += 8) sum += rawToReal(r[i] as bigint, 5);
        return quantizeReal(sum / 16, Q3_5); // 16 = 2^4: the float division is exact
      });
      expect(s.g.data).toEqual(g);
      const gx = g.map((v) => rawToReal(v, 5));
      const logits = Array.from({ length: 4 }, (_, o) => gx.reduce((acc, v, i) => acc + v * po2Real(w3[o * 8 + i] as Po2), 0));
      expect(tensorToReals(s.logits)).toEqual(logits);
    }
  });

  it('regression pin: the logits for seed 7 (update only on a deliberate numerics change)', () => {
    const s = run(7);
    expect({ frac: s.logits.fmt.frac, data: s.logits.data.map(String) }).toMatchInlineSnapshot(`
      {
        "data": [
          "21",
          "52",
          "-115",
          "-114",
        ],
        "frac": 7,
      }
    `);
  });
});
