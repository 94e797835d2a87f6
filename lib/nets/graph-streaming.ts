/**
 * The streaming hardener of any network graph (lib/nets/graph.ts): one pixel
 * (all channels) per cycle through every layer, each conv one Po2 adder tree
 * per output channel shared by all pixels (lib/hw/streaming.ts), residual adds
 * with a FIFO for the leading stream, max pool on the same sliding window,
 * global average pool, a linear head on the pooled vector. Equal to
 * `graphGolden` bit for bit (Verilator tests). See lib/nets/README.md.
 *
 * Fusion (the same integers as the graph's node-by-node semantics): an
 * activation (ReLU, ReLU6, or a Clip equal to one of them) followed by a
 * requantize is built as one `streamLayerOutput` (activation on the wide
 * value, then the requantization, as golden `layerOutput`), and an add
 * followed by a requantize as one `streamingResidualAdd`.
 */
import { B, IO, Input, MixedVec, Output, SInt, Stream, Vec, assert, defineModule, instance, mux, when } from '../../dsl/index.ts';
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { formatWidth } from '../fixed/format.ts';
import { EXACT } from '../golden/accumulate.ts';
import type { Activation } from '../golden/post.ts';
import { clipRawBounds } from '../golden/post.ts';
import type { Shape3 } from '../golden/tensor.ts';
import { streamingConv2d, streamingDepthwise, type LineBufferForm, type StreamingConvPorts, type StreamingConvResult } from '../hw/streaming.ts';
import {
  convStream,
  residualFifoDepth,
  streamLayerOutput,
  streamingGlobalAvgPool,
  streamingLead,
  streamingLinear,
  streamingResidualAdd,
  type LeadOptions,
  type PixelStream,
} from '../hw/streaming-more.ts';
import { streamingMaxPool } from '../hw/streaming-pool.ts';
import { GraphError, convKind, inferGraph, type ClipNode, type ConvNode, type Graph, type GraphNode, type Requant, type TensorInfo } from './graph.ts';
import { clipAsActivation, depthwiseWeightsHwc, expandGroups } from './graph-golden.ts';

/** One streaming stage of the schedule (see README). */
export interface StageInfo {
  readonly name: string;
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  /** Register stages from the position completing a window (conv) / the main pixel (residual) / the last pixel (pool) to the output. */
  readonly latency: number;
  /** Residual FIFO entries (residual stages only). */
  readonly fifoDepth?: number;
  /** Two-input adders of the conv's Po2 trees (conv stages only). */
  readonly adders?: number;
}

export interface GraphStreamingOptions {
  /** Adder-tree register every k levels (default 0: combinational trees). */
  readonly pipelineEvery?: number;
  /** Line buffers of the k > 1 layers (default 'registers'). */
  readonly lineBuffer?: LineBufferForm;
  /** Each conv layer in a module of its own, `Conv_<name>` (default false). */
  readonly layerModules?: boolean;
  /** `<name>` of a conv layer's module (default: the node name with every other character than [A-Za-z0-9_] as '_'). */
  readonly moduleName?: (node: ConvNode, layerIndex: number) => string;
  /** Called after each conv/linear layer is built (its index among them, its stage): progress on a big net. */
  readonly onLayer?: (index: number, stage: StageInfo) => void;
  /**
   * Build only a part of the graph (a per-layer unit, graph-layers.ts): the
   * nodes named, reading the tensors in `inputs` (the unit's input ports), up
   * to `output`; residual FIFO depths from `fifoDepths` (as the whole graph has them).
   */
  readonly part?: GraphPart;
}

export interface GraphPart {
  readonly nodes: ReadonlySet<string>;
  readonly inputs: ReadonlyMap<string, PixelStream>;
  readonly output: string;
  readonly fifoDepths: ReadonlyMap<string, number>;
  /** Each residual add's skip input in the whole graph (`skipInputs` of its build). */
  readonly skipOf: ReadonlyMap<string, string>;
  /** Conv/linear layer index of the part's first layer (the assert messages and onLayer count from it). */
  readonly firstLayer: number;
}

export interface GraphStreamingHw {
  /** The input's ready: the source presents a pixel only while ready (else it is not taken). */
  readonly ready: BoolValue;
  /** The output tensor as a stream (one pixel per output position). */
  readonly output: PixelStream;
  readonly outShape: Shape3;
  readonly stages: readonly StageInfo[];
  /** Each residual add's skip input (the tensor whose stream waits in its FIFO). */
  readonly skipInputs: ReadonlyMap<string, string>;
}

/** A chain of streaming layers from the tensor `fork` (for the residual FIFO depth). */
interface Chain {
  readonly fork: string | undefined;
  readonly leads: readonly LeadOptions[];
  /** Only stride-1 layers and elementwise ops since `fork`: `residualFifoDepth(leads)` is the depth rule. */
  readonly simple: boolean;
}

type Value =
  | { readonly kind: 'stream'; readonly s: PixelStream; readonly act?: Activation | ClipNode; readonly chain: Chain }
  | { readonly kind: 'sum'; readonly node: GraphNode; readonly skip: PixelStream; readonly main: PixelStream; readonly depth: number; readonly chain: Chain };

function moduleNameOf(n: ConvNode): string {
  return n.name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * A streaming conv inside a module of its own (one instance): the same logic,
 * but firtool can work on the layers in parallel (one big module keeps it on one core).
 */
export function convModule(name: string, io: StreamingConvPorts, conv: (x: StreamingConvPorts) => StreamingConvResult): StreamingConvResult {
  const w = (io.pixel[0] as SIntValue).width;
  const C = io.pixel.length;
  let info: StreamingConvResult | undefined;
  const Def = defineModule({
    name: `Conv_${name}`,
    body: () => {
      const ip = IO({ in: Input(Stream(Vec(C, SInt(w)))) });
      const r = conv({ valid: ip.in.valid, pixel: ip.in.bits.toArray() });
      ip.in.ready.connect(r.ready);
      // Each channel's accumulator has its own width: a MixedVec.
      const op = IO({ out: Output(Stream(MixedVec(r.acc.map((v) => SInt(v.width))), { alwaysReady: true })) });
      op.out.valid.connect(r.outValid);
      r.acc.forEach((v, i) => op.out.bits.at(i).connect(v));
      info = r;
      return { ...ip, ...op };
    },
  });
  const inst = instance(Def);
  inst.in.valid.connect(io.valid);
  io.pixel.forEach((v, i) => inst.in.bits.at(i).connect(v));
  const r = info as StreamingConvResult;
  return { ...r, ready: inst.in.ready, outValid: inst.out.valid, acc: inst.out.bits.toArray() };
}

/** Clamp every channel to Clip's raw bounds (format kept). */
function clampStream(s: PixelStream, c: ClipNode): PixelStream {
  const [lo, hi] = clipRawBounds(c.min, c.max, s.fmt.frac);
  const pixel = s.pixel.map((v) => {
    let r: SIntValue = v;
    if (hi !== undefined) r = mux(r.gt(hi), hi, r);
    if (lo !== undefined) r = mux(r.lt(lo), lo, r);
    return r.width > v.width ? r.trunc(v.width) : r;
  });
  return { valid: s.valid, pixel, fmt: s.fmt };
}

/**
 * Build the streaming hardware of `g` on an input pixel stream (the graph
 * input's channels and format). Inside the network nothing can wait: every
 * windowed layer not fed by the input asserts that no valid pixel arrives
 * while it is not ready.
 */
export function graphStreamingHw(g: Graph, input: StreamingConvPorts, o: GraphStreamingOptions = {}): GraphStreamingHw {
  const info = inferGraph(g);
  const fail = (n: GraphNode | undefined, m: string): never => {
    throw new GraphError(g.name, n?.name, n ? `(${n.op}) ${m}` : m);
  };
  const inW = formatWidth(g.input.fmt);
  const part = o.part;
  const values = new Map<string, Value>();
  const fresh: Chain = { fork: undefined, leads: [], simple: true };
  if (part) for (const [name, s] of part.inputs) values.set(name, { kind: 'stream', s, chain: fresh });
  else {
    if (input.pixel.length !== g.input.shape[2]) fail(undefined, `the input stream has ${input.pixel.length} channels, the graph ${g.input.shape[2]}`);
    for (const v of input.pixel) if (v.width !== inW) fail(undefined, `an input channel of ${v.width} bits, the input format needs ${inW}`);
    values.set(g.input.name, { kind: 'stream', s: { valid: input.valid, pixel: input.pixel, fmt: g.input.fmt }, chain: fresh });
  }
  const skipValid = new Map<string, BoolValue>();
  const skipInputs = new Map<string, string>();
  const stages: StageInfo[] = [];
  let inputReady: BoolValue | undefined;
  let layerIndex = part?.firstLayer ?? 0;
  const t = (name: string): TensorInfo => info.tensors.get(name) as TensorInfo;
  const consumers = (name: string): readonly GraphNode[] => info.consumers.get(name) ?? [];

  function materialize(name: string): PixelStream {
    const v = values.get(name) as Value;
    if (v.kind === 'sum') {
      const r = streamingResidualAdd(v.skip, v.main, { depth: v.depth });
      stages.push({ name: v.node.name, inShape: t(name).shape, outShape: t(name).shape, latency: r.latency, fifoDepth: v.depth });
      values.set(name, { kind: 'stream', s: r, chain: v.chain });
      return r;
    }
    if (v.act === undefined) return v.s;
    const s = typeof v.act === 'string' ? streamLayerOutput(v.s, { out: v.s.fmt, activation: v.act }) : clampStream(v.s, v.act);
    values.set(name, { kind: 'stream', s, chain: v.chain });
    return s;
  }

  /** The chain a consumer of `name` extends: a tensor read by several nodes starts a new one. */
  function chainFrom(name: string): Chain {
    if (consumers(name).length > 1) return { fork: name, leads: [], simple: true };
    return (values.get(name) as Value).chain;
  }

  /** The ready of a windowed layer reading `name`: the input's if it reads the input, else asserted. */
  function checkReady(n: GraphNode, name: string, s: PixelStream, ready: BoolValue, what: string): void {
    if (name === g.input.name && inputReady === undefined) inputReady = ready;
    else when(s.valid, () => assert(ready, `${g.name} ${what}: a pixel arrived while the layer was not ready (it is lost: input schedule too dense)`));
    void n;
  }

  for (const n of g.nodes) {
    if (part && !part.nodes.has(n.name)) continue;
    const out = t(n.name);
    switch (n.op) {
      case 'conv': {
        const x = t(n.input);
        const s = materialize(n.input);
        const [H, W, C] = x.shape;
        if (n.padding !== 0 && !(n.kernel % 2 === 1 && n.padding === (n.kernel - 1) / 2))
          fail(n, `padding ${n.padding} with kernel ${n.kernel}: the streaming hardener takes padding 0 or (kernel - 1) / 2 (odd kernels)`);
        if (n.padding > 0 && n.kernel % 2 === 0) fail(n, `an even kernel (${n.kernel}) with padding cannot be streamed`);
        if (n.kernel % 2 === 0) fail(n, `even kernels (${n.kernel}) are not streamed (the sliding window is centred)`);
        const kind = convKind(n, C);
        const opts = {
          height: H,
          width: W,
          padding: n.padding > 0 ? ('same' as const) : ('valid' as const),
          stride: n.stride,
          mode: n.params.mode ?? EXACT,
          pipelineEvery: o.pipelineEvery ?? 0,
          lineBuffer: o.lineBuffer ?? 'registers',
          ...(n.params.bias ? { bias: n.params.bias } : {}),
        };
        const build = (io: StreamingConvPorts): StreamingConvResult =>
          kind === 'depthwise'
            ? streamingDepthwise(io, s.fmt, depthwiseWeightsHwc(n.params.weights, C, n.kernel), n.kernel, opts)
            : streamingConv2d(io, s.fmt, kind === 'grouped' ? expandGroups(n, C) : n.params.weights, n.outChannels, n.kernel, opts);
        const io = { valid: s.valid, pixel: s.pixel };
        const r = o.layerModules ? convModule((o.moduleName ?? moduleNameOf)(n, layerIndex), io, build) : build(io);
        if (r.outHeight !== out.shape[0] || r.outWidth !== out.shape[1]) fail(n, `streaming output ${r.outHeight}x${r.outWidth}, the graph says ${out.shape[0]}x${out.shape[1]}`);
        checkReady(n, n.input, s, r.ready, `${n.name} (layer ${layerIndex})`);
        // A tensor also read by an add is that add's skip stream: pushed when this layer takes it.
        if (!skipValid.has(n.input) && consumers(n.input).some((c) => c.op === 'add')) skipValid.set(n.input, s.valid.and(r.ready));
        const base = chainFrom(n.input);
        const chain: Chain =
          n.stride === 1 ? { fork: base.fork, leads: [...base.leads, { kernel: n.kernel, padding: opts.padding, width: W, latency: r.latency }], simple: base.simple } : { ...base, simple: false };
        const stage: StageInfo = { name: n.name, inShape: x.shape, outShape: out.shape, latency: r.latency, adders: r.adders };
        stages.push(stage);
        o.onLayer?.(layerIndex, stage);
        layerIndex++;
        values.set(n.name, { kind: 'stream', s: convStream(r), chain });
        break;
      }
      case 'linear': {
        const x = t(n.input);
        const s = materialize(n.input);
        const r = streamingLinear({ valid: s.valid, pixel: s.pixel }, s.fmt, n.params.weights, n.outFeatures, {
          mode: n.params.mode ?? EXACT,
          pipelineEvery: o.pipelineEvery ?? 0,
          ...(n.params.bias ? { bias: n.params.bias } : {}),
        });
        const stage: StageInfo = { name: n.name, inShape: x.shape, outShape: out.shape, latency: r.latency, adders: r.adders };
        stages.push(stage);
        o.onLayer?.(layerIndex, stage);
        layerIndex++;
        values.set(n.name, { kind: 'stream', s: convStream(r), chain: { ...chainFrom(n.input), simple: false } });
        break;
      }
      case 'relu':
      case 'relu6':
      case 'clip': {
        const v = values.get(n.input) as Value;
        const pending = v.kind === 'stream' && v.act !== undefined;
        const s = materialize(n.input);
        void pending;
        values.set(n.name, { kind: 'stream', s, act: n.op === 'clip' ? n : n.op, chain: chainFrom(n.input) });
        break;
      }
      case 'add': {
        const [a, b] = n.inputs;
        const ca = chainFrom(a);
        const cb = chainFrom(b);
        if (part?.fifoDepths.has(n.name) && part.inputs.has(a) && part.inputs.has(b)) {
          // A unit of its own: the FIFO depth is the whole graph's; the skip is the input whose chain the other extends.
          const [sk, mn] = part.skipOf.get(n.name) === a ? [a, b] : [b, a];
          values.set(n.name, { kind: 'sum', node: n, skip: materialize(sk), main: materialize(mn), depth: part.fifoDepths.get(n.name) as number, chain: { fork: undefined, leads: [], simple: false } });
          break;
        }
        // The skip stream is the one the other derives from (MobileNetV2, ResNet basic blocks);
        // else (both derive from one fork, e.g. a downsampling shortcut) the one with the shorter chain.
        const lead = (c: Chain): number => c.leads.reduce((acc, l) => acc + streamingLead(l), 0);
        let skipName: string;
        let main: Chain;
        if (cb.fork === a) [skipName, main] = [a, cb];
        else if (ca.fork === b) [skipName, main] = [b, ca];
        else if (ca.fork !== undefined && ca.fork === cb.fork) [skipName, main] = lead(ca) + (ca.simple ? 0 : 1e9) <= lead(cb) + (cb.simple ? 0 : 1e9) ? [a, cb] : [b, ca];
        else return fail(n, `inputs '${a}' and '${b}' do not both come from one earlier tensor along single paths: the streaming hardener pairs a residual add's streams only then`);
        const mainName = skipName === a ? b : a;
        const skipS = materialize(skipName);
        const mainS = materialize(mainName);
        const skip: PixelStream = { ...skipS, valid: skipValid.get(skipName) ?? skipS.valid };
        skipInputs.set(n.name, skipName);
        // Identity shortcut over stride-1 layers: the exact rule. Otherwise a generous
        // bound (a whole frame at the add plus every lead), checked by the FIFO's asserts.
        const [H, W] = out.shape;
        const depth = part?.fifoDepths.get(n.name) ?? (main.simple && main.fork === skipName ? residualFifoDepth(main.leads) : 1 + H * W + lead(main));
        values.set(n.name, { kind: 'sum', node: n, skip, main: mainS, depth, chain: { fork: undefined, leads: [], simple: false } });
        break;
      }
      case 'requantize': {
        const v = values.get(n.input) as Value;
        const r: Requant = n.out;
        const sat = r.saturation ?? 'full';
        const rounding = r.rounding === 'half-even' ? { rounding: r.rounding } : {};
        let s: PixelStream;
        if (v.kind === 'sum') {
          const sum = streamingResidualAdd(v.skip, v.main, { depth: v.depth, out: r.fmt, saturation: sat, ...rounding });
          stages.push({ name: v.node.name, inShape: out.shape, outShape: out.shape, latency: sum.latency, fifoDepth: v.depth });
          s = sum;
        } else {
          const act = v.act === undefined ? 'none' : typeof v.act === 'string' ? v.act : clipAsActivation(v.act, v.s.fmt.frac);
          const base = act === undefined ? materialize(n.input) : v.s;
          s = streamLayerOutput(base, { out: r.fmt, activation: act ?? 'none', saturation: sat, ...rounding });
        }
        values.set(n.name, { kind: 'stream', s, chain: chainFrom(n.input) });
        break;
      }
      case 'maxPool': {
        const x = t(n.input);
        const s = materialize(n.input);
        if (n.stride !== 1 && n.stride !== 2) fail(n, `stride ${n.stride}: the streaming hardener takes 1 or 2`);
        const m = streamingMaxPool(s, { kernel: n.kernel, stride: n.stride as 1 | 2, padding: n.padding, height: x.shape[0], width: x.shape[1], lineBuffer: o.lineBuffer ?? 'registers' });
        checkReady(n, n.input, s, m.ready, n.name);
        stages.push({ name: n.name, inShape: x.shape, outShape: out.shape, latency: m.latency });
        const base = chainFrom(n.input);
        const chain: Chain =
          n.stride === 1 ? { fork: base.fork, leads: [...base.leads, { kernel: n.kernel, padding: n.padding > 0 ? 'same' : 'valid', width: x.shape[1], latency: m.latency }], simple: base.simple } : { ...base, simple: false };
        values.set(n.name, { kind: 'stream', s: m, chain });
        break;
      }
      case 'avgPool':
        return fail(n, 'average pooling over windows is not streamed yet (globalAvgPool is)');
      case 'globalAvgPool': {
        const x = t(n.input);
        const s = materialize(n.input);
        const p = streamingGlobalAvgPool(s, { height: x.shape[0], width: x.shape[1], out: n.out.fmt, saturation: n.out.saturation ?? 'full', ...(n.out.rounding === 'half-even' ? { rounding: n.out.rounding } : {}) });
        stages.push({ name: n.name, inShape: x.shape, outShape: out.shape, latency: p.latency });
        values.set(n.name, { kind: 'stream', s: p, chain: { ...chainFrom(n.input), simple: false } });
        break;
      }
      case 'flatten':
      case 'reshape': {
        const x = t(n.input);
        if (x.shape[0] !== 1 || x.shape[1] !== 1 || out.shape[0] !== 1 || out.shape[1] !== 1)
          fail(n, `${x.shape.join('x')} -> ${out.shape.join('x')}: only a 1x1xC vector is reshaped in the streaming form (pool the map first)`);
        values.set(n.name, values.get(n.input) as Value);
        break;
      }
    }
  }
  const outName = part?.output ?? g.output;
  const output = materialize(outName);
  return { ready: inputReady ?? B(true), output, outShape: t(outName).shape, stages, skipInputs };
}
