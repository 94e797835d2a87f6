// Shared by designs/po2-pointwise.ts and designs/po2-conv3x3.ts: one hardened
// Po2 layer (weights drawn from a seed), unrolled over a small feature map, with
// ports `x` (input, a Vec in HWC order) and `y` (output, HWC order), the
// accumulator brought back to the activation format with an activation.
import { IO, Input, Output, SInt, Stream, Vec, defaultsOf, oneOf } from '../dsl/index.ts';
import type { ParamsOf } from '../dsl/index.ts';
import {
  EXACT,
  Prng,
  conv2dHw,
  expRangeFromBits,
  formatWidth,
  layerOutputHw,
  qformat,
  randomSparsePo2,
  streamingConv2d,
  truncating,
  type AccumulateMode,
  type BiasVector,
  type Po2,
  type QFormat,
} from '../lib/index.ts';

export const po2LayerParams = {
  /** Input channels C. */
  channels: 8,
  /** Output channels. */
  outChannels: 8,
  /** Activation width; the format is Q3.(actBits - 3) (Q3.5 at 8 bits). */
  actBits: 8,
  /** Fraction of weights that are exactly zero (0 .. 1; exactly round(s * N) of them). */
  sparsity: 0.6,
  seed: 1,
  /** Po2 weight bit-width: exponents in [2 - 2^(b-1), 0] (4 bits: [-6, 0]). Costs no area. */
  weightBits: 4,
  /** 'exact', 'floor-signed' or 'subtract-floored' (the last two truncate at accFrac). */
  mode: oneOf(['exact', 'floor-signed', 'subtract-floored']),
  accFrac: 5,
  /** 'relu', 'relu6' or 'none'. */
  activation: oneOf(['relu', 'relu6', 'none']),
  /** A per-channel constant bias (folded batch norm): one more adder per output. */
  bias: false,
  /** Register every k-th adder level (0: combinational). */
  pipelineEvery: 0,
  height: 1,
  width: 1,
  /**
   * Streaming form: one pixel per cycle on `in` (a Stream of Vec(C)), the
   * output pixel on `out` (a Valid Vec(outC)); line buffers for a frame of
   * height x width. Default: unrolled over the whole frame (`x` in, `y` out, Vecs).
   */
  streaming: false,
};
export type Po2LayerParams = ParamsOf<typeof po2LayerParams>;
export const po2LayerDefaults: Po2LayerParams = defaultsOf(po2LayerParams);

export function actFormat(p: Pick<Po2LayerParams, 'actBits'>): QFormat {
  if (!Number.isSafeInteger(p.actBits) || p.actBits < 3) throw new RangeError(`actBits must be an integer >= 3, got ${p.actBits}`);
  return qformat(3, p.actBits - 3);
}

export function layerMode(p: Pick<Po2LayerParams, 'mode' | 'accFrac'>): AccumulateMode {
  return p.mode === 'exact' ? EXACT : truncating(p.accFrac, p.mode);
}

/** The layer's weights (OHWI) and bias, drawn from the seed in a fixed order. */
export function layerWeights(p: Po2LayerParams, kernel: number): { weights: Po2[]; bias?: BiasVector } {
  const prng = new Prng(p.seed);
  const weights = randomSparsePo2(prng, p.outChannels * kernel * kernel * p.channels, expRangeFromBits(p.weightBits), p.sparsity);
  if (!p.bias) return { weights };
  const fmt = qformat(4, actFormat(p).frac);
  return { weights, bias: { raw: Array.from({ length: p.outChannels }, () => prng.fixedRaw(fmt)), fmt } };
}

export interface LayerGeometry {
  readonly kernel: number;
  readonly stride: number;
  readonly padding: 'same' | 'valid';
}

export function po2LayerBody(p: Po2LayerParams, g: LayerGeometry) {
  return p.streaming ? streamingBody(p, g) : unrolledBody(p, g);
}

function unrolledBody(p: Po2LayerParams, g: LayerGeometry) {
  const act = actFormat(p);
  const n = p.height * p.width * p.channels;
  const xs = IO({ x: Input(Vec(n, SInt(formatWidth(act)))) });
  const { weights, bias } = layerWeights(p, g.kernel);
  const acc = conv2dHw(
    { shape: [p.height, p.width, p.channels], fmt: act, data: xs.x.toArray() },
    weights,
    p.outChannels,
    g.kernel,
    { stride: g.stride, padding: g.padding, mode: layerMode(p), pipelineEvery: p.pipelineEvery, ...(bias ? { bias } : {}) },
  );
  const y = layerOutputHw(acc, { out: act, activation: p.activation });
  const ys = IO({ y: Output(Vec(y.data.length, SInt(formatWidth(act)))) });
  y.data.forEach((v, i) => ys.y.at(i).connect(v));
  return { ...xs, ...ys };
}

function streamingBody(p: Po2LayerParams, g: LayerGeometry) {
  const act = actFormat(p);
  const xs = IO({ in: Input(Stream(Vec(p.channels, SInt(formatWidth(act))))) });
  const { weights, bias } = layerWeights(p, g.kernel);
  const s = streamingConv2d(
    { valid: xs.in.valid, pixel: xs.in.bits.toArray() },
    act,
    weights,
    p.outChannels,
    g.kernel,
    { height: p.height, width: p.width, padding: g.padding, stride: g.stride, mode: layerMode(p), pipelineEvery: p.pipelineEvery, ...(bias ? { bias } : {}) },
  );
  const y = layerOutputHw({ shape: [1, 1, p.outChannels], fmt: s.fmt, data: s.acc, channelRanges: s.channelRanges }, { out: act, activation: p.activation });
  xs.in.ready.connect(s.ready);
  const ys = IO({ out: Output(Stream(Vec(y.data.length, SInt(formatWidth(act))), { alwaysReady: true })) });
  ys.out.valid.connect(s.outValid);
  y.data.forEach((v, i) => ys.out.bits.at(i).connect(v));
  return { ...xs, ...ys };
}
