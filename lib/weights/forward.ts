/**
 * The whole imported MobileNetV2 on the golden integer models: a reference for
 * the hardware generator and a check that the import structure composes
 * (shapes, layouts, strides, residuals).
 *
 * Per conv layer: accumulator = conv / depthwise / pointwise (exact mode unless
 * `mode` says otherwise) with the folded weights and bias; then
 *  - no residual: layerOutput(acc, {activation, out: act});
 *  - residual (project layer, activation none): residualAdd(acc, x_saved, act),
 *    i.e. the block input is added to the WIDE accumulator exactly and the sum
 *    is requantized once (floor, saturate). The input is one more adder-tree
 *    term in hardware.
 * Then globalAvgPool to `act`, and the Po2 classifier (`linearAcc`, bias
 * added), whose wide accumulator is returned unrequantized as the scores.
 */
import { qformat, type QFormat, type Saturation } from '../fixed/format.ts';
import { EXACT, type AccumulateMode } from '../golden/accumulate.ts';
import { conv2dAcc, depthwiseAcc, linearAcc, pointwiseAcc, type AccTensor } from '../golden/conv.ts';
import { globalAvgPool } from '../golden/pool.ts';
import { layerOutput } from '../golden/post.ts';
import { residualAdd } from '../golden/residual.ts';
import type { FixedTensor } from '../golden/tensor.ts';
import type { ImportedConvLayer, ImportedMobileNetV2 } from './import.ts';

export interface GoldenForwardOptions {
  /** Activation format between layers (default Q3.5). */
  readonly act?: QFormat;
  readonly mode?: AccumulateMode;
  readonly saturation?: Saturation;
}

export interface GoldenForwardResult {
  /** Output of every conv layer (after activation / residual, in `act`). */
  readonly layers: readonly FixedTensor[];
  /** Pooled features, 1 x 1 x last channels, in `act`. */
  readonly features: FixedTensor;
  /** Po2 classifier accumulator, 1 x 1 x classes (exact, bias included). */
  readonly scores: AccTensor;
}

export function convLayerAcc(l: ImportedConvLayer, x: FixedTensor, mode: AccumulateMode = EXACT): AccTensor {
  const o = { stride: l.stride, mode, bias: l.bias };
  if (l.kind === 'conv') return conv2dAcc(x, l.weights, l.outChannels, l.kernel, { ...o, padding: l.padding });
  if (l.kind === 'depthwise') return depthwiseAcc(x, l.weights, l.kernel, { ...o, padding: l.padding });
  return pointwiseAcc(x, l.weights, l.outChannels, o);
}

export function goldenMobileNetV2(net: ImportedMobileNetV2, image: FixedTensor, opts: GoldenForwardOptions = {}): GoldenForwardResult {
  const act = opts.act ?? qformat(3, 5);
  const mode = opts.mode ?? EXACT;
  const sat = opts.saturation ?? 'full';
  const want = net.topology.inputShape;
  if (image.shape.some((d, i) => d !== want[i])) throw new RangeError(`goldenMobileNetV2: image shape [${image.shape.join(', ')}], the topology expects [${want.join(', ')}]`);
  const inputs: FixedTensor[] = [];
  const outs: FixedTensor[] = [];
  let x = image;
  for (const l of net.layers) {
    inputs.push(x);
    const acc = convLayerAcc(l, x, mode);
    if (l.residualFrom !== undefined) {
      if (l.activation !== 'none') throw new RangeError(`layer ${l.index}: a residual layer must have no activation`);
      x = residualAdd(acc, inputs[l.residualFrom] as FixedTensor, act, sat);
    } else x = layerOutput(acc, { activation: l.activation, out: act, saturation: sat });
    outs.push(x);
  }
  const features = globalAvgPool(x, act, sat);
  const c = net.classifier;
  const scores = linearAcc(features, c.po2.weights, c.outFeatures, { mode, bias: c.po2.bias });
  return { layers: outs, features, scores };
}
