// A 2-D mesh of Hyperdrive chips: each owns a region of the map, all run the same layer
// in lockstep on one broadcast weight stream, and after each layer they exchange their
// edge pixels (one link per neighbour, corners on diagonal links) into the neighbours'
// border rings. The result equals one engine with all the Tile-PUs on the whole map.
import { B, Bool, Bundle, Decoupled, DontCare, IO, Input, Output, UInt, Valid, Vec, assert, defineModule, instance, mux } from '../../../dsl/index.ts';
import type { UInt as UIntValue } from '../../../dsl/index.ts';
import { HYPERDRIVE_MAP_SLOTS, HyperdriveEngine, HyperdriveLayerConfig, hyperdriveDefaults, hyperdriveGeometry } from './engine.ts';

export const hyperdriveMeshDefaults = { ...hyperdriveDefaults, meshRows: 2, meshCols: 2 };
export type HyperdriveMeshParams = typeof hyperdriveMeshDefaults;

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export const HyperdriveMesh = defineModule({
  name: 'HyperdriveMesh',
  params: hyperdriveMeshDefaults,
  body: ({ meshRows, meshCols, ...p }) => {
    if (!Number.isInteger(meshRows) || !Number.isInteger(meshCols) || meshRows < 1 || meshCols < 1) throw new RangeError(`meshRows and meshCols must be positive integers, got ${meshRows} x ${meshCols}`);
    const chips = meshRows * meshCols;
    const { groups, patchPixels, tiles } = hyperdriveGeometry(p);
    const MapAddress = { chip: UInt(bitsFor(chips - 1)), tile: UInt(bitsFor(tiles - 1)), slot: UInt(bitsFor(HYPERDRIVE_MAP_SLOTS - 1)), group: UInt(bitsFor(groups - 1)), pixel: UInt(bitsFor(patchPixels - 1)) };
    const io = IO({
      layerConfig: Input(Decoupled(HyperdriveLayerConfig(p))),
      weights: Input(Decoupled(UInt(p.lanes))),
      params: Input(Valid(Bundle({ group: UInt(bitsFor(groups - 1)), scale: Vec(p.lanes, UInt(16)), bias: Vec(p.lanes, UInt(16)) }))),
      mapWrite: Input(Valid(Bundle({ ...MapAddress, data: Vec(p.lanes, UInt(16)) }))),
      mapRead: Input(Bundle(MapAddress)),
      mapReadData: Output(Vec(p.lanes, UInt(16))),
      busy: Output(Bool()),
      /** Chip 0's counters (all chips run the same schedule). */
      cycles: Output(UInt(32)),
      stallCycles: Output(UInt(32)),
      haloCycles: Output(UInt(32)),
      weightBits: Output(UInt(32)),
    });
    const engines = Array.from({ length: chips }, () => instance(HyperdriveEngine, p));
    const at = (r: number, c: number) => (r < 0 || c < 0 || r >= meshRows || c >= meshCols ? undefined : engines[r * meshCols + c]);
    engines.forEach((e, i) => {
      const r = Math.floor(i / meshCols);
      const c = i % meshCols;
      e.layerConfig.valid.connect(io.layerConfig.valid);
      e.layerConfig.bits.connect(io.layerConfig.bits);
      e.weights.valid.connect(io.weights.valid);
      e.weights.bits.connect(io.weights.bits);
      e.params.connect(io.params);
      e.mapWrite.valid.connect(io.mapWrite.valid.and(io.mapWrite.bits.chip.eq(i)));
      e.mapWrite.bits.tile.connect(io.mapWrite.bits.tile);
      e.mapWrite.bits.slot.connect(io.mapWrite.bits.slot);
      e.mapWrite.bits.group.connect(io.mapWrite.bits.group);
      e.mapWrite.bits.pixel.connect(io.mapWrite.bits.pixel);
      e.mapWrite.bits.data.connect(io.mapWrite.bits.data);
      e.mapRead.tile.connect(io.mapRead.tile);
      e.mapRead.slot.connect(io.mapRead.slot);
      e.mapRead.group.connect(io.mapRead.group);
      e.mapRead.pixel.connect(io.mapRead.pixel);
      e.neighbours.top.connect(B(r > 0));
      e.neighbours.bottom.connect(B(r < meshRows - 1));
      e.neighbours.left.connect(B(c > 0));
      e.neighbours.right.connect(B(c < meshCols - 1));
      // My ring's top side is the chip above's bottom edge, and so on; a missing neighbour sends nothing.
      const links = [
        ['top', at(r - 1, c), 'bottom'],
        ['bottom', at(r + 1, c), 'top'],
        ['left', at(r, c - 1), 'right'],
        ['right', at(r, c + 1), 'left'],
        ['topLeft', at(r - 1, c - 1), 'bottomRight'],
        ['topRight', at(r - 1, c + 1), 'bottomLeft'],
        ['bottomLeft', at(r + 1, c - 1), 'topRight'],
        ['bottomRight', at(r + 1, c + 1), 'topLeft'],
      ] as const;
      for (const [mine, other, theirs] of links) {
        if (other) e.haloIn[mine].connect(other.haloOut[theirs]);
        else {
          e.haloIn[mine].valid.connect(false);
          e.haloIn[mine].bits.connect(DontCare);
        }
      }
    });
    const lead = engines[0]!;
    // Lockstep: every chip takes the layer and each weight word on the same cycle.
    for (const e of engines.slice(1)) {
      assert(e.layerConfig.ready.eq(lead.layerConfig.ready).and(e.weights.ready.eq(lead.weights.ready)), 'Hyperdrive mesh: chips out of lockstep');
    }
    io.layerConfig.ready.connect(lead.layerConfig.ready);
    io.weights.ready.connect(lead.weights.ready);
    let word: UIntValue = lead.mapReadData.asUInt();
    engines.forEach((e, i) => {
      if (i > 0) word = mux(io.mapRead.chip.eq(i), e.mapReadData.asUInt(), word);
    });
    for (let j = 0; j < p.lanes; j++) io.mapReadData.at(j).connect(word.bits(16 * j + 15, 16 * j));
    io.busy.connect(lead.busy);
    io.cycles.connect(lead.cycles);
    io.stallCycles.connect(lead.stallCycles);
    io.haloCycles.connect(lead.haloCycles);
    io.weightBits.connect(lead.weightBits);
    return io;
  },
});
