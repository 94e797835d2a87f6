/**
 * Torch weight layouts -> lib's golden layouts (golden/conv.ts):
 *   conv      torch [O, I, k, k]  -> OHWI  w[((o * k + ky) * k + kx) * I + i]
 *   depthwise torch [C, 1, k, k]  -> HWC   w[(ky * k + kx) * C + c]
 *   pointwise torch [O, I, 1, 1]  -> OI    w[o * I + i]   (same order)
 *   linear    torch [O, I]        -> OI    (same order)
 * and the BN channel position in each (bn/fold.ts): outer for OHWI / OI, inner for HWC.
 */
import type { ChannelLayout } from '../bn/fold.ts';
import type { ConvKind } from './mobilenetv2.ts';

export type WeightLayout = 'OHWI' | 'HWC' | 'OI';

export function libLayout(kind: ConvKind): WeightLayout {
  return kind === 'conv' ? 'OHWI' : kind === 'depthwise' ? 'HWC' : 'OI';
}

export function channelLayout(kind: ConvKind): ChannelLayout {
  return kind === 'depthwise' ? 'inner' : 'outer';
}

/** Reorder a flat torch conv weight [out, in / groups, k, k] into lib's layout for `kind`. */
export function torchToLibWeights(w: ArrayLike<number>, kind: ConvKind, outC: number, inPerGroup: number, k: number): number[] {
  const n = outC * inPerGroup * k * k;
  if (w.length !== n) throw new RangeError(`torchToLibWeights: ${w.length} values for [${outC},${inPerGroup},${k},${k}]`);
  const out = new Array<number>(n);
  if (kind === 'pointwise') {
    if (k !== 1) throw new RangeError('pointwise weights need k = 1');
    for (let i = 0; i < n; i++) out[i] = w[i] as number;
  } else if (kind === 'depthwise') {
    if (inPerGroup !== 1) throw new RangeError('depthwise weights need one input per group');
    for (let c = 0; c < outC; c++) for (let t = 0; t < k * k; t++) out[t * outC + c] = w[c * k * k + t] as number;
  } else {
    for (let o = 0; o < outC; o++)
      for (let i = 0; i < inPerGroup; i++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) out[((o * k + ky) * k + kx) * inPerGroup + i] = w[((o * inPerGroup + i) * k + ky) * k + kx] as number;
  }
  return out;
}
