/**
 * Hardened Po2 adder trees: sum_i s_i * x_i * 2^(e_i) (+ a constant bias) with
 * every weight wired into the logic.
 *
 * Each term is the golden model's `po2Term` (golden/accumulate.ts), in units of
 * the accumulator LSB 2^-accFrac, with shift k = e - actFrac + accFrac:
 *  - k >= 0 (always in exact mode): the term is the activation itself with its
 *    LSB at weight 2^k. The shift is never built: it is a number (`lsb`) carried
 *    with the node, and pure wiring where bits are finally placed.
 *  - k < 0 (truncating mode only): the activation is floored, `x.shr(-k)`
 *    (an arithmetic shift, wiring). A negative weight in the default
 *    'floor-signed' mode floors -x: floor(-x / 2^m) = ~(x >> m) + z with
 *    z = [x mod 2^m == 0], so the leaf is inverters plus a pending one-bit
 *    correction. Corrections ride up the tree and are taken as carry-ins by
 *    adders whose operands share LSB 0: a + b + c = ({a,1} + {b,c}) >> 1 and
 *    a - b - c = ({a,1} + {~b,!c}) >> 1 (one bit wider, no extra adder). Any
 *    left at the root are added explicitly (`settled`, two per adder).
 *    'subtract-floored' needs no correction (the floored activation is
 *    subtracted).
 * Zero weights make no hardware at all.
 *
 * Signs: a node carries its hardware value h and a sign s (true value s * h).
 * Two nodes combine into h1 + h2 (equal signs) or h1 - h2 (different signs),
 * so negation folds into subtraction. The root is asked to come out positive;
 * that is possible unless every term is negative, in which case the tree of
 * magnitudes is negated once at the end (folded into the bias adder when there
 * is a bias: -R + b = ~R + (b + 1)).
 *
 * Widths: every node is sized from the exact range of values it can carry
 * (the sum of its leaves' ranges; the leaves read distinct activations, so the
 * range is attained): the FIRRTL add grows one bit, and the node is cut back
 * with `.trunc(w)` to the proven width. Nodes whose LSBs differ (k1 < k2) do
 * not add the low k2 - k1 bits of the finer operand at all: those bits are
 * wired past the adder, x + y * 2^d = ((x >> d) + y) * 2^d + (x mod 2^d).
 *
 * Shape: a balanced tree, leaves sorted by LSB then paired level by level (an
 * odd node passes up). With `pipelineEvery = k > 0`, every node at a level that
 * is a multiple of k is registered; levels are counted 1.. up to `levels`
 * (default: this tree's own depth; pass the largest depth of a layer so that
 * every output of the layer has the same latency), so latency = floor(levels / k).
 * The final constant (bias) adder, when there is one, is the last level.
 *
 * Adders built: (terms - 1) + settled + (1 for a bias or an all-negative tree,
 * unless that constant lies entirely below the root's LSB and is wired in);
 * `treeAdders` (layers.ts) gives it from the weights alone (exactly, except in
 * floor-signed truncation, where it is the upper bound with every correction
 * settled).
 */
import { B, RegNext, SInt, UInt, Wire } from '../../dsl/index.ts';
import type { BoolValue, SIntValue, UIntValue } from '../../dsl/index.ts';
import { floorShift, signedWidth } from '../fixed/bigint.ts';
import { formatWidth, rawMax, rawMin, type QFormat } from '../fixed/format.ts';
import { po2TermRange, type AccumulateMode } from '../golden/accumulate.ts';
import type { Po2 } from '../po2/po2.ts';

export interface Po2TreeTerm {
  /** The activation, an SInt of exactly formatWidth(fmt) bits (raw at fmt.frac). */
  readonly x: SIntValue;
  readonly w: Po2;
}

export interface Po2TreeOptions {
  /** Activation format of every term. */
  readonly act: QFormat;
  /** Accumulator frac (from `accFracFor`). */
  readonly accFrac: number;
  readonly mode: AccumulateMode;
  /** Constant bias in accumulator LSBs (already aligned, e.g. with `alignBias`). */
  readonly bias?: bigint;
  /** Register every k-th level (0 or undefined: purely combinational). */
  readonly pipelineEvery?: number;
  /** Levels to span (>= `po2TreeLevels(...)`), for equal latency across a layer. */
  readonly levels?: number;
}

export interface Po2TreeResult {
  /** The sum in accumulator LSBs, an SInt of exactly signedWidth(range) bits. */
  readonly out: SIntValue;
  /** Exact [lo, hi] of the sum over all activations of the format. */
  readonly range: readonly [bigint, bigint];
  /** Register stages from input to `out`. */
  readonly latency: number;
  /** $add/$sub cells built (pairs, the bias adder / final negation, and `settled`). */
  readonly adders: number;
  /** Adders spent on floor-signed corrections that no adder of the tree could take as its carry-in. */
  readonly settled: number;
  /** Of those corrections, how many were negative (subtracted) ones. */
  readonly settledNegative: number;
  readonly levels: number;
}

/** A tree node's hardware: true value = sign * hw * 2^lsb, hw in [lo, hi]. */
interface Emitted {
  readonly hw: SIntValue;
  readonly lsb: number;
  readonly lo: bigint;
  readonly hi: bigint;
  readonly sign: 1 | -1;
  /**
   * Pending one-bit corrections at weight 2^lsb (only at LSB 0): the node's
   * true value is sign * (hw + sum(pos) - sum(neg)); [lo, hi] covers hw alone.
   */
  readonly pos?: readonly BoolValue[];
  readonly neg?: readonly BoolValue[];
}

interface LeafPlan {
  readonly kind: 'leaf';
  readonly sign: 1 | -1;
  readonly lsb: number;
  readonly make: () => Emitted;
}
interface PairPlan {
  readonly kind: 'pair';
  readonly level: number;
  readonly a: Plan;
  readonly b: Plan;
  readonly lsb: number;
}
interface PassPlan {
  readonly kind: 'pass';
  readonly level: number;
  readonly a: Plan;
  readonly lsb: number;
}
type Plan = LeafPlan | PairPlan | PassPlan;

/** Depth in levels of a tree over n nonzero terms (with a final constant stage when `final`). */
export function po2TreeLevels(nonzeroTerms: number, final: boolean): number {
  let d = 0;
  while (1 << d < nonzeroTerms) d++;
  return d + (final ? 1 : 0);
}

/** Sign of a term's leaf: floor-signed truncated negative terms are built as negated (positive) leaves. */
function leafSign(w: Po2, o: Pick<Po2TreeOptions, 'act' | 'accFrac' | 'mode'>): 1 | -1 {
  if (w.sign > 0) return 1;
  const k = w.exp - o.act.frac + o.accFrac;
  return o.mode.kind === 'truncate' && o.mode.negation !== 'subtract-floored' && k < 0 ? 1 : -1;
}

/** True when the tree needs a final constant stage: a bias, or every leaf negative. */
export function po2TreeHasFinal(weights: readonly Po2[], o: Pick<Po2TreeOptions, 'act' | 'accFrac' | 'mode' | 'bias'>): boolean {
  const nz = weights.filter((w) => w.sign !== 0);
  if (nz.length === 0) return false;
  if ((o.bias ?? 0n) !== 0n) return true;
  return nz.every((w) => leafSign(w, o) < 0);
}

/** Levels of the tree `po2AdderTree` builds for these weights (before any `levels` padding). */
export function po2TreeLevelsFor(weights: readonly Po2[], o: Pick<Po2TreeOptions, 'act' | 'accFrac' | 'mode' | 'bias'>): number {
  return po2TreeLevels(weights.filter((w) => w.sign !== 0).length, po2TreeHasFinal(weights, o));
}

function constUInt(value: bigint, width: number): UIntValue {
  const w = Wire(UInt(width));
  w.connect(value);
  return w;
}

/** The leaf of one nonzero term. */
function leafPlan(t: Po2TreeTerm, o: Po2TreeOptions): LeafPlan {
  const { act, accFrac, mode } = o;
  const w = t.w;
  if (t.x.width !== formatWidth(act)) throw new RangeError(`po2AdderTree: activation is ${t.x.width} bits, format needs ${formatWidth(act)}`);
  const k = w.exp - act.frac + accFrac;
  const sign = leafSign(w, o);
  const rlo = rawMin(act);
  const rhi = rawMax(act);
  if (k >= 0) return { kind: 'leaf', sign, lsb: k, make: () => ({ hw: t.x, lsb: k, lo: rlo, hi: rhi, sign }) };
  if (mode.kind === 'exact') throw new RangeError(`po2AdderTree: exact mode with accFrac ${accFrac} too small for exponent ${w.exp}`);
  const m = -k;
  if (w.sign > 0 || mode.negation === 'subtract-floored') {
    return {
      kind: 'leaf',
      sign,
      lsb: 0,
      make: () => ({ hw: t.x.shr(m), lsb: 0, lo: floorShift(rlo, k), hi: floorShift(rhi, k), sign }),
    };
  }
  // floor-signed, negative weight, bits dropped: floor(-x * 2^-m) = ~(x >> m) + z,
  // z = [x mod 2^m == 0]: inverters plus a one-bit correction that a later adder
  // takes as its carry-in (see `absorb`).
  const w0 = formatWidth(act);
  if (m >= w0) {
    // |x| < 2^m: floor(-x * 2^-m) = -[x > 0], a one-bit SInt.
    return { kind: 'leaf', sign: 1, lsb: 0, make: () => ({ hw: t.x.gt(0).asSInt(), lsb: 0, lo: -1n, hi: 0n, sign: 1 }) };
  }
  return {
    kind: 'leaf',
    sign: 1,
    lsb: 0,
    make: () => {
      const qlo = floorShift(rlo, k);
      const qhi = floorShift(rhi, k);
      const hw = t.x.shr(m).asUInt().not().asSInt();
      const z = t.x.bits(m - 1, 0).eq(0);
      return { hw, lsb: 0, lo: -qhi - 1n, hi: -qlo - 1n, sign: 1, pos: [z] };
    },
  };
}

function canBe(p: Plan, s: 1 | -1): boolean {
  if (p.kind === 'leaf') return p.sign === s;
  if (p.kind === 'pass') return canBe(p.a, s);
  return canBe(p.a, s) || canBe(p.b, s);
}

/**
 * h = x (+|-) y * 2^d where x has the finer LSB (d >= 0): the low d bits of x
 * bypass the adder. Result at x's LSB, exactly as wide as its range.
 */
function combine(x: Emitted, y: Emitted, op: 'add' | 'sub', sign: 1 | -1): Emitted {
  const d = y.lsb - x.lsb;
  if (d < 0) throw new Error('hashi internal: combine needs the finer operand first');
  const ylo = y.lo << BigInt(d);
  const yhi = y.hi << BigInt(d);
  let lo = op === 'add' ? x.lo + ylo : x.lo - yhi;
  let hi = op === 'add' ? x.hi + yhi : x.hi - ylo;
  // Pending corrections: y's change polarity under subtraction.
  const pos = [...(x.pos ?? []), ...((op === 'add' ? y.pos : y.neg) ?? [])];
  const neg = [...(x.neg ?? []), ...((op === 'add' ? y.neg : y.pos) ?? [])];
  if (d === 0) {
    // One correction rides along as the adder's carry-in: a + b + c = ({a,1} + {b,c}) >> 1,
    // and a - b - c = ({a,1} + {~b,!c}) >> 1.
    const c = op === 'add' ? pos.pop() : neg.pop();
    let s: SIntValue;
    if (c === undefined) s = op === 'add' ? x.hw.add(y.hw) : x.hw.sub(y.hw);
    else {
      const a = withLowBit(x.hw, constBool(true));
      s = op === 'add' ? a.add(withLowBit(y.hw, c)).shr(1) : a.add(withLowBit(invert(y.hw), c.not())).shr(1);
      if (op === 'add') hi += 1n;
      else lo -= 1n;
    }
    return { hw: s.trunc(signedWidth(lo, hi)), lsb: x.lsb, lo, hi, sign, pos, neg };
  }
  const xp = x.hw.width <= d ? x.hw.pad(d + 1) : x.hw;
  const low = xp.bits(d - 1, 0);
  const xh = xp.shr(d);
  const hlo = floorShift(lo, -d);
  const hhi = floorShift(hi, -d);
  const high = (op === 'add' ? xh.add(y.hw) : xh.sub(y.hw)).trunc(signedWidth(hlo, hhi));
  return { hw: high.asUInt().cat(low).asSInt(), lsb: x.lsb, lo, hi, sign, pos, neg };
}

/** {v, bit} as an SInt: 2v + bit. */
function withLowBit(v: SIntValue, bit: BoolValue): SIntValue {
  return v.asUInt().cat(bit).asSInt();
}

/** ~v = -v - 1 (inverters only). */
function invert(v: SIntValue): SIntValue {
  return v.asUInt().not().asSInt();
}

function constBool(b: boolean): BoolValue {
  return B(b);
}

/** Add the remaining corrections to a node explicitly (one adder each; two per adder for pairs of the same polarity). */
function settle(e: Emitted): { e: Emitted; adders: number; negative: number } {
  const pos = [...(e.pos ?? [])];
  const neg = [...(e.neg ?? [])];
  let { hw, lo, hi } = e;
  let adders = 0;
  const negative = neg.length;
  while (pos.length > 0) {
    const c1 = pos.pop() as BoolValue;
    const c2 = pos.pop();
    // hw + c1 + c2 = ({hw, c1} + {c2, c1}) >> 1
    const other = c2 === undefined ? withLowBit(zeroSInt(), c1) : c2.cat(c1).toSInt();
    hi += c2 === undefined ? 1n : 2n;
    hw = withLowBit(hw, c1).add(other).shr(1).trunc(signedWidth(lo, hi));
    adders++;
  }
  while (neg.length > 0) {
    const c = neg.pop() as BoolValue;
    // hw - c = ({hw, 1} + {~0, !c}) >> 1
    lo -= 1n;
    hw = withLowBit(hw, constBool(true)).add(withLowBit(invert(zeroSInt()), c.not())).shr(1).trunc(signedWidth(lo, hi));
    adders++;
  }
  return { e: { hw, lsb: e.lsb, lo, hi, sign: e.sign }, adders, negative };
}

function zeroSInt(): SIntValue {
  const z = Wire(SInt(1));
  z.connect(0);
  return z;
}

/** h = y * 2^d - x, the full-width subtraction used only to make a subtree positive. */
function subtractFiner(y: Emitted, x: Emitted, sign: 1 | -1): Emitted {
  const d = y.lsb - x.lsb;
  const lo = (y.lo << BigInt(d)) - x.hi;
  const hi = (y.hi << BigInt(d)) - x.lo;
  const hw = (d > 0 ? y.hw.shl(d) : y.hw).sub(x.hw).trunc(signedWidth(lo, hi));
  return { hw, lsb: x.lsb, lo, hi, sign, pos: [...(y.pos ?? []), ...(x.neg ?? [])], neg: [...(y.neg ?? []), ...(x.pos ?? [])] };
}

class TreeEmitter {
  adders = 0;
  constructor(private readonly every: number) {}

  private reg(e: Emitted, level: number): Emitted {
    if (this.every > 0 && level % this.every === 0) {
      // Pending corrections travel with their node.
      const r = (cs: readonly BoolValue[] | undefined): BoolValue[] => (cs ?? []).map((c) => RegNext(c));
      return { ...e, hw: RegNext(e.hw), pos: r(e.pos), neg: r(e.neg) };
    }
    return e;
  }

  emit(p: Plan, want?: 1 | -1): Emitted {
    if (p.kind === 'leaf') return p.make();
    if (p.kind === 'pass') return this.reg(this.emit(p.a, want), p.level);
    // x: the finer-LSB child.
    const [xp, yp] = p.a.lsb <= p.b.lsb ? [p.a, p.b] : [p.b, p.a];
    let out: Emitted;
    this.adders++;
    if (want !== undefined && !canBe(xp, want) && canBe(yp, want)) {
      const x = this.emit(xp);
      const y = this.emit(yp, want);
      out = subtractFiner(y, x, want);
    } else {
      const x = this.emit(xp, want !== undefined && canBe(xp, want) ? want : undefined);
      const y = this.emit(yp);
      out = combine(x, y, x.sign === y.sign ? 'add' : 'sub', x.sign);
    }
    return this.reg(out, p.level);
  }
}

/** Build the adder tree for the given terms in the current module. */
export function po2AdderTree(terms: readonly Po2TreeTerm[], opts: Po2TreeOptions): Po2TreeResult {
  const every = opts.pipelineEvery ?? 0;
  if (!Number.isSafeInteger(every) || every < 0) throw new RangeError(`pipelineEvery must be a non-negative integer, got ${every}`);
  const bias = opts.bias ?? 0n;
  const nz = terms.filter((t) => t.w.sign !== 0);
  const leaves = nz.map((t) => leafPlan(t, opts));
  leaves.sort((a, b) => a.lsb - b.lsb);
  const hasFinal = po2TreeHasFinal(terms.map((t) => t.w), opts);
  const own = po2TreeLevels(leaves.length, hasFinal);
  const levels = Math.max(opts.levels ?? own, own);
  const latency = every > 0 ? Math.floor(levels / every) : 0;
  if (leaves.length === 0) {
    // No term: the output is the constant bias (constant at every latency).
    const c = Wire(SInt(signedWidth(bias, bias)));
    c.connect(bias);
    return { out: c, range: [bias, bias], latency, adders: 0, settled: 0, settledNegative: 0, levels };
  }
  const treeLevels = levels - (hasFinal ? 1 : 0);

  const emitter = new TreeEmitter(every);
  let root: Emitted;
  let corrections = 0;
  let negCorrections = 0;
  {
    let level: Plan[] = leaves;
    for (let l = 1; l <= treeLevels; l++) {
      const next: Plan[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const a = level[i] as Plan;
        const b = level[i + 1];
        next.push(
          b === undefined
            ? { kind: 'pass', level: l, a, lsb: a.lsb }
            : { kind: 'pair', level: l, a, b, lsb: Math.min(a.lsb, b.lsb) },
        );
      }
      level = next;
    }
    if (level.length !== 1) throw new Error('hashi internal: adder tree did not reduce to one root');
    const settled = settle(emitter.emit(level[0] as Plan, 1));
    root = settled.e;
    emitter.adders += settled.adders;
    corrections = settled.adders;
    negCorrections = settled.negative;
  }

  let out: SIntValue;
  let lo: bigint;
  let hi: bigint;
  if (!hasFinal) {
    // Positive root, no bias: place the bits (wiring only).
    lo = root.lo << BigInt(root.lsb);
    hi = root.hi << BigInt(root.lsb);
    out = root.lsb > 0 ? root.hw.shl(root.lsb) : root.hw;
  } else {
    emitter.adders++;
    let r = root;
    let c = bias;
    if (root.sign < 0) {
      // -R * 2^L + b = ~R * 2^L + (b + 2^L): the negation costs only inverters.
      r = { hw: root.hw.asUInt().not().asSInt(), lsb: root.lsb, lo: -root.hi - 1n, hi: -root.lo - 1n, sign: 1 };
      c = bias + (1n << BigInt(root.lsb));
    }
    const L = r.lsb;
    const ch = floorShift(c, -L);
    const cl = c - (ch << BigInt(L));
    const hlo = r.lo + ch;
    const hhi = r.hi + ch;
    const high = ch === 0n ? r.hw : r.hw.add(ch).trunc(signedWidth(hlo, hhi));
    if (ch === 0n) emitter.adders--; // the constant fits entirely below the LSB: wiring only
    lo = (hlo << BigInt(L)) + cl;
    hi = (hhi << BigInt(L)) + cl;
    out = L === 0 ? high : cl === 0n ? high.shl(L) : high.asUInt().cat(constUInt(cl, L)).asSInt();
    if (every > 0 && levels % every === 0) out = RegNext(out);
  }
  // The tree's range must be the golden model's exact range (po2TermRange per term, plus the bias).
  let glo = bias;
  let ghi = bias;
  for (const t of nz) {
    const [a, b] = po2TermRange(t.w, opts.act, opts.accFrac, opts.mode);
    glo += a;
    ghi += b;
  }
  if (glo !== lo || ghi !== hi) throw new Error(`hashi internal: adder tree range [${lo}, ${hi}] differs from the golden [${glo}, ${ghi}]`);
  if (out.width !== signedWidth(lo, hi)) throw new Error(`hashi internal: adder tree output is ${out.width} bits, its range needs ${signedWidth(lo, hi)}`);
  return { out, range: [lo, hi], latency, adders: emitter.adders, settled: corrections, settledNegative: negCorrections, levels };
}
