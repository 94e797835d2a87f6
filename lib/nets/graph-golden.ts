/**
 * The golden model of any network graph: the lib/golden layer functions
 * chained as the graph says, integer-exact (bigint), so every hardened form
 * of a graph can be checked against it bit for bit. See lib/NUMERICS.md.
 */
import { EXACT } from '../golden/accumulate.ts';
import { conv2dAcc, depthwiseAcc, groupedConvAcc, linearAcc } from '../golden/conv.ts';
import { avgPool, globalAvgPool, maxPool } from '../golden/pool.ts';
import { activateTensor, clipRawBounds, clipTensor, type Activation } from '../golden/post.ts';
import { residualAdd } from '../golden/residual.ts';
import { fixedTensor, requantizeTensor, type FixedTensor } from '../golden/tensor.ts';
import { PO2_ZERO, type Po2 } from '../po2/po2.ts';
import { GraphError, convKind, inferShapes, nodeInputs, type ClipNode, type ConvNode, type Graph, type GraphNode } from './graph.ts';

export interface GraphGoldenResult {
  /** Every tensor by name (the input and each node's output). */
  readonly tensors: ReadonlyMap<string, FixedTensor>;
  /** The graph's output tensor. */
  readonly output: FixedTensor;
}

/** Grouped OHWI weights (I = C / groups) as full OHWI over C channels, zeros outside each group (a zero weight costs no adder). */
export function expandGroups(n: ConvNode, C: number): Po2[] {
  const I = C / n.groups;
  const k2 = n.kernel * n.kernel;
  const out: Po2[] = new Array<Po2>(n.outChannels * k2 * C).fill(PO2_ZERO);
  for (let o = 0; o < n.outChannels; o++) {
    const g = Math.floor(o / (n.outChannels / n.groups));
    for (let t = 0; t < k2; t++) for (let i = 0; i < I; i++) out[(o * k2 + t) * C + g * I + i] = n.params.weights[(o * k2 + t) * I + i] as Po2;
  }
  return out;
}

/** The activation a clip equals in hardware, if any: [0, inf) is ReLU, [0, 6] is ReLU6 (compared as raw bounds at the tensor's frac). */
export function clipAsActivation(c: ClipNode, frac: number): Activation | undefined {
  const [lo, hi] = clipRawBounds(c.min, c.max, frac);
  if (lo !== 0n) return undefined;
  if (hi === undefined) return 'relu';
  return hi === clipRawBounds(0, 6, frac)[1] ? 'relu6' : undefined;
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
