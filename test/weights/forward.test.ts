import { describe, expect, it } from 'vitest';
import {
  Prng,
  expRangeFromBits,
  goldenMobileNetV2,
  importMobileNetV2,
  mobileNetV2Topology,
  po2Value,
  qformat,
  quantizePo2,
  quantizeReal,
  rawToReal,
  randomMobileNetV2StateDict,
  roundLog2,
  type FixedTensor,
  type MobileNetV2Topology,
  type WeightTensor,
} from '../../lib/index.ts';

const ALPHA = 0.35;
const CLASSES = 6;
const RES = 40; // 40 -> 20 -> 10 -> 5 -> 3 -> 2: the pool averages 2 x 2
const ACT = qformat(12, 24); // fine grids: what remains is float32 rounding and floors (measured: 4e-5 on features, 6e-6 on scores)
const EPS = 1e-5;

/**
 * A random dict whose conv / classifier weights are exact Po2 values in [-14, 0] and
 * whose BN scale gamma / sqrt(var + eps) is (up to float32 rounding) a power of two,
 * so the Po2 import loses (almost) nothing and a float reference must agree closely.
 */
function po2ExactDict(seed: number): Map<string, WeightTensor> {
  const d = randomMobileNetV2StateDict({ alpha: ALPHA, classes: CLASSES, seed });
  const range = expRangeFromBits(5);
  for (const [k, t] of d) {
    if (t.dtype !== 'F32') continue;
    const x = t.data as Float32Array;
    if (t.shape.length >= 2) for (let i = 0; i < x.length; i++) x[i] = po2Value(quantizePo2(x[i] as number, { range }));
  }
  for (const k of d.keys()) {
    if (!k.endsWith('.running_var')) continue;
    const p = k.slice(0, -'.running_var'.length);
    const g = d.get(`${p}.weight`)?.data as Float32Array;
    const v = d.get(k)?.data as Float32Array;
    for (let c = 0; c < g.length; c++) {
      const denom = Math.sqrt((v[c] as number) + EPS);
      const s = (g[c] as number) / denom;
      g[c] = Math.sign(s) * 2 ** roundLog2(Math.abs(s)) * denom;
    }
  }
  return d;
}

/** torchvision semantics in doubles on NCHW (batch 1), straight from the torch-layout weights. */
function floatReference(d: Map<string, WeightTensor>, topo: MobileNetV2Topology, img: Float64Array): { features: number[]; scores: number[] } {
  const w = (k: string): Float32Array => d.get(k)?.data as Float32Array;
  let x = img;
  let [H, W] = [topo.resolution, topo.resolution];
  const saved: Float64Array[] = [];
  for (const l of topo.layers) {
    saved.push(x);
    const [O, Ig, k] = [l.torchShape[0] as number, l.torchShape[1] as number, l.kernel];
    const p = (k - 1) / 2;
    const OH = Math.floor((H + 2 * p - k) / l.stride) + 1;
    const OW = Math.floor((W + 2 * p - k) / l.stride) + 1;
    const wt = w(l.weightKey);
    const [gamma, beta, mean, vr] = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => w(`${l.bnKey}.${s}`));
    const y = new Float64Array(O * OH * OW);
    const outPerGroup = O / l.groups;
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / outPerGroup);
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let s = 0;
          for (let i = 0; i < Ig; i++)
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const iy = oy * l.stride - p + ky;
                const ix = ox * l.stride - p + kx;
                if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
                s += (wt[((o * Ig + i) * k + ky) * k + kx] as number) * (x[((g * Ig + i) * H + iy) * W + ix] as number);
              }
          let v = ((s - (mean?.[o] as number)) / Math.sqrt((vr?.[o] as number) + EPS)) * (gamma?.[o] as number) + (beta?.[o] as number);
          if (l.activation === 'relu6') v = Math.min(6, Math.max(0, v));
          y[(o * OH + oy) * OW + ox] = v;
        }
    }
    if (l.residualFrom !== undefined) {
      const r = saved[l.residualFrom] as Float64Array;
      for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + (r[i] as number);
    }
    x = y;
    [H, W] = [OH, OW];
  }
  const C = topo.lastChannels;
  const features = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let i = 0; i < H * W; i++) s += x[c * H * W + i] as number;
    return s / (H * W);
  });
  const cw = w('classifier.1.weight');
  const cb = w('classifier.1.bias');
  const scores = Array.from({ length: topo.classes }, (_, o) => features.reduce((s, f, i) => s + (cw[o * C + i] as number) * f, cb[o] as number));
  return { features, scores };
}

describe('golden MobileNetV2 forward pass on an imported dict', () => {
  it('agrees with a float torchvision-semantics reference (NCHW, torch layouts) when the weights are exactly Po2', () => {
    const dict = po2ExactDict(21);
    const net = importMobileNetV2(dict, {
      alpha: ALPHA,
      classes: CLASSES,
      resolution: RES,
      bnParamFormat: ACT,
      biasFormat: ACT,
      classifierBiasFormat: ACT,
    });
    const p = new Prng(4);
    const n = RES * RES * 3;
    const hwc = Array.from({ length: n }, () => quantizeReal(p.nextFloat() * 2 - 1, ACT));
    const image: FixedTensor = { shape: [RES, RES, 3], fmt: ACT, data: hwc };
    const chw = new Float64Array(n);
    for (let y = 0; y < RES; y++) for (let x = 0; x < RES; x++) for (let c = 0; c < 3; c++) chw[(c * RES + y) * RES + x] = rawToReal(hwc[(y * RES + x) * 3 + c] as bigint, ACT.frac);

    const g = goldenMobileNetV2(net, image, { act: ACT });
    const ref = floatReference(dict, mobileNetV2Topology({ alpha: ALPHA, classes: CLASSES, resolution: RES }), chw);
    expect(g.layers.at(-1)?.shape).toEqual([2, 2, net.topology.lastChannels]);
    expect(g.scores.shape).toEqual([1, 1, CLASSES]);
    const feats = g.features.data.map((r) => rawToReal(r, g.features.fmt.frac));
    const scores = g.scores.data.map((r) => rawToReal(r, g.scores.fmt.frac));
    const maxErr = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
    const spread = (a: number[]): number => Math.max(...a) - Math.min(...a);
    // The signal is large compared with the tolerance, so a layout, stride or residual slip cannot hide in it.
    expect(spread(ref.features)).toBeGreaterThan(1);
    expect(spread(ref.scores)).toBeGreaterThan(0.5);
    expect(maxErr(feats, ref.features)).toBeLessThan(4e-4);
    expect(maxErr(scores, ref.scores)).toBeLessThan(1e-4);
  });
});
