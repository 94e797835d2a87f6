/**
 * The MobileNetV2 feature extractor, streaming: stem, inverted residual blocks,
 * head 1x1 conv, global average pooling, built from the streaming Po2 blocks
 * (lib/hw/streaming.ts, lib/hw/streaming-more.ts), plus its golden model (the
 * golden layer functions chained the same way), so the hardware can be checked
 * bit for bit. See lib/nets/README.md.
 *
 * Topology: lib/weights' `mobileNetV2Topology` (torchvision's, make_divisible
 * rules), truncated to the first `blocks` inverted residual blocks, then the
 * head 1x1 conv (optionally only its first `headChannels` output channels) and
 * the pool. Every conv output: folded bias, ReLU6 where torchvision has one
 * (none after the project conv), requantized to the activation format; a
 * residual block adds its input to the project layer's wide accumulator
 * exactly and requantizes the sum once (the same rule as lib/weights'
 * `goldenMobileNetV2`).
 *
 * Weights come through `LayerWeightSource` (one call per conv layer):
 * `randomLayerWeights` (seeded, `randomSparsePo2`, dense stem and depthwise by
 * default) or `importedLayerWeights` (lib/weights `importMobileNetV2`: BN-folded
 * Po2 weights and fixed-point biases).
 */
import { Bool, IO, Input, Output, SInt, assert, defineModule, instance, when } from '../../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../../dsl/index.ts';
import { Q3_5, qformat, type QFormat, type Saturation } from '../fixed/format.ts';
import { EXACT, type AccumulateMode } from '../golden/accumulate.ts';
import { conv2dAcc, depthwiseAcc, pointwiseAcc, type BiasVector } from '../golden/conv.ts';
import { globalAvgPool } from '../golden/pool.ts';
import { layerOutput } from '../golden/post.ts';
import { residualAdd } from '../golden/residual.ts';
import type { FixedTensor, Shape3 } from '../golden/tensor.ts';
import { streamingConv2d, streamingDepthwise, type LineBufferForm, type StreamingConvPorts, type StreamingConvResult } from '../hw/streaming.ts';
import {
  convStream,
  residualFifoDepth,
  streamLayerOutput,
  streamingGlobalAvgPool,
  streamingResidualAdd,
  type LeadOptions,
  type PixelStream,
} from '../hw/streaming-more.ts';
import { randomSparsePo2 } from '../hw/weights.ts';
import { expRangeFromBits, type ExpRange } from '../po2/exp-range.ts';
import type { Po2 } from '../po2/po2.ts';
import { denseByDefault } from '../po2/prune.ts';
import { Prng } from '../util/prng.ts';
import type { ImportedMobileNetV2 } from '../weights/import.ts';
import { mobileNetV2Topology, type BlockSpec, type ConvLayerSpec, type MobileNetV2Topology } from '../weights/mobilenetv2.ts';

/** One conv layer's hardened parameters, in lib layouts (conv OHWI, depthwise HWC, pointwise OI). */
export interface LayerWeights {
  readonly weights: readonly Po2[];
  readonly bias?: BiasVector;
}

/** Gives the weights of a layer of the (possibly truncated) network; `outChannels` may be fewer than the spec's (head). */
export type LayerWeightSource = (layer: ConvLayerSpec, outChannels: number) => LayerWeights;

export interface RandomWeightOptions {
  readonly seed: number;
  /** Po2 exponent range of every layer (default: expRangeFromBits(weightBits, expMax) with expMax from the fan-in, see below). */
  readonly expRange?: ExpRange;
  /** Default 4: 7 exponents, [expMax - 6, expMax]. */
  readonly weightBits?: number;
  /**
   * expMax of a layer without `expRange` (default 'fan-in': round((log2(32 / 3) - log2(n)) / 2),
   * n the nonzero weights per output: with exponents uniform over a range of a
   * few values, E[w^2] ~ (4/3) 4^expMax / (number of exponents), and this makes
   * n E[w^2] ~ 2 for 7 exponents, as He initialization does, so activations
   * neither vanish nor saturate along the network; or a number for every layer).
   */
  readonly expMax?: 'fan-in' | number;
  /** Unstructured sparsity of the non-dense layers (default 0). */
  readonly sparsity?: number;
  /** Which layers stay dense (default: stem and depthwise, `denseByDefault`). */
  readonly dense?: (layer: ConvLayerSpec) => boolean;
  /** Bias format (default Q1.5: [-1, 1), a quarter of the Q3.5 range); null: no bias. */
  readonly biasFormat?: QFormat | null;
}

function weightCount(l: ConvLayerSpec, outC: number): number {
  return l.kind === 'depthwise' ? l.kernel * l.kernel * l.inChannels : outC * l.kernel * l.kernel * l.inChannels;
}

/**
 * Seeded random Po2 weights per layer: each layer draws from its own PRNG
 * (seed + 7919 * layer index), so truncating the network or changing the head
 * width does not change the other layers' weights. Bias: uniform raw values in
 * biasFormat.
 */
export function randomLayerWeights(o: RandomWeightOptions): LayerWeightSource {
  const biasFmt = o.biasFormat === undefined ? qformat(1, 5) : o.biasFormat;
  const dense = o.dense ?? ((l: ConvLayerSpec) => denseByDefault(l.index, l.kind === 'depthwise' ? 'depthwise' : 'conv'));
  return (l, outC) => {
    const p = new Prng((o.seed + 7919 * (l.index + 1)) >>> 0);
    const sparsity = dense(l) ? 0 : (o.sparsity ?? 0);
    const fanIn = l.kernel * l.kernel * (l.kind === 'depthwise' ? 1 : l.inChannels);
    const expMax = typeof o.expMax === 'number' ? o.expMax : Math.round((Math.log2(32 / 3) - Math.log2(Math.max(1, fanIn * (1 - sparsity)))) / 2);
    const range = o.expRange ?? expRangeFromBits(o.weightBits ?? 4, expMax);
    const weights = randomSparsePo2(p, weightCount(l, outC), range, sparsity);
    if (biasFmt === null) return { weights };
    return { weights, bias: { raw: Array.from({ length: outC }, () => p.fixedRaw(biasFmt)), fmt: biasFmt } };
  };
}

/**
 * Weights and biases of an imported (BN-folded) MobileNetV2; the head keeps its
 * first outChannels channels. A layer whose input width differs from the
 * import's (the head of a truncated network) is refused, or taken from
 * `fallback` if one is given.
 */
export function importedLayerWeights(m: ImportedMobileNetV2, fallback?: LayerWeightSource): LayerWeightSource {
  return (l, outC) => {
    // By key: a truncated import (lib/weights `blocks`) has its head at another index.
    const imp = m.layers[l.index]?.weightKey === l.weightKey ? m.layers[l.index] : m.layers.find((x) => x.weightKey === l.weightKey);
    if (imp === undefined) throw new RangeError(`importedLayerWeights: no imported layer ${l.weightKey} at index ${l.index}`);
    if (imp.inChannels !== l.inChannels && fallback) return fallback(l, outC);
    if (imp.inChannels !== l.inChannels || imp.outChannels < outC) throw new RangeError(`importedLayerWeights: ${l.weightKey} has shape ${imp.torchShape.join('x')}`);
    if (l.kind === 'depthwise' || outC === imp.outChannels) return { weights: imp.weights, bias: imp.bias };
    // OHWI / OI: the first outC output channels are a prefix.
    return { weights: imp.weights.slice(0, weightCount(l, outC)), bias: { raw: imp.bias.raw.slice(0, outC), fmt: imp.bias.fmt } };
  };
}

export interface MobileNetV2NetOptions {
  /** Width multiplier (default 1). */
  readonly alpha?: number;
  /** Input resolution H = W (default 224). */
  readonly resolution?: number;
  /** Inverted residual blocks to include, 0 .. 17 (default 17: all). */
  readonly blocks?: number;
  /** Head output channels = features k_fe (default the topology's, makeDivisible(1280 max(1, alpha))); fewer keeps the first ones. */
  readonly headChannels?: number;
  /** Activation format of every layer output and of the features (default Q3.5). */
  readonly act?: QFormat;
  readonly saturation?: Saturation;
  /** Accumulation mode of every conv (default exact). */
  readonly mode?: AccumulateMode;
  /** Adder-tree register every k levels (default 0: combinational trees). */
  readonly pipelineEvery?: number;
  /** Line buffers of the 3x3 layers (default 'registers'; 'memory': one SyncReadMem per layer, see lib/hw/streaming.ts). */
  readonly lineBuffer?: LineBufferForm;
  readonly weights: LayerWeightSource;
}

export interface NetLayer {
  readonly spec: ConvLayerSpec;
  /** Output channels actually built (the head may be cut). */
  readonly outChannels: number;
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly weights: readonly Po2[];
  readonly bias?: BiasVector;
  readonly activation: 'relu6' | 'none';
}

/** The network as data: layers with their weights; both the hardware and the golden model read it. */
export interface MobileNetV2Net {
  readonly topology: MobileNetV2Topology;
  readonly act: QFormat;
  readonly saturation: Saturation;
  readonly mode: AccumulateMode;
  readonly pipelineEvery: number;
  readonly lineBuffer: LineBufferForm;
  /** Stem, the included blocks' layers, head; in order. */
  readonly layers: readonly NetLayer[];
  /** The included blocks (layer indices into `layers`, which equal the topology's). */
  readonly blocks: readonly BlockSpec[];
  readonly inputShape: Shape3;
  /** k_fe. */
  readonly features: number;
}

export function mobileNetV2Net(o: MobileNetV2NetOptions): MobileNetV2Net {
  const topology = mobileNetV2Topology({ alpha: o.alpha ?? 1, resolution: o.resolution ?? 224, classes: 1 });
  const nb = o.blocks ?? topology.blocks.length;
  if (!Number.isSafeInteger(nb) || nb < 0 || nb > topology.blocks.length) throw new RangeError(`mobileNetV2Net: blocks must be 0 .. ${topology.blocks.length}, got ${nb}`);
  const blocks = topology.blocks.slice(0, nb);
  const head = topology.layers[topology.layers.length - 1] as ConvLayerSpec;
  const headChannels = o.headChannels ?? head.outChannels;
  if (!Number.isSafeInteger(headChannels) || headChannels < 1 || headChannels > head.outChannels)
    throw new RangeError(`mobileNetV2Net: headChannels must be 1 .. ${head.outChannels}, got ${headChannels}`);
  const specs: ConvLayerSpec[] = [topology.layers[0] as ConvLayerSpec, ...blocks.flatMap((b) => b.layers.map((i) => topology.layers[i] as ConvLayerSpec))];
  const layers: NetLayer[] = [];
  for (const spec of specs) {
    const w = o.weights(spec, spec.outChannels);
    layers.push({ spec, outChannels: spec.outChannels, inShape: spec.inShape, outShape: spec.outShape, weights: w.weights, ...(w.bias ? { bias: w.bias } : {}), activation: spec.activation });
  }
  // The head reads the last included layer's output (the topology's head reads block 17's).
  const prev = (layers[layers.length - 1] as NetLayer).outShape;
  const hs: ConvLayerSpec = { ...head, inChannels: prev[2], inShape: prev, outShape: [prev[0], prev[1], headChannels], torchShape: [headChannels, prev[2], 1, 1] };
  const truncated = nb < topology.blocks.length;
  // A truncated network's head reads fewer channels than the topology's: the
  // source gets the head as built here (the import refuses it by its shape check).
  const hw = o.weights(truncated ? hs : head, headChannels);
  layers.push({ spec: hs, outChannels: headChannels, inShape: prev, outShape: hs.outShape, weights: hw.weights, ...(hw.bias ? { bias: hw.bias } : {}), activation: 'relu6' });
  for (const l of layers) {
    const n = weightCount(l.spec, l.outChannels);
    if (l.weights.length !== n) throw new RangeError(`mobileNetV2Net: ${l.spec.weightKey}: ${l.weights.length} weights, expected ${n}`);
  }
  return {
    topology,
    act: o.act ?? Q3_5,
    saturation: o.saturation ?? 'full',
    mode: o.mode ?? EXACT,
    pipelineEvery: o.pipelineEvery ?? 0,
    lineBuffer: o.lineBuffer ?? 'registers',
    layers,
    blocks,
    inputShape: topology.inputShape,
    features: headChannels,
  };
}

// ---------------------------------------------------------------------------
// Golden model

function convAcc(x: FixedTensor, l: NetLayer, net: MobileNetV2Net): FixedTensor {
  const s = l.spec;
  const opts = { stride: s.stride, mode: net.mode, ...(l.bias ? { bias: l.bias } : {}) };
  return s.kind === 'depthwise'
    ? depthwiseAcc(x, l.weights, s.kernel, { ...opts, padding: s.padding })
    : s.kind === 'pointwise'
      ? pointwiseAcc(x, l.weights, l.outChannels, opts)
      : conv2dAcc(x, l.weights, l.outChannels, s.kernel, { ...opts, padding: s.padding });
}

/** Every intermediate activation of the golden model (for debugging a mismatch), and the features. */
export interface GoldenTrace {
  /** Output of each layer of `net.layers` (after the residual add for a residual block's project layer). */
  readonly layerOutputs: readonly FixedTensor[];
  /** 1 x 1 x k_fe. */
  readonly features: FixedTensor;
}

/** Residual blocks: their project layer's index -> the index of the block's first layer (whose input is added). */
export function residualSources(net: MobileNetV2Net): Map<number, number> {
  const m = new Map<number, number>();
  for (const b of net.blocks) if (b.residual) m.set(b.layers[b.layers.length - 1] as number, b.layers[0] as number);
  return m;
}

/** The golden model of `net` on one image (HWC, net.act format). */
export function mobileNetV2Golden(net: MobileNetV2Net, image: FixedTensor): GoldenTrace {
  const [H, W, C] = net.inputShape;
  if (image.shape[0] !== H || image.shape[1] !== W || image.shape[2] !== C) throw new RangeError(`mobileNetV2Golden: image ${image.shape.join('x')}, expected ${H}x${W}x${C}`);
  const outs: FixedTensor[] = [];
  const residualOf = residualSources(net);
  let x = image;
  net.layers.forEach((l, i) => {
    const acc = convAcc(x, l, net);
    const from = residualOf.get(i);
    // Residual: the block input plus the project layer's wide accumulator (no
    // activation), exact, requantized once (as lib/weights goldenMobileNetV2).
    const y =
      from === undefined
        ? layerOutput(acc, { out: net.act, activation: l.activation, saturation: net.saturation })
        : residualAdd(from === 0 ? image : (outs[from - 1] as FixedTensor), acc, net.act, net.saturation);
    outs.push(y);
    x = y;
  });
  return { layerOutputs: outs, features: globalAvgPool(x, net.act, net.saturation) };
}

// ---------------------------------------------------------------------------
// Hardware

/** Layer `l` of `net` as a streaming conv on `io` (the options mobileNetV2Hw uses; also for building a layer alone). */
export function streamingLayerConv(net: MobileNetV2Net, l: NetLayer, io: StreamingConvPorts): StreamingConvResult {
  const sp = l.spec;
  const opts = {
    height: l.inShape[0],
    width: l.inShape[1],
    padding: sp.padding === 'same' ? ('same' as const) : ('valid' as const),
    stride: sp.stride,
    mode: net.mode,
    pipelineEvery: net.pipelineEvery,
    lineBuffer: net.lineBuffer,
    ...(l.bias ? { bias: l.bias } : {}),
  };
  return sp.kind === 'depthwise' ? streamingDepthwise(io, net.act, l.weights, sp.kernel, opts) : streamingConv2d(io, net.act, l.weights, l.outChannels, sp.kernel, opts);
}

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

export interface MobileNetV2Hw {
  /** The stem's ready: the source must present a pixel only when ready (else it is not taken). */
  readonly ready: BoolValue;
  /** One vector of k_fe features per frame, valid for one cycle. */
  readonly features: PixelStream;
  readonly stages: readonly StageInfo[];
}

function stageName(l: NetLayer): string {
  return `${l.spec.role}${l.spec.feature === 0 ? '' : ` features.${l.spec.feature}`}`;
}

/**
 * Build the streaming feature extractor of `net` on an input pixel stream
 * (3 channels in net.act format; the source holds a pixel until `ready`).
 * Every conv layer after the stem asserts that no valid pixel arrives while it
 * is not ready (the streaming layers have no backpressure: such a pixel would
 * be lost silently).
 */
export interface MobileNetV2HwOptions {
  /** Called after each conv layer is built (index into net.layers, its stage), e.g. for progress on a big net. */
  readonly onLayer?: (index: number, stage: StageInfo) => void;
  /** Each conv layer in a module of its own (default false: all in the caller's module). */
  readonly layerModules?: boolean;
}

/**
 * A streaming conv inside a module of its own (one instance): the same logic,
 * but firtool can work on the layers in parallel (one big module keeps it on one core).
 */
function convModule(name: string, io: { readonly valid: BoolValue; readonly pixel: readonly SIntValue[] }, conv: (x: typeof io) => StreamingConvResult): StreamingConvResult {
  const w = (io.pixel[0] as SIntValue).width;
  const C = io.pixel.length;
  let info: StreamingConvResult | undefined;
  const Def = defineModule({
    name: `Conv_${name}`,
    body: () => {
      const ispec: Record<string, PortSpec> = { in_valid: Input(Bool()) };
      for (let i = 0; i < C; i++) ispec[`in_x_${i}`] = Input(SInt(w));
      const ip = IO(ispec) as Record<string, SIntValue | BoolValue>;
      const r = conv({ valid: ip.in_valid as BoolValue, pixel: Array.from({ length: C }, (_, i) => ip[`in_x_${i}`] as SIntValue) });
      const ospec: Record<string, PortSpec> = { ready: Output(Bool()), out_valid: Output(Bool()) };
      r.acc.forEach((v, i) => (ospec[`acc_${i}`] = Output(SInt(v.width))));
      const op = IO(ospec) as Record<string, SIntValue | BoolValue>;
      (op.ready as BoolValue).connect(r.ready);
      (op.out_valid as BoolValue).connect(r.outValid);
      r.acc.forEach((v, i) => (op[`acc_${i}`] as SIntValue).connect(v));
      info = r;
      return { ...ip, ...op };
    },
  });
  const inst = instance(Def, {}) as unknown as Record<string, SIntValue | BoolValue>;
  (inst.in_valid as BoolValue).connect(io.valid);
  io.pixel.forEach((v, i) => (inst[`in_x_${i}`] as SIntValue).connect(v));
  const r = info as StreamingConvResult;
  return { ...r, ready: inst.ready as BoolValue, outValid: inst.out_valid as BoolValue, acc: r.acc.map((_, i) => inst[`acc_${i}`] as SIntValue) };
}

export function mobileNetV2Hw(net: MobileNetV2Net, input: { readonly valid: BoolValue; readonly pixel: readonly SIntValue[] }, hwOpts: MobileNetV2HwOptions = {}): MobileNetV2Hw {
  const act = net.act;
  const stages: StageInfo[] = [];
  const blockOfFirst = new Map<number, BlockSpec>();
  const blockOfLast = new Map<number, BlockSpec>();
  for (const b of net.blocks) {
    blockOfFirst.set(b.layers[0] as number, b);
    blockOfLast.set(b.layers[b.layers.length - 1] as number, b);
  }
  let s: PixelStream = { valid: input.valid, pixel: input.pixel, fmt: act };
  let stemReady: BoolValue | undefined;
  let skip: PixelStream | undefined;
  let leads: LeadOptions[] = [];
  net.layers.forEach((l, i) => {
    const sp = l.spec;
    const io = { valid: s.valid, pixel: s.pixel };
    const conv = (x: typeof io): StreamingConvResult => streamingLayerConv(net, l, x);
    const r = hwOpts.layerModules ? convModule(`${sp.role}_${sp.feature}`, io, conv) : conv(io);
    if (r.outHeight !== l.outShape[0] || r.outWidth !== l.outShape[1]) throw new Error(`mobileNetV2Hw: ${sp.weightKey}: streaming output ${r.outHeight}x${r.outWidth}, topology ${l.outShape[0]}x${l.outShape[1]}`);
    const name = stageName(l);
    // The stem's source honours `ready` (a pixel waits); inside the network nothing can wait.
    if (i === 0) stemReady = r.ready;
    else when(s.valid, () => assert(r.ready, `MobileNetV2 ${name} (layer ${i}): a pixel arrived while the layer was not ready (it is lost: input schedule too dense)`));
    const b = blockOfFirst.get(i);
    if (b?.residual) {
      skip = { valid: s.valid.and(r.ready), pixel: s.pixel, fmt: s.fmt };
      leads = [];
    }
    if (skip) leads.push({ kernel: sp.kernel, padding: sp.padding === 'same' ? 'same' : 'valid', width: l.inShape[1], latency: r.latency });
    const stage: StageInfo = { name, inShape: l.inShape, outShape: l.outShape, latency: r.latency, adders: r.adders };
    stages.push(stage);
    hwOpts.onLayer?.(i, stage);
    const e = blockOfLast.get(i);
    if (e?.residual) {
      // The block input plus the project accumulator (activation none), requantized once.
      if (!skip) throw new Error('mobileNetV2Hw: residual block without a skip stream');
      const depth = residualFifoDepth(leads);
      const sum = streamingResidualAdd(skip, convStream(r), { depth, out: act, saturation: net.saturation });
      stages.push({ name: `residual features.${e.feature}`, inShape: l.outShape, outShape: l.outShape, latency: sum.latency, fifoDepth: depth });
      s = sum;
      skip = undefined;
    } else s = streamLayerOutput(r, { out: act, activation: l.activation, saturation: net.saturation });
  });
  const last = net.layers[net.layers.length - 1] as NetLayer;
  const pool = streamingGlobalAvgPool(s, { height: last.outShape[0], width: last.outShape[1], out: act, saturation: net.saturation });
  stages.push({ name: 'pool', inShape: last.outShape, outShape: [1, 1, net.features], latency: pool.latency });
  return { ready: stemReady as BoolValue, features: pool, stages };
}
