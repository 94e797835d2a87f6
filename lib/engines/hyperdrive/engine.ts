// The Hyperdrive engine: M x N Tile-PUs with C FP16 lanes each, a feature-map memory
// per Tile-PU (three map slots) read by its neighbours, an accumulator memory per Tile-PU,
// a C-bit weight port through which each layer's weights enter once, the layer
// controller running the loop nest of golden.ts, the fused epilogue and counters.
import { Bool, Bundle, Cat, Decoupled, Enum, IO, Input, Mem, Output, Reg, RegInit, U, UInt, Valid, Vec, defineModule, fire, mux, when } from '../../../dsl/index.ts';
import type { Bool as BoolValue, IOValues, PortSpec, UInt as UIntValue } from '../../../dsl/index.ts';
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
  /** Channels a map slot holds (a multiple of lanes): the feature-map memory depth is 3 * maxChannels / lanes * patch pixels words. */
  maxChannels: 8,
};
export type HyperdriveParams = typeof hyperdriveDefaults;

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/**
 * Map slots per Tile-PU memory: a block's input, its first conv's output, and a
 * downsampling block's 1x1 projection shortcut are live at once.
 */
export const HYPERDRIVE_MAP_SLOTS = 3;
const SLOT_BITS = bitsFor(HYPERDRIVE_MAP_SLOTS - 1);

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
  return { groups, patchPixels, slotWords: groups * patchPixels, bankWords: HYPERDRIVE_MAP_SLOTS * groups * patchPixels, tiles: p.tileRows * p.tileCols };
}

/** One layer's settings, taken on the `layerConfig` port. The output map goes to outSlot; a residual's bypass is read from outSlot too (overwritten in place). */
export function HyperdriveLayerConfig(p: HyperdriveParams) {
  return Bundle({
    inChannels: UInt(bitsFor(p.maxChannels)),
    outChannels: UInt(bitsFor(p.maxChannels)),
    kernel3: Bool(),
    stride2: Bool(),
    inSlot: UInt(SLOT_BITS),
    outSlot: UInt(SLOT_BITS),
    residual: Bool(),
    relu: Bool(),
    /** The input map's patch per Tile-PU (stride 2 halves it for the output). */
    inRows: UInt(bitsFor(p.patchRows)),
    inCols: UInt(bitsFor(p.patchCols)),
    /** No layer: only the border exchange of the map in outSlot (outChannels, inRows x inCols; stride 1). */
    haloOnly: Bool(),
  });
}

/** One side of the border exchange: the edge pixel `position` of every Tile-PU along the side. */
function HaloSide(p: HyperdriveParams, tilesAlong: number, positions: number) {
  return Valid(Bundle({ slot: UInt(SLOT_BITS), group: UInt(bitsFor(p.maxChannels / p.lanes - 1)), position: UInt(bitsFor(positions - 1)), data: Vec(tilesAlong, UInt(16 * p.lanes)) }));
}
function HaloCorner(p: HyperdriveParams) {
  return Valid(Bundle({ slot: UInt(SLOT_BITS), group: UInt(bitsFor(p.maxChannels / p.lanes - 1)), data: UInt(16 * p.lanes) }));
}
/** The border links of a chip, one per neighbour: out = my edge going to that neighbour, in = its edge, for my border ring. */
export function HaloLinks(p: HyperdriveParams) {
  return Bundle({
    top: HaloSide(p, p.tileCols, p.patchCols),
    bottom: HaloSide(p, p.tileCols, p.patchCols),
    left: HaloSide(p, p.tileRows, p.patchRows),
    right: HaloSide(p, p.tileRows, p.patchRows),
    topLeft: HaloCorner(p),
    topRight: HaloCorner(p),
    bottomLeft: HaloCorner(p),
    bottomRight: HaloCorner(p),
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
    const MapAddress = { tile: UInt(bitsFor(tiles - 1)), slot: UInt(SLOT_BITS), group: UInt(bitsFor(groups - 1)), pixel: UInt(bitsFor(patchPixels - 1)) };
    const io = IO({
      layerConfig: Input(Decoupled(HyperdriveLayerConfig(p))),
      weights: Input(Decoupled(UInt(lanes))),
      /** scale and bias of output channels group*C .. group*C + C-1, written before the layer. */
      params: Input(Valid(Bundle({ group: UInt(bitsFor(groups - 1)), scale: Vec(lanes, UInt(16)), bias: Vec(lanes, UInt(16)) }))),
      /** The host's access to the maps (while idle): C channels of one pixel per word. */
      mapWrite: Input(Valid(Bundle({ ...MapAddress, data: Vec(lanes, UInt(16)) }))),
      mapRead: Input(Bundle(MapAddress)),
      mapReadData: Output(Vec(lanes, UInt(16))),
      /** Which neighbour chips exist (a 2-D mesh): a missing one pads with zeros, as the map's edge. */
      neighbours: Input(Bundle({ top: Bool(), bottom: Bool(), left: Bool(), right: Bool() })),
      haloOut: Output(HaloLinks(p)),
      haloIn: Input(HaloLinks(p)),
      busy: Output(Bool()),
      /** Since reset: cycles busy, of them cycles waiting for weights and cycles of border exchange; weight bits taken. */
      cycles: Output(UInt(32)),
      stallCycles: Output(UInt(32)),
      haloCycles: Output(UInt(32)),
      weightBits: Output(UInt(32)),
    });

    // ---- Layer controller: the loop nest blk / ci / ky / kx / (py, px), then the epilogue over (py, px).
    const Phase = Enum(['idle', 'conv', 'epilogue', 'halo']);
    const phase = RegInit(Phase.type, Phase.idle);
    const cfg = Reg(HyperdriveLayerConfig(p));
    const blk = RegInit(UInt(bitsFor(groups - 1)), 0);
    const ci = RegInit(UInt(bitsFor(p.maxChannels - 1)), 0);
    const ky = RegInit(UInt(2), 0);
    const kx = RegInit(UInt(2), 0);
    const py = RegInit(UInt(bitsFor(p.patchRows - 1)), 0);
    const px = RegInit(UInt(bitsFor(p.patchCols - 1)), 0);
    // Border exchange after a layer: for each group, the top, bottom, left and right edge, one position per cycle.
    const side = RegInit(UInt(2), 0);
    const haloPosition = RegInit(UInt(bitsFor(Math.max(p.patchRows, p.patchCols) - 1)), 0);
    const anyNeighbour = io.neighbours.top.or(io.neighbours.bottom).or(io.neighbours.left).or(io.neighbours.right);

    const inConv = phase.eq(Phase.conv);
    const inEpilogue = phase.eq(Phase.epilogue);
    const inHalo = phase.eq(Phase.halo);
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
    const horizontalSide = side.bit(1).not(); // 0 top, 1 bottom: along a row; 2 left, 3 right: along a column
    const lastHaloPosition = haloPosition.add(1).eq(mux(horizontalSide, outCols, outRows));

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
      phase.connect(mux(io.layerConfig.bits.haloOnly, Phase.halo, Phase.conv));
      for (const r of [blk, ci, ky, kx, py, px, side, haloPosition]) r.connect(0);
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
      ).elsewhen(inEpilogue, () =>
        step(px, lastPx, () =>
          step(py, lastPy, () =>
            when(lastBlk, () => {
              blk.connect(0);
              phase.connect(mux(anyNeighbour, Phase.halo, Phase.idle));
            }).otherwise(() => {
              blk.connect(blk.addWrap(1));
              phase.connect(Phase.conv);
            }),
          ),
        ),
      ).otherwise(() =>
        step(haloPosition, lastHaloPosition, () =>
          step(side, side.eq(3), () =>
            when(lastBlk, () => phase.connect(Phase.idle)).otherwise(() => blk.connect(blk.addWrap(1))),
          ),
        ),
      );
    });

    // Counters.
    const cycles = RegInit(UInt(32), 0);
    const stallCycles = RegInit(UInt(32), 0);
    const haloCycles = RegInit(UInt(32), 0);
    when(inHalo, () => haloCycles.connect(haloCycles.addWrap(1)));
    io.haloCycles.connect(haloCycles);
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
    const pixelBits = bitsFor(patchPixels - 1);
    const haloRow = mux(side.eq(0), U(0, haloPosition.width), mux(side.eq(1), outRows.subWrap(1).pad(haloPosition.width).trunc(haloPosition.width), haloPosition));
    const haloCol = mux(side.eq(2), U(0, haloPosition.width), mux(side.eq(3), outCols.subWrap(1).pad(haloPosition.width).trunc(haloPosition.width), haloPosition));
    const edgePixel = haloRow.mul(p.patchCols).add(haloCol).pad(pixelBits).trunc(pixelBits);
    const readAddress = mux(inConv, wordAddress(cfg.inSlot, inputGroup, tapPixel), wordAddress(cfg.outSlot, blk, mux(inHalo, edgePixel, outPixel)));
    const hostAddress = wordAddress(io.mapRead.slot, io.mapRead.group, io.mapRead.pixel);
    const hostWriteAddress = wordAddress(io.mapWrite.bits.slot, io.mapWrite.bits.group, io.mapWrite.bits.pixel);
    const firstTerm = ci.eq(0).and(ky.eq(0)).and(kx.eq(0));

    // Epilogue parameters: one word per channel group, shared by all Tile-PUs.
    const paramMem = Mem(groups, UInt(32 * lanes));
    when(io.params.valid, () => paramMem.write(io.params.bits.group, Cat(io.params.bits.scale.asUInt(), io.params.bits.bias.asUInt())));
    const paramWord = paramMem.read(blk);

    // ---- Border ring: the neighbour chips' edge pixels of each map slot (all channel groups), written by the
    // border exchange, read like a neighbour bank by the Tile-PUs on this chip's edge.
    const zeroWord = U(0, 16 * lanes);
    type Side = IOValues<{ s: PortSpec<ReturnType<typeof HaloSide>> }>['s'];
    const ringSegment = (link: Side, index: number, positions: number, readPosition: UIntValue, present: BoolValue): UIntValue => {
      const ring = Mem(HYPERDRIVE_MAP_SLOTS * groups * positions, UInt(16 * lanes));
      const bits = bitsFor(HYPERDRIVE_MAP_SLOTS * groups * positions - 1);
      const at = (slot: UIntValue, group: UIntValue, position: UIntValue): UIntValue =>
        slot.mul(groups * positions).add(group.mul(positions)).add(position).pad(bits).trunc(bits);
      when(link.valid, () => ring.write(at(link.bits.slot, link.bits.group, link.bits.position), link.bits.data.at(index)));
      return mux(present, ring.read(at(cfg.inSlot, inputGroup, readPosition)), zeroWord);
    };
    const ringCorner = (link: IOValues<{ c: PortSpec<ReturnType<typeof HaloCorner>> }>['c'], present: BoolValue): UIntValue => {
      const ring = Mem(HYPERDRIVE_MAP_SLOTS * groups, UInt(16 * lanes));
      const bits = bitsFor(HYPERDRIVE_MAP_SLOTS * groups - 1);
      const at = (slot: UIntValue, group: UIntValue): UIntValue => slot.mul(groups).add(group).pad(bits).trunc(bits);
      when(link.valid, () => ring.write(at(link.bits.slot, link.bits.group), link.bits.data));
      return mux(present, ring.read(at(cfg.inSlot, inputGroup)), zeroWord);
    };
    const has = io.neighbours;
    const topRing = Array.from({ length: p.tileCols }, (_, n) => ringSegment(io.haloIn.top, n, p.patchCols, col, has.top));
    const bottomRing = Array.from({ length: p.tileCols }, (_, n) => ringSegment(io.haloIn.bottom, n, p.patchCols, col, has.bottom));
    const leftRing = Array.from({ length: p.tileRows }, (_, m) => ringSegment(io.haloIn.left, m, p.patchRows, row, has.left));
    const rightRing = Array.from({ length: p.tileRows }, (_, m) => ringSegment(io.haloIn.right, m, p.patchRows, row, has.right));
    const topLeftRing = ringCorner(io.haloIn.topLeft, has.top.and(has.left));
    const topRightRing = ringCorner(io.haloIn.topRight, has.top.and(has.right));
    const bottomLeftRing = ringCorner(io.haloIn.bottomLeft, has.bottom.and(has.left));
    const bottomRightRing = ringCorner(io.haloIn.bottomRight, has.bottom.and(has.right));

    // ---- Tile-PUs.
    const banks = Array.from({ length: tiles }, () => Mem(bankWords, UInt(16 * lanes)));
    const bankOut = banks.map((bank) => bank.read(readAddress));
    const lane = (word: UIntValue, j: number): UIntValue => word.bits(16 * j + 15, 16 * j);
    /** The word a tap reads from the Tile-PU at (mm, nn), which may lie beyond this chip: then the border ring. */
    const sourceWord = (mm: number, nn: number): UIntValue => {
      const rowInside = mm >= 0 && mm < p.tileRows;
      const colInside = nn >= 0 && nn < p.tileCols;
      if (rowInside && colInside) return bankOut[mm * p.tileCols + nn]!;
      if (colInside) return mm < 0 ? topRing[nn]! : bottomRing[nn]!;
      if (rowInside) return nn < 0 ? leftRing[mm]! : rightRing[mm]!;
      if (mm < 0) return nn < 0 ? topLeftRing : topRightRing;
      return nn < 0 ? bottomLeftRing : bottomRightRing;
    };
    const hostWords: UIntValue[] = [];
    for (let m = 0; m < p.tileRows; m++) {
      for (let n = 0; n < p.tileCols; n++) {
        const t = m * p.tileCols + n;
        const rowOf = (dn: number): UIntValue => mux(up, sourceWord(m - 1, n + dn), mux(down, sourceWord(m + 1, n + dn), sourceWord(m, n + dn)));
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
    // Border exchange out: the edge Tile-PUs' words at this cycle's edge pixel; corners ride on the top and bottom edges.
    const sideLink = (link: Side, sideIndex: number, tilesAlong: number[]): void => {
      link.valid.connect(inHalo.and(side.eq(sideIndex)));
      link.bits.slot.connect(cfg.outSlot);
      link.bits.group.connect(blk);
      link.bits.position.connect(haloPosition.pad(link.bits.position.width).trunc(link.bits.position.width));
      tilesAlong.forEach((t, i) => link.bits.data.at(i).connect(bankOut[t]!));
    };
    const columns = Array.from({ length: p.tileCols }, (_, n) => n);
    const rows = Array.from({ length: p.tileRows }, (_, m) => m);
    sideLink(io.haloOut.top, 0, columns);
    sideLink(io.haloOut.bottom, 1, columns.map((n) => (p.tileRows - 1) * p.tileCols + n));
    sideLink(io.haloOut.left, 2, rows.map((m) => m * p.tileCols));
    sideLink(io.haloOut.right, 3, rows.map((m) => m * p.tileCols + p.tileCols - 1));
    const cornerLink = (link: IOValues<{ c: PortSpec<ReturnType<typeof HaloCorner>> }>['c'], sideIndex: number, atLast: boolean, tile: number): void => {
      link.valid.connect(inHalo.and(side.eq(sideIndex)).and(atLast ? lastHaloPosition : haloPosition.eq(0)));
      link.bits.slot.connect(cfg.outSlot);
      link.bits.group.connect(blk);
      link.bits.data.connect(bankOut[tile]!);
    };
    cornerLink(io.haloOut.topLeft, 0, false, 0);
    cornerLink(io.haloOut.topRight, 0, true, p.tileCols - 1);
    cornerLink(io.haloOut.bottomLeft, 1, false, (p.tileRows - 1) * p.tileCols);
    cornerLink(io.haloOut.bottomRight, 1, true, tiles - 1);

    let hostWord: UIntValue = hostWords[0]!;
    for (let t = 1; t < tiles; t++) hostWord = mux(io.mapRead.tile.eq(t), hostWords[t]!, hostWord);
    for (let j = 0; j < lanes; j++) io.mapReadData.at(j).connect(lane(hostWord, j));
    return io;
  },
});
