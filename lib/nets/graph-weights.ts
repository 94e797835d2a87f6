/**
 * Seeded random Po2 parameters for any graph (no downloads): what the family
 * builders and the tests use. Same distribution as MobileNetV2's
 * `randomLayerWeights`: per layer its own PRNG (seed + 7919 (layer index + 1)),
 * `randomSparsePo2` with `weightBits` exponents ending at
 * expMax = round((log2(32/3) - log2 n) / 2), n the nonzero weights per output
 * (keeps activations from vanishing or saturating along the net), sparsity on
 * every layer but the first and the depthwise ones.
 */
import { qformat, type QFormat } from '../fixed/format.ts';
import { randomSparsePo2 } from '../hw/weights.ts';
import { expRangeFromBits } from '../po2/exp-range.ts';
import { Prng } from '../util/prng.ts';
import type { LayerParams, LayerSlot } from './graph.ts';

export interface RandomGraphParamsOptions {
  readonly seed: number;
  /** Default 4: 7 exponents. */
  readonly weightBits?: number;
  /** Unstructured sparsity of the layers that are not dense (default 0). */
  readonly sparsity?: number;
  /** Which layers stay dense (default: the first layer and every depthwise one). */
  readonly dense?: (slot: LayerSlot) => boolean;
  /** Bias format (default Q1.5); null: no bias. */
  readonly biasFormat?: QFormat | null;
}

/** Expected nonzero weights per output of a layer (fan-in times the kept fraction). */
export function keptFanIn(slot: LayerSlot, sparsity: number): number {
  return Math.max(1, slot.fanIn * (1 - sparsity));
}

/** The fan-in rule's largest exponent for `n` nonzero weights per output. */
export function fanInExpMax(n: number): number {
  return Math.round((Math.log2(32 / 3) - Math.log2(Math.max(1, n))) / 2);
}

export function isDenseByDefault(slot: LayerSlot): boolean {
  return slot.index === 0 || slot.kind === 'depthwise';
}

/** A `withParams` source of seeded random Po2 weights (and biases). */
export function randomGraphParams(o: RandomGraphParamsOptions): (slot: LayerSlot) => LayerParams {
  const biasFmt = o.biasFormat === undefined ? qformat(1, 5) : o.biasFormat;
  const dense = o.dense ?? isDenseByDefault;
  return (slot) => {
    const p = new Prng((o.seed + 7919 * (slot.index + 1)) >>> 0);
    const sparsity = dense(slot) ? 0 : (o.sparsity ?? 0);
    const range = expRangeFromBits(o.weightBits ?? 4, fanInExpMax(keptFanIn(slot, sparsity)));
    const weights = randomSparsePo2(p, slot.weightCount, range, sparsity);
    if (biasFmt === null) return { weights };
    return { weights, bias: { raw: Array.from({ length: slot.outChannels }, () => p.fixedRaw(biasFmt)), fmt: biasFmt } };
  };
}
