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
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { Q3_5, qformat, type QFormat, type Saturation } from '../fixed/format.ts';
import { EXACT, type AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import type { FixedTensor, Shape3 } from '../golden/tensor.ts';
import { streamingConv2d, streamingDepthwise, type LineBufferForm, type StreamingConvPorts, type StreamingConvResult } from '../hw/streaming.ts';
import type { PixelStream } from '../hw/streaming-more.ts';
import { GraphBuilder, type ConvNode, type Graph } from './graph.ts';
import { graphGolden } from './graph-golden.ts';
import { graphStreamingHw, type StageInfo } from './graph-streaming.ts';
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

/** The golden model of `net` on one image (HWC, net.act format): `graphGolden` of `mobileNetV2Graph(net)`. */
export function mobileNetV2Golden(net: MobileNetV2Net, image: FixedTensor): GoldenTrace {
  const [H, W, C] = net.inputShape;
  if (image.shape[0] !== H || image.shape[1] !== W || image.shape[2] !== C) throw new RangeError(`mobileNetV2Golden: image ${image.shape.join('x')}, expected ${H}x${W}x${C}`);
  const g = mobileNetV2Graph(net);
  const r = graphGolden(g, image);
  return { layerOutputs: mobileNetV2LayerOutputs(net).map((t) => r.tensors.get(t) as FixedTensor), features: r.output };
}

/** Node names of the graph of a MobileNetV2 layer: the conv is named like its stage ('stem', 'expand features.2', ...). */
function stageName(l: NetLayer): string {
  return `${l.spec.role}${l.spec.feature === 0 ? '' : ` features.${l.spec.feature}`}`;
}

/** The graph tensor holding each layer's output (after the residual add for a residual block's project layer). */
export function mobileNetV2LayerOutputs(net: MobileNetV2Net): string[] {
  const residualOf = residualSources(net);
  return net.layers.map((l, i) => (residualOf.has(i) ? `residual features.${l.spec.feature}/q` : `${stageName(l)}/q`));
}

/**
 * `net` as a network graph: per conv layer `conv -> relu6 -> requantize(act, floor)`
 * (no relu6 after a project conv); a residual block's project conv goes into
 * `add(block input, project) -> requantize`; then `globalAvgPool` ('pool').
 * Depthwise weights become OHWI (I = 1); the graph's hardware and golden model
 * are exactly the ones this file used to build by hand (same FIRRTL).
 */
export function mobileNetV2Graph(net: MobileNetV2Net): Graph {
  const b = new GraphBuilder('MobileNetV2', { name: 'image', shape: net.inputShape, fmt: net.act });
  const residualOf = residualSources(net);
  const requant = { fmt: net.act, rounding: 'floor' as const, saturation: net.saturation };
  const outs: string[] = [];
  let x = b.input;
  net.layers.forEach((l, i) => {
    const sp = l.spec;
    const name = stageName(l);
    const C = l.inShape[2];
    const params = { weights: sp.kind === 'depthwise' ? depthwiseWeightsOhwi(l.weights, C, sp.kernel) : l.weights, mode: net.mode, ...(l.bias ? { bias: l.bias } : {}) };
    const padding = sp.padding === 'same' ? (sp.kernel - 1) / 2 : sp.padding === 'valid' ? 0 : sp.padding;
    const stride = sp.stride === 2 ? 2 : 1;
    const conv =
      sp.kind === 'depthwise'
        ? b.depthwise(name, x, { kernel: sp.kernel, stride, padding }, params)
        : b.conv(name, x, { outChannels: l.outChannels, kernel: sp.kernel, stride, padding }, params);
    const from = residualOf.get(i);
    let y: string;
    if (from !== undefined) {
      const sum = b.addTensors(`residual features.${sp.feature}`, from === 0 ? b.input : (outs[from - 1] as string), conv);
      y = b.requantize(`${sum}/q`, sum, requant);
    } else {
      const a = l.activation === 'relu6' ? b.relu6(`${name}/relu6`, conv) : conv;
      y = b.requantize(`${name}/q`, a, requant);
    }
    outs.push(y);
    x = y;
  });
  return b.build(b.globalAvgPool('pool', x, requant));
}

/** HWC depthwise weights ([ky][kx][c]) as OHWI with I = 1 ([c][ky][kx]). */
function depthwiseWeightsOhwi(weights: readonly Po2[], channels: number, kernel: number): Po2[] {
  const out: Po2[] = new Array<Po2>(weights.length);
  for (let c = 0; c < channels; c++) for (let t = 0; t < kernel * kernel; t++) out[c * kernel * kernel + t] = weights[t * channels + c] as Po2;
  return out;
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

export interface MobileNetV2Hw {
  /** The stem's ready: the source must present a pixel only when ready (else it is not taken). */
  readonly ready: BoolValue;
  /** One vector of k_fe features per frame, valid for one cycle. */
  readonly features: PixelStream;
  readonly stages: readonly StageInfo[];
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

export function mobileNetV2Hw(net: MobileNetV2Net, input: { readonly valid: BoolValue; readonly pixel: readonly SIntValue[] }, hwOpts: MobileNetV2HwOptions = {}): MobileNetV2Hw {
  const hw = graphStreamingHw(mobileNetV2Graph(net), input, {
    pipelineEvery: net.pipelineEvery,
    lineBuffer: net.lineBuffer,
    ...(hwOpts.layerModules ? { layerModules: true, moduleName: (_n: ConvNode, i: number) => `${net.layers[i]?.spec.role}_${net.layers[i]?.spec.feature}` } : {}),
    ...(hwOpts.onLayer ? { onLayer: hwOpts.onLayer } : {}),
  });
  return { ready: hw.ready, features: hw.output, stages: hw.stages };
}
