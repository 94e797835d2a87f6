/**
 * Folding the quantized batch-norm affine map into Po2 weights, and the
 * unfolded reference it must equal.
 *
 * Folded weight = weight * scale_c: signs multiply, exponents add
 * (exp' = exp_w + exp_scale, no re-clamping: a constant shift costs nothing);
 * a zero weight or a zero scale gives a zero weight. The folded layer is the
 * plain golden conv with the folded weights and bias_c as its bias.
 *
 * Unfolded model: the conv accumulator with the ORIGINAL weights, then each
 * channel multiplied by its Po2 scale (a sign and a binary-point move, exact)
 * and bias_c added (aligned, exact). In exact accumulation mode the two agree
 * exactly as rational numbers, element by element:
 *   sum_i (s_i 2^e_i x_i) * s_c 2^e_c + b_c = sum_i (s_i s_c) 2^(e_i + e_c) x_i + b_c.
 * (In a truncating mode they generally differ: the folded terms are floored at
 * the output LSB after the scale is applied.)
 *
 * Channel of a flat weight index: `'outer'` layouts (OHWI conv, OI pointwise /
 * linear) have the output channel outermost; `'inner'` (HWC depthwise) has it
 * innermost.
 */
import { floorShift, maxBig, minBig } from '../fixed/bigint.ts';
import { formatForRange, rawMax, rawMin } from '../fixed/format.ts';
import { alignRaw } from '../fixed/fixed.ts';
import { mulPo2, type Po2 } from '../po2/po2.ts';
import type { FixedTensor } from '../golden/tensor.ts';
import type { BnAffine } from './affine.ts';

export type ChannelLayout = 'outer' | 'inner';

export function channelOfWeight(index: number, total: number, channels: number, layout: ChannelLayout): number {
  if (total % channels !== 0) throw new RangeError(`${total} weights do not split into ${channels} channels`);
  return layout === 'outer' ? Math.floor(index / (total / channels)) : index % channels;
}

export function foldWeights(weights: readonly Po2[], scale: readonly Po2[], layout: ChannelLayout): Po2[] {
  return weights.map((w, i) => mulPo2(w, scale[channelOfWeight(i, weights.length, scale.length, layout)] as Po2));
}

/**
 * Unfolded reference: apply the Po2 scale and the bias of `affine` to an
 * accumulator tensor (HWC, channel = last axis), exactly. The result frac is
 * the largest any channel needs (acc frac - scale exp, and the bias frac); its
 * format holds every value reachable from the accumulator format.
 */
export function applyBnAffine(acc: FixedTensor, affine: BnAffine): FixedTensor {
  const C = acc.shape[2];
  if (affine.scale.length !== C || affine.bias.raw.length !== C) throw new RangeError('applyBnAffine: channel count mismatch');
  const fa = acc.fmt.frac;
  let frac = affine.bias.fmt.frac;
  for (const s of affine.scale) if (s.sign !== 0) frac = Math.max(frac, fa - s.exp);
  // value * s * 2^e at frac F: raw * s << (F - (fa - e))
  const scaled = (raw: bigint, s: Po2): bigint => (s.sign === 0 ? 0n : BigInt(s.sign) * floorShift(raw, frac - fa + s.exp));
  const bias = (c: number): bigint => alignRaw(affine.bias.raw[c] as bigint, affine.bias.fmt.frac, frac);
  let lo = 0n;
  let hi = 0n;
  for (let c = 0; c < C; c++) {
    const s = affine.scale[c] as Po2;
    const a = scaled(rawMin(acc.fmt), s) + bias(c);
    const b = scaled(rawMax(acc.fmt), s) + bias(c);
    lo = minBig(lo, minBig(a, b));
    hi = maxBig(hi, maxBig(a, b));
  }
  const data = acc.data.map((r, i) => {
    const c = i % C;
    return scaled(r, affine.scale[c] as Po2) + bias(c);
  });
  return { shape: acc.shape, fmt: formatForRange(lo, hi, frac), data };
}
