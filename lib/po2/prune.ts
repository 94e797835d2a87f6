/**
 * Unstructured magnitude pruning.
 *
 * Within one tensor of N weights and a target sparsity s in [0, 1], exactly
 *   nPrune = Math.round(s * N)
 * weights are pruned (so any s that is a multiple of 1/N is hit exactly). The
 * pruned ones are the smallest by |w|; ties in |w| are broken by flat index,
 * LOWER index pruned first. Already-zero weights have the smallest magnitude and
 * so count toward the target. The result is a keep-mask: quantize with
 * `quantizePo2Tensor(ws, opts, keep)` and pruned weights are exactly zero.
 *
 * Per layer, `dense: true` leaves a layer untouched (all kept): by convention
 * the first layer and depthwise layers (see `denseByDefault`), which are cheap
 * and sensitive.
 */

export function pruneCount(n: number, sparsity: number): number {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new RangeError(`sparsity must be in [0, 1], got ${sparsity}`);
  return Math.round(sparsity * n);
}

/** Keep-mask (true = kept) pruning the Math.round(s * N) smallest-magnitude weights. */
export function pruneMask(ws: readonly number[], sparsity: number): boolean[] {
  const nPrune = pruneCount(ws.length, sparsity);
  for (const w of ws) if (Number.isNaN(w)) throw new RangeError('pruneMask: NaN weight');
  const order = ws.map((_, i) => i);
  order.sort((i, j) => {
    const d = Math.abs(ws[i] ?? 0) - Math.abs(ws[j] ?? 0);
    return d !== 0 ? d : i - j;
  });
  const keep: boolean[] = new Array<boolean>(ws.length).fill(true);
  for (let r = 0; r < nPrune; r++) keep[order[r] ?? -1] = false;
  return keep;
}

export type LayerKind = 'conv' | 'depthwise' | 'pointwise' | 'linear';

/** The convention: the first layer and every depthwise layer stay dense. */
export function denseByDefault(layerIndex: number, kind: LayerKind): boolean {
  return layerIndex === 0 || kind === 'depthwise';
}

export interface PruneLayerInput {
  readonly weights: readonly number[];
  /** Leave this layer dense (all weights kept, including exact zeros as they are). */
  readonly dense?: boolean;
  /** Per-layer target overriding the model-wide sparsity. */
  readonly sparsity?: number;
}

export interface PrunedLayer {
  /** The weights with pruned entries set to 0. */
  readonly weights: number[];
  readonly keep: boolean[];
  readonly pruned: number;
}

/** Prune each layer independently to its target (model-wide `sparsity` unless overridden); dense layers untouched. */
export function pruneLayers(layers: readonly PruneLayerInput[], sparsity: number): PrunedLayer[] {
  return layers.map((layer) => {
    const keep = layer.dense === true ? layer.weights.map(() => true) : pruneMask(layer.weights, layer.sparsity ?? sparsity);
    const weights = layer.weights.map((w, i) => (keep[i] === true ? w : 0));
    return { weights, keep, pruned: keep.filter((k) => !k).length };
  });
}
