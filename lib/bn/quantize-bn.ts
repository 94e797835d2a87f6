/**
 * Batch-norm parameters quantized to fixed point (the first step of folding).
 *
 * gamma, beta, running mean and running variance are each quantized with
 * `quantizeReal` (floor to 2^-n, then saturate) to ONE caller-chosen format
 * `paramFormat`, e.g. Q8.8 (16 bits: range [-128, 127.996], step 1/256). Pick
 * it wide enough for the running variance. eps stays a double (it is a
 * constant of the model, typically 1e-5, and never stored in hardware).
 */
import type { QFormat, Saturation } from '../fixed/format.ts';
import { quantizeReal, rawToReal } from '../fixed/quantize.ts';

export interface BatchNorm {
  readonly gamma: readonly number[];
  readonly beta: readonly number[];
  readonly mean: readonly number[];
  readonly variance: readonly number[];
  readonly eps: number;
}

export interface QuantizedBatchNorm {
  readonly fmt: QFormat;
  readonly gamma: readonly bigint[];
  readonly beta: readonly bigint[];
  readonly mean: readonly bigint[];
  readonly variance: readonly bigint[];
  readonly eps: number;
}

export function bnChannels(bn: BatchNorm | QuantizedBatchNorm): number {
  const n = bn.gamma.length;
  if (bn.beta.length !== n || bn.mean.length !== n || bn.variance.length !== n) throw new RangeError('batch-norm parameter lengths differ');
  return n;
}

export function quantizeBatchNorm(bn: BatchNorm, paramFormat: QFormat, sat: Saturation = 'full'): QuantizedBatchNorm {
  bnChannels(bn);
  if (!(bn.eps >= 0) || !Number.isFinite(bn.eps)) throw new RangeError(`eps must be finite and >= 0, got ${bn.eps}`);
  const q = (xs: readonly number[]): bigint[] => xs.map((x) => quantizeReal(x, paramFormat, sat));
  const variance = q(bn.variance);
  for (const v of variance) if (v < 0n) throw new RangeError('negative running variance');
  return { fmt: paramFormat, gamma: q(bn.gamma), beta: q(bn.beta), mean: q(bn.mean), variance, eps: bn.eps };
}

/** The real values of the quantized parameters of channel c (exact doubles for formats under 53 bits). */
export function bnChannelReals(q: QuantizedBatchNorm, c: number): { gamma: number; beta: number; mean: number; variance: number } {
  const r = (xs: readonly bigint[]): number => rawToReal(xs[c] as bigint, q.fmt.frac);
  return { gamma: r(q.gamma), beta: r(q.beta), mean: r(q.mean), variance: r(q.variance) };
}
