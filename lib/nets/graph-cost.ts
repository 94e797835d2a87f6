/**
 * Adders and adder bits of a hardened graph without building it: for
 * networks of millions of weights (the families report, the paper's Fig. 4),
 * where elaborating 10^8 adders is not an option.
 *
 * Per conv/linear layer and output channel, the Po2 tree `po2AdderTree`
 * builds (exact mode) is planned on numbers: leaves sorted by LSB (stable),
 * paired level by level, each adder as wide as its node's exact range at the
 * coarser operand's LSB (the finer operand's low bits bypass it), plus the
 * bias adder unless the bias lies below the root's LSB. The adder count is
 * exactly `treeAdders` (tested); the bits follow the same sizing rule (a node
 * whose hardware carries the negated value may differ by one bit).
 *
 * Two forms: streaming (one tree per output channel, shared by all pixels) and
 * unrolled (the paper's: one tree per output element; a border window has only
 * the taps inside the frame, counted per distinct border case).
 *
 * Weights: seeded random Po2 per output row (no weight tensor is ever held:
 * VGG-16's first linear layer alone has 10^8 weights), drawn as
 * `randomGraphParams` draws a layer (exponent range from the fan-in rule,
 * exactly round(s n) pruned per row), layer l row o from PRNG seed + 7919 (l + 1) + 104729 o.
 */
import { rawMax, rawMin, type QFormat } from '../fixed/format.ts';
import { convAxis } from '../golden/geometry.ts';
import { expRangeFromBits } from '../po2/exp-range.ts';
import { pruneCount } from '../po2/prune.ts';
import { Prng } from '../util/prng.ts';
import { layerSlots, type Graph, type LayerParams, type LayerSlot } from './graph.ts';
import { fanInExpMax, isDenseByDefault, keptFanIn } from './graph-weights.ts';

export interface LayerCost {
  readonly name: string;
  readonly kind: LayerSlot['kind'];
  readonly weights: number;
  readonly nonzero: number;
  /** One tree per output channel. */
  readonly streamingAdders: number;
  readonly streamingBits: number;
  /** One tree per output element (the paper's form). */
  readonly unrolledAdders: number;
  readonly unrolledBits: number;
}

export interface GraphCost {
  readonly layers: readonly LayerCost[];
  readonly weights: number;
  readonly nonzero: number;
  readonly streamingAdders: number;
  readonly streamingBits: number;
  readonly unrolledAdders: number;
  readonly unrolledBits: number;
}

export interface GraphCostOptions {
  readonly seed: number;
  readonly sparsity: number;
  /** Default 4. */
  readonly weightBits?: number;
  /** Bias format (default Q1.5); null: no bias. */
  readonly biasFormat?: QFormat | null;
  /** Called after each layer (progress on a big net). */
  readonly onLayer?: (cost: LayerCost, index: number, of: number) => void;
}

/** Bits of the smallest two's-complement word holding [lo, hi] (integers below 2^53). */
function signedWidthN(lo: number, hi: number): number {
  const m = Math.max(hi, -lo - 1, 0);
  return m === 0 ? 1 : Math.floor(Math.log2(m)) + 2;
}

/** One tree's leaves: LSB (accumulator units) and the true value range at that LSB. */
interface Leaves {
  readonly lsb: Int32Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  n: number;
}

let scratch = { counts: new Int32Array(16), lsb: new Int32Array(0), lo: new Float64Array(0), hi: new Float64Array(0) };

/**
 * Adders and their bits for one tree (exact mode), as po2AdderTree sizes them.
 * `bias` in accumulator LSBs. Leaves must be in term order (sorted stably here).
 */
export function po2TreeCost(
  leaves: { lsb: readonly number[] | Int32Array; lo: readonly number[] | Float64Array; hi: readonly number[] | Float64Array; n: number },
  bias: number,
  allNegative: boolean,
): { adders: number; bits: number } {
  const n = leaves.n;
  if (n === 0) return { adders: 0, bits: 0 };
  // Stable sort by LSB (counting sort: few distinct LSBs).
  let minL = Infinity;
  let maxL = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = leaves.lsb[i] as number;
    if (l < minL) minL = l;
    if (l > maxL) maxL = l;
  }
  const nb = maxL - minL + 2;
  if (scratch.counts.length < nb) scratch.counts = new Int32Array(nb);
  if (scratch.lsb.length < n) scratch = { counts: scratch.counts, lsb: new Int32Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
  const counts = scratch.counts;
  counts.fill(0, 0, nb);
  for (let i = 0; i < n; i++) {
    const b = (leaves.lsb[i] as number) - minL + 1;
    counts[b] = (counts[b] as number) + 1;
  }
  for (let i = 1; i < nb; i++) counts[i] = (counts[i] as number) + (counts[i - 1] as number);
  const { lsb, lo, hi } = scratch;
  for (let i = 0; i < n; i++) {
    const j = (counts[(leaves.lsb[i] as number) - minL] as number)++;
    lsb[j] = leaves.lsb[i] as number;
    lo[j] = leaves.lo[i] as number;
    hi[j] = leaves.hi[i] as number;
  }
  let adders = 0;
  let bits = 0;
  let m = n;
  // Level by level, in place: node o of the next level overwrites slot o (o <= i).
  while (m > 1) {
    const k = (m + 1) >> 1;
    for (let i = 0, o = 0; i < m; i += 2, o++) {
      if (i + 1 >= m) {
        lsb[o] = lsb[i] as number;
        lo[o] = lo[i] as number;
        hi[o] = hi[i] as number;
        continue;
      }
      // x: the finer operand.
      const x = (lsb[i] as number) <= (lsb[i + 1] as number) ? i : i + 1;
      const y = x === i ? i + 1 : i;
      const d = (lsb[y] as number) - (lsb[x] as number);
      const sc = 2 ** d;
      const l = (lo[x] as number) + (lo[y] as number) * sc;
      const h = (hi[x] as number) + (hi[y] as number) * sc;
      bits += signedWidthN(Math.floor(l / sc), Math.floor(h / sc));
      adders++;
      lsb[o] = lsb[x] as number;
      lo[o] = l;
      hi[o] = h;
    }
    m = k;
  }
  const L = lsb[0] as number;
  // Every term negative: the root is negated once, -R = ~R + 1, the 1 joining the bias adder.
  const ch = Math.floor((allNegative ? bias + 2 ** L : bias) / 2 ** L);
  if (ch !== 0) {
    adders++;
    bits += signedWidthN((lo[0] as number) + ch, (hi[0] as number) + ch);
  }
  return { adders, bits };
}

/** A row of random Po2 weights as (sign, exp) arrays: `randomSparsePo2`'s distribution. */
function randomRow(p: Prng, n: number, expMin: number, expMax: number, sparsity: number): { sign: Int8Array; exp: Int8Array } {
  const sign = new Int8Array(n);
  const exp = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    sign[i] = p.nextU32() & 1 ? 1 : -1;
    exp[i] = p.int(expMin, expMax);
  }
  const zeros = pruneCount(n, sparsity);
  if (zeros > 0) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < zeros; i++) {
      const j = p.int(i, n - 1);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
      sign[order[i] as number] = 0;
    }
  }
  return { sign, exp };
}

/** Distinct kernel-index masks along one axis with their multiplicities (which taps fall inside the frame). */
function axisMasks(size: number, k: number, stride: number, padding: number): { taps: number[]; count: number }[] {
  const ax = convAxis(size, k, stride, padding);
  const seen = new Map<string, { taps: number[]; count: number }>();
  for (let o = 0; o < ax.out; o++) {
    const taps: number[] = [];
    for (let t = 0; t < k; t++) {
      const at = o * stride - ax.padBefore + t;
      if (at >= 0 && at < size) taps.push(t);
    }
    const key = taps.join(',');
    const e = seen.get(key);
    if (e) e.count++;
    else seen.set(key, { taps, count: 1 });
  }
  return [...seen.values()];
}

/** Cost of every conv/linear layer of a graph (its params are ignored: weights are drawn per row, see the header). */
export function graphCost(g: Graph<LayerParams | null>, o: GraphCostOptions): GraphCost {
  const act = g.input.fmt;
  const biasFmt = o.biasFormat === undefined ? { int: 1, frac: 5 } : o.biasFormat;
  const rlo = Number(rawMin(act));
  const rhi = Number(rawMax(act));
  const slots = layerSlots(g);
  const layers: LayerCost[] = [];
  slots.forEach((slot, li) => {
    const sparsity = isDenseByDefault(slot) ? 0 : o.sparsity;
    const range = expRangeFromBits(o.weightBits ?? 4, fanInExpMax(keptFanIn(slot, sparsity)));
    const expMin = range.expMin;
    const accFrac = Math.max(act.frac - expMin, biasFmt?.frac ?? -Infinity);
    const n = slot.node;
    const k = n.op === 'conv' ? n.kernel : 1;
    const I = slot.fanIn / (k * k);
    const [H, W] = slot.inShape;
    const rows = n.op === 'conv' ? axisMasks(H, k, n.stride, n.padding) : [{ taps: [0], count: 1 }];
    const cols = n.op === 'conv' ? axisMasks(W, k, n.stride, n.padding) : [{ taps: [0], count: 1 }];
    const leaves: Leaves = { lsb: new Int32Array(slot.fanIn), lo: new Float64Array(slot.fanIn), hi: new Float64Array(slot.fanIn), n: 0 };
    let nonzero = 0;
    let sAdders = 0;
    let sBits = 0;
    let uAdders = 0;
    let uBits = 0;
    for (let oc = 0; oc < slot.outChannels; oc++) {
      const p = new Prng((o.seed + 7919 * (li + 1) + 104729 * oc) >>> 0);
      const row = randomRow(p, slot.fanIn, expMin, range.expMax, sparsity);
      const biasRaw = biasFmt === null ? 0 : p.int(Number(rawMin(biasFmt as QFormat)), Number(rawMax(biasFmt as QFormat)));
      const bias = biasRaw * 2 ** (accFrac - (biasFmt?.frac ?? 0));
      for (let i = 0; i < slot.fanIn; i++) if (row.sign[i] !== 0) nonzero++;
      // Weights in OHWI order: index (ky k + kx) I + i.
      const tree = (rowTaps: readonly number[], colTaps: readonly number[]): { adders: number; bits: number } => {
        leaves.n = 0;
        let neg = 0;
        for (const ky of rowTaps)
          for (const kx of colTaps)
            for (let i = 0; i < I; i++) {
              const j = (ky * k + kx) * I + i;
              const s = row.sign[j] as number;
              if (s === 0) continue;
              leaves.lsb[leaves.n] = (row.exp[j] as number) - act.frac + accFrac;
              leaves.lo[leaves.n] = s > 0 ? rlo : -rhi;
              leaves.hi[leaves.n] = s > 0 ? rhi : -rlo;
              leaves.n++;
              if (s < 0) neg++;
            }
        return po2TreeCost(leaves, bias, leaves.n > 0 && neg === leaves.n);
      };
      const all = Array.from({ length: k }, (_, t) => t);
      const full = tree(all, all);
      sAdders += full.adders;
      sBits += full.bits;
      for (const r of rows)
        for (const c of cols) {
          const inside = r.taps.length === k && c.taps.length === k ? full : tree(r.taps, c.taps);
          uAdders += inside.adders * r.count * c.count;
          uBits += inside.bits * r.count * c.count;
        }
    }
    const cost: LayerCost = { name: n.name, kind: slot.kind, weights: slot.weightCount, nonzero, streamingAdders: sAdders, streamingBits: sBits, unrolledAdders: uAdders, unrolledBits: uBits };
    layers.push(cost);
    o.onLayer?.(cost, li, slots.length);
  });
  const sum = (f: (l: LayerCost) => number): number => layers.reduce((a, l) => a + f(l), 0);
  return {
    layers,
    weights: sum((l) => l.weights),
    nonzero: sum((l) => l.nonzero),
    streamingAdders: sum((l) => l.streamingAdders),
    streamingBits: sum((l) => l.streamingBits),
    unrolledAdders: sum((l) => l.unrolledAdders),
    unrolledBits: sum((l) => l.unrolledBits),
  };
}
