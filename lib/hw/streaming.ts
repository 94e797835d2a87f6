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
import { B, Bool, Reg, RegInit, SInt, SyncReadMem, UInt, mux, when } from '../../dsl/index.ts';
import type { BoolValue, SIntValue, UIntValue } from '../../dsl/index.ts';
import { formatWidth, type QFormat } from '../fixed/format.ts';
import { EXACT, accFracFor, alignBias, type AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import { convAxis } from '../golden/geometry.ts';
import type { Po2 } from '../po2/po2.ts';
import { po2AdderTree, po2TreeLevelsFor } from './adder-tree.ts';
import { channelAccRanges } from './layers.ts';
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
  /**
   * Line buffer form (k > 1): 'registers' (default), k - 1 rows of pixel
   * registers shifting on each accepted position; or 'memory', one circular
   * `SyncReadMem` of W + p words (the k - 1 rows' pixels at one column side by
   * side), one read and one write per cycle, as an SRAM would be.
   */
  readonly lineBuffer?: LineBufferForm;
}

export type LineBufferForm = 'registers' | 'memory';

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
  /** Two-input adders of the layer's trees (one tree per output channel), as built. */
  readonly adders: number;
}

/** What a streaming layer needs to know before building hardware (see `streamingPlan`). */
export interface StreamingPlan {
  /** Output shape [H', W', outC]. */
  readonly shape: readonly [number, number, number];
  readonly fmt: QFormat;
  readonly accFrac: number;
  readonly channelRanges: readonly (readonly [bigint, bigint])[];
  readonly levels: number;
  /** Tree pipeline registers (floor(levels / pipelineEvery)). */
  readonly latency: number;
}

/**
 * The accumulator format, channel ranges, tree depth and output shape of a
 * streaming conv: the same figures as the unrolled layer's `conv2dPlan` /
 * `depthwisePlan` over the frame, computed without walking the frame (which
 * at 224 x 224 means millions of per-pixel jobs). Border windows use a subset
 * of the interior taps; with `pipelineEvery` the depth is the deepest over the
 * distinct border cases (which rows and columns of the kernel fall inside).
 */
export function streamingPlan(
  inShape: readonly [number, number, number],
  act: QFormat,
  weights: readonly Po2[],
  outC: number,
  k: number,
  depthwise: boolean,
  o: { padding: 'same' | 'valid'; stride: number; mode: AccumulateMode; bias?: BiasVector; pipelineEvery: number },
): StreamingPlan {
  const [H, W, C] = inShape;
  const n = depthwise ? k * k * C : outC * k * k * C;
  if (weights.length !== n) throw new RangeError(`${depthwise ? 'depthwise' : 'conv2d'}: expected ${n} weights, got ${weights.length}`);
  if (o.bias !== undefined && o.bias.raw.length !== outC) throw new RangeError(`bias has ${o.bias.raw.length} entries for ${outC} channels`);
  const ay = convAxis(H, k, o.stride, o.padding);
  const ax = convAxis(W, k, o.stride, o.padding);
  const accFrac = accFracFor(o.mode, weights, act.frac, o.bias?.fmt.frac);
  const biasAcc = (oc: number): bigint => (o.bias === undefined ? 0n : alignBias(o.bias.raw[oc] as bigint, o.bias.fmt.frac, accFrac));
  // Tap (ky, kx, ch) of output channel oc.
  const wAt = (oc: number, ky: number, kx: number, ch: number): Po2 =>
    (depthwise ? weights[(ky * k + kx) * C + ch] : weights[((oc * k + ky) * k + kx) * C + ch]) as Po2;
  const chans = (oc: number): [number, number] => (depthwise ? [oc, oc + 1] : [0, C]);
  function* taps(oc: number): Generator<Po2> {
    const [c0, c1] = chans(oc);
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let ch = c0; ch < c1; ch++) yield wAt(oc, ky, kx, ch);
  }
  const { channelRanges, fmt } = channelAccRanges(outC, taps, biasAcc, act, accFrac, o.mode);
  let levels = 0;
  if (o.pipelineEvery > 0) {
    // Which kernel rows (columns) fall inside the frame, per output row (column): a few distinct masks.
    const masks = (axis: { out: number; padBefore: number }, size: number): number[][] => {
      const seen = new Map<string, number[]>();
      for (let i = 0; i < axis.out; i++) {
        const m: number[] = [];
        for (let t = 0; t < k; t++) {
          const at = i * o.stride - axis.padBefore + t;
          if (at >= 0 && at < size) m.push(t);
        }
        seen.set(m.join(','), m);
      }
      return [...seen.values()];
    };
    const rows = masks(ay, H);
    const cols = masks(ax, W);
    for (let oc = 0; oc < outC; oc++) {
      const [c0, c1] = chans(oc);
      for (const ry of rows)
        for (const cx of cols) {
          const ws: Po2[] = [];
          for (const ky of ry) for (const kx of cx) for (let ch = c0; ch < c1; ch++) ws.push(wAt(oc, ky, kx, ch));
          levels = Math.max(levels, po2TreeLevelsFor(ws, { act, accFrac, mode: o.mode, bias: biasAcc(oc) }));
        }
    }
  }
  return { shape: [ay.out, ax.out, outC], fmt, accFrac, channelRanges, levels, latency: o.pipelineEvery > 0 ? Math.floor(levels / o.pipelineEvery) : 0 };
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
  const plan = streamingPlan([H, W, C], act, weights, outC, k, depthwise, { padding, stride, mode, pipelineEvery: every, ...(opts.bias ? { bias: opts.bias } : {}) });
  const { ready, win, emit } = slidingWindow(io, { k, height: H, width: W, padding: p, stride, lineBuffer: opts.lineBuffer ?? 'registers', padValue: 0n });

  // One tree per output channel over the (masked) window.
  const accW = formatWidth(plan.fmt);
  const acc: SIntValue[] = [];
  let adders = 0;
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
    // Built in place rather than as a Po2Dot instance: every channel's tree is
    // distinct (nothing to share), and a whole MobileNetV2 would be ~18k modules.
    const tree = po2AdderTree(
      ws.map((w, i) => ({ x: inputs[i] as SIntValue, w })),
      { act, accFrac: plan.accFrac, mode, bias, pipelineEvery: every, ...(plan.levels > 0 ? { levels: plan.levels } : {}) },
    );
    acc.push(fitWidth(tree.out, accW));
    adders += tree.adders;
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
    adders,
  };
}

/** A k x k window sliding over a pixel stream (shared by the streaming convolutions and max pool). */
export interface SlidingWindow {
  /** Low at padding positions (the source holds its pixel). */
  readonly ready: BoolValue;
  /** win[kx][ky][ch] (kx = k - 1 newest column, ky = 0 top row), registers, padding positions hold `padValue`. */
  readonly win: readonly (readonly (readonly SIntValue[])[])[];
  /** High the cycle after the position that completes an output window (stride applied). */
  readonly emit: BoolValue;
}

/**
 * The padded-grid walk, line buffers and window registers of a streaming
 * k x k layer with symmetric padding p ((k - 1) / 2 or 0) and stride 1 or 2.
 */
export function slidingWindow(
  io: StreamingConvPorts,
  o: { k: number; height: number; width: number; padding: number; stride: number; lineBuffer: LineBufferForm; padValue: bigint },
): SlidingWindow {
  const { k, height: H, width: W, padding: p, stride } = o;
  const C = io.pixel.length;
  const aw = (io.pixel[0] as SIntValue).width;
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
  const pix = io.pixel.map((v) => (p > 0 ? mux(ready, v, o.padValue) : v));

  // Newest window column, top row first: rows r-(k-1) .. r at column c.
  const column = k > 1 && o.lineBuffer === 'memory' ? memoryLines(pix, k, Wg, aw, c, adv) : registerLines(pix, k, Wg, adv);
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
  return { ready, win, emit };
}

/** Line buffers as shift registers: line j delays by (j + 1) rows of the grid. Returns the newest window column. */
function registerLines(pix: readonly SIntValue[], k: number, Wg: number, adv: BoolValue): (readonly SIntValue[])[] {
  const C = pix.length;
  const aw = (pix[0] as SIntValue).width;
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
  const column: (readonly SIntValue[])[] = [];
  for (let ky = 0; ky < k; ky++) {
    const j = k - 2 - ky; // line j holds row r - (j + 1)
    column.push(j >= 0 ? ((lines[j] as SIntValue[][])[Wg - 1] as SIntValue[]) : pix);
  }
  return column;
}

/** Concatenation, most significant first, as a balanced tree (no long chains of `cat` nodes). */
function catAll(vs: readonly (SIntValue | UIntValue)[]): UIntValue {
  if (vs.length === 1) return (vs[0] as SIntValue | UIntValue).asUInt();
  const h = vs.length >> 1;
  return catAll(vs.slice(0, h)).cat(catAll(vs.slice(h)));
}

/**
 * Line buffers in a circular memory of Wg words, addressed by the grid
 * column c: word c holds the pixels of rows r-1 .. r-(k-1) at column c (all
 * channels side by side; channels split over several memories if a word would
 * exceed MAX_MEM_WORD bits). At an accepted position the word of column c is read
 * and written back shifted by one row (the new pixel in front): exactly what
 * the shift registers hold at their far end. The read is synchronous: each
 * cycle reads the column the grid is at in the next cycle, so the data is
 * there when needed; the write at column c never meets a read of c (the grid
 * has moved on, Wg >= 2). Right after reset the first word read may be of
 * another column: it belongs to the padding walk, like the registers' stale
 * contents (see the header).
 */
function memoryLines(pix: readonly SIntValue[], k: number, Wg: number, aw: number, c: UIntValue, adv: BoolValue): (readonly SIntValue[])[] {
  const rows = k - 1;
  if (Wg < 2) throw new RangeError(`streaming: a memory line buffer needs a grid at least 2 wide, got ${Wg}`);
  const wrap = c.eq(Wg - 1);
  const cNext = mux(adv, mux(wrap, 0, c.addWrap(1)), c);
  const group = Math.max(1, Math.floor(MAX_MEM_WORD / (rows * aw)));
  const parts: (readonly SIntValue[])[][] = [];
  for (let c0 = 0; c0 < pix.length; c0 += group) parts.push(memoryLineGroup(pix.slice(c0, c0 + group), k, Wg, aw, c, cNext, adv));
  return Array.from({ length: k }, (_, ky) => parts.flatMap((p) => p[ky] as readonly SIntValue[]));
}

/** Widest memory word built (bits); wider layers split their channels over several memories. */
const MAX_MEM_WORD = 16384;

function memoryLineGroup(pix: readonly SIntValue[], k: number, Wg: number, aw: number, c: UIntValue, cNext: UIntValue, adv: BoolValue): (readonly SIntValue[])[] {
  const C = pix.length;
  const rows = k - 1;
  const mem = SyncReadMem(Wg, UInt(rows * C * aw), { readUnderWrite: 'undefined' });
  const word = mem.read(cNext, true);
  // Row r - (j + 1), channel ch at bits [(j C + ch + 1) aw - 1, (j C + ch) aw].
  const old: SIntValue[][] = Array.from({ length: rows }, (_, j) =>
    Array.from({ length: C }, (_, ch) => word.bits((j * C + ch + 1) * aw - 1, (j * C + ch) * aw).asSInt()),
  );
  // New word: row r (the pixel) in slot 0, row r - j in slot j; most significant slot first.
  const slots: SIntValue[] = [];
  for (let j = rows - 1; j >= 0; j--) for (let ch = C - 1; ch >= 0; ch--) slots.push((j === 0 ? pix : (old[j - 1] as SIntValue[]))[ch] as SIntValue);
  when(adv, () => mem.write(c, catAll(slots)));
  const column: (readonly SIntValue[])[] = [];
  for (let ky = 0; ky < k; ky++) {
    const j = k - 2 - ky;
    column.push(j >= 0 ? (old[j] as SIntValue[]) : pix);
  }
  return column;
}
