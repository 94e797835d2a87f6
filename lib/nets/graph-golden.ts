/**
 * The golden model of any network graph: the lib/golden layer functions
 * chained as the graph says, integer-exact (bigint), so every hardened form
 * of a graph can be checked against it bit for bit. See lib/NUMERICS.md.
 */
import { EXACT } from '../golden/accumulate.ts';
import { conv2dAcc, depthwiseAcc, groupedConvAcc, linearAcc } from '../golden/conv.ts';
import { avgPool, globalAvgPool, maxPool } from '../golden/pool.ts';
import { activateTensor, clipTensor } from '../golden/post.ts';
import { residualAdd } from '../golden/residual.ts';
import { fixedTensor, requantizeTensor, type FixedTensor } from '../golden/tensor.ts';
import type { Po2 } from '../po2/po2.ts';
import { GraphError, convKind, inferShapes, nodeInputs, type ConvNode, type Graph, type GraphNode } from './graph.ts';

export interface GraphGoldenResult {
  /** Every tensor by name (the input and each node's output). */
  readonly tensors: ReadonlyMap<string, FixedTensor>;
  /** The graph's output tensor. */
  readonly output: FixedTensor;
}

/** Depthwise weights OHWI (I = 1, i.e. [c][ky][kx]) -> the golden's HWC layout ([ky][kx][c]). */
export function depthwiseWeightsHwc(weights: readonly Po2[], channels: number, kernel: number): Po2[] {
  const out: Po2[] = new Array<Po2>(weights.length);
  for (let c = 0; c < channels; c++) for (let t = 0; t < kernel * kernel; t++) out[t * channels + c] = weights[c * kernel * kernel + t] as Po2;
  return out;
}

function convGolden(n: ConvNode, x: FixedTensor): FixedTensor {
  const C = x.shape[2];
  const opts = { stride: n.stride, padding: n.padding, mode: n.params.mode ?? EXACT, ...(n.params.bias ? { bias: n.params.bias } : {}) };
  switch (convKind(n, C)) {
    case 'depthwise':
      return depthwiseAcc(x, depthwiseWeightsHwc(n.params.weights, C, n.kernel), n.kernel, opts);
    case 'grouped':
      return groupedConvAcc(x, n.params.weights, n.outChannels, n.kernel, n.groups, opts);
    default:
      return conv2dAcc(x, n.params.weights, n.outChannels, n.kernel, opts);
  }
}

function nodeGolden(n: GraphNode, ins: readonly FixedTensor[]): FixedTensor {
  const x = ins[0] as FixedTensor;
  switch (n.op) {
    case 'conv':
      return convGolden(n, x);
    case 'linear':
      return linearAcc(x, n.params.weights, n.outFeatures, { mode: n.params.mode ?? EXACT, ...(n.params.bias ? { bias: n.params.bias } : {}) });
    case 'relu':
    case 'relu6':
      return activateTensor(x, n.op);
    case 'clip':
      return clipTensor(x, n.min, n.max);
    case 'add':
      return residualAdd(x, ins[1] as FixedTensor);
    case 'requantize':
      return requantizeTensor(x, n.out.fmt, n.out.saturation ?? 'full', n.out.rounding);
    case 'maxPool':
      return maxPool(x, n);
    case 'avgPool':
      return avgPool(x, n, n.out.fmt, n.out.saturation ?? 'full', n.out.rounding);
    case 'globalAvgPool':
      return globalAvgPool(x, n.out.fmt, n.out.saturation ?? 'full', n.out.rounding);
    case 'flatten':
      return { shape: [1, 1, x.data.length], fmt: x.fmt, data: x.data };
    case 'reshape':
      return { shape: n.shape, fmt: x.fmt, data: x.data };
  }
}

/** Run `g` on one input (HWC, the graph input's format); checks the graph and the input first. */
export function graphGolden(g: Graph, input: FixedTensor): GraphGoldenResult {
  inferShapes(g);
  const want = g.input;
  if (input.shape.some((d, i) => d !== want.shape[i]) || input.fmt.int !== want.fmt.int || input.fmt.frac !== want.fmt.frac)
    throw new GraphError(g.name, undefined, `input is ${input.shape.join('x')} Q${input.fmt.int}.${input.fmt.frac}, the graph wants ${want.shape.join('x')} Q${want.fmt.int}.${want.fmt.frac}`);
  fixedTensor(input.shape, input.fmt, input.data);
  const tensors = new Map<string, FixedTensor>([[want.name, input]]);
  for (const n of g.nodes) tensors.set(n.name, nodeGolden(n, nodeInputs(n).map((t) => tensors.get(t) as FixedTensor)));
  return { tensors, output: tensors.get(g.output) as FixedTensor };
}
