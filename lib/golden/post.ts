/**
 * After a layer: activation on the wide accumulator, then requantization to the
 * activation format (floor shift to the new binary point, then saturate).
 * ReLU/ReLU6 commute with the floor+saturate requantization whenever the output
 * frac is >= 0 (see fixed/activation.ts), so the order is not observable then;
 * the golden order is activation first.
 */
import { relu6Raw, reluRaw } from '../fixed/activation.ts';
import type { QFormat, Saturation } from '../fixed/format.ts';
import type { RoundingMode } from '../fixed/rounding.ts';
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
  /** How the requantization rounds (default 'floor'). */
  readonly rounding?: RoundingMode;
}

export function layerOutput<F extends QFormat>(acc: FixedTensor, opts: LayerOutputOptions<F>): FixedTensor<F> {
  const a = activateTensor(acc, opts.activation ?? 'none');
  const r = requantizeTensor(a, opts.out, opts.saturation ?? 'full', opts.rounding ?? 'floor');
  return { shape: r.shape, fmt: r.fmt, data: r.data };
}

/** Clamp every raw to the grid values in [min, max] (raw ceil(min 2^n) .. floor(max 2^n)); the format is kept. */
export function clipTensor<F extends QFormat>(t: FixedTensor<F>, min: number, max: number): FixedTensor<F> {
  const [lo, hi] = clipRawBounds(min, max, t.fmt.frac);
  return { shape: t.shape, fmt: t.fmt, data: t.data.map((r) => (lo !== undefined && r < lo ? lo : hi !== undefined && r > hi ? hi : r)) };
}

/** Raw bounds of Clip(min, max) at `frac` (undefined: unbounded); exact for finite doubles. */
export function clipRawBounds(min: number, max: number, frac: number): [bigint | undefined, bigint | undefined] {
  const at = (v: number, round: (x: number) => number): bigint | undefined => (Number.isFinite(v) ? scaledInt(v, frac, round) : undefined);
  return [at(min, Math.ceil), at(max, Math.floor)];
}

/** round(v 2^frac) with `round` Math.floor or Math.ceil, exact: v is a dyadic rational. */
function scaledInt(v: number, frac: number, round: (x: number) => number): bigint {
  // v = m 2^e with an integer m (|m| < 2^53): v 2^frac = m 2^(e + frac).
  let e = 0;
  let m = v;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  const k = e + frac;
  const mb = BigInt(m);
  if (k >= 0) return mb << BigInt(k);
  const d = 1n << BigInt(-k);
  const q = mb / d;
  const exact = q * d === mb;
  if (exact) return q;
  // bigint / truncates toward zero.
  const floor = mb < 0n ? q - 1n : q;
  return round === Math.ceil ? floor + 1n : floor;
}
