/**
 * The network graph: any supported quantized CNN as plain data (nodes in
 * topological order, one output tensor per node, named like the node), so one
 * golden model, one hardener, the ONNX importer and the family builders share
 * one description. See lib/nets/README.md, "The network graph".
 *
 * Conventions (the library's, see lib/golden):
 * - Tensors are HWC (batch dropped); element (y, x, c) of H x W x C is at (y W + x) C + c.
 * - Conv weights are OHWI with I = inChannels / groups: weights[((o k + ky) k + kx) I + i];
 *   output channel o reads input channels g I .. g I + I - 1, g = floor(o / (outChannels / groups)).
 *   Depthwise is groups = inChannels = outChannels (I = 1); pointwise is kernel 1.
 * - Linear weights are OI over the input's C (the input must be 1 x 1 x C: flatten first).
 * - Flatten/reshape keep HWC element order (an NCHW importer permutes Gemm weights).
 * - Conv and linear output the exact wide accumulator (format from the weights,
 *   as golden conv2dAcc); activations and max pool keep their input's format;
 *   add is exact (fixed.addFormat); a `requantize` node, avgPool and
 *   globalAvgPool go to a chosen format with a chosen rounding mode.
 */
import { formatName, formatWidth, type QFormat, type Saturation } from '../fixed/format.ts';
import { addFormat } from '../fixed/fixed.ts';
import { ROUNDING_MODES, type RoundingMode } from '../fixed/rounding.ts';
import { EXACT, accFracFor, alignBias, type AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import { convAxis } from '../golden/geometry.ts';
import type { Shape3 } from '../golden/tensor.ts';
import { channelAccRanges } from '../hw/layers.ts';
import type { Po2 } from '../po2/po2.ts';


/** One requantization: to `fmt`, rounding ('floor' or 'half-even', see fixed/rounding.ts), then saturating (default 'full'). */
export interface Requant {
  readonly fmt: QFormat;
  readonly rounding: RoundingMode;
  readonly saturation?: Saturation;
}

/** The parameters of a conv or linear node (absent in a `GraphSpec`, which is topology only). */
export interface LayerParams {
  readonly weights: readonly Po2[];
  /** One per output channel, added exactly (aligned to the accumulator). */
  readonly bias?: BiasVector;
  /** Accumulation mode (default exact). */
  readonly mode?: AccumulateMode;
}

/** `P` is `LayerParams` in a `Graph`, `null` in a `GraphSpec` (shapes only). */
export interface ConvNode<P extends LayerParams | null = LayerParams> {
  readonly op: 'conv';
  readonly name: string;
  readonly input: string;
  readonly outChannels: number;
  /** Square kernel k x k, any odd or even k >= 1. */
  readonly kernel: number;
  readonly stride: 1 | 2;
  /** Symmetric zero padding on every side. */
  readonly padding: number;
  /** 1: full conv; inChannels (= outChannels): depthwise; any divisor of both. */
  readonly groups: number;
  readonly params: P;
}

export interface LinearNode<P extends LayerParams | null = LayerParams> {
  readonly op: 'linear';
  readonly name: string;
  /** A 1 x 1 x C tensor. */
  readonly input: string;
  readonly outFeatures: number;
  readonly params: P;
}

/** ReLU, ReLU6 (clamp to [0, 6]) and Clip (clamp to the grid values in [min, max]); the format is kept. */
export interface ActivationNode {
  readonly op: 'relu' | 'relu6';
  readonly name: string;
  readonly input: string;
}

export interface ClipNode {
  readonly op: 'clip';
  readonly name: string;
  readonly input: string;
  /** Real bounds; the output is clamped to [ceil(min 2^n), floor(max 2^n)] raw (n the format's frac). */
  readonly min: number;
  readonly max: number;
}

/** Exact elementwise sum of two same-shape tensors (format addFormat(a, b)). */
export interface AddNode {
  readonly op: 'add';
  readonly name: string;
  readonly inputs: readonly [string, string];
}

export interface RequantizeNode {
  readonly op: 'requantize';
  readonly name: string;
  readonly input: string;
  readonly out: Requant;
}

/** Max over k x k windows; padding positions are ignored (as -infinity). */
export interface MaxPoolNode {
  readonly op: 'maxPool';
  readonly name: string;
  readonly input: string;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

/** Mean over k x k windows, requantized to `out` (the exact quotient rounded once). */
export interface AvgPoolNode {
  readonly op: 'avgPool';
  readonly name: string;
  readonly input: string;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  /** Divide by k^2 also at the border (true) or by the taps inside the frame (false, ONNX's default). */
  readonly countIncludePad: boolean;
  readonly out: Requant;
}

/** H x W x C -> 1 x 1 x C, the mean requantized to `out`. */
export interface GlobalAvgPoolNode {
  readonly op: 'globalAvgPool';
  readonly name: string;
  readonly input: string;
  readonly out: Requant;
}

/** H x W x C -> 1 x 1 x HWC (HWC order). */
export interface FlattenNode {
  readonly op: 'flatten';
  readonly name: string;
  readonly input: string;
}

/** Same elements in HWC order, another shape of the same size. */
export interface ReshapeNode {
  readonly op: 'reshape';
  readonly name: string;
  readonly input: string;
  readonly shape: Shape3;
}

export type GraphNode<P extends LayerParams | null = LayerParams> =
  | ConvNode<P>
  | LinearNode<P>
  | ActivationNode
  | ClipNode
  | AddNode
  | RequantizeNode
  | MaxPoolNode
  | AvgPoolNode
  | GlobalAvgPoolNode
  | FlattenNode
  | ReshapeNode;

export type GraphOp = GraphNode['op'];

export interface GraphInput {
  readonly name: string;
  readonly shape: Shape3;
  readonly fmt: QFormat;
}

/** A network: one input tensor, nodes in topological order, one output tensor. */
export interface Graph<P extends LayerParams | null = LayerParams> {
  readonly name: string;
  readonly input: GraphInput;
  readonly nodes: readonly GraphNode<P>[];
  /** Name of the output tensor (a node's, or the input's). */
  readonly output: string;
}

/** A topology without weights (what family builders produce before `withParams`). */
export type GraphSpec = Graph<null>;

/** A bad graph: the message names the graph and the node. */
export class GraphError extends Error {
  constructor(
    readonly graph: string,
    readonly node: string | undefined,
    message: string,
  ) {
    super(node === undefined ? `graph '${graph}': ${message}` : `graph '${graph}', node '${node}': ${message}`);
    this.name = 'GraphError';
  }
}

/** Inputs of a node (tensor names). */
export function nodeInputs(n: GraphNode<LayerParams | null>): readonly string[] {
  return n.op === 'add' ? n.inputs : [n.input];
}

/** 'depthwise' (groups = in = out channels), 'pointwise' (k = 1, groups 1), 'grouped' or 'conv'. */
export function convKind(n: ConvNode<LayerParams | null>, inChannels: number): 'conv' | 'depthwise' | 'pointwise' | 'grouped' {
  if (n.groups === 1) return n.kernel === 1 && n.padding === 0 ? 'pointwise' : 'conv';
  return n.groups === inChannels && n.outChannels === inChannels ? 'depthwise' : 'grouped';
}

/** Weights of a conv node: outChannels k^2 (inChannels / groups). */
export function convWeightCount(n: ConvNode<LayerParams | null>, inChannels: number): number {
  return n.outChannels * n.kernel * n.kernel * (inChannels / n.groups);
}

/** Inferred facts about one tensor. */
export interface TensorInfo {
  readonly shape: Shape3;
  /** Its fixed-point format (conv/linear: the exact accumulator's). */
  readonly fmt: QFormat;
  /** Conv/linear outputs: per channel [lo, hi] of the exact accumulator. */
  readonly channelRanges?: readonly (readonly [bigint, bigint])[];
  /** The node producing it (undefined: the graph input). */
  readonly node?: GraphNode;
}

export interface GraphInfo {
  readonly graph: Graph;
  /** Every tensor by name (the input and each node's output). */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** Nodes reading each tensor, in graph order. */
  readonly consumers: ReadonlyMap<string, readonly GraphNode[]>;
}

function isPosInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function shapeText(s: Shape3): string {
  return s.join('x');
}

function checkShape(s: Shape3, fail: (m: string) => never, what: string): void {
  if (s.length !== 3 || !s.every(isPosInt)) fail(`${what} must be [H, W, C] of positive integers, got [${s.join(', ')}]`);
}

function checkFormat(f: QFormat, fail: (m: string) => never, what: string): void {
  if (!Number.isSafeInteger(f.int) || !Number.isSafeInteger(f.frac) || f.int + f.frac < 1) fail(`${what}: bad format Q${f.int}.${f.frac} (integer fields, width int + frac >= 1)`);
}

function checkRequant(r: Requant, fail: (m: string) => never): void {
  checkFormat(r.fmt, fail, 'out');
  if (!ROUNDING_MODES.includes(r.rounding)) fail(`rounding must be one of ${ROUNDING_MODES.join(', ')}, got '${String(r.rounding)}'`);
  if (r.saturation !== undefined && r.saturation !== 'full' && r.saturation !== 'deepshift') fail(`saturation must be 'full' or 'deepshift', got '${String(r.saturation)}'`);
}

function poolAxis(size: number, kernel: number, stride: number, padding: number, fail: (m: string) => never): number {
  if (!isPosInt(kernel)) fail(`kernel must be a positive integer, got ${kernel}`);
  if (!isPosInt(stride)) fail(`stride must be a positive integer, got ${stride}`);
  if (!isNonNegInt(padding)) fail(`padding must be a non-negative integer, got ${padding}`);
  if (padding >= kernel) fail(`padding ${padding} must be less than the kernel ${kernel}`);
  const span = size + 2 * padding - kernel;
  if (span < 0) fail(`kernel ${kernel} larger than the padded input (${size} + 2 x ${padding})`);
  return Math.floor(span / stride) + 1;
}

/** Output shape of node `n` given the shapes known so far; throws `GraphError` naming the node. */
export function nodeShape(graphName: string, n: GraphNode<LayerParams | null>, shapes: ReadonlyMap<string, Shape3>): Shape3 {
  const name = typeof n.name === 'string' ? n.name : '';
  const fail: (m: string) => never = (m) => {
    throw new GraphError(graphName, name || '(unnamed)', `(${String(n.op)}) ${m}`);
  };
  if (name === '') fail('every node needs a non-empty name');
  if (shapes.has(name)) fail('the name is used twice (node and tensor names must be unique)');
  const ins = nodeInputs(n).map((t) => {
    const s = shapes.get(t);
    if (s === undefined) fail(`input '${t}' is not the graph input nor an earlier node's output (nodes must be in topological order)`);
    return s as Shape3;
  });
  const [H, W, C] = ins[0] as Shape3;
  let out: Shape3;
  switch (n.op) {
    case 'conv': {
      if (!isPosInt(n.outChannels)) fail(`outChannels must be a positive integer, got ${n.outChannels}`);
      if (!isPosInt(n.kernel)) fail(`kernel must be a positive integer, got ${n.kernel}`);
      if (n.stride !== 1 && n.stride !== 2) fail(`stride must be 1 or 2, got ${n.stride}`);
      if (!isNonNegInt(n.padding)) fail(`padding must be a non-negative integer, got ${n.padding}`);
      if (!isPosInt(n.groups) || C % n.groups !== 0 || n.outChannels % n.groups !== 0)
        fail(`groups ${n.groups} must divide the input channels (${C}) and outChannels (${n.outChannels})`);
      if (H + 2 * n.padding < n.kernel || W + 2 * n.padding < n.kernel) fail(`kernel ${n.kernel} larger than the padded input ${shapeText([H, W, C])} (padding ${n.padding})`);
      out = [convAxis(H, n.kernel, n.stride, n.padding).out, convAxis(W, n.kernel, n.stride, n.padding).out, n.outChannels];
      if (n.params !== null) {
        const want = convWeightCount(n, C);
        if (n.params.weights.length !== want) fail(`${n.params.weights.length} weights, expected ${want} (OHWI: ${n.outChannels} x ${n.kernel} x ${n.kernel} x ${C / n.groups})`);
        if (n.params.bias !== undefined && n.params.bias.raw.length !== n.outChannels) fail(`bias has ${n.params.bias.raw.length} entries for ${n.outChannels} channels`);
      }
      break;
    }
    case 'linear': {
      if (!isPosInt(n.outFeatures)) fail(`outFeatures must be a positive integer, got ${n.outFeatures}`);
      if (H !== 1 || W !== 1) fail(`input '${n.input}' is ${shapeText([H, W, C])}: a linear layer reads a 1x1xC tensor (add a flatten or a global pool before it)`);
      if (n.params !== null) {
        if (n.params.weights.length !== n.outFeatures * C) fail(`${n.params.weights.length} weights, expected ${n.outFeatures * C} (OI: ${n.outFeatures} x ${C})`);
        if (n.params.bias !== undefined && n.params.bias.raw.length !== n.outFeatures) fail(`bias has ${n.params.bias.raw.length} entries for ${n.outFeatures} features`);
      }
      out = [1, 1, n.outFeatures];
      break;
    }
    case 'relu':
    case 'relu6':
      out = [H, W, C];
      break;
    case 'clip':
      if (typeof n.min !== 'number' || typeof n.max !== 'number' || Number.isNaN(n.min) || Number.isNaN(n.max) || n.min > n.max) fail(`needs numbers min <= max, got [${n.min}, ${n.max}]`);
      out = [H, W, C];
      break;
    case 'add': {
      const b = ins[1] as Shape3;
      if (H !== b[0] || W !== b[1] || C !== b[2]) fail(`inputs '${n.inputs[0]}' (${shapeText([H, W, C])}) and '${n.inputs[1]}' (${shapeText(b)}) differ in shape`);
      out = [H, W, C];
      break;
    }
    case 'requantize':
      checkRequant(n.out, fail);
      out = [H, W, C];
      break;
    case 'maxPool':
      out = [poolAxis(H, n.kernel, n.stride, n.padding, fail), poolAxis(W, n.kernel, n.stride, n.padding, fail), C];
      break;
    case 'avgPool':
      checkRequant(n.out, fail);
      if (typeof n.countIncludePad !== 'boolean') fail('countIncludePad must be true or false');
      out = [poolAxis(H, n.kernel, n.stride, n.padding, fail), poolAxis(W, n.kernel, n.stride, n.padding, fail), C];
      break;
    case 'globalAvgPool':
      checkRequant(n.out, fail);
      out = [1, 1, C];
      break;
    case 'flatten':
      out = [1, 1, H * W * C];
      break;
    case 'reshape':
      checkShape(n.shape, fail, 'shape');
      if (n.shape[0] * n.shape[1] * n.shape[2] !== H * W * C) fail(`cannot reshape ${shapeText([H, W, C])} (${H * W * C} elements) to ${shapeText(n.shape)}`);
      out = [n.shape[0], n.shape[1], n.shape[2]];
      break;
    default: {
      const op: never = n;
      fail(`unknown op '${String((op as { op: unknown }).op)}'`);
    }
  }
  return out;
}

/** Shapes of every tensor (works on a `GraphSpec`); throws `GraphError` naming the first bad node. */
export function inferShapes(g: Graph<LayerParams | null>): ReadonlyMap<string, Shape3> {
  const gname = typeof g.name === 'string' && g.name !== '' ? g.name : '(unnamed)';
  const top: (m: string) => never = (m) => {
    throw new GraphError(gname, undefined, m);
  };
  if (typeof g.input?.name !== 'string' || g.input.name === '') top('the input needs a name');
  checkShape(g.input.shape, top, `input '${g.input.name}' shape`);
  checkFormat(g.input.fmt, top, `input '${g.input.name}'`);
  const shapes = new Map<string, Shape3>([[g.input.name, g.input.shape]]);
  for (const n of g.nodes) shapes.set(n.name, nodeShape(gname, n, shapes));
  if (!shapes.has(g.output)) top(`output '${g.output}' is not the input nor a node`);
  return shapes;
}

/** The exact accumulator format and channel ranges of a conv node (as golden conv2dAcc: one accumulator frac per layer). */
export function convAccFormat(n: ConvNode, inChannels: number, act: QFormat): { fmt: QFormat; channelRanges: [bigint, bigint][]; accFrac: number } {
  const { weights, bias } = n.params;
  const mode = n.params.mode ?? EXACT;
  const accFrac = accFracFor(mode, weights, act.frac, bias?.fmt.frac);
  const per = n.kernel * n.kernel * (inChannels / n.groups);
  const biasAcc = (oc: number): bigint => (bias === undefined ? 0n : alignBias(bias.raw[oc] as bigint, bias.fmt.frac, accFrac));
  const r = channelAccRanges(n.outChannels, (oc) => weights.slice(oc * per, (oc + 1) * per), biasAcc, act, accFrac, mode);
  return { ...r, accFrac };
}

/** Shapes and formats of every tensor, with consumers; throws `GraphError` naming the first bad node. */
export function inferGraph(g: Graph): GraphInfo {
  const shapes = inferShapes(g);
  const tensors = new Map<string, TensorInfo>([[g.input.name, { shape: g.input.shape, fmt: g.input.fmt }]]);
  const consumers = new Map<string, GraphNode[]>();
  for (const n of g.nodes) {
    const ins = nodeInputs(n).map((t) => tensors.get(t) as TensorInfo);
    for (const t of nodeInputs(n)) consumers.set(t, [...(consumers.get(t) ?? []), n]);
    const a = ins[0] as TensorInfo;
    const shape = shapes.get(n.name) as Shape3;
    let info: TensorInfo;
    switch (n.op) {
      case 'conv':
        info = { shape, node: n, ...convAccFormat(n, a.shape[2], a.fmt) };
        break;
      case 'linear': {
        const asConv: ConvNode = { op: 'conv', name: n.name, input: n.input, outChannels: n.outFeatures, kernel: 1, stride: 1, padding: 0, groups: 1, params: n.params };
        info = { shape, node: n, ...convAccFormat(asConv, a.shape[2], a.fmt) };
        break;
      }
      case 'add':
        info = { shape, node: n, fmt: addFormat(a.fmt, (ins[1] as TensorInfo).fmt) };
        break;
      case 'requantize':
      case 'avgPool':
      case 'globalAvgPool':
        info = { shape, node: n, fmt: n.out.fmt };
        break;
      default:
        info = { shape, node: n, fmt: a.fmt };
    }
    tensors.set(n.name, info);
  }
  return { graph: g, tensors, consumers };
}

/** Info about a tensor of an inferred graph (throws for an unknown name). */
export function tensorInfo(info: GraphInfo, name: string): TensorInfo {
  const t = info.tensors.get(name);
  if (t === undefined) throw new GraphError(info.graph.name, undefined, `no tensor '${name}'`);
  return t;
}

/** What a weight source learns about a conv or linear layer. */
export interface LayerSlot {
  readonly node: ConvNode<null> | LinearNode<null>;
  /** Index among the graph's conv and linear nodes (stable: seeds per layer). */
  readonly index: number;
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly kind: 'conv' | 'depthwise' | 'pointwise' | 'grouped' | 'linear';
  /** Weights per output channel (k^2 inChannels / groups; linear: its inputs). */
  readonly fanIn: number;
  readonly weightCount: number;
  readonly outChannels: number;
}

/** The conv and linear layers of a graph, in order, with their shapes. */
export function layerSlots(g: Graph<LayerParams | null>): LayerSlot[] {
  const shapes = inferShapes(g);
  const slots: LayerSlot[] = [];
  for (const n of g.nodes) {
    if (n.op !== 'conv' && n.op !== 'linear') continue;
    const inShape = shapes.get(n.input) as Shape3;
    const outShape = shapes.get(n.name) as Shape3;
    const C = inShape[2];
    const node = { ...n, params: null };
    if (n.op === 'conv') {
      const fanIn = n.kernel * n.kernel * (C / n.groups);
      slots.push({ node, index: slots.length, inShape, outShape, kind: convKind(n, C), fanIn, weightCount: fanIn * n.outChannels, outChannels: n.outChannels });
    } else slots.push({ node, index: slots.length, inShape, outShape, kind: 'linear', fanIn: C, weightCount: C * n.outFeatures, outChannels: n.outFeatures });
  }
  return slots;
}

/** Fill a topology's conv and linear layers with parameters (checked: the result is validated). */
export function withParams(spec: Graph<LayerParams | null>, source: (slot: LayerSlot) => LayerParams): Graph {
  const slots = new Map(layerSlots(spec).map((s) => [s.node.name, s]));
  const nodes = spec.nodes.map((n): GraphNode => {
    if (n.op === 'conv' || n.op === 'linear') return { ...n, params: source(slots.get(n.name) as LayerSlot) };
    return n;
  });
  const g: Graph = { name: spec.name, input: spec.input, nodes, output: spec.output };
  inferShapes(g);
  return g;
}

export interface GraphConvOptions {
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: 1 | 2;
  /** Default (kernel - 1) / 2 for odd kernels ('same'), 0 for even. */
  readonly padding?: number;
  readonly groups?: number;
}

/**
 * Builds a graph node by node; every method returns the new tensor's name.
 * `P` is LayerParams (weights given per layer) or null (a topology, see `withParams`).
 */
export class GraphBuilder<P extends LayerParams | null = LayerParams> {
  private readonly nodes: GraphNode<P>[] = [];
  private readonly shapes: Map<string, Shape3>;

  constructor(
    readonly name: string,
    readonly inputSpec: GraphInput,
  ) {
    this.shapes = new Map(inferShapes({ name, input: inputSpec, nodes: [], output: inputSpec.name }));
  }

  /** The input tensor's name. */
  get input(): string {
    return this.inputSpec.name;
  }

  /** Shape of a tensor built so far. */
  shape(t: string): Shape3 {
    const s = this.shapes.get(t);
    if (s === undefined) throw new GraphError(this.name, undefined, `no tensor '${t}' yet`);
    return s;
  }

  /** Add any node (checked at once: a GraphError names it). */
  add(n: GraphNode<P>): string {
    this.shapes.set(n.name, nodeShape(this.name, n, this.shapes));
    this.nodes.push(n);
    return n.name;
  }

  conv(name: string, input: string, o: GraphConvOptions, params: P): string {
    const padding = o.padding ?? (o.kernel % 2 === 1 ? (o.kernel - 1) / 2 : 0);
    return this.add({ op: 'conv', name, input, outChannels: o.outChannels, kernel: o.kernel, stride: o.stride ?? 1, padding, groups: o.groups ?? 1, params });
  }

  /** k x k depthwise conv (groups = channels). */
  depthwise(name: string, input: string, o: { kernel: number; stride?: 1 | 2; padding?: number }, params: P): string {
    const C = this.shape(input)[2];
    return this.conv(name, input, { ...o, outChannels: C, groups: C }, params);
  }

  /** 1 x 1 conv. */
  pointwise(name: string, input: string, outChannels: number, params: P, stride: 1 | 2 = 1): string {
    return this.conv(name, input, { outChannels, kernel: 1, stride, padding: 0 }, params);
  }

  linear(name: string, input: string, outFeatures: number, params: P): string {
    return this.add({ op: 'linear', name, input, outFeatures, params });
  }

  relu(name: string, input: string): string {
    return this.add({ op: 'relu', name, input });
  }

  relu6(name: string, input: string): string {
    return this.add({ op: 'relu6', name, input });
  }

  clip(name: string, input: string, min: number, max: number): string {
    return this.add({ op: 'clip', name, input, min, max });
  }

  addTensors(name: string, a: string, b: string): string {
    return this.add({ op: 'add', name, inputs: [a, b] });
  }

  requantize(name: string, input: string, out: Requant): string {
    return this.add({ op: 'requantize', name, input, out });
  }

  maxPool(name: string, input: string, o: { kernel: number; stride: number; padding?: number }): string {
    return this.add({ op: 'maxPool', name, input, kernel: o.kernel, stride: o.stride, padding: o.padding ?? 0 });
  }

  avgPool(name: string, input: string, o: { kernel: number; stride: number; padding?: number; countIncludePad?: boolean; out: Requant }): string {
    return this.add({ op: 'avgPool', name, input, kernel: o.kernel, stride: o.stride, padding: o.padding ?? 0, countIncludePad: o.countIncludePad ?? false, out: o.out });
  }

  globalAvgPool(name: string, input: string, out: Requant): string {
    return this.add({ op: 'globalAvgPool', name, input, out });
  }

  flatten(name: string, input: string): string {
    return this.add({ op: 'flatten', name, input });
  }

  reshape(name: string, input: string, shape: Shape3): string {
    return this.add({ op: 'reshape', name, input, shape });
  }

  /** The graph with `output` as its output (validated). */
  build(output: string): Graph<P> {
    const g: Graph<P> = { name: this.name, input: this.inputSpec, nodes: [...this.nodes], output };
    inferShapes(g);
    return g;
  }
}

/** Name of a format with its rounding, for reports. */
export function requantName(r: Requant): string {
  return `${formatName(r.fmt)} ${r.rounding}`;
}

/** Bits of a format (re-exported for callers of the graph). */
export function tensorBits(t: TensorInfo): number {
  return formatWidth(t.fmt);
}
