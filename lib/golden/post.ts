/**
 * After a layer: activation on the wide accumulator, then requantization to the
 * activation format (floor shift to the new binary point, then saturate).
 * ReLU/ReLU6 commute with the floor+saturate requantization whenever the output
 * frac is >= 0 (see fixed/activation.ts), so the order is not observable then;
 * the golden order is activation first.
 */
import { relu6Raw, reluRaw } from '../fixed/activation.ts';
import type { QFormat, Saturation } from '../fixed/format.ts';
import { requantizeTensor, type FixedTensor } from './tensor.ts';

export type Activation = 'none' | 'relu' | 'relu6';

export function activateTensor<F extends QFormat>(t: FixedTensor<F>, act: Activation): FixedTensor<F> {
  if (act === 'none') return t;
  const f = act === 'relu' ? reluRaw : (r: bigint) => relu6Raw(r, t.fmt.frac);
  return { shape: t.shape, fmt: t.fmt, data: t.data.map(f) };
}

export interface LayerOutputOptions<F extends QFormat = QFormat> {
  readonly activation?: Activation;
  readonly out: F;
  readonly saturation?: Saturation;
}

export function layerOutput<F extends QFormat>(acc: FixedTensor, opts: LayerOutputOptions<F>): FixedTensor<F> {
  const a = activateTensor(acc, opts.activation ?? 'none');
  const r = requantizeTensor(a, opts.out, opts.saturation ?? 'full');
  return { shape: r.shape, fmt: r.fmt, data: r.data };
}
