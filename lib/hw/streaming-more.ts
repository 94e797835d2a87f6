/**
 * The rest of the streaming Po2 library, next to the streaming convolutions of
 * streaming.ts: residual add, global average pooling, the linear classifier,
 * and activation + requantization on a stream. Same protocol: one pixel (all
 * channels) per cycle, `valid` qualifies it, no backpressure on outputs.
 *
 * A stream here is a `PixelStream`: `valid`, the `pixel` (C SInts, each exactly
 * formatWidth(fmt) bits) and optionally each channel's exact value range (so a
 * requantization can leave out clamps the value never needs).
 *
 *  - `streamLayerOutput(s, { out, activation, saturation })`: `layerOutputHw` on
 *    every pixel, combinational, valid passed through. Accepts a streaming
 *    conv's result ({ outValid, acc, fmt, channelRanges }) or a PixelStream.
 *  - `streamingResidualAdd(skip, main, { depth, out, saturation })`: the skip
 *    stream leads; its pixels wait in a FIFO (dsl `Queue`) of `depth` entries
 *    and are popped when `main` is valid; the sum is exactly `residualAdd`.
 *    One register stage (latency 1). Depth rule: see `residualFifoDepth`.
 *  - `streamingGlobalAvgPool(s, { height, width, out })`: a running sum per
 *    channel over the H*W valid pixels of a frame; one output vector per frame,
 *    `outValid` high for one cycle, the cycle after the frame's last pixel; the
 *    division is `avgFromSumHw` (the same as `globalAvgPoolHw`). Frames may
 *    follow back to back; the output holds until the next frame ends.
 *  - `streamingLinear(io, act, weights, outF, opts)`: the classifier on a 1x1xC
 *    'pixel' per input vector: exactly the streaming pointwise layer on a 1 x 1
 *    frame (always ready, one output vector `latency` cycles after each input).
 */
import { Bool, Decoupled, Queue, Reg, RegInit, SInt, UInt, Vec, Wire, assert, when } from '../../dsl/index.ts';
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { clampBig, signedWidth } from '../fixed/bigint.ts';
import { roundShift, type RoundingMode } from '../fixed/rounding.ts';
import { relu6Raw, reluRaw } from '../fixed/activation.ts';
import { addFormat } from '../fixed/fixed.ts';
import { formatWidth, rawMax, rawMin, type QFormat, type Saturation } from '../fixed/format.ts';
import type { AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import type { LayerOutputOptions } from '../golden/post.ts';
import type { Po2 } from '../po2/po2.ts';
import { layerOutputHw, residualAddHw } from './layers.ts';
import { avgFromSumHw } from './pool.ts';
import { fitWidth } from './post.ts';
import { streamingConv2d, type StreamingConvPorts, type StreamingConvResult } from './streaming.ts';

export interface PixelStream {
  readonly valid: BoolValue;
  /** C channels, each exactly formatWidth(fmt) bits. */
  readonly pixel: readonly SIntValue[];
  readonly fmt: QFormat;
  /** Per channel [lo, hi] of the raw values (default: the whole format). */
  readonly ranges?: readonly (readonly [bigint, bigint])[];
}

/** A streaming conv's output as a PixelStream (its accumulator, its format and channel ranges). */
export function convStream(r: StreamingConvResult): PixelStream {
  return { valid: r.outValid, pixel: r.acc, fmt: r.fmt, ranges: r.channelRanges };
}

function asStream(s: PixelStream | StreamingConvResult): PixelStream {
  return 'outValid' in s ? convStream(s) : s;
}

function checkStream(what: string, s: PixelStream): void {
  const w = formatWidth(s.fmt);
  for (const v of s.pixel) if (v.width !== w) throw new RangeError(`${what}: a ${v.width}-bit channel in a ${w}-bit format`);
}

/**
 * Activation + requantization of every pixel of a stream (as layerOutput),
 * valid passed through; no registers. The result carries each channel's exact
 * output range (so a pool after a ReLU sizes its sums from [0, hi]).
 */
export function streamLayerOutput(s: PixelStream | StreamingConvResult, opts: LayerOutputOptions): PixelStream {
  const st = asStream(s);
  checkStream('streamLayerOutput', st);
  const C = st.pixel.length;
  const y = layerOutputHw({ shape: [1, 1, C], fmt: st.fmt, data: st.pixel, ...(st.ranges ? { channelRanges: st.ranges } : {}) }, opts);
  // Each channel's output range: the golden chain (monotone) on its input range's ends.
  const act = opts.activation ?? 'none';
  const sat = opts.saturation ?? 'full';
  const g = (r: bigint): bigint => {
    const a = act === 'relu' ? reluRaw(r) : act === 'relu6' ? relu6Raw(r, st.fmt.frac) : r;
    return clampBig(roundShift(a, opts.out.frac - st.fmt.frac, opts.rounding ?? 'floor'), rawMin(opts.out), rawMax(opts.out, sat));
  };
  const ranges = st.pixel.map((_, ch): [bigint, bigint] => {
    const [lo, hi] = st.ranges?.[ch] ?? [rawMin(st.fmt), rawMax(st.fmt)];
    return [g(lo), g(hi)];
  });
  return { valid: st.valid, pixel: y.data, fmt: y.fmt, ranges };
}

/** Where a streaming layer sits, for the residual FIFO depth. */
export interface LeadOptions {
  readonly kernel: number;
  readonly padding?: 'same' | 'valid';
  /** Input frame width. */
  readonly width: number;
  /** The layer's `latency` (StreamingConvResult.latency). */
  readonly latency: number;
}

/**
 * How many input pixels a stride-1 streaming conv can take in before the cycle
 * that emits the output pixel of the same index, beyond that index:
 * p * W + p + latency (p the padding). The window of output (y, x) completes at
 * grid position (y + p, x + p), i.e. after at most j + p*W + p + 1 inputs
 * (j = y*W + x, counted over all frames), and its output comes `latency` cycles
 * later, during which at most `latency - 1` more inputs precede it. An upper
 * bound for every input schedule (gaps only slow the grid down); it is exact
 * at full rate unless padding positions fall inside the latency window (each
 * one lowers the real need by one: 3x3 'same', W = 5, latency 5 needs 11
 * entries where `residualFifoDepth` gives 12; see the tests).
 */
export function streamingLead(o: LeadOptions): number {
  const p = (o.padding ?? 'same') === 'same' ? (o.kernel - 1) / 2 : 0;
  return p * o.width + p + o.latency;
}

/**
 * FIFO depth for `streamingResidualAdd` when the main path is the given
 * streaming layers, each feeding the next directly (stride 1, 'same' or 1x1)
 * and the skip stream is pushed in the cycle the first layer accepts a pixel:
 * 1 + the sum of the layers' leads (the FIFO enqueues only when not full, so it
 * needs one entry more than the lead; requantization between layers is
 * combinational and adds nothing). For any other main path: the largest number
 * of skip pixels pushed in earlier cycles and not yet consumed when a skip
 * pixel arrives, plus one.
 */
export function residualFifoDepth(layers: readonly LeadOptions[]): number {
  return 1 + layers.reduce((a, l) => a + streamingLead(l), 0);
}

export interface StreamingResidualOptions {
  /** FIFO entries for the leading skip stream (see `residualFifoDepth`). */
  readonly depth: number;
  /** Output format (requantize + saturate, as residualAdd); absent: the exact grown sum. */
  readonly out?: QFormat;
  readonly saturation?: Saturation;
  /** Rounding of the requantization to `out` (default 'floor'). */
  readonly rounding?: RoundingMode;
}

export interface StreamingResidualResult extends PixelStream {
  /** Register stages from main's valid pixel to the output. */
  readonly latency: number;
}

/**
 * Residual add of two streams of the same pixels in the same order: `skip`
 * leads (its pixel i is valid in an earlier cycle than main's pixel i), `main`
 * follows. Skip pixels are pushed into a FIFO of `depth` entries whenever
 * skip.valid; each main.valid pops the oldest and the sum (golden
 * `residualAdd(skip, main, out, saturation)`) is registered: outValid and the
 * pixel appear one cycle later.
 *
 * No backpressure: a main pixel cannot wait (the streaming layers have none)
 * and the skip stream is the main path's own input. A FIFO too small (a skip
 * pixel arriving while it is full) or a main pixel without its skip pixel
 * (skip not leading by at least one cycle) would silently pair the wrong pixels;
 * instead an `assert` fails the simulation at that edge ("residual FIFO
 * overflow" / "residual FIFO underflow").
 */
export function streamingResidualAdd(skip: PixelStream, main: PixelStream, opts: StreamingResidualOptions): StreamingResidualResult {
  checkStream('streamingResidualAdd (skip)', skip);
  checkStream('streamingResidualAdd (main)', main);
  const C = skip.pixel.length;
  if (main.pixel.length !== C) throw new RangeError(`streamingResidualAdd: ${C} skip channels, ${main.pixel.length} main channels`);
  if (!Number.isInteger(opts.depth) || opts.depth < 1) throw new RangeError(`streamingResidualAdd: FIFO depth ${opts.depth}`);
  const sw = formatWidth(skip.fmt);
  const enq = Wire(Decoupled(Vec(C, SInt(sw))));
  enq.valid.connect(skip.valid);
  skip.pixel.forEach((v, i) => enq.bits.at(i).connect(v));
  const deq = Queue(enq, opts.depth);
  deq.ready.connect(main.valid);
  when(skip.valid, () => assert(enq.ready, `residual FIFO overflow: a skip pixel arrived with all ${opts.depth} entries full (depth too small)`));
  when(main.valid, () => assert(deq.valid, 'residual FIFO underflow: a main pixel arrived before its skip pixel'));
  const a = Array.from({ length: C }, (_, i) => deq.bits.at(i) as SIntValue);
  const sum = residualAddHw({ shape: [1, 1, C], fmt: skip.fmt, data: a }, { shape: [1, 1, C], fmt: main.fmt, data: main.pixel }, opts.out, opts.saturation ?? 'full', opts.rounding ?? 'floor');
  const outValid = RegInit(Bool(), false);
  outValid.connect(main.valid);
  const pixel = sum.data.map((v) => Reg(SInt(v.width)) as SIntValue);
  // One `when` for all channels: a block per channel makes the dsl's checks walk far more (wide layers).
  when(main.valid, () => pixel.forEach((r, i) => r.connect(sum.data[i] as SIntValue)));
  return { valid: outValid, pixel, fmt: sum.fmt, latency: 1 };
}

export interface StreamingPoolOptions {
  /** Frame size: the pool averages height * width valid pixels. */
  readonly height: number;
  readonly width: number;
  readonly out: QFormat;
  readonly saturation?: Saturation;
  /** Rounding of the mean (default 'floor'). */
  readonly rounding?: RoundingMode;
}

export interface StreamingPoolResult extends PixelStream {
  /** Cycles from the frame's last valid pixel to outValid. */
  readonly latency: number;
}

/**
 * Global average pooling over a pixel stream (as golden `globalAvgPool` per
 * frame): every valid pixel is added into a per-channel running sum (exact:
 * as wide as H*W times the channel's range); at a frame's last pixel the total
 * is registered, the running sum restarts from zero in the same cycle, and
 * `valid` is high for one cycle, the next (latency 1). The division by H*W is
 * combinational from that register (`avgFromSumHw`: shifts and a constant
 * reciprocal as a shift-add tree); `pixel` holds until the next frame ends.
 * Always ready; frames may follow back to back, with any gaps. The pixel count
 * restarts at reset.
 */
export function streamingGlobalAvgPool(s: PixelStream | StreamingConvResult, opts: StreamingPoolOptions): StreamingPoolResult {
  const st = asStream(s);
  checkStream('streamingGlobalAvgPool', st);
  const n = opts.height * opts.width;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`streamingGlobalAvgPool: frame ${opts.height} x ${opts.width}`);
  const N = BigInt(n);
  const cntW = Math.max(1, Math.ceil(Math.log2(n)));
  const count = RegInit(UInt(cntW), 0);
  const last = count.eq(n - 1);
  when(st.valid, () => {
    if (n === 1) return;
    when(last, () => count.connect(0)).otherwise(() => count.connect(count.addWrap(1)));
  });
  const outValid = RegInit(Bool(), false);
  outValid.connect(st.valid.and(last));
  const sums = st.pixel.map((v, ch) => {
    const [lo, hi] = st.ranges?.[ch] ?? [rawMin(st.fmt), rawMax(st.fmt)];
    const range: [bigint, bigint] = [N * lo, N * hi];
    const w = signedWidth(range[0], range[1]);
    const acc = RegInit(SInt(w), 0);
    const total = RegInit(SInt(w), 0);
    // acc + v never leaves the range while fewer than n pixels are summed.
    const next = fitWidth(acc.add(v), w);
    return { range, acc, total, next };
  });
  // One `when` for all channels (see streamingResidualAdd).
  when(st.valid, () => {
    when(last, () => {
      for (const s of sums) {
        s.total.connect(s.next);
        s.acc.connect(0);
      }
    }).otherwise(() => {
      for (const s of sums) s.acc.connect(s.next);
    });
  });
  const pixel = sums.map((s) => avgFromSumHw(s.total, s.range, n, st.fmt.frac, opts.out, opts.saturation ?? 'full', opts.rounding ?? 'floor'));
  return { valid: outValid, pixel, fmt: opts.out, latency: 1 };
}

export interface StreamingLinearOptions {
  readonly mode?: AccumulateMode;
  readonly bias?: BiasVector;
  readonly pipelineEvery?: number;
}

/**
 * The classifier (fully connected, OI weights, as golden `linearAcc`) on a
 * stream of input vectors: each valid 1 x 1 x C 'pixel' is one vector, and
 * `outValid` brings its outF accumulators `latency` cycles later (1 + the
 * tree's pipeline stages). It is the streaming pointwise layer on a 1 x 1
 * frame: always ready, no backpressure, one vector per cycle at full rate.
 * A linear layer over a larger flattened map is not streamed (pool first, as
 * MobileNetV2 does); use `linearHw` for that.
 */
export function streamingLinear(io: StreamingConvPorts, act: QFormat, weights: readonly Po2[], outF: number, opts: StreamingLinearOptions = {}): StreamingConvResult {
  return streamingConv2d(io, act, weights, outF, 1, { height: 1, width: 1, padding: 'valid', ...opts });
}
