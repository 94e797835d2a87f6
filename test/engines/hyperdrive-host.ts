// Shared by the Hyperdrive tests (not a test file): the host side of the engine in the
// simulator. Loads and reads maps through the map ports, writes epilogue parameters,
// issues a layer and feeds its weight stream, optionally with gaps.
import type { DesignSimulator, SimIO } from '../../sim/index.ts';
import type { IOOf } from '../../dsl/index.ts';
import { fp16Map, hyperdriveGeometry, weightStream, type Fp16Map, type HyperdriveLayer, type HyperdriveParams, type HyperdriveEngine } from '../../lib/engines/hyperdrive/index.ts';

type EngineIO = SimIO<IOOf<typeof HyperdriveEngine>>;
// The flat names of the ports inside Valid/Decoupled payloads (sim.io does not type those yet).
const flat = (...path: (string | number)[]): string => path.join('_');

export interface LayerRun {
  /** Cycles from the layer's acceptance until the engine is idle again. */
  readonly cycles: number;
  /** The engine's counters, this layer's share. */
  readonly counted: { cycles: number; stallCycles: number; weightBits: number };
  readonly weightWordsTaken: number;
}

export class HyperdriveHost {
  private readonly io: EngineIO;
  constructor(
    private readonly sim: DesignSimulator<IOOf<typeof HyperdriveEngine>>,
    private readonly p: HyperdriveParams,
  ) {
    this.io = sim.io;
  }

  /** Write a map (channels <= maxChannels, height x width = the whole map) into a slot. */
  loadMap(slot: number, map: Fp16Map): void {
    const { io, p } = this;
    const rows = map.height / p.tileRows;
    const cols = map.width / p.tileCols;
    const { groups } = hyperdriveGeometry(p);
    io.mapWrite.valid.poke(1);
    for (let m = 0; m < p.tileRows; m++)
      for (let n = 0; n < p.tileCols; n++)
        for (let g = 0; g < groups; g++)
          for (let y = 0; y < rows; y++)
            for (let x = 0; x < cols; x++) {
              this.port('mapWrite_bits_tile').poke(m * p.tileCols + n);
              this.port('mapWrite_bits_slot').poke(slot);
              this.port('mapWrite_bits_group').poke(g);
              this.port('mapWrite_bits_pixel').poke(y * p.patchCols + x);
              for (let j = 0; j < p.lanes; j++) {
                const c = g * p.lanes + j;
                this.port(flat('mapWrite_bits_data', j)).poke(c < map.channels ? map.data[(c * map.height + m * rows + y) * map.width + n * cols + x]! : 0);
              }
              this.sim.step();
            }
    io.mapWrite.valid.poke(0);
  }

  readMap(slot: number, channels: number, height: number, width: number): Fp16Map {
    const { io, p } = this;
    const rows = height / p.tileRows;
    const cols = width / p.tileCols;
    const out = fp16Map(channels, height, width);
    io.mapRead.slot.poke(slot);
    for (let m = 0; m < p.tileRows; m++)
      for (let n = 0; n < p.tileCols; n++)
        for (let c = 0; c < channels; c++)
          for (let y = 0; y < rows; y++)
            for (let x = 0; x < cols; x++) {
              io.mapRead.tile.poke(m * p.tileCols + n);
              io.mapRead.group.poke(Math.floor(c / p.lanes));
              io.mapRead.pixel.poke(y * p.patchCols + x);
              out.data[(c * height + m * rows + y) * width + n * cols + x] = Number(io.mapReadData[c % p.lanes]!.peek());
            }
    return out;
  }

  private writeParams(layer: HyperdriveLayer): void {
    const { io, p } = this;
    io.params.valid.poke(1);
    for (let g = 0; g * p.lanes < layer.outChannels; g++) {
      this.port('params_bits_group').poke(g);
      for (let j = 0; j < p.lanes; j++) {
        const c = g * p.lanes + j;
        this.port(flat('params_bits_scale', j)).poke(c < layer.outChannels ? layer.scale[c]! : 0);
        this.port(flat('params_bits_bias', j)).poke(c < layer.outChannels ? layer.bias[c]! : 0);
      }
      this.sim.step();
    }
    io.params.valid.poke(0);
  }

  private port(name: string) {
    return this.sim.port(name);
  }

  private counters() {
    return { cycles: Number(this.io.cycles.peek()), stallCycles: Number(this.io.stallCycles.peek()), weightBits: Number(this.io.weightBits.peek()) };
  }

  /**
   * Run one layer: its input map is in inSlot with the given patch (rows x cols per Tile-PU).
   * `gap(i)` true holds the weight port's valid low on the i-th cycle (a slow weight source).
   */
  runLayer(layer: HyperdriveLayer, slots: { inSlot: number; outSlot: number }, patch: { rows: number; cols: number }, gap: (cycle: number) => boolean = () => false): LayerRun {
    const { io, p } = this;
    this.writeParams(layer);
    const words = weightStream(layer, p.lanes);
    const before = this.counters();
    this.port('layerConfig_bits_inChannels').poke(layer.inChannels);
    this.port('layerConfig_bits_outChannels').poke(layer.outChannels);
    this.port('layerConfig_bits_kernel3').poke(layer.kernel === 3 ? 1 : 0);
    this.port('layerConfig_bits_stride2').poke(layer.stride === 2 ? 1 : 0);
    this.port('layerConfig_bits_inSlot').poke(slots.inSlot);
    this.port('layerConfig_bits_outSlot').poke(slots.outSlot);
    this.port('layerConfig_bits_residual').poke(layer.residual ? 1 : 0);
    this.port('layerConfig_bits_relu').poke(layer.relu ? 1 : 0);
    this.port('layerConfig_bits_inRows').poke(patch.rows);
    this.port('layerConfig_bits_inCols').poke(patch.cols);
    io.layerConfig.valid.poke(1);
    if (Number(io.layerConfig.ready.peek()) !== 1) throw new Error('the engine is not idle');
    this.sim.step();
    io.layerConfig.valid.poke(0);
    let taken = 0;
    let cycles = 0;
    const limit = 10 * (words.length + 1) * p.patchRows * p.patchCols + 1000;
    while (Number(io.busy.peek()) === 1) {
      const offer = taken < words.length && !gap(cycles);
      io.weights.valid.poke(offer ? 1 : 0);
      io.weights.bits.poke(offer ? words[taken]! : 0);
      const fires = offer && Number(io.weights.ready.peek()) === 1;
      this.sim.step();
      cycles++;
      if (fires) taken++;
      if (cycles > limit) throw new Error(`the layer did not finish in ${limit} cycles (${taken} of ${words.length} weight words taken)`);
    }
    io.weights.valid.poke(0);
    const after = this.counters();
    return {
      cycles,
      weightWordsTaken: taken,
      counted: { cycles: after.cycles - before.cycles, stallCycles: after.stallCycles - before.stallCycles, weightBits: after.weightBits - before.weightBits },
    };
  }
}
