// A network graph with its Po2 weights (lib/nets/graph.ts) to the MS engine's
// integer layers, exactly: msNetGolden of the result equals graphGolden of the
// graph on every input. Signed Q formats become unsigned fields with a zero point;
// a ReLU'd tensor an unsigned field without one; the scale of each layer goes into
// its shift (and a power-of-two multiplier when the output is finer than the
// accumulator). Anything that would not be exact is refused, naming the node.
import { inferGraph, GraphError } from '../../nets/graph.ts';
import type { Graph, GraphNode, ConvNode, Requant } from '../../nets/graph.ts';
import { clipRawBounds } from '../../golden/post.ts';
import { formatName, formatWidth, rawMax, rawMin, type QFormat } from '../../fixed/format.ts';
import type { FixedTensor } from '../../golden/tensor.ts';
import type { MsLayer, MsMap } from './golden.ts';
import type { MsBits } from './plan.ts';
import { MS_BITS } from './plan.ts';
import { msConvChain } from './from-graph.ts';

/** How a graph tensor sits in the engine: unsigned `bits`-bit fields u, the graph's raw value u - zero in `fmt`. */
export interface MsFeatureFormat {
  readonly bits: MsBits;
  readonly zero: number;
  readonly fmt: QFormat;
}

export interface MsGraphProgram {
  /** The conv nodes' names, one per engine layer. */
  readonly layerNames: readonly string[];
  readonly layers: readonly MsLayer[];
  readonly input: MsFeatureFormat;
  readonly output: MsFeatureFormat;
}

const INT32 = 2n ** 31n;

/** The graph input (HWC, signed raw) as the engine's first map (CHW, unsigned fields). */
export function msMapFromTensor(t: FixedTensor, f: MsFeatureFormat): MsMap {
  const [h, w, c] = t.shape;
  const values: number[] = new Array<number>(c * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) values[(ch * h + y) * w + x] = Number(t.data[(y * w + x) * c + ch]!) + f.zero;
  return { c, h, w, values };
}

/** An engine map back to the graph's raw values (HWC order, as graphGolden's tensors). */
export function msMapToRaw(m: MsMap, f: MsFeatureFormat): bigint[] {
  const out: bigint[] = new Array<bigint>(m.c * m.h * m.w);
  for (let y = 0; y < m.h; y++) for (let x = 0; x < m.w; x++) for (let ch = 0; ch < m.c; ch++) out[(y * m.w + x) * m.c + ch] = BigInt(m.values[(ch * m.h + y) * m.w + x]! - f.zero);
  return out;
}

/** The smallest engine width holding every value; undefined if none does. */
function fitBits(lo: bigint, hi: bigint, signed: boolean): MsBits | undefined {
  return MS_BITS.find((b) => (signed ? lo >= -(1n << BigInt(b - 1)) && hi < 1n << BigInt(b - 1) : lo >= 0n && hi < 1n << BigInt(b)));
}

/**
 * The engine's layers for a plain chain of full convs, each followed by one `requantize`
 * (rounding 'floor') and at most one relu / relu6 / clip before or after it.
 */
export function msCompileGraph(g: Graph): MsGraphProgram {
  const info = inferGraph(g);
  const fail = (node: string | undefined, message: string): never => {
    throw new GraphError(g.name, node, `${message} (memory-stationary engine)`);
  };
  const inBitsGraph = formatWidth(g.input.fmt);
  if (!MS_BITS.includes(inBitsGraph as MsBits)) fail(undefined, `the input ${formatName(g.input.fmt)} is ${inBitsGraph} bits wide; the engine packs 2-, 4- or 8-bit features: give the input a 2-, 4- or 8-bit format`);
  const input: MsFeatureFormat = { bits: inBitsGraph as MsBits, zero: 2 ** (inBitsGraph - 1), fmt: g.input.fmt };
  let prev = input;
  const layers: MsLayer[] = [];
  const names: string[] = [];
  for (const step of msConvChain(g, fail)) {
    const conv = step.conv as ConvNode;
    const where = conv.name;
    const [hIn, wIn, cin] = info.tensors.get(conv.input)!.shape;
    if ((conv.params.mode ?? { kind: 'exact' }).kind !== 'exact') fail(where, 'a truncating accumulation mode: the engine sums exactly; use the exact mode');
    const requants = step.post.filter((n): n is Extract<GraphNode, { op: 'requantize' }> => n.op === 'requantize');
    const acts = step.post.filter((n) => n.op !== 'requantize');
    if (requants.length !== 1) fail(where, `${requants.length === 0 ? 'no requantize after it' : `${requants.length} requantize nodes after it`}: the engine requantizes each conv's accumulator once; follow each conv by exactly one requantize node`);
    if (acts.length > 1) fail(acts[1]!.name, 'a second activation in one layer: the engine clamps once per layer');
    const rq = requants[0]!;
    const out: Requant = rq.out;
    if (out.rounding !== 'floor') fail(rq.name, `rounding '${out.rounding}': the engine's requantizer adds a constant before its shift, which gives floor exactly but not half-even; requantize with rounding 'floor'`);
    const nIn = prev.fmt.frac;
    const nOut = out.fmt.frac;
    const accFrac = info.tensors.get(conv.name)!.fmt.frac;

    // Weights: integers s 2^(e - emin + j), the accumulator's LSB 2^-(nIn - emin + j).
    const ws = conv.params.weights;
    const nz = ws.filter((w) => w.sign !== 0);
    const emin = nz.length > 0 ? Math.min(...nz.map((w) => w.exp)) : 0;
    const bias = conv.params.bias;
    const biasFrac = bias !== undefined && bias.raw.some((r) => r !== 0n) ? bias.fmt.frac : -Infinity;
    const j = Math.max(0, biasFrac - (nIn - emin));
    const lsbFrac = nIn - emin + j;
    const k = conv.kernel;
    const weights: bigint[] = new Array<bigint>(conv.outChannels * cin * k * k);
    for (let o = 0; o < conv.outChannels; o++)
      for (let t = 0; t < k * k; t++)
        for (let i = 0; i < cin; i++) {
          const w = ws[(o * k * k + t) * cin + i]!;
          weights[(o * cin + i) * k * k + t] = w.sign === 0 ? 0n : BigInt(w.sign) << BigInt(w.exp - emin + j);
        }
    const wLo = weights.reduce((a, v) => (v < a ? v : a), 0n);
    const wHi = weights.reduce((a, v) => (v > a ? v : a), 0n);
    const weightBits = fitBits(wLo, wHi, true);
    if (weightBits === undefined)
      fail(where, `its weights as integers span ${wLo} .. ${wHi} (exponents ${emin} .. ${Math.max(...nz.map((w) => w.exp))}${j > 0 ? `, shifted ${j} more to align the bias` : ''}): more than the engine's 8-bit weights; narrow the layer's exponent range (fewer weight bits when training)`);

    // Scale: y = floor(acc 2^(nOut - lsbFrac)) as floor((acc m + 2^(sh-1)) / 2^sh).
    const sh0 = lsbFrac - nOut;
    const shift = sh0 >= 1 ? sh0 : 1;
    const multiplier = sh0 >= 1 ? 1 : 2 ** (1 - sh0);
    if (shift > 31) fail(rq.name, `needs a shift of ${shift}; the engine shifts at most 31: the output format ${formatName(out.fmt)} is too coarse for the accumulator`);
    if (multiplier >= 2 ** 16) fail(rq.name, `needs a multiplier of ${multiplier}; the engine's is 16 bits: the output format ${formatName(out.fmt)} is too fine for the accumulator`);
    // The requantizer adds 2^(shift-1); with multiplier 1 the bias takes it back, so the result is floor.
    const roundBack = sh0 >= 1 ? 1n << BigInt(sh0 - 1) : 0n;
    const biasInt = Array.from({ length: conv.outChannels }, (_, o) => {
      const r = bias === undefined ? 0n : bias.raw[o]!;
      return (r === 0n ? 0n : r << BigInt(lsbFrac - bias!.fmt.frac)) - roundBack;
    });

    // Clamp: the format's saturation and the activation's bounds, as raw output values.
    let lo = rawMin(out.fmt);
    let hi = rawMax(out.fmt, out.saturation ?? 'full');
    const act = acts[0];
    if (act !== undefined) {
      const [aLo, aHi] = act.op === 'relu' ? [0n, undefined] : act.op === 'relu6' ? clipRawBounds(0, 6, nOut) : act.op === 'clip' ? clipRawBounds(act.min, act.max, nOut) : fail(act.name, `${act.op} is not an activation the engine runs`);
      // Before the requantize the bound applies on the accumulator's grid: the same only if it lies on the output's grid too.
      if (step.post.indexOf(act) < step.post.indexOf(rq) && act.op !== 'relu') {
        const [gLo, gHi] = act.op === 'relu6' ? clipRawBounds(0, 6, accFrac) : clipRawBounds((act as { min: number }).min, (act as { max: number }).max, accFrac);
        const scale = (v: bigint | undefined) => (v === undefined ? undefined : accFrac >= nOut ? v >> BigInt(accFrac - nOut) : v << BigInt(nOut - accFrac));
        if (scale(gLo) !== aLo || scale(gHi) !== aHi) fail(act.name, `its bounds are not on the output format's grid (${formatName(out.fmt)}): move it after the requantize or use bounds that are multiples of 2^-${nOut}`);
      }
      if (aLo !== undefined && aLo > lo) lo = aLo;
      if (aHi !== undefined && aHi < hi) hi = aHi;
    }
    let layerOut: MsFeatureFormat;
    if (lo === rawMin(out.fmt)) {
      const bits = formatWidth(out.fmt);
      if (!MS_BITS.includes(bits as MsBits) || hi !== rawMax(out.fmt))
        fail(rq.name, `a signed output ${formatName(out.fmt)} (${bits} bits${hi !== rawMax(out.fmt) ? `, clamped above at raw ${hi}` : ''}): the engine stores 2-, 4- or 8-bit fields and clamps them to their full range; use a 2-, 4- or 8-bit format without an upper clip`);
      layerOut = { bits: bits as MsBits, zero: 2 ** (bits - 1), fmt: out.fmt };
    } else if (lo === 0n) {
      const bits = MS_BITS.find((b) => hi === (1n << BigInt(b)) - 1n);
      if (bits === undefined)
        fail(act?.name ?? rq.name, `outputs ${formatName(out.fmt)} clamped to 0 .. ${hi} (raw): the engine stores unsigned 2-, 4- or 8-bit fields clamped to 0 .. 3, 15 or 255; after a ReLU use a 3-, 5- or 9-bit signed format (e.g. Q${9 - nOut}.${nOut} for 0 .. 255) so the clamp is the field's`);
      layerOut = { bits: bits!, zero: 0, fmt: out.fmt };
    } else {
      return fail(act?.name ?? rq.name, `clamps below at raw ${lo}: the engine clamps at its field's 0 (a zero point or none); use relu, relu6 or no lower clip`);
    }

    // The accumulator stays inside int32 for every input.
    const maxIn = BigInt(Math.max(prev.zero, 2 ** prev.bits - 1 - prev.zero));
    for (let o = 0; o < conv.outChannels; o++) {
      let s = biasInt[o]! < 0n ? -biasInt[o]! : biasInt[o]!;
      for (let t = 0; t < cin * k * k; t++) {
        const w = weights[o * cin * k * k + t]!;
        s += (w < 0n ? -w : w) * maxIn;
      }
      if (s >= INT32) fail(where, `output channel ${o}'s accumulator can reach ${s}, beyond the engine's int32: fewer input channels per layer or a narrower exponent range`);
    }
    layers.push({
      cin,
      cout: conv.outChannels,
      hIn,
      wIn,
      k,
      stride: conv.stride,
      pad: conv.padding,
      inBits: prev.bits,
      outBits: layerOut.bits,
      weightBits: weightBits!,
      weights: weights.map(Number),
      bias: biasInt.map(Number),
      multiplier: new Array<number>(conv.outChannels).fill(multiplier),
      shift,
      inZero: prev.zero,
      outZero: layerOut.zero,
    });
    names.push(conv.name);
    prev = layerOut;
  }
  return { layerNames: names, layers, input, output: prev };
}
