/**
 * The per-channel affine map of inference batch-norm, quantized:
 *   y = scale_c * conv_c + bias_c
 * with, from the QUANTIZED parameters (quantize-bn.ts; all in doubles, IEEE
 * correctly rounded, so deterministic):
 *   scale_c = Po2( gamma / Math.sqrt(variance + eps) )       (log-domain rounding,
 *             optionally clamped to `scaleRange`, underflow as in quantizePo2)
 *   bias_c  = quantizeReal( beta - gamma * mean / Math.sqrt(variance + eps), biasFormat )
 *             (evaluated left to right exactly as written; floor, then saturate)
 * With `biasScale: 'po2'` the bias uses the Po2 scale instead:
 *   bias_c = quantizeReal( beta - po2Value(scale_c) * mean, biasFormat ),
 * which keeps y = scale_c * (x - mean) + beta exact for the quantized scale.
 * The default 'exact' is the textbook bias' = beta - gamma * mu / sqrt(var + eps).
 * variance + eps must be > 0.
 */
import type { QFormat, Saturation } from '../fixed/format.ts';
import { quantizeReal } from '../fixed/quantize.ts';
import type { ExpRange } from '../po2/exp-range.ts';
import { po2Value, type Po2 } from '../po2/po2.ts';
import { quantizePo2 } from '../po2/quantize.ts';
import type { BiasVector } from '../golden/conv.ts';
import { bnChannelReals, bnChannels, type QuantizedBatchNorm } from './quantize-bn.ts';

export interface BnAffineOptions {
  readonly biasFormat: QFormat;
  readonly scaleRange?: ExpRange;
  readonly scaleUnderflow?: 'clamp' | 'flush';
  readonly biasScale?: 'exact' | 'po2';
  readonly saturation?: Saturation;
}

export interface BnAffine {
  readonly scale: readonly Po2[];
  readonly bias: BiasVector;
}

export function bnAffine(q: QuantizedBatchNorm, opts: BnAffineOptions): BnAffine {
  const n = bnChannels(q);
  const scale: Po2[] = [];
  const bias: bigint[] = [];
  for (let c = 0; c < n; c++) {
    const p = bnChannelReals(q, c);
    const denom = Math.sqrt(p.variance + q.eps);
    if (!(denom > 0)) throw new RangeError(`channel ${c}: variance + eps must be > 0`);
    const s = quantizePo2(p.gamma / denom, {
      ...(opts.scaleRange !== undefined ? { range: opts.scaleRange } : {}),
      underflow: opts.scaleUnderflow ?? 'clamp',
    });
    scale.push(s);
    const b = opts.biasScale === 'po2' ? p.beta - po2Value(s) * p.mean : p.beta - (p.gamma * p.mean) / denom;
    bias.push(quantizeReal(b, opts.biasFormat, opts.saturation ?? 'full'));
  }
  return { scale, bias: { raw: bias, fmt: opts.biasFormat } };
}
