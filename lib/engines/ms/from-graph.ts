// The network graph (lib/nets/graph.ts) to the MS engine's layer shapes and memory
// plan: a chain of full convs, each optionally followed by its activation or
// requantization (the engine's requantizer clamps). Anything the engine cannot run
// (a residual add, depthwise or grouped convs, pooling, linear layers, branches)
// is refused with the node's name and what to do instead.
import { GraphError, inferShapes, nodeInputs } from '../../nets/graph.ts';
import type { ConvNode, Graph, GraphNode, LayerParams } from '../../nets/graph.ts';
import { formatWidth } from '../../fixed/format.ts';
import type { MsBits, MsConvShape, MsMemoryPlan } from './plan.ts';
import { MS_BITS, msMemoryPlan, msMinRingWords } from './plan.ts';

/** Per conv layer (in graph order): its weight and output feature widths. */
export interface MsLayerWidths {
  readonly weightBits: MsBits;
  readonly outBits: MsBits;
}

export interface MsGraphPlan {
  /** The conv nodes' names, one per engine layer. */
  readonly layerNames: readonly string[];
  readonly shapes: readonly MsConvShape[];
  readonly plan: MsMemoryPlan;
}

const REFUSALS: Partial<Record<string, string>> = {
  add: 'a residual add: the memory-stationary engine keeps no shortcut tensor; distil the residual paths away (a plain student) first',
  maxPool: 'max pooling: the engine runs convs only; use a stride-2 conv instead',
  avgPool: 'average pooling: the engine runs convs only; use a stride-2 conv instead',
  globalAvgPool: 'global average pooling: the engine runs convs only; run the head on the host or another engine',
  linear: 'a linear layer: the engine runs convs only; express it as a 1x1 conv on a 1x1 map or run it on the host',
  flatten: 'flatten: the engine keeps maps in its own row-major layout; end the engine program before it',
  reshape: 'reshape: the engine keeps maps in its own row-major layout; end the engine program before it',
};

/** One engine layer of a graph: a conv and the nodes after it up to the next conv (activations, requantize). */
export interface MsChainStep<P extends LayerParams | null> {
  readonly conv: ConvNode<P>;
  readonly post: readonly GraphNode<P>[];
}

/**
 * The graph as a chain of full convs, each with the nodes that follow it; anything the
 * engine cannot run is refused through `fail` (node name, what to do instead).
 */
export function msConvChain<P extends LayerParams | null>(g: Graph<P>, fail: (node: string | undefined, message: string) => never): MsChainStep<P>[] {
  const shapes3 = inferShapes(g);
  const steps: { conv: ConvNode<P>; post: GraphNode<P>[] }[] = [];
  let current = g.input.name; // the tensor the chain has reached
  for (const n of g.nodes) {
    const refusal = REFUSALS[n.op];
    if (refusal) fail(n.name, refusal);
    const inputs = nodeInputs(n);
    if (inputs.length !== 1 || inputs[0] !== current) fail(n.name, `reads '${inputs.join("', '")}', not the previous layer's output '${current}': the engine runs a single chain of layers`);
    current = n.name;
    if (n.op !== 'conv') {
      const step = steps[steps.length - 1];
      if (step === undefined) fail(n.name, `${n.op} before the first conv: the engine's layers start with a conv; quantize the input to its format instead`);
      step!.post.push(n);
      continue;
    }
    const c = shapes3.get(inputs[0]!)![2];
    if (n.groups !== 1) fail(n.name, `a ${n.groups === c ? 'depthwise' : 'grouped'} conv (groups ${n.groups}): the engine's MAC array sums over all input channels; use full convs`);
    if (n.padding >= n.kernel) fail(n.name, `padding ${n.padding} is not below the kernel ${n.kernel}`);
    steps.push({ conv: n, post: [] });
  }
  if (current !== g.output) fail(g.output, `the output is not the end of the layer chain ('${current}')`);
  if (steps.length === 0) fail(undefined, 'no conv layer to run');
  return steps;
}

/**
 * Shapes and memory plan of a plain conv graph. `widths` gives one entry per
 * conv; layer 0's input width is the graph input's format width (2, 4 or 8 bits).
 */
export function msPlanFromGraph(g: Graph<LayerParams | null>, widths: readonly MsLayerWidths[], opts: { ringWords?: number; wordBits?: number } = {}): MsGraphPlan {
  const shapes3 = inferShapes(g);
  const fail = (node: string | undefined, message: string): never => {
    throw new GraphError(g.name, node, `${message} (memory-stationary engine)`);
  };
  const inBits = formatWidth(g.input.fmt);
  if (!MS_BITS.includes(inBits as MsBits)) fail(undefined, `the input is ${inBits} bits wide; the engine packs 2-, 4- or 8-bit features`);
  const steps = msConvChain(g, fail);
  const shapes: MsConvShape[] = [];
  let prevBits = inBits as MsBits;
  for (const { conv: n } of steps) {
    const [h, w, c] = shapes3.get(n.input)!;
    const width = widths[shapes.length];
    if (!width) fail(n.name, `no widths given for conv layer ${shapes.length}; pass one { weightBits, outBits } per conv (${steps.length} in all)`);
    shapes.push({ cin: c, cout: n.outChannels, hIn: h, wIn: w, k: n.kernel, stride: n.stride, pad: n.padding, inBits: prevBits, outBits: width!.outBits, weightBits: width!.weightBits });
    prevBits = width!.outBits;
  }
  if (widths.length !== shapes.length) fail(undefined, `${widths.length} widths given for ${shapes.length} conv layers`);
  const wordBits = opts.wordBits ?? 64;
  const plan = msMemoryPlan(shapes, { ringWords: opts.ringWords ?? msMinRingWords(shapes, wordBits), wordBits });
  return { layerNames: steps.map((s) => s.conv.name), shapes, plan };
}
