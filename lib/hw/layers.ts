/**
 * Unrolled hardened layers: the whole (small) feature map computed in
 * parallel, one Po2 adder tree per output element, weights wired in.
 *
 * Tensors are `HwTensor`s: HWC arrays of SInt values sharing one fixed-point
 * format (each value exactly formatWidth(fmt) bits), like golden/tensor.ts.
 * Every function here mirrors a golden model and produces the same integers:
 *  - conv2dHw / depthwiseHw / pointwiseHw / linearHw  <->  conv2dAcc / depthwiseAcc / pointwiseAcc / linearAcc
 *    (the wide accumulator, in the golden accumulator format)
 *  - layerOutputHw                                     <->  layerOutput
 *  - residualAddHw                                     <->  residualAdd
 *  - globalAvgPoolHw                                   <->  globalAvgPool
 *
 * Each output element's tree is a `Po2Dot` instance over its nonzero taps (a
 * tap outside the zero-padded border is simply absent), so equal trees (the
 * interior pixels of one channel) are one module definition. With
 * `pipelineEvery` every tree of the layer spans the same number of levels and
 * the whole layer has one latency.
 */
import { instance } from '../../dsl/index.ts';
import type { SIntValue } from '../../dsl/index.ts';
import { maxBig, minBig } from '../fixed/bigint.ts';
import { formatForRange, formatWidth, type QFormat, type Saturation } from '../fixed/format.ts';
import { addFormat } from '../fixed/fixed.ts';
import { EXACT, accFracFor, alignBias, po2TermRange, type AccumulateMode } from '../golden/accumulate.ts';
import type { BiasVector } from '../golden/conv.ts';
import { convAxis, type Padding } from '../golden/geometry.ts';
import type { LayerOutputOptions } from '../golden/post.ts';
import type { RoundingMode } from '../fixed/rounding.ts';
import { hwcIndex, type Shape3 } from '../golden/tensor.ts';
import type { Po2 } from '../po2/po2.ts';
import { po2TreeLevelsFor } from './adder-tree.ts';
import { Po2Dot, encodeWeights, modeName } from './dot-module.ts';
import { fitWidth, requantizeHw } from './post.ts';

export interface HwTensor {
  readonly shape: Shape3;
  readonly fmt: QFormat;
  /** HWC order, each exactly formatWidth(fmt) bits. */
  readonly data: readonly SIntValue[];
}

export interface AccHwTensor extends HwTensor {
  /** Per output channel [lo, hi] of the accumulator (as the golden `channelRanges`). */
  readonly channelRanges: readonly (readonly [bigint, bigint])[];
  /** Register stages from the input to `data`. */
  readonly latency: number;
  /** Adders built over all output elements (each tree's count as built; instances of one tree count each time). */
  readonly adders: number;
}

export interface HwConvOptions {
  readonly stride?: number;
  readonly padding?: Padding;
  readonly mode?: AccumulateMode;
  readonly bias?: BiasVector;
  /** Register every k-th adder level (0: combinational). */
  readonly pipelineEvery?: number;
}

interface Tap {
  readonly ky: number;
  readonly kx: number;
  readonly ic: number;
  readonly w: Po2;
}

function checkTensor(x: HwTensor): void {
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  if (x.data.length !== n) throw new RangeError(`HwTensor: ${x.data.length} values for shape [${x.shape.join(', ')}]`);
  const w = formatWidth(x.fmt);
  for (const v of x.data) if (v.width !== w) throw new RangeError(`HwTensor: a ${v.width}-bit value in a ${w}-bit format`);
}

/**
 * Each output channel's exact accumulator range (its bias plus every tap's
 * term range) and the one format that holds them all (and zero).
 */
export function channelAccRanges(
  outC: number,
  weightsOf: (oc: number) => Iterable<Po2>,
  biasAcc: (oc: number) => bigint,
  act: QFormat,
  accFrac: number,
  mode: AccumulateMode,
): { channelRanges: [bigint, bigint][]; fmt: QFormat } {
  const channelRanges = Array.from({ length: outC }, (_, oc): [bigint, bigint] => {
    let lo = biasAcc(oc);
    let hi = lo;
    for (const w of weightsOf(oc)) {
      const [a, b] = po2TermRange(w, act, accFrac, mode);
      lo += a;
      hi += b;
    }
    return [lo, hi];
  });
  let lo = 0n;
  let hi = 0n;
  for (const [a, b] of channelRanges) {
    lo = minBig(lo, a);
    hi = maxBig(hi, b);
  }
  return { channelRanges, fmt: formatForRange(lo, hi, accFrac) };
}

/** Everything about an unrolled conv-family layer that does not need hardware. */
export interface ConvPlan {
  readonly shape: Shape3;
  readonly fmt: QFormat;
  readonly accFrac: number;
  readonly channelRanges: readonly (readonly [bigint, bigint])[];
  /** One tree per output element: its HWC index, channel, input HWC indices and weights (nonzero taps only). */
  readonly jobs: readonly { readonly idx: number; readonly oc: number; readonly inputs: readonly number[]; readonly ws: readonly Po2[] }[];
  readonly levels: number;
  readonly latency: number;
  /** Sum of `treeAdders` (exact, except an upper bound in floor-signed truncation). */
  readonly adders: number;
}

function planConv(inShape: Shape3, act: QFormat, kernel: number, outC: number, taps: readonly (readonly Tap[])[], opts: HwConvOptions): ConvPlan {
  const stride = opts.stride ?? 1;
  if (stride !== 1 && stride !== 2) throw new RangeError(`stride must be 1 or 2, got ${stride}`);
  const padding = opts.padding ?? 'same';
  const mode = opts.mode ?? EXACT;
  const bias = opts.bias;
  if (bias !== undefined && bias.raw.length !== outC) throw new RangeError(`bias has ${bias.raw.length} entries for ${outC} channels`);
  const ay = convAxis(inShape[0], kernel, stride, padding);
  const ax = convAxis(inShape[1], kernel, stride, padding);
  const accFrac = accFracFor(mode, taps.flat().map((t) => t.w), act.frac, bias?.fmt.frac);
  const biasAcc = (oc: number): bigint => (bias === undefined ? 0n : alignBias(bias.raw[oc] as bigint, bias.fmt.frac, accFrac));

  const { channelRanges, fmt } = channelAccRanges(taps.length, (oc) => (taps[oc] as Tap[]).map((t) => t.w), biasAcc, act, accFrac, mode);

  const [H, W] = inShape;
  const shape: Shape3 = [ay.out, ax.out, outC];
  const jobs: { idx: number; oc: number; inputs: number[]; ws: Po2[] }[] = [];
  for (let oy = 0; oy < ay.out; oy++) {
    for (let ox = 0; ox < ax.out; ox++) {
      for (let oc = 0; oc < outC; oc++) {
        const inputs: number[] = [];
        const ws: Po2[] = [];
        for (const t of taps[oc] as readonly Tap[]) {
          if (t.w.sign === 0) continue;
          const iy = oy * stride - ay.padBefore + t.ky;
          const ix = ox * stride - ax.padBefore + t.kx;
          if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
          inputs.push(hwcIndex(inShape, iy, ix, t.ic));
          ws.push(t.w);
        }
        jobs.push({ idx: hwcIndex(shape, oy, ox, oc), oc, inputs, ws });
      }
    }
  }
  const every = opts.pipelineEvery ?? 0;
  const treeOpts = (oc: number) => ({ act, accFrac, mode, bias: biasAcc(oc) });
  const levels = every > 0 ? Math.max(0, ...jobs.map((j) => po2TreeLevelsFor(j.ws, treeOpts(j.oc)))) : 0;
  const latency = every > 0 ? Math.floor(levels / every) : 0;
  const adders = jobs.reduce((a, j) => a + treeAdders(j.ws, treeOpts(j.oc)), 0);
  return { shape, fmt, accFrac, channelRanges, jobs, levels, latency, adders };
}

function convCoreHw(x: HwTensor, kernel: number, outC: number, taps: readonly (readonly Tap[])[], opts: HwConvOptions): AccHwTensor {
  checkTensor(x);
  const plan = planConv(x.shape, x.fmt, kernel, outC, taps, opts);
  const mode = opts.mode ?? EXACT;
  const bias = opts.bias;
  const biasAcc = (oc: number): bigint => (bias === undefined ? 0n : alignBias(bias.raw[oc] as bigint, bias.fmt.frac, plan.accFrac));
  const data: SIntValue[] = new Array<SIntValue>(plan.jobs.length);
  const accW = formatWidth(plan.fmt);
  let adders = 0;
  for (const j of plan.jobs) {
    const dot = instance(Po2Dot, {
      weights: encodeWeights(j.ws),
      actInt: x.fmt.int,
      actFrac: x.fmt.frac,
      accFrac: plan.accFrac,
      mode: modeName(mode),
      bias: biasAcc(j.oc).toString(),
      pipelineEvery: opts.pipelineEvery ?? 0,
      levels: plan.levels,
    });
    j.inputs.forEach((xi, i) => dot.t?.at(i).connect(x.data[xi] as SIntValue));
    data[j.idx] = fitWidth(dot.y, accW);
    adders += dot.adders;
  }
  return { shape: plan.shape, fmt: plan.fmt, data, channelRanges: plan.channelRanges, latency: plan.latency, adders };
}

function conv2dTaps(C: number, weights: readonly Po2[], outC: number, kernel: number): Tap[][] {
  checkLength('conv2d', weights, outC * kernel * kernel * C);
  const taps: Tap[][] = [];
  for (let o = 0; o < outC; o++) {
    const ts: Tap[] = [];
    for (let ky = 0; ky < kernel; ky++)
      for (let kx = 0; kx < kernel; kx++)
        for (let i = 0; i < C; i++) ts.push({ ky, kx, ic: i, w: weights[((o * kernel + ky) * kernel + kx) * C + i] as Po2 });
    taps.push(ts);
  }
  return taps;
}

function depthwiseTaps(C: number, weights: readonly Po2[], kernel: number): Tap[][] {
  checkLength('depthwise', weights, kernel * kernel * C);
  const taps: Tap[][] = [];
  for (let c = 0; c < C; c++) {
    const ts: Tap[] = [];
    for (let ky = 0; ky < kernel; ky++)
      for (let kx = 0; kx < kernel; kx++) ts.push({ ky, kx, ic: c, w: weights[(ky * kernel + kx) * C + c] as Po2 });
    taps.push(ts);
  }
  return taps;
}

/** The plan (output shape, accumulator format, latency, adders) of conv2dHw without building it. */
export function conv2dPlan(inShape: Shape3, act: QFormat, weights: readonly Po2[], outC: number, kernel: number, opts: HwConvOptions = {}): ConvPlan {
  return planConv(inShape, act, kernel, outC, conv2dTaps(inShape[2], weights, outC, kernel), opts);
}

/** The plan of depthwiseHw without building it. */
export function depthwisePlan(inShape: Shape3, act: QFormat, weights: readonly Po2[], kernel: number, opts: HwConvOptions = {}): ConvPlan {
  return planConv(inShape, act, kernel, inShape[2], depthwiseTaps(inShape[2], weights, kernel), opts);
}

/**
 * Adders of one tree, from the weights alone (what po2AdderTree builds): one per
 * pair of nonzero terms and the final constant adder unless the constant lies
 * entirely below the root LSB. In floor-signed truncation each negative weight
 * whose shift drops bits brings a one-bit correction that is usually free (an
 * adder's carry-in); this counts one adder for each, so it is an upper bound
 * there (exact otherwise).
 */
export function treeAdders(ws: readonly Po2[], o: { act: QFormat; accFrac: number; mode: AccumulateMode; bias?: bigint }): number {
  const nz = ws.filter((w) => w.sign !== 0);
  if (nz.length === 0) return 0;
  const ks = nz.map((w) => w.exp - o.act.frac + o.accFrac);
  const negs =
    o.mode.kind === 'truncate' && o.mode.negation !== 'subtract-floored' ? nz.filter((w, i) => w.sign < 0 && (ks[i] as number) < 0).length : 0;
  const allNeg = nz.every((w) => w.sign < 0) && negs === 0;
  const bias = o.bias ?? 0n;
  let final = 0;
  if (bias !== 0n || allNeg) {
    const L = Math.min(...ks.map((k) => Math.max(k, 0)));
    const c = bias + (allNeg ? 1n << BigInt(L) : 0n);
    final = c >> BigInt(L) !== 0n ? 1 : 0;
  }
  return nz.length - 1 + negs + final;
}

function checkLength(what: string, weights: readonly Po2[], n: number): void {
  if (weights.length !== n) throw new RangeError(`${what}: expected ${n} weights, got ${weights.length}`);
}

/** Full convolution, k x k x C per output, OHWI weights (as conv2dAcc). */
export function conv2dHw(x: HwTensor, weights: readonly Po2[], outC: number, kernel: number, opts: HwConvOptions = {}): AccHwTensor {
  return convCoreHw(x, kernel, outC, conv2dTaps(x.shape[2], weights, outC, kernel), opts);
}

/** Depthwise convolution (multiplier 1), HWC weights (as depthwiseAcc). */
export function depthwiseHw(x: HwTensor, weights: readonly Po2[], kernel: number, opts: HwConvOptions = {}): AccHwTensor {
  return convCoreHw(x, kernel, x.shape[2], depthwiseTaps(x.shape[2], weights, kernel), opts);
}

/** 1 x 1 convolution, OI weights (as pointwiseAcc). */
export function pointwiseHw(x: HwTensor, weights: readonly Po2[], outC: number, opts: Omit<HwConvOptions, 'padding'> = {}): AccHwTensor {
  return conv2dHw(x, weights, outC, 1, { ...opts, padding: 'valid' });
}

/** Fully connected over the flattened HWC input, result 1 x 1 x outF (as linearAcc). */
export function linearHw(x: HwTensor, weights: readonly Po2[], outF: number, opts: Pick<HwConvOptions, 'mode' | 'bias' | 'pipelineEvery'> = {}): AccHwTensor {
  return pointwiseHw({ shape: [1, 1, x.data.length], fmt: x.fmt, data: x.data }, weights, outF, opts);
}

/** Activation + requantization of a layer's accumulator (as layerOutput). */
export function layerOutputHw(acc: HwTensor & { channelRanges?: readonly (readonly [bigint, bigint])[] }, opts: LayerOutputOptions): HwTensor {
  checkTensor(acc);
  const C = acc.shape[2];
  const data = acc.data.map((v, i) => {
    const r = acc.channelRanges?.[i % C];
    return requantizeHw(v, acc.fmt.frac, opts.out, {
      activation: opts.activation ?? 'none',
      saturation: opts.saturation ?? 'full',
      ...(r ? { range: r } : {}),
      ...(opts.rounding === 'half-even' ? { rounding: opts.rounding } : {}),
    });
  });
  return { shape: acc.shape, fmt: opts.out, data };
}

/** Residual add: exact grown sum (binary points aligned), optionally requantized (as residualAdd). */
export function residualAddHw(a: HwTensor, b: HwTensor, out?: QFormat, sat: Saturation = 'full', rounding: RoundingMode = 'floor'): HwTensor {
  checkTensor(a);
  checkTensor(b);
  if (a.shape.some((d, i) => d !== b.shape[i])) throw new RangeError(`residualAddHw: shapes [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  const fmt = addFormat(a.fmt, b.fmt);
  const align = (v: SIntValue, f: number): SIntValue => (fmt.frac > f ? v.shl(fmt.frac - f) : v);
  const data = a.data.map((v, i) => align(v, a.fmt.frac).add(align(b.data[i] as SIntValue, b.fmt.frac)));
  const sum: HwTensor = { shape: a.shape, fmt, data };
  return out === undefined ? sum : layerOutputHw(sum, { out, saturation: sat, ...(rounding === 'half-even' ? { rounding } : {}) });
}
