// Shared by designs/po2-pointwise.ts and designs/po2-conv3x3.ts: one hardened
// Po2 layer (weights drawn from a seed), unrolled over a small feature map, with
// flat ports `x_<i>` (input, HWC order) and `y_<i>` (output, HWC order), the
// accumulator brought back to the activation format with an activation.
import { Bool, IO, Input, Output, SInt } from '../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../dsl/index.ts';
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
  type Activation,
  type BiasVector,
  type Po2,
  type QFormat,
} from '../lib/index.ts';

export const po2LayerDefaults = {
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
  mode: 'exact',
  accFrac: 5,
  /** 'relu', 'relu6' or 'none'. */
  activation: 'relu',
  /** A per-channel constant bias (folded batch norm): one more adder per output. */
  bias: false,
  /** Register every k-th adder level (0: combinational). */
  pipelineEvery: 0,
  height: 1,
  width: 1,
  /**
   * Streaming form: one pixel per cycle on ports in_valid/in_ready,
   * x_0 .. x_{C-1}, out_valid, y_0 .. y_{outC-1}; line buffers for a frame of
   * height x width. Default: unrolled over the whole frame.
   */
  streaming: false,
};
export type Po2LayerParams = typeof po2LayerDefaults;

export function actFormat(p: Pick<Po2LayerParams, 'actBits'>): QFormat {
  if (!Number.isSafeInteger(p.actBits) || p.actBits < 3) throw new RangeError(`actBits must be an integer >= 3, got ${p.actBits}`);
  return qformat(3, p.actBits - 3);
}

export function layerMode(p: Pick<Po2LayerParams, 'mode' | 'accFrac'>): AccumulateMode {
  if (p.mode === 'exact') return EXACT;
  if (p.mode === 'floor-signed' || p.mode === 'subtract-floored') return truncating(p.accFrac, p.mode);
  throw new RangeError(`mode must be exact, floor-signed or subtract-floored, got '${p.mode}'`);
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

export function po2LayerBody(p: Po2LayerParams, g: LayerGeometry): Record<string, SIntValue | BoolValue> {
  if (p.streaming) return streamingBody(p, g);
  const act = actFormat(p);
  const n = p.height * p.width * p.channels;
  const spec: Record<string, PortSpec> = {};
  for (let i = 0; i < n; i++) spec[`x_${i}`] = Input(SInt(formatWidth(act)));
  const xs = IO(spec) as Record<string, SIntValue>;
  const { weights, bias } = layerWeights(p, g.kernel);
  const acc = conv2dHw(
    { shape: [p.height, p.width, p.channels], fmt: act, data: Array.from({ length: n }, (_, i) => xs[`x_${i}`] as SIntValue) },
    weights,
    p.outChannels,
    g.kernel,
    { stride: g.stride, padding: g.padding, mode: layerMode(p), pipelineEvery: p.pipelineEvery, ...(bias ? { bias } : {}) },
  );
  const y = layerOutputHw(acc, { out: act, activation: p.activation as Activation });
  const ospec: Record<string, PortSpec> = {};
  y.data.forEach((_, i) => (ospec[`y_${i}`] = Output(SInt(formatWidth(act)))));
  const ys = IO(ospec) as Record<string, SIntValue>;
  y.data.forEach((v, i) => (ys[`y_${i}`] as SIntValue).connect(v));
  return { ...xs, ...ys };
}

function streamingBody(p: Po2LayerParams, g: LayerGeometry): Record<string, SIntValue | BoolValue> {
  const act = actFormat(p);
  const spec: Record<string, PortSpec> = { in_valid: Input(Bool()) };
  for (let i = 0; i < p.channels; i++) spec[`x_${i}`] = Input(SInt(formatWidth(act)));
  const xs = IO(spec) as Record<string, SIntValue | BoolValue>;
  const { weights, bias } = layerWeights(p, g.kernel);
  const s = streamingConv2d(
    { valid: xs.in_valid as BoolValue, pixel: Array.from({ length: p.channels }, (_, i) => xs[`x_${i}`] as SIntValue) },
    act,
    weights,
    p.outChannels,
    g.kernel,
    { height: p.height, width: p.width, padding: g.padding, stride: g.stride, mode: layerMode(p), pipelineEvery: p.pipelineEvery, ...(bias ? { bias } : {}) },
  );
  const y = layerOutputHw({ shape: [1, 1, p.outChannels], fmt: s.fmt, data: s.acc, channelRanges: s.channelRanges }, { out: act, activation: p.activation as Activation });
  const ospec: Record<string, PortSpec> = { in_ready: Output(Bool()), out_valid: Output(Bool()) };
  y.data.forEach((_, i) => (ospec[`y_${i}`] = Output(SInt(formatWidth(act)))));
  const ys = IO(ospec) as Record<string, SIntValue | BoolValue>;
  (ys.in_ready as BoolValue).connect(s.ready);
  (ys.out_valid as BoolValue).connect(s.outValid);
  y.data.forEach((v, i) => (ys[`y_${i}`] as SIntValue).connect(v));
  return { ...xs, ...ys };
}
