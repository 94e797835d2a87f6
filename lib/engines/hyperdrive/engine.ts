// The Hyperdrive engine: M x N Tile-PUs with C FP16 lanes each, a feature-map memory
// per Tile-PU (two map slots) read by its neighbours, an accumulator memory per Tile-PU,
// a C-bit weight port through which each layer's weights enter once, the layer
// controller running the loop nest of golden.ts, the fused epilogue and counters.
import { Bool, Bundle, Cat, Decoupled, Enum, IO, Input, Mem, Output, Reg, RegInit, U, UInt, Valid, Vec, defineModule, fire, mux, when } from '../../../dsl/index.ts';
import type { Bool as BoolValue, UInt as UIntValue } from '../../../dsl/index.ts';
import { fp16AddExact, fp16FmaExact, fp16Round } from '../../float/fp16.ts';

export const hyperdriveDefaults = {
  /** M x N Tile-PUs; the map is (M * patchRows) x (N * patchCols). */
  tileRows: 2,
  tileCols: 2,
  /** C: FP16 lanes per Tile-PU, one output channel each (a power of two). */
  lanes: 4,
  /** Pixels of the input map each Tile-PU owns, rows x columns (the largest layer's). */
  patchRows: 4,
  patchCols: 4,
  /** Channels a map slot holds (a multiple of lanes): the feature-map memory depth is 2 * maxChannels / lanes * patch pixels words. */
  maxChannels: 8,
};
export type HyperdriveParams = typeof hyperdriveDefaults;

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export function checkHyperdriveParams(p: HyperdriveParams): void {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(p)) if (!Number.isInteger(v) || v < 1) problems.push(`${k} must be a positive integer, got ${v}`);
  if (p.lanes < 2 || (p.lanes & (p.lanes - 1)) !== 0) problems.push(`lanes must be a power of two of at least 2, got ${p.lanes}`);
  if (p.maxChannels % p.lanes !== 0) problems.push(`maxChannels (${p.maxChannels}) must be a multiple of lanes (${p.lanes})`);
  if (problems.length) throw new RangeError(`Hyperdrive parameters: ${problems.join('; ')}`);
}

/** Geometry shared by the hardware, its tests and the host driver. */
export function hyperdriveGeometry(p: HyperdriveParams) {
  const groups = p.maxChannels / p.lanes;
  const patchPixels = p.patchRows * p.patchCols;
  return { groups, patchPixels, slotWords: groups * patchPixels, bankWords: 2 * groups * patchPixels, tiles: p.tileRows * p.tileCols };
}

/** One layer's settings, taken on the `layerConfig` port. The output map goes to outSlot; a residual's bypass is read from outSlot too (overwritten in place). */
export function HyperdriveLayerConfig(p: HyperdriveParams) {
  return Bundle({
    inChannels: UInt(bitsFor(p.maxChannels)),
    outChannels: UInt(bitsFor(p.maxChannels)),
    kernel3: Bool(),
    stride2: Bool(),
    inSlot: UInt(1),
    outSlot: UInt(1),
    residual: Bool(),
    relu: Bool(),
    /** The input map's patch per Tile-PU (stride 2 halves it for the output). */
    inRows: UInt(bitsFor(p.patchRows)),
    inCols: UInt(bitsFor(p.patchCols)),
  });
}

export const HyperdriveEngine = defineModule({
  name: 'HyperdriveEngine',
  params: hyperdriveDefaults,
  body: (p) => {
    checkHyperdriveParams(p);
    const { groups, patchPixels, slotWords, bankWords, tiles } = hyperdriveGeometry(p);
    const { lanes } = p;
    const laneBits = Math.log2(lanes);
    const addrBits = bitsFor(bankWords - 1);
    const MapAddress = { tile: UInt(bitsFor(tiles - 1)), slot: UInt(1), group: UInt(bitsFor(groups - 1)), pixel: UInt(bitsFor(patchPixels - 1)) };
    const io = IO({
      layerConfig: Input(Decoupled(HyperdriveLayerConfig(p))),
      weights: Input(Decoupled(UInt(lanes))),
      /** scale and bias of output channels group*C .. group*C + C-1, written before the layer. */
      params: Input(Valid(Bundle({ group: UInt(bitsFor(groups - 1)), scale: Vec(lanes, UInt(16)), bias: Vec(lanes, UInt(16)) }))),
      /** The host's access to the maps (while idle): C channels of one pixel per word. */
      mapWrite: Input(Valid(Bundle({ ...MapAddress, data: Vec(lanes, UInt(16)) }))),
      mapRead: Input(Bundle(MapAddress)),
      mapReadData: Output(Vec(lanes, UInt(16))),
      busy: Output(Bool()),
      /** Since reset: cycles busy, of them cycles waiting for weights, weight bits taken. */
      cycles: Output(UInt(32)),
      stallCycles: Output(UInt(32)),
      weightBits: Output(UInt(32)),
    });

    // ---- Layer controller: the loop nest blk / ci / ky / kx / (py, px), then the epilogue over (py, px).
    const Phase = Enum(['idle', 'conv', 'epilogue']);
    const phase = RegInit(Phase.type, Phase.idle);
    const cfg = Reg(HyperdriveLayerConfig(p));
    const blk = RegInit(UInt(bitsFor(groups - 1)), 0);
    const ci = RegInit(UInt(bitsFor(p.maxChannels - 1)), 0);
    const ky = RegInit(UInt(2), 0);
    const kx = RegInit(UInt(2), 0);
    const py = RegInit(UInt(bitsFor(p.patchRows - 1)), 0);
    const px = RegInit(UInt(bitsFor(p.patchCols - 1)), 0);

    const inConv = phase.eq(Phase.conv);
    const inEpilogue = phase.eq(Phase.epilogue);
    const outRows = mux(cfg.stride2, cfg.inRows.shr(1).pad(cfg.inRows.width), cfg.inRows);
    const outCols = mux(cfg.stride2, cfg.inCols.shr(1).pad(cfg.inCols.width), cfg.inCols);
    const kernelLast = mux(cfg.kernel3, U(2, 2), U(0, 2));
    const lastPx = px.add(1).eq(outCols);
    const lastPy = py.add(1).eq(outRows);
    const lastKx = kx.eq(kernelLast);
    const lastKy = ky.eq(kernelLast);
    const lastCi = ci.add(1).eq(cfg.inChannels);
    const blockEnd = blk.add(1).cat(U(0, laneBits)); // (blk + 1) * C
    const lastBlk = blockEnd.geq(cfg.outChannels);
    const firstPixel = px.eq(0).and(py.eq(0));

    // Weights: C bits at the first pixel of each tap, held in wHeld for the rest of the patch.
    const needWeights = inConv.and(firstPixel);
    io.weights.ready.connect(needWeights);
    const stall = needWeights.and(io.weights.valid.not());
    const advance = phase.neq(Phase.idle).and(stall.not());
    const wHeld = Reg(UInt(lanes));
    when(fire(io.weights), () => wHeld.connect(io.weights.bits));
    const weightBitsNow = mux(firstPixel, io.weights.bits, wHeld);

    io.layerConfig.ready.connect(phase.eq(Phase.idle));
    when(fire(io.layerConfig), () => {
      cfg.connect(io.layerConfig.bits);
      phase.connect(Phase.conv);
      for (const r of [blk, ci, ky, kx, py, px]) r.connect(0);
    });
    const step = (counter: UIntValue, last: BoolValue, wrapped: () => void): void => {
      when(last.not(), () => counter.connect(counter.addWrap(1))).otherwise(() => {
        counter.connect(0);
        wrapped();
      });
    };
    when(advance, () => {
      when(inConv, () =>
        step(px, lastPx, () => step(py, lastPy, () => step(kx, lastKx, () => step(ky, lastKy, () => step(ci, lastCi, () => phase.connect(Phase.epilogue)))))),
      ).otherwise(() =>
        step(px, lastPx, () =>
          step(py, lastPy, () =>
            when(lastBlk, () => phase.connect(Phase.idle)).otherwise(() => {
              blk.connect(blk.addWrap(1));
              phase.connect(Phase.conv);
            }),
          ),
        ),
      );
    });

    // Counters.
    const cycles = RegInit(UInt(32), 0);
    const stallCycles = RegInit(UInt(32), 0);
    const weightBits = RegInit(UInt(32), 0);
    const lanesLeft = cfg.outChannels.pad(blockEnd.width).subWrap(blk.cat(U(0, laneBits)));
    const activeLanes = mux(lanesLeft.geq(lanes), U(lanes, bitsFor(lanes)), lanesLeft.trunc(bitsFor(lanes)));
    when(phase.neq(Phase.idle), () => cycles.connect(cycles.addWrap(1)));
    when(stall, () => stallCycles.connect(stallCycles.addWrap(1)));
    when(fire(io.weights), () => weightBits.connect(weightBits.addWrap(activeLanes)));
    io.cycles.connect(cycles);
    io.stallCycles.connect(stallCycles);
    io.weightBits.connect(weightBits);
    io.busy.connect(phase.neq(Phase.idle));

    // ---- Addresses, the same in every Tile-PU (lockstep: one reader per bank per cycle).
    // Input row of the tap: py*s + ky - pad, in [-1, inRows]; -1 and inRows are the neighbours' rows.
    const pad = cfg.kernel3;
    const tapRow = mux(cfg.stride2, py.shl(1), py.pad(py.width + 1)).add(ky);
    const tapCol = mux(cfg.stride2, px.shl(1), px.pad(px.width + 1)).add(kx);
    const up = pad.and(tapRow.eq(0));
    const left = pad.and(tapCol.eq(0));
    const down = tapRow.geq(cfg.inRows.add(pad));
    const right = tapCol.geq(cfg.inCols.add(pad));
    const row = mux(up, cfg.inRows.subWrap(1).pad(tapRow.width), mux(down, U(0, tapRow.width), tapRow.subWrap(pad)));
    const col = mux(left, cfg.inCols.subWrap(1).pad(tapCol.width), mux(right, U(0, tapCol.width), tapCol.subWrap(pad)));
    const wordAddress = (slot: UIntValue, group: UIntValue, pixel: UIntValue): UIntValue =>
      slot.mul(slotWords).add(group.mul(patchPixels)).add(pixel).pad(addrBits).trunc(addrBits);
    const tapPixel = row.mul(p.patchCols).add(col);
    const outPixel = py.mul(p.patchCols).add(px).pad(bitsFor(patchPixels - 1)).trunc(bitsFor(patchPixels - 1));
    const inputGroup = ci.shr(laneBits);
    const inputLane = ci.bits(laneBits - 1, 0);
    const readAddress = mux(inConv, wordAddress(cfg.inSlot, inputGroup, tapPixel), wordAddress(cfg.outSlot, blk, outPixel));
    const hostAddress = wordAddress(io.mapRead.slot, io.mapRead.group, io.mapRead.pixel);
    const hostWriteAddress = wordAddress(io.mapWrite.bits.slot, io.mapWrite.bits.group, io.mapWrite.bits.pixel);
    const firstTerm = ci.eq(0).and(ky.eq(0)).and(kx.eq(0));

    // Epilogue parameters: one word per channel group, shared by all Tile-PUs.
    const paramMem = Mem(groups, UInt(32 * lanes));
    when(io.params.valid, () => paramMem.write(io.params.bits.group, Cat(io.params.bits.scale.asUInt(), io.params.bits.bias.asUInt())));
    const paramWord = paramMem.read(blk);

    // ---- Tile-PUs.
    const banks = Array.from({ length: tiles }, () => Mem(bankWords, UInt(16 * lanes)));
    const bankOut = banks.map((bank) => bank.read(readAddress));
    const lane = (word: UIntValue, j: number): UIntValue => word.bits(16 * j + 15, 16 * j);
    const zeroWord = U(0, 16 * lanes);
    const hostWords: UIntValue[] = [];
    for (let m = 0; m < p.tileRows; m++) {
      for (let n = 0; n < p.tileCols; n++) {
        const t = m * p.tileCols + n;
        const neighbour = (dm: number, dn: number): UIntValue => {
          const mm = m + dm;
          const nn = n + dn;
          return mm < 0 || nn < 0 || mm >= p.tileRows || nn >= p.tileCols ? zeroWord : bankOut[mm * p.tileCols + nn]!; // beyond the map: padding
        };
        const rowOf = (dn: number): UIntValue => mux(up, neighbour(-1, dn), mux(down, neighbour(1, dn), neighbour(0, dn)));
        const inputWord = mux(left, rowOf(-1), mux(right, rowOf(1), rowOf(0)));
        const x = inputWord.dshr(inputLane.cat(U(0, 4))).trunc(16);

        const accMem = Mem(patchPixels, UInt(16 * lanes));
        const accWord = accMem.read(outPixel);
        const sums: UIntValue[] = [];
        const results: UIntValue[] = [];
        for (let j = 0; j < lanes; j++) {
          const acc = mux(firstTerm, U(0, 16), lane(accWord, j));
          const fused = fp16Round(fp16FmaExact(lane(paramWord, lanes + j), lane(accWord, j), lane(paramWord, j)), -48);
          // One adder per lane: acc +- x in the conv, fused + bypass in the epilogue.
          const sum = fp16Round(
            fp16AddExact(mux(inConv, acc, fused), mux(inConv, x, lane(bankOut[t]!, j)), inConv.and(weightBitsNow.bit(j).not())),
            -24,
          );
          const beforeRelu = mux(cfg.residual, sum, fused);
          sums.push(sum);
          results.push(mux(cfg.relu.and(beforeRelu.bit(15)), U(0, 16), beforeRelu));
        }
        const packed = (values: UIntValue[]): UIntValue => Cat(...values.slice().reverse());
        when(advance.and(inConv), () => accMem.write(outPixel, packed(sums)));
        const hostWrite = io.mapWrite.valid.and(io.mapWrite.bits.tile.eq(t));
        when(advance.and(inEpilogue), () => banks[t]!.write(readAddress, packed(results))).elsewhen(hostWrite, () =>
          banks[t]!.write(hostWriteAddress, io.mapWrite.bits.data.asUInt()),
        );
        hostWords.push(banks[t]!.read(hostAddress));
      }
    }
    let hostWord: UIntValue = hostWords[0]!;
    for (let t = 1; t < tiles; t++) hostWord = mux(io.mapRead.tile.eq(t), hostWords[t]!, hostWord);
    for (let j = 0; j < lanes; j++) io.mapReadData.at(j).connect(lane(hostWord, j));
    return io;
  },
});
