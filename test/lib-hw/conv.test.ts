// Unrolled conv2d (3 x 3, same/valid, stride 1/2), depthwise, residual add and
// global average pooling in Verilator against the golden models, element by
// element, in one simulated model (the layers share the input ports).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import {
  EXACT,
  Prng,
  conv2dAcc,
  conv2dHw,
  depthwiseAcc,
  depthwiseHw,
  expRange,
  fixedTensor,
  globalAvgPool,
  globalAvgPoolHw,
  layerOutput,
  layerOutputHw,
  qformat,
  randomSparsePo2,
  randomTensor,
  rawMax,
  rawMin,
  residualAdd,
  residualAddHw,
  truncating,
  type FixedTensor,
  type HwTensor,
  type Shape3,
} from '../../lib/index.ts';
import { firstMismatch, harness, runHarness } from './harness.ts';

const ACT = qformat(3, 4);
const XS: Shape3 = [4, 4, 2];
const GS: Shape3 = [3, 3, 2];
const G2: Shape3 = [3, 2, 2];
const OC = 3;
const p = new Prng(424242);
const range = expRange(-3, 1);

const wSame = randomSparsePo2(p, OC * 9 * XS[2], range, 0);
const wStride2 = randomSparsePo2(p, OC * 9 * XS[2], range, 0.6);
const wValid = randomSparsePo2(p, OC * 9 * XS[2], range, 0.9);
const wDw = randomSparsePo2(p, 9 * XS[2], range, 0);
const biasFmt = qformat(3, 2);
const bias = { raw: Array.from({ length: OC }, () => p.fixedRaw(biasFmt)), fmt: biasFmt };
const trunc = truncating(2);
const outFmt = qformat(3, 3);
const gapOut = qformat(3, 6);

const h = harness('ConvHwTest', { x: { shape: XS, fmt: ACT }, g: { shape: GS, fmt: ACT }, g2: { shape: G2, fmt: ACT } }, ({ x, g, g2 }) => {
  const same = conv2dHw(x!, wSame, OC, 3, { padding: 'same', bias, pipelineEvery: 2 });
  const s2 = conv2dHw(x!, wStride2, OC, 3, { padding: 'same', stride: 2, mode: trunc });
  const valid = conv2dHw(x!, wValid, OC, 3, { padding: 'valid', mode: truncating(1, 'subtract-floored') });
  const dw = depthwiseHw(x!, wDw, 3, { padding: 'same' });
  const dwOut = layerOutputHw(dw, { out: ACT, activation: 'relu6' });
  const res = residualAddHw(dwOut, x!, outFmt);
  return {
    same,
    same_out: Object.assign(layerOutputHw(same, { out: ACT, activation: 'relu' }), { latency: same.latency }),
    s2,
    valid,
    dw,
    res,
    gap: globalAvgPoolHw(res as HwTensor, gapOut),
    gap3: globalAvgPoolHw(g!, qformat(2, 5)),
    gap32: globalAvgPoolHw(g2!, qformat(3, 2), 'deepshift'),
  };
});

function golden(x: FixedTensor, g: FixedTensor, g2: FixedTensor): Record<string, FixedTensor> {
  const same = conv2dAcc(x, wSame, OC, 3, { padding: 'same', bias });
  const dwOut = layerOutput(depthwiseAcc(x, wDw, 3, { padding: 'same' }), { out: ACT, activation: 'relu6' });
  const res = residualAdd(dwOut, x, outFmt);
  return {
    same,
    same_out: layerOutput(same, { out: ACT, activation: 'relu' }),
    s2: conv2dAcc(x, wStride2, OC, 3, { padding: 'same', stride: 2, mode: trunc }),
    valid: conv2dAcc(x, wValid, OC, 3, { padding: 'valid', mode: truncating(1, 'subtract-floored') }),
    dw: depthwiseAcc(x, wDw, 3, { padding: 'same' }),
    res,
    gap: globalAvgPool(res, gapOut),
    gap3: globalAvgPool(g, qformat(2, 5)),
    gap32: globalAvgPool(g2, qformat(3, 2), 'deepshift'),
  };
}

describe('unrolled conv-family layers in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(h.def);
  });
  afterAll(() => sim?.close());

  it('match the golden models element by element', () => {
    const fill = (s: Shape3, r: bigint): FixedTensor => fixedTensor(s, ACT, new Array<bigint>(s[0] * s[1] * s[2]).fill(r));
    const vecs = [rawMin(ACT), rawMax(ACT)].map((r) => ({ x: fill(XS, r), g: fill(GS, r), g2: fill(G2, r) }));
    for (let i = 0; i < 300; i++) vecs.push({ x: randomTensor(p, XS, ACT, 0.3), g: randomTensor(p, GS, ACT, 0.3), g2: randomTensor(p, G2, ACT, 0.3) });
    const got = runHarness(sim, h, vecs);
    const want = vecs.map((v) => golden(v.x, v.g, v.g2));
    for (const name of Object.keys(h.outputs)) {
      expect(h.outputs[name]!.shape, `${name} shape`).toEqual(want[0]![name]!.shape);
      expect(h.outputs[name]!.fmt, `${name} format`).toEqual(want[0]![name]!.fmt);
      expect(firstMismatch(got[name]!, want.map((w) => w[name]!.data)), name).toBeUndefined();
    }
  });
});
