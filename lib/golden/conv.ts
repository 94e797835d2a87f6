/**
 * Golden convolution-family layers on HWC tensors with Po2 weights. They return
 * the wide accumulator (before activation and requantization; see post.ts).
 *
 * Weight layouts (flat arrays, row-major):
 *  - conv2d    : OHWI, weights[((o * k + ky) * k + kx) * C + i]   (outC x k x k x C)
 *  - depthwise : HWC,  weights[(ky * k + kx) * C + c]             (k x k x C, multiplier 1)
 *  - pointwise : OI,   weights[o * C + i]                         (= conv2d with k = 1)
 *  - linear    : OI over the flattened HWC input                  (= pointwise on 1 x 1 x N)
 * Each output is `dotRaw` over its window (zero padding contributes nothing)
 * plus its channel's bias. The accumulator frac is one per layer (exact mode:
 * the largest any channel needs, i.e. aligned to the layer's smallest exponent
 * and the bias frac; truncating mode: the mode's frac). The accumulator format
 * is the smallest holding every channel's exact node range (`channelRanges`).
 */
import { formatForRange, type QFormat } from '../fixed/format.ts';
import { minBig, maxBig } from '../fixed/bigint.ts';
import type { Po2 } from '../po2/po2.ts';
import { EXACT, accFracFor, alignBias, po2Term, po2TermRange, type AccumulateMode } from './accumulate.ts';
import { convAxis, type Padding } from './geometry.ts';
import { hwcIndex, type FixedTensor } from './tensor.ts';

/** One fixed-point bias per output channel, in a common format. */
export interface BiasVector {
  readonly raw: readonly bigint[];
  readonly fmt: QFormat;
}

export interface AccTensor extends FixedTensor {
  /** Per output channel [lo, hi] of the accumulator over all inputs of the input format. */
  readonly channelRanges: readonly (readonly [bigint, bigint])[];
}

export interface ConvOptions {
  readonly stride?: number;
  readonly padding?: Padding;
  readonly mode?: AccumulateMode;
  readonly bias?: BiasVector;
}

interface Tap {
  readonly ky: number;
  readonly kx: number;
  readonly ic: number;
  readonly w: Po2;
}

function convCore(x: FixedTensor, kernel: number, outC: number, taps: readonly (readonly Tap[])[], opts: ConvOptions): AccTensor {
  const stride = opts.stride ?? 1;
  if (stride !== 1 && stride !== 2) throw new RangeError(`stride must be 1 or 2, got ${stride}`);
  const padding = opts.padding ?? 'same';
  const mode = opts.mode ?? EXACT;
  const bias = opts.bias;
  if (bias !== undefined && bias.raw.length !== outC) throw new RangeError(`bias has ${bias.raw.length} entries for ${outC} channels`);
  const ay = convAxis(x.shape[0], kernel, stride, padding);
  const ax = convAxis(x.shape[1], kernel, stride, padding);
  const allW = taps.flatMap((ts) => ts.map((t) => t.w));
  const accFrac = accFracFor(mode, allW, x.fmt.frac, bias?.fmt.frac);
  const biasAcc = (oc: number): bigint => (bias === undefined ? 0n : alignBias(bias.raw[oc] as bigint, bias.fmt.frac, accFrac));

  const channelRanges: [bigint, bigint][] = taps.map((ts, oc) => {
    let lo = biasAcc(oc);
    let hi = lo;
    for (const t of ts) {
      const [a, b] = po2TermRange(t.w, x.fmt, accFrac, mode);
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

  const shape = [ay.out, ax.out, outC] as const;
  const data: bigint[] = new Array<bigint>(ay.out * ax.out * outC);
  const [H, W] = x.shape;
  for (let oy = 0; oy < ay.out; oy++) {
    for (let ox = 0; ox < ax.out; ox++) {
      for (let oc = 0; oc < outC; oc++) {
        let s = biasAcc(oc);
        for (const t of taps[oc] as readonly Tap[]) {
          if (t.w.sign === 0) continue;
          const iy = oy * stride - ay.padBefore + t.ky;
          const ix = ox * stride - ax.padBefore + t.kx;
          if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
          s += po2Term(x.data[hwcIndex(x.shape, iy, ix, t.ic)] as bigint, x.fmt.frac, t.w, accFrac, mode);
        }
        data[hwcIndex(shape, oy, ox, oc)] = s;
      }
    }
  }
  return { shape, fmt: formatForRange(lo, hi, accFrac), data, channelRanges };
}

function checkLength(what: string, weights: readonly Po2[], n: number): void {
  if (weights.length !== n) throw new RangeError(`${what}: expected ${n} weights, got ${weights.length}`);
}

/** Full convolution, k x k x C per output, OHWI weights. */
export function conv2dAcc(x: FixedTensor, weights: readonly Po2[], outC: number, kernel: number, opts: ConvOptions = {}): AccTensor {
  const C = x.shape[2];
  checkLength('conv2d', weights, outC * kernel * kernel * C);
  const taps: Tap[][] = [];
  for (let o = 0; o < outC; o++) {
    const ts: Tap[] = [];
    for (let ky = 0; ky < kernel; ky++)
      for (let kx = 0; kx < kernel; kx++)
        for (let i = 0; i < C; i++) ts.push({ ky, kx, ic: i, w: weights[((o * kernel + ky) * kernel + kx) * C + i] as Po2 });
    taps.push(ts);
  }
  return convCore(x, kernel, outC, taps, opts);
}

/**
 * Grouped convolution, OHWI weights with I = C / groups: output channel o reads
 * input channels g I .. g I + I - 1, g = floor(o / (outC / groups)). groups 1 is
 * conv2dAcc; groups = C = outC is depthwiseAcc (with the weights as HWC).
 */
export function groupedConvAcc(x: FixedTensor, weights: readonly Po2[], outC: number, kernel: number, groups: number, opts: ConvOptions = {}): AccTensor {
  const C = x.shape[2];
  if (!Number.isSafeInteger(groups) || groups < 1 || C % groups !== 0 || outC % groups !== 0) throw new RangeError(`groupedConv: groups ${groups} must divide ${C} input and ${outC} output channels`);
  const I = C / groups;
  checkLength('groupedConv', weights, outC * kernel * kernel * I);
  const taps: Tap[][] = [];
  for (let o = 0; o < outC; o++) {
    const g = Math.floor(o / (outC / groups));
    const ts: Tap[] = [];
    for (let ky = 0; ky < kernel; ky++)
      for (let kx = 0; kx < kernel; kx++)
        for (let i = 0; i < I; i++) ts.push({ ky, kx, ic: g * I + i, w: weights[((o * kernel + ky) * kernel + kx) * I + i] as Po2 });
    taps.push(ts);
  }
  return convCore(x, kernel, outC, taps, opts);
}

/** Depthwise convolution (channel multiplier 1), k x k per channel, HWC weights. */
export function depthwiseAcc(x: FixedTensor, weights: readonly Po2[], kernel: number, opts: ConvOptions = {}): AccTensor {
  const C = x.shape[2];
  checkLength('depthwise', weights, kernel * kernel * C);
  const taps: Tap[][] = [];
  for (let c = 0; c < C; c++) {
    const ts: Tap[] = [];
    for (let ky = 0; ky < kernel; ky++)
      for (let kx = 0; kx < kernel; kx++) ts.push({ ky, kx, ic: c, w: weights[(ky * kernel + kx) * C + c] as Po2 });
    taps.push(ts);
  }
  return convCore(x, kernel, C, taps, opts);
}

/** 1 x 1 convolution, OI weights (stride applies; padding is always 'valid'). */
export function pointwiseAcc(x: FixedTensor, weights: readonly Po2[], outC: number, opts: Omit<ConvOptions, 'padding'> = {}): AccTensor {
  return conv2dAcc(x, weights, outC, 1, { ...opts, padding: 'valid' });
}

/** Fully connected layer over the flattened (HWC order) input; result shape 1 x 1 x outF. */
export function linearAcc(x: FixedTensor, weights: readonly Po2[], outF: number, opts: Pick<ConvOptions, 'mode' | 'bias'> = {}): AccTensor {
  const flat: FixedTensor = { shape: [1, 1, x.data.length], fmt: x.fmt, data: x.data };
  return pointwiseAcc(flat, weights, outF, opts);
}
