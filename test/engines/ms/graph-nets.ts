// Seeded random plain conv graphs with Po2 weights and mixed formats that the MS engine
// can run exactly (for msCompileGraph's tests): per layer a conv, then a requantize
// (floor) to a signed 2/4/8-bit format, or a ReLU / ReLU6 and a 3/5/9-bit format
// (unsigned 2/4/8-bit fields), the activation before or after the requantize.
import { GraphBuilder, Prng, qformat, po2, PO2_ZERO, fixedTensor, msOutSize } from '../../../lib/index.ts';
import type { FixedTensor, Graph, Po2, QFormat } from '../../../lib/index.ts';

export interface GraphNetLimits {
  readonly maxLayers: number;
  readonly maxChannels: number;
  readonly maxSize: number;
}

export function randomMsGraph(seed: number, limits: GraphNetLimits = { maxLayers: 3, maxChannels: 6, maxSize: 9 }): Graph {
  const rng = new Prng(seed);
  for (;;) {
    const inBits = [2, 4, 8][rng.int(0, 2)]!;
    const inFmt = qformat(1, inBits - 1); // values in [-1, 1)
    let [h, w, c] = [rng.int(3, limits.maxSize), rng.int(3, limits.maxSize), rng.int(1, limits.maxChannels)];
    const b = new GraphBuilder(`ms_graph_${seed}`, { name: 'image', shape: [h, w, c], fmt: inFmt });
    let t = b.input;
    const n = rng.int(1, limits.maxLayers);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const k = [1, 3][rng.int(0, 1)]!;
      const stride = (k === 1 ? 1 : rng.int(1, 2)) as 1 | 2;
      const padding = k === 1 ? 0 : rng.int(0, 1);
      if (h + 2 * padding < k || w + 2 * padding < k) {
        ok = false;
        break;
      }
      const cout = rng.int(1, limits.maxChannels);
      // Exponents within a span of 5 or fewer: the integers fit 8-bit weights.
      const eTop = rng.int(-3, 0);
      const span = rng.int(0, 5);
      const weights: Po2[] = Array.from({ length: cout * k * k * c }, () => (rng.nextFloat() < 0.2 ? PO2_ZERO : po2(rng.nextFloat() < 0.5 ? -1 : 1, rng.int(eTop - span, eTop))));
      const biasFmt = qformat(3, rng.int(0, 6));
      const bias = { raw: Array.from({ length: cout }, () => rng.fixedRaw(biasFmt) / 4n), fmt: biasFmt };
      const conv = b.conv(`c${i}`, t, { outChannels: cout, kernel: k, stride, padding }, rng.nextFloat() < 0.8 ? { weights, bias } : { weights });
      const kind = rng.int(0, 2); // 0 signed, 1 relu, 2 relu6
      const fieldBits = [2, 4, 8][rng.int(0, 2)]!;
      // Fraction bits that put a typical sum (about sqrt(fan-in) 2^eTop / 2) inside the field, give or take one.
      const typical = Math.log2(Math.sqrt(k * k * c) * 2 ** eTop * 0.5);
      const frac = Math.max(0, Math.min(6, fieldBits - 2 - Math.round(typical) + rng.int(-1, 1)));
      const fmt: QFormat = kind === 0 ? qformat(fieldBits - frac, frac) : qformat(fieldBits + 1 - frac, frac);
      // ReLU6 only where 6 does not bind below the field's top (then it equals ReLU).
      const act = kind === 2 && 6 * 2 ** frac < 2 ** fieldBits - 1 ? 1 : kind;
      const before = rng.nextFloat() < 0.5;
      const actNode = (x: string) => (act === 1 ? b.relu(`a${i}`, x) : b.relu6(`a${i}`, x));
      if (act === 0) t = b.requantize(`q${i}`, conv, { fmt, rounding: 'floor' });
      else if (before) t = b.requantize(`q${i}`, actNode(conv), { fmt, rounding: 'floor' });
      else t = actNode(b.requantize(`q${i}`, conv, { fmt, rounding: 'floor' }));
      [h, w, c] = [msOutSize(h, k, stride, padding), msOutSize(w, k, stride, padding), cout];
      ok = h >= 1 && w >= 1;
    }
    if (ok) return b.build(t);
  }
}

/** A random input for `g` (its format's whole range). */
export function randomGraphInput(g: Graph, seed: number): FixedTensor {
  const rng = new Prng(seed);
  const [h, w, c] = g.input.shape;
  return fixedTensor(g.input.shape, g.input.fmt, Array.from({ length: h * w * c }, () => rng.fixedRaw(g.input.fmt)));
}
