/**
 * Hardware after a layer: activation and re-quantization of the wide
 * accumulator to the activation format, exactly as golden/post.ts
 * (`layerOutput`: activation on the wide value, then floor-shift, then
 * saturate).
 *
 * Built as: floor-shift first (wiring: an arithmetic `shr`, or `shl`), then one
 * clamp to [lo', hi'], where lo' and hi' are the golden chain applied to the
 * activation's bounds. That is the same function: floor-shift and saturation
 * are monotone, and a monotone g satisfies g(clamp(v, a, b)) = clamp(g(v), g(a),
 * g(b)). A bound the value can never pass (known from its exact range) costs
 * nothing; a lower bound of 0 (ReLU) is the sign bit gating the value.
 */
import { B, mux } from '../../dsl/index.ts';
import type { SIntValue } from '../../dsl/index.ts';
import { clampBig } from '../fixed/bigint.ts';
import { roundShift, type RoundingMode } from '../fixed/rounding.ts';
import { sixRaw } from '../fixed/activation.ts';
import { formatWidth, rawMax, rawMin, type QFormat, type Saturation } from '../fixed/format.ts';
import type { Activation } from '../golden/post.ts';

/** Sign-extend or truncate to exactly w bits (truncate only where the range proves it safe). */
export function fitWidth(v: SIntValue, w: number): SIntValue {
  return v.width < w ? v.pad(w) : v.width > w ? v.trunc(w) : v;
}

/** [lo, hi] a w-bit SInt can hold. */
export function sintRange(w: number): [bigint, bigint] {
  return [-(1n << BigInt(w - 1)), (1n << BigInt(w - 1)) - 1n];
}

export interface RequantizeHwOptions {
  readonly activation?: Activation;
  readonly saturation?: Saturation;
  /** Exact range of `v` (default: everything its width holds). */
  readonly range?: readonly [bigint, bigint];
  /** 'floor' (default: an arithmetic shift) or 'half-even' (adds 2^(s-1) - 1 + bit s of v, then shifts). */
  readonly rounding?: RoundingMode;
}

/**
 * round(v / 2^s), ties to even: floor((v + 2^(s-1) - 1 + b) / 2^s), b = bit s
 * of v (the floor quotient's lowest bit): below half rounds down, above half
 * up, and exactly half up only when the floor quotient is odd.
 */
export function roundHalfEvenShr(v: SIntValue, s: number): SIntValue {
  const odd = B(false).cat(v.bit(s)).asSInt();
  const half = (1n << BigInt(s - 1)) - 1n;
  const t = half === 0n ? v.add(odd) : v.add(half).add(odd);
  return t.shr(s);
}

/** v (raw at `fromFrac`) -> activation -> requantize to `to`; an SInt of formatWidth(to) bits. */
export function requantizeHw(v: SIntValue, fromFrac: number, to: QFormat, opts: RequantizeHwOptions = {}): SIntValue {
  const act = opts.activation ?? 'none';
  const [vlo, vhi] = opts.range ?? sintRange(v.width);
  const k = to.frac - fromFrac; // round(v * 2^k)
  const rounding = opts.rounding ?? 'floor';
  const u = k < 0 ? (rounding === 'half-even' ? roundHalfEvenShr(v, -k) : v.shr(-k)) : k > 0 ? v.shl(k) : v;
  const ulo = roundShift(vlo, k, rounding);
  const uhi = roundShift(vhi, k, rounding);
  const C = rawMin(to);
  const D = rawMax(to, opts.saturation ?? 'full');
  const g = (b: bigint): bigint => clampBig(roundShift(b, k, rounding), C, D);
  const lo = act === 'none' ? C : g(0n);
  const hi = act === 'relu6' ? g(sixRaw(fromFrac)) : D;
  let r: SIntValue = u;
  if (uhi > hi) r = mux(u.gt(hi), hi, r);
  if (ulo < lo) r = lo === 0n ? mux(u.bit(u.width - 1), 0, r) : mux(u.lt(lo), lo, r);
  // The clamped value lies in [max(ulo, lo), min(uhi, hi)], inside `to`'s range.
  return fitWidth(r, formatWidth(to));
}
