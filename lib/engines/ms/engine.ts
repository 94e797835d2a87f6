// The memory-stationary engine: a Po x Px output-row-stationary integer MAC array
// fed from the cyclic feature memory through a line register, with a weight
// buffer, requantizer, per-(channel, row) activity flags and channel gating.
// The schedule and its cycle counts are in README.md and golden.ts (msLayerSchedule).
import {
  B,
  Bool,
  Bundle,
  Cat,
  Enum,
  IO,
  Input,
  Mem,
  Output,
  PriorityEncoder,
  Reg,
  RegInit,
  S,
  SInt,
  U,
  UInt,
  Valid,
  Vec,
  VecInit,
  Wire,
  defineModule,
  instance,
  mux,
  when,
} from '../../../dsl/index.ts';
import type { Bool as BoolValue, SInt as SIntValue, UInt as UIntValue } from '../../../dsl/index.ts';
import { msLineWords } from './plan.ts';
import { msEngineDefaults } from './program.ts';
import type { MsEngineParams } from './program.ts';
import { MsRing, msBitsFor, msRingAddrBits } from './ring.ts';

/** Field widths of an engine configuration. */
export function msEngineWidths(p: MsEngineParams) {
  const lineMax = msLineWords(p.maxWidth, 8, p.wordBits);
  const aw = msRingAddrBits(p.ringWords);
  return {
    aw,
    lineMax,
    channel: msBitsFor(p.maxChannels),
    height: msBitsFor(p.maxHeight),
    width: msBitsFor(p.maxWidth + p.px),
    kernel: msBitsFor(p.maxKernel),
    line: msBitsFor(lineMax),
    rowWords: msBitsFor(p.maxChannels * lineMax),
    words: aw + 1,
    layer: msBitsFor(p.maxLayers - 1),
    weightAddr: msBitsFor(p.weightDepth - 1),
    channelAddr: msBitsFor(p.channelDepth - 1),
    coBlocks: msBitsFor(Math.ceil(p.maxChannels / p.po)),
    xBlocks: msBitsFor(Math.ceil(p.maxWidth / p.px)),
    lane: msBitsFor(p.po - 1),
  };
}

/** The layer descriptor as the controller holds it (fields of MsLayerDescriptor). */
export function MsLayerDescriptorType(p: MsEngineParams) {
  const w = msEngineWidths(p);
  return Bundle({
    cin: UInt(w.channel),
    cout: UInt(w.channel),
    hIn: UInt(w.height),
    wIn: UInt(w.width),
    hOut: UInt(w.height),
    wOut: UInt(w.width),
    k: UInt(w.kernel),
    stride: UInt(w.kernel),
    pad: UInt(w.kernel),
    inBits: UInt(4),
    outBits: UInt(4),
    inZero: UInt(8),
    outZero: UInt(8),
    shift: UInt(5),
    lanes: UInt(3),
    cinGroups: UInt(w.channel),
    lineIn: UInt(w.line),
    lineOut: UInt(w.line),
    rowIn: UInt(w.rowWords),
    inWords: UInt(w.words),
    inBase: UInt(w.aw),
    outBase: UInt(w.aw),
    weightBase: UInt(w.weightAddr),
    channelBase: UInt(w.channelAddr),
    coBlocks: UInt(w.coBlocks),
    xBlocks: UInt(w.xBlocks),
  });
}

/** Counters of the last run (cleared by start). */
export function MsCounters() {
  return Bundle({ cycles: UInt(32), reads: UInt(32), writes: UInt(32), macSteps: UInt(32) });
}

/** The b-bit fields 0 .. n-1 of a flat bit vector (fields past its end read 0). */
function fieldsOf(flat: UIntValue, b: number, n: number) {
  return VecInit(
    UInt(b),
    Array.from({ length: n }, (_, x) => ((x + 1) * b <= flat.width ? flat.bits((x + 1) * b - 1, x * b) : U(0, b))),
  );
}

/** v at exactly `width` bits: zero-extended or cut. */
function fit(v: UIntValue, width: number): UIntValue {
  return v.width >= width ? v.trunc(width) : v.pad(width);
}

/** Pick by a layer's width code (2, 4 or 8) among three values made per width. */
function byWidth(bits: UIntValue, make: (b: 2 | 4 | 8) => UIntValue, width: number): UIntValue {
  // Built outside the when blocks: hardware made inside one would be driven only there.
  const [v2, v4, v8] = [make(2), make(4), make(8)];
  return mux(bits.eq(2), v2.pad(width), mux(bits.eq(4), v4.pad(width), v8.pad(width)));
}

/** The engine's module name: every parameter, so each configuration is its own module. */
export function msEngineName(p: MsEngineParams): string {
  return `MsEngine_po${p.po}_px${p.px}_s${p.ringWords}_w${p.wordBits}_l${p.maxLayers}_c${p.maxChannels}_h${p.maxHeight}_x${p.maxWidth}_k${p.maxKernel}_wd${p.weightDepth}_cd${p.channelDepth}`;
}

export const MsEngine = defineModule({
  name: msEngineName,
  params: msEngineDefaults,
  body: (p) => msEngineBody(p),
});

/** The engine's hardware, for defineModule (MsEngine here, MsAccelerator in designs/ with other defaults). */
export function msEngineBody(p: MsEngineParams) {
  if (p.wordBits % 8 !== 0 || p.wordBits < 8) throw new RangeError(`MsEngine: wordBits must be a multiple of 8, got ${p.wordBits}`);
  const w = msEngineWidths(p);
  const Desc = MsLayerDescriptorType(p);
  const io = IO({
    /** Host access to the ring while idle: write a word at an address. */
    ringWrite: Input(Valid(Bundle({ addr: UInt(w.aw), data: UInt(p.wordBits) }))),
    /** Host read of the ring while idle: the word at ringReadAddr, same cycle. */
    ringReadAddr: Input(UInt(w.aw)),
    ringReadData: Output(UInt(p.wordBits)),
    /** Weight buffer: bank (output-channel lane), address, signed weight. */
    weightWrite: Input(Valid(Bundle({ bank: UInt(w.lane), addr: UInt(w.weightAddr), data: SInt(8) }))),
    /** Channel parameters: bias and requantization multiplier. */
    channelWrite: Input(Valid(Bundle({ bank: UInt(w.lane), addr: UInt(w.channelAddr), bias: SInt(32), multiplier: UInt(16) }))),
    /** The layer program. */
    layerWrite: Input(Valid(Bundle({ index: UInt(w.layer), desc: Desc }))),
    /** Run layers first..last (when idle); layer 0 takes every input row as active. */
    start: Input(Valid(Bundle({ first: UInt(w.layer), last: UInt(w.layer), gating: Bool(), lineRegister: Bool() }))),
    busy: Output(Bool()),
    /** High in the run's last cycle. */
    done: Output(Bool()),
    counters: Output(MsCounters()),
  });

  const State = Enum(['idle', 'layerStart', 'init', 'load', 'mac', 'requant', 'write']);
  const state = RegInit(State.type, State.idle).named('state');
  const busy = state.neq(State.idle);
  const inState = (s: UIntValue): BoolValue => state.eq(s);

  // ---- program, run options, loop counters ------------------------------------
  const program = Reg(Vec(p.maxLayers, Desc)).named('program');
  when(io.layerWrite.valid.and(busy.not()), () => program.at(io.layerWrite.bits.index).connect(io.layerWrite.bits.desc));
  const cur = Reg(Desc).named('cur');
  const layer = Reg(UInt(w.layer)).named('layer');
  const lastLayer = Reg(UInt(w.layer)).named('lastLayer');
  const gating = Reg(Bool()).named('gating');
  const lineRegister = Reg(Bool()).named('lineRegister');
  const r = Reg(UInt(w.height)).named('r');
  const coBlk = Reg(UInt(w.coBlocks)).named('coBlk');
  const xs = Reg(UInt(w.xBlocks)).named('xs');
  const ci = Reg(UInt(w.channel)).named('ci');
  const ky = Reg(UInt(w.kernel)).named('ky');
  const kx = Reg(UInt(w.kernel)).named('kx');
  const j = Reg(UInt(w.line)).named('j');
  // The line of the current group being loaded (0 .. 3; 4 once all are issued), and the read in flight.
  const lg = Reg(UInt(3)).named('loadLine');
  const pending = Reg(Bool()).named('readPending');
  const pendingLine = Reg(UInt(2)).named('pendingLine');
  const pendingWord = Reg(UInt(w.line)).named('pendingWord');
  const wrLane = Reg(UInt(w.lane)).named('wrLane');
  const wrJ = Reg(UInt(w.line)).named('wrJ');

  // ---- buffers ----------------------------------------------------------------
  const ring = instance(MsRing, { ringWords: p.ringWords, wordBits: p.wordBits });
  const weightBanks = Array.from({ length: p.po }, (_, lane) => Mem(p.weightDepth, SInt(8)).named(`weights${lane}`));
  const biasBanks = Array.from({ length: p.po }, (_, lane) => Mem(p.channelDepth, SInt(32)).named(`bias${lane}`));
  const multBanks = Array.from({ length: p.po }, (_, lane) => Mem(p.channelDepth, UInt(16)).named(`mult${lane}`));
  weightBanks.forEach((bank, lane) => when(io.weightWrite.valid.and(io.weightWrite.bits.bank.eq(lane)), () => bank.write(io.weightWrite.bits.addr, io.weightWrite.bits.data)));
  biasBanks.forEach((bank, lane) => when(io.channelWrite.valid.and(io.channelWrite.bits.bank.eq(lane)), () => bank.write(io.channelWrite.bits.addr, io.channelWrite.bits.bias)));
  multBanks.forEach((bank, lane) => when(io.channelWrite.valid.and(io.channelWrite.bits.bank.eq(lane)), () => bank.write(io.channelWrite.bits.addr, io.channelWrite.bits.multiplier)));

  // flagsIn[c][y]: row y of the current input's channel c has a value off its zero point.
  const flagsIn = Reg(Vec(p.maxChannels, Vec(p.maxHeight, Bool()))).named('flagsIn');
  const flagsOut = Reg(Vec(p.maxChannels, Vec(p.maxHeight, Bool()))).named('flagsOut');

  // ---- the current output row's window ----------------------------------------
  const rs = r.mul(cur.stride).named('rowTimesStride'); // r*s: window top + pad
  const kyLo = mux(cur.pad.gt(rs), cur.pad.subWrap(rs), U(0)).trunc(w.kernel).named('kyLo');
  const bottom = cur.hIn.add(cur.pad).subWrap(rs).subWrap(1).named('windowBottom'); // hIn - 1 + pad - r*s
  const kyHi = mux(bottom.lt(cur.k.subWrap(1)), bottom, cur.k.subWrap(1)).trunc(w.kernel).named('kyHi');
  const windowRows = Array.from({ length: p.maxHeight }, (_, y) =>
    U(y).add(cur.pad).geq(rs).and(U(y).add(cur.pad).lt(rs.add(cur.k))).and(U(y).lt(cur.hIn)),
  );
  const active = Array.from({ length: p.maxChannels }, (_, c) => {
    const flagged = windowRows.map((inWindow, y) => inWindow.and(flagsIn.at(c).at(y))).reduce((a, b) => a.or(b));
    return U(c).lt(cur.cin).and(gating.not().or(flagged));
  });
  // Channels go in groups of `lanes` (1, 2, 4): a group runs when any of its channels is active.
  const lanesIs = (n: 1 | 2 | 4): BoolValue => cur.lanes.eq(n);
  const groupStarts = active.map((_, c) => {
    const groupOf = (n: number): BoolValue => (c % n !== 0 ? B(false) : active.slice(c, c + n).reduce((a, b) => a.or(b)));
    return mux(lanesIs(4), groupOf(4), mux(lanesIs(2), groupOf(2), groupOf(1)));
  });
  const activeBits = Cat(...groupStarts.slice().reverse());
  const firstActive = fit(PriorityEncoder(activeBits), w.channel);
  const laterBits = Cat(...groupStarts.map((a, c) => a.and(U(c).gt(ci))).reverse());
  const nextActive = fit(PriorityEncoder(laterBits), w.channel);
  // Inside a running group only its active channels' lines are loaded (an inactive one adds 0: its window is at the zero point).
  const activeChannels = Cat(...active.slice().reverse()).named('activeChannels');
  const linesActiveFrom = (c: UIntValue): BoolValue[] => [0, 1, 2, 3].map((g) => activeChannels.dshr(c.add(g)).bit(0).and(U(g).lt(cur.lanes)));
  const firstLineFrom = (c: UIntValue): UIntValue => fit(PriorityEncoder(Cat(...linesActiveFrom(c).reverse())), 3);
  const lineActive = linesActiveFrom(ci).map((a, g) => a.named(`lineActive${g}`));
  const laterLines = Cat(...lineActive.map((a, g) => a.and(lg.lt(g))).reverse());
  const nextLine = mux(laterLines.orR(), fit(PriorityEncoder(laterLines), 3), U(4, 3)).named('nextLine');
  // The first line to load when a group starts (made here, outside the controller's when blocks).
  const firstLineOfFirst = firstLineFrom(firstActive).named('firstLineOfFirstGroup');
  const firstLineOfNext = firstLineFrom(nextActive).named('firstLineOfNextGroup');
  const firstLineOfThis = firstLineFrom(ci).named('firstLineOfGroup');
  const inputRow = rs.add(ky).subWrap(cur.pad).named('inputRow');

  // ---- ring access: the engine while busy, the host while idle ------------------
  const loadOffset = inputRow.mul(cur.rowIn).add(ci.add(lg).mul(cur.lineIn)).add(j).trunc(w.aw).named('loadOffset');
  // Load cycles j = 0 .. L_in - 1 issue reads; the word of read j arrives in cycle j + 1.
  const issuing = inState(State.load).and(lg.lt(4)).named('issuingRead');
  ring.fetch.valid.connect(busy.not().or(issuing));
  ring.fetch.bits.base.connect(mux(busy, cur.inBase, U(0, w.aw)));
  ring.fetch.bits.offset.connect(mux(busy, loadOffset, io.ringReadAddr));
  io.ringReadData.connect(ring.readData);
  const firstLive = mux(rs.geq(cur.pad), rs.subWrap(cur.pad), U(0)).named('msFirstLiveRow');
  ring.live.valid.connect(busy.and(inState(State.layerStart).not()));
  ring.live.bits.base.connect(cur.inBase);
  ring.live.bits.from.connect(firstLive.mul(cur.rowIn).trunc(w.aw + 1));
  ring.live.bits.to.connect(cur.inWords);

  // ---- line registers: one input line (all L_in words) per channel of a group --------
  // Register g serves groups of more than g lines, so it only needs the widths those allow:
  // line 0 any width, line 1 up to 4 bits, lines 2 and 3 2 bits.
  const lineWidths: readonly (readonly (2 | 4 | 8)[])[] = [[2, 4, 8], [2, 4], [2], [2]];
  const lineWords = lineWidths.map((widths) => msLineWords(p.maxWidth, Math.max(...widths) as 2 | 4 | 8, p.wordBits));
  const lineRegs = lineWords.map((n, g) => Reg(Vec(n, UInt(p.wordBits))).named(`lineReg${g}`));
  const views = lineRegs.map((reg) => {
    const flat = reg.asUInt();
    return { 2: fieldsOf(flat, 2, p.maxWidth), 4: fieldsOf(flat, 4, p.maxWidth), 8: fieldsOf(flat, 8, p.maxWidth) };
  });
  const idxBits = msBitsFor(p.maxWidth - 1);

  // ---- the MAC array ------------------------------------------------------------
  const groupIndex = mux(lanesIs(4), ci.shr(2), mux(lanesIs(2), ci.shr(1), ci)).named('groupIndex');
  const weightAddr = cur.weightBase
    .add(coBlk.mul(cur.cinGroups).add(groupIndex).mul(cur.k).add(ky).mul(cur.k).add(kx))
    .trunc(w.weightAddr)
    .named('weightAddr');
  const weights = weightBanks.map((bank) => bank.read(weightAddr));
  const channelAddr = cur.channelBase.add(coBlk).trunc(w.channelAddr);
  const biases = biasBanks.map((bank) => bank.read(channelAddr));
  const multipliers = multBanks.map((bank) => bank.read(channelAddr));
  const pixelOf = (px: number): UIntValue => xs.mul(p.px).add(px).trunc(w.width);
  // (a - z_a) of line g per pixel lane this cycle, the value read at `b` bits; 0 where the tap falls in the padding.
  const taps = Array.from({ length: p.px }, (_, px) => {
    const pixel = pixelOf(px);
    const xPlusPad = pixel.mul(cur.stride).add(kx).named(`tap${px}`);
    const inside = xPlusPad.geq(cur.pad).and(xPlusPad.lt(cur.wIn.add(cur.pad))).and(pixel.lt(cur.wOut));
    return { inside, index: xPlusPad.subWrap(cur.pad).trunc(idxBits) };
  });
  const operand = (g: number, px: number, b: 2 | 4 | 8): SIntValue => {
    const { inside, index } = taps[px]!;
    const diff = views[g]![b].at(index).pad(b + 1).asSInt().sub(cur.inZero.trunc(b).pad(b + 1).asSInt());
    return mux(inside, diff, S(0, diff.width));
  };
  // Lanes 1: one 8 x 9 product per PE; 2: two 4-bit weights x 4- or 2-bit features; 4: four 2 x 2-bit.
  const operands1 = taps.map((_, px) => {
    const [o2, o4, o8] = [operand(0, px, 2).pad(10), operand(0, px, 4).pad(10), operand(0, px, 8).pad(10)];
    return mux(cur.inBits.eq(2), o2, mux(cur.inBits.eq(4), o4, o8)).named(`operand${px}`);
  });
  // A line not loaded in this group holds another channel's data: its operand is 0.
  const masked = (g: number, v: SIntValue): SIntValue => mux(lineActive[g]!, v, S(0, v.width));
  const operands2 = taps.map((_, px) => [0, 1].map((g) => masked(g, mux(cur.inBits.eq(2), operand(g, px, 2).pad(6), operand(g, px, 4))).named(`operand${px}_l${g}`)));
  const operands4 = taps.map((_, px) => [0, 1, 2, 3].map((g) => masked(g, operand(g, px, 2)).named(`operand${px}_q${g}`)));
  const weightField = (w8: SIntValue, bits: number, g: number): SIntValue => w8.asUInt().bits((g + 1) * bits - 1, g * bits).asSInt();
  const macTerm = (w8: SIntValue, px: number): SIntValue => {
    const one = w8.mul(operands1[px]!);
    const two = operands2[px]!.map((op, g) => weightField(w8, 4, g).mul(op)).reduce((a, b) => a.add(b));
    const four = operands4[px]!.map((op, g) => weightField(w8, 2, g).mul(op)).reduce((a, b) => a.add(b));
    return mux(lanesIs(4), four.pad(32), mux(lanesIs(2), two.pad(32), one.pad(32)));
  };
  const acc = Array.from({ length: p.po }, (_, lane) => Array.from({ length: p.px }, (_, px) => Reg(SInt(32)).named(`acc${lane}_${px}`)));

  // ---- requantizer and output line buffer ----------------------------------------
  const outLine = Reg(Vec(p.po, Vec(p.maxWidth, UInt(8)))).named('outLine');
  const nonZero = Reg(Vec(p.po, Bool())).named('nonZero');
  const outMax = byWidth(cur.outBits, (b) => U(2 ** b - 1, 8), 8);
  const roundBit = U(1, 32).dshl(cur.shift).shr(1).named('roundBit');
  const requantized = acc.map((row, lane) =>
    row.map((a, px) => {
      const scaled = a.mul(multipliers[lane]!.pad(17).asSInt());
      const rounded = scaled.add(roundBit.pad(33).asSInt()).dshr(cur.shift);
      const shifted = rounded.add(cur.outZero.pad(9).asSInt());
      const out = Wire(UInt(8)).named(`requant${lane}_${px}`);
      out.connect(shifted.asUInt().trunc(8));
      when(shifted.gt(outMax.pad(9).asSInt()), () => out.connect(outMax));
      when(shifted.lt(0), () => out.connect(0));
      return out;
    }),
  );

  // ---- packing an output line into words -----------------------------------------
  const wrLine = outLine.at(wrLane);
  const lineOutMax = w.lineMax;
  const packed = (b: 2 | 4 | 8): UIntValue => {
    const per = p.wordBits / b;
    const words = Array.from({ length: lineOutMax }, (_, jj) => {
      const fields = Array.from({ length: per }, (_, i) => {
        const x = jj * per + i;
        return x < p.maxWidth ? mux(U(x).lt(cur.wOut), wrLine.at(x).trunc(b), U(0, b)) : U(0, b);
      });
      return Cat(...fields.reverse());
    });
    return VecInit(UInt(p.wordBits), words).at(wrJ);
  };
  const outWord = byWidth(cur.outBits, packed, p.wordBits).named('outWord');
  const outChannel = coBlk.mul(p.po).add(wrLane).trunc(w.channel).named('outChannel');
  const writeOffset = r.mul(cur.cout).add(outChannel).mul(cur.lineOut).add(wrJ).trunc(w.aw).named('writeOffset');
  const writing = inState(State.write);
  ring.write.valid.connect(writing.or(busy.not().and(io.ringWrite.valid)));
  ring.write.bits.at.base.connect(mux(busy, cur.outBase, U(0, w.aw)));
  ring.write.bits.at.offset.connect(mux(busy, writeOffset, io.ringWrite.bits.addr));
  ring.write.bits.data.connect(mux(busy, outWord, io.ringWrite.bits.data));

  // ---- counters --------------------------------------------------------------------
  const counters = Reg(MsCounters()).named('counters');
  io.counters.connect(counters);
  when(busy, () => counters.cycles.connect(counters.cycles.addWrap(1)));
  when(issuing, () => counters.reads.connect(counters.reads.addWrap(1)));
  when(writing, () => counters.writes.connect(counters.writes.addWrap(1)));
  when(inState(State.mac), () => counters.macSteps.connect(counters.macSteps.addWrap(1)));

  // ---- the controller ----------------------------------------------------------------
  const done = Wire(Bool()).named('doneNow');
  done.connect(false);
  io.done.connect(done);
  io.busy.connect(busy);
  const startChannel = () => {
    ci.connect(firstActive);
    lg.connect(firstLineOfFirst);
    ky.connect(kyLo);
    j.connect(0);
    kx.connect(0);
  };

  when(inState(State.idle).and(io.start.valid), () => {
    layer.connect(io.start.bits.first);
    lastLayer.connect(io.start.bits.last);
    gating.connect(io.start.bits.gating);
    lineRegister.connect(io.start.bits.lineRegister);
    counters.cycles.connect(0);
    counters.reads.connect(0);
    counters.writes.connect(0);
    counters.macSteps.connect(0);
    when(io.start.bits.first.eq(0), () => flagsIn.toArray().forEach((rows) => rows.toArray().forEach((f) => f.connect(true))));
    state.connect(State.layerStart);
  });

  when(inState(State.layerStart), () => {
    cur.connect(program.at(layer));
    r.connect(0);
    coBlk.connect(0);
    xs.connect(0);
    flagsOut.toArray().forEach((rows) => rows.toArray().forEach((f) => f.connect(false)));
    state.connect(State.init);
  });

  when(inState(State.init), () => {
    acc.forEach((row, lane) => row.forEach((a) => a.connect(biases[lane]!)));
    when(xs.eq(0), () => nonZero.toArray().forEach((f) => f.connect(false)));
    startChannel();
    state.connect(mux(activeBits.orR(), State.load, State.requant));
  });

  when(inState(State.load), () => {
    lineRegs.forEach((reg, g) =>
      when(pending.and(pendingLine.eq(g)), () => reg.at(fit(pendingWord, msBitsFor(lineWords[g]! - 1))).connect(ring.readData)),
    );
    pending.connect(issuing);
    pendingLine.connect(lg.trunc(2));
    pendingWord.connect(j);
    when(issuing, () => {
      when(j.eq(cur.lineIn.subWrap(1)), () => {
        j.connect(0);
        lg.connect(nextLine);
      }).otherwise(() => j.connect(j.addWrap(1)));
    }).otherwise(() => state.connect(State.mac)); // the last word arrived this cycle
  });

  when(inState(State.mac), () => {
    acc.forEach((row, lane) => row.forEach((a, px) => a.connect(a.addWrap(macTerm(weights[lane]!, px)))));
    when(kx.eq(cur.k.subWrap(1)), () => {
      kx.connect(0);
      when(ky.eq(kyHi), () => {
        when(laterBits.orR(), () => {
          ci.connect(nextActive);
          lg.connect(firstLineOfNext);
          ky.connect(kyLo);
          state.connect(State.load);
        }).otherwise(() => state.connect(State.requant));
      }).otherwise(() => {
        ky.connect(ky.addWrap(1));
        lg.connect(firstLineOfThis);
        state.connect(State.load);
      });
    }).otherwise(() => {
      kx.connect(kx.addWrap(1));
      when(lineRegister.not(), () => {
        lg.connect(firstLineOfThis);
        state.connect(State.load);
      });
    });
  });

  when(inState(State.requant), () => {
    requantized.forEach((row, lane) =>
      row.forEach((out, px) => {
        const pixel = pixelOf(px);
        when(pixel.lt(cur.wOut), () => {
          outLine.at(lane).at(pixel.trunc(idxBits)).connect(out);
          when(out.neq(cur.outZero), () => nonZero.at(lane).connect(true));
        });
      }),
    );
    when(xs.eq(cur.xBlocks.subWrap(1)), () => {
      xs.connect(0);
      wrLane.connect(0);
      wrJ.connect(0);
      state.connect(State.write);
    }).otherwise(() => {
      xs.connect(xs.addWrap(1));
      state.connect(State.init);
    });
  });

  when(writing, () => {
    flagsOut.at(outChannel).at(r).connect(nonZero.at(wrLane));
    when(wrJ.eq(cur.lineOut.subWrap(1)), () => {
      wrJ.connect(0);
      const lastLane = wrLane.eq(p.po - 1).or(outChannel.eq(cur.cout.subWrap(1)));
      when(lastLane, () => {
        wrLane.connect(0);
        when(coBlk.eq(cur.coBlocks.subWrap(1)), () => {
          coBlk.connect(0);
          when(r.eq(cur.hOut.subWrap(1)), () => {
            // Layer end: its output flags gate the next layer.
            flagsIn.connect(flagsOut);
            flagsIn.at(outChannel).at(r).connect(nonZero.at(wrLane)); // this cycle's flag too
            when(layer.eq(lastLayer), () => {
              done.connect(true);
              state.connect(State.idle);
            }).otherwise(() => {
              layer.connect(layer.addWrap(1));
              state.connect(State.layerStart);
            });
          }).otherwise(() => {
            r.connect(r.addWrap(1));
            state.connect(State.init);
          });
        }).otherwise(() => {
          coBlk.connect(coBlk.addWrap(1));
          state.connect(State.init);
        });
      }).otherwise(() => wrLane.connect(wrLane.addWrap(1)));
    }).otherwise(() => wrJ.connect(wrJ.addWrap(1)));
  });
  return io;
}
