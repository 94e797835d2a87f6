// The network graph (lib/nets/graph.ts) to the MS engine's layer shapes and memory
// plan: a chain of full convs, each optionally followed by its activation or
// requantization (the engine's requantizer clamps). Anything the engine cannot run
// (a residual add, depthwise or grouped convs, pooling, linear layers, branches)
// is refused with the node's name and what to do instead.
import { GraphError, inferShapes, nodeInputs } from '../../nets/graph.ts';
import type { Graph, LayerParams } from '../../nets/graph.ts';
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
  const shapes: MsConvShape[] = [];
  const names: string[] = [];
  let current = g.input.name; // the tensor the chain has reached
  let prevBits = inBits as MsBits;
  for (const n of g.nodes) {
    const refusal = REFUSALS[n.op];
    if (refusal) fail(n.name, refusal);
    const inputs = nodeInputs(n);
    if (inputs.length !== 1 || inputs[0] !== current) fail(n.name, `reads '${inputs.join("', '")}', not the previous layer's output '${current}': the engine runs a single chain of layers`);
    current = n.name;
    if (n.op !== 'conv') continue; // relu, relu6, clip, requantize: the conv's requantizer clamps and rounds
    const [h, w, c] = shapes3.get(inputs[0]!)!;
    if (n.groups !== 1) fail(n.name, `a ${n.groups === c ? 'depthwise' : 'grouped'} conv (groups ${n.groups}): the engine's MAC array sums over all input channels; use full convs`);
    if (n.padding >= n.kernel) fail(n.name, `padding ${n.padding} is not below the kernel ${n.kernel}`);
    const width = widths[shapes.length];
    if (!width) fail(n.name, `no widths given for conv layer ${shapes.length}; pass one { weightBits, outBits } per conv (${g.nodes.filter((m) => m.op === 'conv').length} in all)`);
    shapes.push({ cin: c, cout: n.outChannels, hIn: h, wIn: w, k: n.kernel, stride: n.stride, pad: n.padding, inBits: prevBits, outBits: width!.outBits, weightBits: width!.weightBits });
    names.push(n.name);
    prevBits = width!.outBits;
  }
  if (current !== g.output) fail(g.output, `the output is not the end of the layer chain ('${current}')`);
  if (shapes.length === 0) fail(undefined, 'no conv layer to run');
  if (widths.length !== shapes.length) fail(undefined, `${widths.length} widths given for ${shapes.length} conv layers`);
  const wordBits = opts.wordBits ?? 64;
  const plan = msMemoryPlan(shapes, { ringWords: opts.ringWords ?? msMinRingWords(shapes, wordBits), wordBits });
  return { layerNames: names, shapes, plan };
}
