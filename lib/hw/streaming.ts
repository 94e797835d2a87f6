/**
 * Streaming hardened convolutions (conv2d, pointwise = conv2d with k = 1,
 * depthwise): one pixel (all C channels) per cycle, k x k
 * window from line buffers built of registers, weights still wired into one
 * Po2 adder tree per output channel (the trees are shared by every pixel; the
 * unrolled layers in layers.ts instead build one tree per output element).
 *
 * Protocol (stride 1 or 2, odd k; k = 1 is the pointwise layer):
 *  - input: `valid` with the pixel, `ready` from the layer; a pixel moves when
 *    both are high. Pixels of an H x W frame arrive in raster order (HWC), with
 *    any idle cycles in between; frames follow each other.
 *  - the layer walks a grid of (H + p) x (W + p) positions, p the padding
 *    ('same': (k - 1) / 2, 'valid': 0). At the p extra columns of each row and
 *    the p extra rows at the end it takes a zero pixel by itself (ready is low
 *    then), so 'same' costs (H + p)(W + p) cycles per frame at full input rate.
 *  - output: `outValid` with one output pixel (all output channels), in raster
 *    order, `latency` cycles after the position that completes its window
 *    (1 + the tree's pipeline registers); no backpressure.
 * Top and left zero padding costs nothing: the p zero rows at the end of the
 * previous frame and the p zero columns at the end of the previous row are
 * exactly the taps a window above or left of the frame needs. After reset the
 * layer first walks the last p * (W + p) + p padding positions by itself
 * (ready low, no output) so that the first frame sees zeros there too, whatever
 * the registers held.
 *
 * Line buffers: k - 1 rows of (W + p) pixels, shift registers that move on each
 * accepted position; the window: k x k pixel registers fed by the current
 * pixel and the line buffers' oldest entries.
 */
import { B, Bool, Reg, RegInit, SInt, UInt, instance, mux, when } from '../../dsl/index.ts';
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { formatWidth, type QFormat } from '../fixed/format.ts';
import { EXACT, alignBias, type AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import type { Po2 } from '../po2/po2.ts';
import { Po2Dot, encodeWeights, modeName } from './dot-module.ts';
import { conv2dPlan, depthwisePlan } from './layers.ts';
import { fitWidth } from './post.ts';

export interface StreamingConvOptions {
  /** Frame size (rows, columns) of the input. */
  readonly height: number;
  readonly width: number;
  readonly padding?: 'same' | 'valid';
  /** 1 (default) or 2: with 2, only every other window in each direction is an output. */
  readonly stride?: number;
  readonly mode?: AccumulateMode;
  readonly bias?: BiasVector;
  readonly pipelineEvery?: number;
}

export interface StreamingConvPorts {
  /** The producer has a pixel. */
  readonly valid: BoolValue;
  /** The pixel, C channels, each formatWidth(act) bits. */
  readonly pixel: readonly SIntValue[];
}

export interface StreamingConvResult {
  readonly ready: BoolValue;
  readonly outValid: BoolValue;
  /** The accumulator of each output channel (golden accumulator format, `fmt`). */
  readonly acc: readonly SIntValue[];
  readonly fmt: QFormat;
  readonly channelRanges: readonly (readonly [bigint, bigint])[];
  /** Cycles from the accepted position that completes a window to its outValid. */
  readonly latency: number;
  /** Output frame size. */
  readonly outHeight: number;
  readonly outWidth: number;
}

function bitsFor(n: number): number {
  let w = 1;
  while (2 ** w <= n) w++;
  return w;
}

function constTrue(): BoolValue {
  return B(true);
}

/** A k x k, stride-1 Po2 convolution over a pixel stream (OHWI weights, as conv2dAcc). */
export function streamingConv2d(
  io: StreamingConvPorts,
  act: QFormat,
  weights: readonly Po2[],
  outC: number,
  kernel: number,
  opts: StreamingConvOptions,
): StreamingConvResult {
  return streamingCore(io, act, weights, outC, kernel, opts, false);
}

/** A k x k, stride-1 depthwise Po2 convolution over a pixel stream (HWC weights, as depthwiseAcc). */
export function streamingDepthwise(io: StreamingConvPorts, act: QFormat, weights: readonly Po2[], kernel: number, opts: StreamingConvOptions): StreamingConvResult {
  return streamingCore(io, act, weights, io.pixel.length, kernel, opts, true);
}

function streamingCore(
  io: StreamingConvPorts,
  act: QFormat,
  weights: readonly Po2[],
  outC: number,
  kernel: number,
  opts: StreamingConvOptions,
  depthwise: boolean,
): StreamingConvResult {
  const C = io.pixel.length;
  const { height: H, width: W } = opts;
  const k = kernel;
  if (k % 2 !== 1) throw new RangeError(`streamingConv2d: odd kernels only, got ${k}`);
  const padding = opts.padding ?? 'same';
  const stride = opts.stride ?? 1;
  if (stride !== 1 && stride !== 2) throw new RangeError(`streaming: stride must be 1 or 2, got ${stride}`);
  const p = padding === 'same' ? (k - 1) / 2 : 0;
  const aw = formatWidth(act);
  for (const v of io.pixel) if (v.width !== aw) throw new RangeError(`streamingConv2d: a ${v.width}-bit pixel channel, format needs ${aw}`);
  const mode = opts.mode ?? EXACT;
  const every = opts.pipelineEvery ?? 0;
  // The accumulator format and tree depth: those of the unrolled layer over one frame
  // (interior windows have every tap; border windows have a subset of the same trees).
  const planOpts = { padding, stride, mode, pipelineEvery: every, ...(opts.bias ? { bias: opts.bias } : {}) };
  const plan = depthwise ? depthwisePlan([H, W, C], act, weights, k, planOpts) : conv2dPlan([H, W, C], act, weights, outC, k, planOpts);
  const Hg = H + p;
  const Wg = W + p;

  // Position on the padded grid. After reset, start p * Wg + p positions before
  // the frame, at (H - 1, W): the window of output (0, 0) reaches that far back
  // (k - 1 rows and k - 1 columns, wrapping into the previous row), and all of
  // those positions are padding (see above).
  const r = RegInit(UInt(bitsFor(Hg - 1)), p > 0 ? H - 1 : 0);
  const c = RegInit(UInt(bitsFor(Wg - 1)), p > 0 ? W : 0);
  // 'valid': every position is a real pixel, always ready.
  const ready = p > 0 ? r.lt(H).and(c.lt(W)) : constTrue();
  const adv = io.valid.or(ready.not());
  const last = r.eq(Hg - 1).and(c.eq(Wg - 1));
  const primed = RegInit(Bool(), p === 0);
  when(adv.and(last), () => primed.connect(true));
  when(adv, () => {
    when(c.eq(Wg - 1), () => {
      c.connect(0);
      when(r.eq(Hg - 1), () => r.connect(0)).otherwise(() => r.connect(r.addWrap(1)));
    }).otherwise(() => c.connect(c.addWrap(1)));
  });
  const pix = io.pixel.map((v) => (p > 0 ? mux(ready, v, 0) : v));

  // Line buffers: lines[j] delays by (j + 1) rows of the grid.
  const lines: SIntValue[][][] = [];
  let feed: readonly SIntValue[] = pix;
  for (let j = 0; j < k - 1; j++) {
    const line: SIntValue[][] = Array.from({ length: Wg }, () => Array.from({ length: C }, () => Reg(SInt(aw))));
    when(adv, () => {
      for (let x = 0; x < Wg; x++) {
        const src = x === 0 ? feed : (line[x - 1] as SIntValue[]);
        for (let ch = 0; ch < C; ch++) (line[x] as SIntValue[])[ch]!.connect(src[ch] as SIntValue);
      }
    });
    lines.push(line);
    feed = line[Wg - 1] as SIntValue[];
  }
  // Newest window column, top row first: rows r-(k-1) .. r at column c.
  const column: (readonly SIntValue[])[] = [];
  for (let ky = 0; ky < k; ky++) {
    const j = k - 2 - ky; // line j holds row r - (j + 1)
    column.push(j >= 0 ? ((lines[j] as SIntValue[][])[Wg - 1] as SIntValue[]) : pix);
  }
  // Window registers win[kx][ky][ch], kx = k-1 newest.
  const win: SIntValue[][][] = Array.from({ length: k }, () => Array.from({ length: k }, () => Array.from({ length: C }, () => Reg(SInt(aw)))));
  when(adv, () => {
    for (let kx = 0; kx < k; kx++)
      for (let ky = 0; ky < k; ky++)
        for (let ch = 0; ch < C; ch++) {
          const src = kx === k - 1 ? (column[ky] as readonly SIntValue[])[ch] : (win[kx + 1] as SIntValue[][])[ky]![ch];
          (win[kx] as SIntValue[][])[ky]![ch]!.connect(src as SIntValue);
        }
  });
  const first = k - 1 - p;
  const emit = RegInit(Bool(), false);
  let at = adv.and(primed).and(r.geq(first)).and(c.geq(first));
  // Stride 2: output (oy, ox) completes at (first + 2 oy, first + 2 ox).
  if (stride === 2) at = at.and(r.bit(0).eq(first & 1)).and(c.bit(0).eq(first & 1));
  emit.connect(at);

  // One tree per output channel over the (masked) window.
  const accW = formatWidth(plan.fmt);
  const acc: SIntValue[] = [];
  for (let oc = 0; oc < outC; oc++) {
    const inputs: SIntValue[] = [];
    const ws: Po2[] = [];
    for (let ky = 0; ky < k; ky++)
      for (let kx = 0; kx < k; kx++)
        for (let ch = depthwise ? oc : 0; ch < (depthwise ? oc + 1 : C); ch++) {
          const w = (depthwise ? weights[(ky * k + kx) * C + ch] : weights[((oc * k + ky) * k + kx) * C + ch]) as Po2;
          if (w.sign === 0) continue;
          inputs.push((win[kx] as SIntValue[][])[ky]![ch] as SIntValue);
          ws.push(w);
        }
    const bias = opts.bias === undefined ? 0n : alignBias(opts.bias.raw[oc] as bigint, opts.bias.fmt.frac, plan.accFrac);
    const dot = instance(Po2Dot, {
      weights: encodeWeights(ws),
      actInt: act.int,
      actFrac: act.frac,
      accFrac: plan.accFrac,
      mode: modeName(mode),
      bias: bias.toString(),
      pipelineEvery: every,
      levels: plan.levels,
    }) as unknown as Record<string, SIntValue>;
    inputs.forEach((v, i) => (dot[`t_${i}`] as SIntValue).connect(v));
    acc.push(fitWidth(dot.y as SIntValue, accW));
  }
  let outValid: BoolValue = emit;
  for (let i = 0; i < plan.latency; i++) {
    const d = RegInit(Bool(), false);
    d.connect(outValid);
    outValid = d;
  }
  return {
    ready,
    outValid,
    acc,
    fmt: plan.fmt,
    channelRanges: plan.channelRanges,
    latency: 1 + plan.latency,
    outHeight: plan.shape[0],
    outWidth: plan.shape[1],
  };
}
