/**
 * The programmable classifier NPU of HaShiFlex: an output-stationary column of
 * `lanes` multiply-accumulate units computing y = W x (k = `classes` outputs,
 * k_fe = `features` inputs) with run-time writable weights. See README.md.
 *
 * Dataflow (one fold = up to `lanes` outputs, folds run one after another):
 *   fold cycle c (0 <= c < k_fe): the controller reads feature c from the input
 *   buffer and sends it, with its weight address, to lane 0 (combinationally in
 *   the same cycle). Each lane registers (valid, feature, address, first, last)
 *   and passes them to the next lane, so lane i sees feature j in fold cycle
 *   j + i: the systolic skew. Each lane reads its own weight bank at that
 *   address, multiplies (`.mul`, the design's only multipliers) and
 *   accumulates; its accumulator is output-stationary (one class per lane per
 *   fold). The fold ends in fold cycle k_fe + L - 2, when lane L - 1 takes
 *   feature k_fe - 1 (the controller watches the end of the skew chain); the
 *   next fold starts in the next cycle: folds do not overlap, as in SCALE-Sim.
 *   When a lane takes its last feature (fold cycle k_fe - 1 + i), its complete
 *   sum (accumulator + last product) is requantized and put on the result port
 *   in that same cycle: one result per cycle at most, lanes in order.
 *
 * Cycle count: with the cycle in which `start` is high numbered 0, `done` is
 * high in cycle ceil(k/L) * (k_fe + L - 1) - 1, SCALE-Sim's output-stationary
 * total for an M x K by K x 1 product on an L x 1 array (lib/npu/cycles.ts).
 */
import { Bool, Bundle, DontCare, IO, Input, Mem, Output, Reg, RegInit, RegNext, SInt, UInt, Valid, Vec, Wire, defineModule, mux, when } from '../../dsl/index.ts';
import type { Bool as BoolValue, SInt as SIntValue, UInt as UIntValue } from '../../dsl/index.ts';
import { npuAccFrac, npuAccWidth, type NpuFormats } from './golden.ts';

/** Bits to hold 0..n (at least 1). */
function bitsFor(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n + 1)));
}

export const npuDefaults = {
  /** L: multiply-accumulate lanes (array rows). */
  lanes: 4,
  /** k: outputs (class scores). */
  classes: 10,
  /** k_fe: inputs (features). */
  features: 16,
  /** Weight format Q(wInt.wFrac). */
  wInt: 2,
  wFrac: 6,
  /** Feature format Q(xInt.xFrac), Q3.5 by default. */
  xInt: 3,
  xFrac: 5,
  /** Score format Q(outInt.outFrac): floor + saturate from the exact accumulator. */
  outInt: 8,
  outFrac: 8,
  /**
   * true: the input buffer is a register file that also loads all k_fe
   * features in one cycle through `xLoad` (HaShiFlex's feature buffer feeds it
   * so); false: a memory written one feature per cycle through `xWrite` only.
   */
  parallelLoad: false,
};
export type NpuParams = typeof npuDefaults;

/** Derived sizes of one NPU configuration. */
export function npuGeometry(p: NpuParams) {
  const { lanes, classes, features } = p;
  for (const [v, n] of [[lanes, 'lanes'], [classes, 'classes'], [features, 'features']] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`Npu: ${n} must be a positive integer, got ${v}`);
  }
  const folds = Math.ceil(classes / lanes);
  const foldCycles = features + lanes - 1;
  const wWidth = p.wInt + p.wFrac;
  const xWidth = p.xInt + p.xFrac;
  const outWidth = p.outInt + p.outFrac;
  for (const [v, n] of [[wWidth, 'wInt + wFrac'], [xWidth, 'xInt + xFrac'], [outWidth, 'outInt + outFrac']] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`Npu: ${n} must be at least 1, got ${v}`);
  }
  return {
    folds,
    foldCycles,
    wWidth,
    xWidth,
    outWidth,
    accWidth: npuAccWidth(p, features),
    accFrac: npuAccFrac(p),
    /** Words per lane bank: one row of k_fe weights per fold. */
    bankDepth: folds * features,
    bankAddrWidth: bitsFor(folds * features - 1),
    rowWidth: bitsFor(classes - 1),
    colWidth: bitsFor(features - 1),
    laneWidth: bitsFor(lanes - 1),
    foldWidth: bitsFor(folds - 1),
    issueWidth: bitsFor(features),
  };
}

/** Floor to outFrac fraction bits, then saturate to outInt + outFrac bits (NUMERICS requantize). */
function requantizeHw(acc: SIntValue, accFrac: number, outFrac: number, outWidth: number): SIntValue {
  const shift = accFrac - outFrac;
  const moved = shift >= 0 ? acc.shr(shift) : acc.shl(-shift); // SInt shr: arithmetic, i.e. floor
  const out = Wire(SInt(outWidth));
  if (moved.width <= outWidth) {
    out.connect(moved); // sign-extended: every value fits
  } else {
    const hi = (1n << BigInt(outWidth - 1)) - 1n;
    const lo = -(1n << BigInt(outWidth - 1));
    out.connect(moved.trunc(outWidth));
    when(moved.gt(hi), () => out.connect(hi));
    when(moved.lt(lo), () => out.connect(lo));
  }
  return out;
}

export const Npu = defineModule({
  name: (p: NpuParams) => `Npu_k${p.classes}_f${p.features}_l${p.lanes}_w${p.wInt}_${p.wFrac}_x${p.xInt}_${p.xFrac}_o${p.outInt}_${p.outFrac}${p.parallelLoad ? '_pl' : ''}`,
  params: npuDefaults,
  body: (p) => {
    const g = npuGeometry(p);
    const { lanes, classes, features } = p;
    const io = IO({
      /** Host weight port: W[row][col] := data at the clock edge when en. */
      wWrite: Input(Valid(Bundle({ row: UInt(g.rowWidth), col: UInt(g.colWidth), data: SInt(g.wWidth) }))),
      /** Host feature port: x[addr] := data at the clock edge when valid. */
      xWrite: Input(Valid(Bundle({ addr: UInt(g.colWidth), data: SInt(g.xWidth) }))),
      /** Starts one classification when idle (ignored while busy). */
      start: Input(Bool()),
      /** One class score per valid cycle, in index order; no back-pressure. */
      result: Output(Valid(Bundle({ index: UInt(g.rowWidth), score: SInt(g.outWidth) }))),
      /** High from the start cycle through the done cycle. */
      busy: Output(Bool()),
      /** High for one cycle: the last cycle of the last fold. */
      done: Output(Bool()),
    });

    // ---- buffers -------------------------------------------------------------
    // Input buffer: k_fe features, one combinational read port (the feature stream).
    let readFeature: (j: UIntValue) => SIntValue;
    const parallel = p.parallelLoad
      ? IO({
          /** All k_fe features at the clock edge when valid (wins over xWrite). */
          xLoad: Input(Valid(Vec(features, SInt(g.xWidth)))),
        })
      : undefined;
    if (parallel) {
      const load = parallel.xLoad;
      const xregs = Reg(Vec(features, SInt(g.xWidth))).named('xbuf');
      when(io.xWrite.valid, () => xregs.at(io.xWrite.bits.addr).connect(io.xWrite.bits.data));
      when(load.valid, () => xregs.connect(load.bits));
      readFeature = (j) => xregs.at(j);
    } else {
      const xbuf = Mem(features, SInt(g.xWidth)).named('xbuf');
      when(io.xWrite.valid, () => xbuf.write(io.xWrite.bits.addr, io.xWrite.bits.data));
      readFeature = (j) => xbuf.read(j);
    }

    // Weight buffer, banked by lane: bank i holds the rows o with o mod L == i,
    // row o = f*L + i at words f*k_fe .. f*k_fe + k_fe - 1.
    const banks = Array.from({ length: lanes }, (_, i) => Mem(g.bankDepth, SInt(g.wWidth)).named(`wbank${i}`));
    // Host row -> (fold, lane) without a divider: a comparison per fold boundary.
    const wRow = io.wWrite.bits.row;
    const wRowBase = Wire(UInt(g.rowWidth));
    const wBankBase = Wire(UInt(g.bankAddrWidth));
    wRowBase.connect(0);
    wBankBase.connect(0);
    for (let f = 1; f < g.folds; f++) {
      when(wRow.geq(f * lanes), () => {
        wRowBase.connect(f * lanes);
        wBankBase.connect(f * features);
      });
    }
    const wLane = wRow.subWrap(wRowBase); // < L
    const wAddr = wBankBase.addWrap(io.wWrite.bits.col.pad(g.bankAddrWidth)).trunc(g.bankAddrWidth);
    banks.forEach((bank, i) => {
      if (i >= classes) return; // a lane with no class: its bank is never written (nor reported)
      when(io.wWrite.valid.and(wLane.eq(i)), () => bank.write(wAddr, io.wWrite.bits.data));
    });

    // ---- controller ----------------------------------------------------------
    // `issued` counts the features sent into lane 0 in this fold (0 .. k_fe; at
    // k_fe the controller waits). The fold ends when the wavefront leaves the
    // array: lane L - 1 takes feature k_fe - 1 (`tailLast`, from the skew chain
    // below), k_fe + L - 2 cycles after the fold's first cycle.
    const running = RegInit(Bool(), false);
    const issued = RegInit(UInt(g.issueWidth), 0);
    const fold = RegInit(UInt(g.foldWidth), 0);
    const foldBase = RegInit(UInt(g.rowWidth + 1), 0); // fold * L (first class of the fold)
    const bankBase = RegInit(UInt(g.bankAddrWidth), 0); // fold * k_fe
    const tailLast = Wire(Bool()); // lane L - 1 takes the fold's last feature this cycle
    const active = running.or(io.start);
    const issuing = active.and(issued.lt(features));
    const endOfFold = tailLast; // only ever high while active
    const lastFold = fold.eq(g.folds - 1);
    when(active, () => running.connect(true));
    when(issuing, () => issued.connect(issued.addWrap(1)));
    when(endOfFold, () => {
      issued.connect(0);
      when(lastFold, () => {
        running.connect(false);
        fold.connect(0);
        foldBase.connect(0);
        bankBase.connect(0);
      }).otherwise(() => {
        // (dead when there is one fold; the literals may then be wider than the registers)
        fold.connect(fold.addWrap(1).trunc(g.foldWidth));
        foldBase.connect(foldBase.addWrap(lanes).trunc(g.rowWidth + 1));
        bankBase.connect(bankBase.addWrap(features).trunc(g.bankAddrWidth));
      });
    });
    io.busy.connect(active);
    io.done.connect(endOfFold.and(lastFold));

    // ---- the lanes -------------------------------------------------------------
    // What enters lane 0 this cycle: feature `issued` while issued < k_fe.
    const j = issued.trunc(g.colWidth);
    let vIn: BoolValue = issuing;
    let xIn: SIntValue = readFeature(j); // don't-care when not issuing
    let aIn: UIntValue = bankBase.addWrap(j.pad(g.bankAddrWidth)).trunc(g.bankAddrWidth);
    let firstIn: BoolValue = issued.eq(0);
    let lastIn: BoolValue = issued.eq(features - 1);

    const finalSum = Wire(SInt(g.accWidth));
    const finalLane = Wire(UInt(g.laneWidth));
    const finalValid = Wire(Bool());
    finalSum.connect(DontCare);
    finalLane.connect(DontCare);
    finalValid.connect(false);

    for (let i = 0; i < lanes; i++) {
      const weight = banks[i]!.read(aIn);
      const product = weight.mul(xIn); // Q(wInt+xInt . wFrac+xFrac), exact
      const acc = Reg(SInt(g.accWidth)).named(`acc${i}`);
      const base = mux(firstIn, 0, acc);
      const sum = base.addWrap(product.pad(g.accWidth)); // never wraps: accWidth holds k_fe products
      when(vIn, () => acc.connect(sum));
      // Padded lanes of a partial last fold compute like the others but report nothing.
      const hasClass = classes - i > 0 ? foldBase.lt(classes - i) : null;
      const finishing = hasClass ? vIn.and(lastIn).and(hasClass) : null;
      if (finishing) {
        when(finishing, () => {
          finalValid.connect(true);
          finalSum.connect(sum);
          finalLane.connect(i);
        });
      }
      if (i + 1 < lanes) {
        // The skew: everything moves one lane down per cycle.
        const v = RegInit(Bool(), false).named(`v${i + 1}`);
        v.connect(vIn);
        vIn = v;
        xIn = RegNext(xIn).named(`x${i + 1}`);
        aIn = RegNext(aIn).named(`a${i + 1}`);
        firstIn = RegNext(firstIn).named(`first${i + 1}`);
        lastIn = RegNext(lastIn).named(`last${i + 1}`);
      }
    }
    tailLast.connect(vIn.and(lastIn)); // vIn, lastIn: what lane L - 1 takes this cycle

    io.result.valid.connect(finalValid);
    io.result.bits.index.connect(foldBase.addWrap(finalLane.pad(g.rowWidth + 1)).trunc(g.rowWidth));
    io.result.bits.score.connect(requantizeHw(finalSum, g.accFrac, p.outFrac, g.outWidth));
    return { ...io, xLoad: parallel?.xLoad };
  },
});

export type { NpuFormats };
