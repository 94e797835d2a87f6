/**
 * A seeded, plausible MobileNetV2 state dict with torchvision's keys, shapes
 * and dtypes, so tests and demos need no download. Draw order is the state-dict
 * order, so a seed pins every value (on Node/V8: normals go through
 * `Prng.normal`, i.e. Math.log / Math.cos).
 *
 * Distributions (float32):
 *   conv weights          He-normal over the fan-in: N(0, 2 / (in / groups * k * k))
 *   BN weight (gamma)     1 + 0.1 N(0, 1)
 *   BN bias (beta)        0.1 N(0, 1)
 *   BN running_mean       0.2 N(0, 1)
 *   BN running_var        exp(0.5 N(0, 1))  (positive, median 1)
 *   BN num_batches_tracked  I64 scalar, uniform in [1, 100000]
 *   classifier weight     N(0, 0.01^2) (torchvision's Linear init)
 *   classifier bias       0.01 N(0, 1)
 */
import { Prng } from '../util/prng.ts';
import { mobileNetV2StateDictSpec, mobileNetV2Topology, type MobileNetV2Options } from './mobilenetv2.ts';
import type { WeightTensor } from './tensor.ts';

export interface RandomStateDictOptions extends MobileNetV2Options {
  readonly seed: number;
}

export function randomMobileNetV2StateDict(opts: RandomStateDictOptions): Map<string, WeightTensor> {
  const topo = mobileNetV2Topology(opts);
  const p = new Prng(opts.seed);
  const spec = mobileNetV2StateDictSpec(topo);
  const convOf = new Map(topo.layers.map((l) => [l.weightKey, l]));
  const out = new Map<string, WeightTensor>();
  const normals = (n: number, f: (z: number) => number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = f(p.normal());
    return a;
  };
  for (const [key, s] of spec) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.dtype === 'I64') {
      out.set(key, { dtype: 'I64', shape: s.shape, data: new BigInt64Array([BigInt(p.int(1, 100000))]) });
      continue;
    }
    const conv = convOf.get(key);
    let data: Float32Array;
    if (conv !== undefined) {
      const fanIn = (conv.inChannels / conv.groups) * conv.kernel * conv.kernel;
      const std = Math.sqrt(2 / fanIn);
      data = normals(n, (z) => std * z);
    } else if (key === topo.classifier.weightKey) data = normals(n, (z) => 0.01 * z);
    else if (key === topo.classifier.biasKey) data = normals(n, (z) => 0.01 * z);
    else if (key.endsWith('.running_var')) data = normals(n, (z) => Math.exp(0.5 * z));
    else if (key.endsWith('.running_mean')) data = normals(n, (z) => 0.2 * z);
    else if (key.endsWith('.weight')) data = normals(n, (z) => 1 + 0.1 * z);
    else data = normals(n, (z) => 0.1 * z); // BN bias
    out.set(key, { dtype: 'F32', shape: s.shape, data });
  }
  return out;
}
