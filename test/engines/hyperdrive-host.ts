// Shared by the Hyperdrive tests (not a test file): the host side of an engine or a mesh of
// engines in the simulator. Loads and reads maps through the map ports, writes epilogue
// parameters, issues a layer and feeds its weight stream, optionally with gaps.
import type { DesignSimulator, PortHandle } from '../../sim/index.ts';
import { fp16Map, hyperdriveGeometry, weightStream, type Fp16Map, type HyperdriveLayer, type HyperdriveParams } from '../../lib/engines/hyperdrive/index.ts';

export interface LayerRun {
  /** Cycles from the layer's acceptance until the engine is idle again. */
  readonly cycles: number;
  /** The engine's counters, this layer's share. */
  readonly counted: { cycles: number; stallCycles: number; haloCycles: number; weightBits: number };
  readonly weightWordsTaken: number;
}

/** Where the pixels of a map live: mesh chip, Tile-PU and pixel inside its patch. */
interface Place {
  readonly chip: number;
  readonly tile: number;
  readonly pixel: number;
}

export class HyperdriveHost {
  private readonly handles = new Map<string, PortHandle>();
  constructor(
    private readonly sim: DesignSimulator<unknown>,
    private readonly p: HyperdriveParams,
    /** A mesh of chips (HyperdriveMesh), or undefined for one engine. */
    private readonly mesh?: { readonly rows: number; readonly cols: number },
  ) {}

  // Flat port names: sim.io does not yet type the fields inside Valid/Decoupled payloads.
  private port(...path: (string | number)[]): PortHandle {
    const name = path.join('_');
    let h = this.handles.get(name);
    if (!h) this.handles.set(name, (h = this.sim.port(name)));
    return h;
  }

  private place(height: number, width: number, y: number, x: number): Place {
    const meshRows = this.mesh?.rows ?? 1;
    const meshCols = this.mesh?.cols ?? 1;
    const chipH = height / meshRows;
    const chipW = width / meshCols;
    const rows = chipH / this.p.tileRows;
    const cols = chipW / this.p.tileCols;
    const chip = Math.floor(y / chipH) * meshCols + Math.floor(x / chipW);
    const tile = Math.floor((y % chipH) / rows) * this.p.tileCols + Math.floor((x % chipW) / cols);
    return { chip, tile, pixel: (y % rows) * this.p.patchCols + (x % cols) };
  }

  /** Each Tile-PU's patch of a map of this size. */
  patchOf(height: number, width: number): { rows: number; cols: number } {
    return { rows: height / (this.mesh?.rows ?? 1) / this.p.tileRows, cols: width / (this.mesh?.cols ?? 1) / this.p.tileCols };
  }

  /** Write a map (channels <= maxChannels) into a slot; on a mesh, then exchange its borders. */
  loadMap(slot: number, map: Fp16Map): void {
    const { groups } = hyperdriveGeometry(this.p);
    this.port('mapWrite', 'valid').poke(1);
    for (let g = 0; g < groups; g++)
      for (let y = 0; y < map.height; y++)
        for (let x = 0; x < map.width; x++) {
          const at = this.place(map.height, map.width, y, x);
          if (this.mesh) this.port('mapWrite', 'bits', 'chip').poke(at.chip);
          this.port('mapWrite', 'bits', 'tile').poke(at.tile);
          this.port('mapWrite', 'bits', 'slot').poke(slot);
          this.port('mapWrite', 'bits', 'group').poke(g);
          this.port('mapWrite', 'bits', 'pixel').poke(at.pixel);
          for (let j = 0; j < this.p.lanes; j++) {
            const c = g * this.p.lanes + j;
            this.port('mapWrite', 'bits', 'data', j).poke(c < map.channels ? map.data[(c * map.height + y) * map.width + x]! : 0);
          }
          this.sim.step();
        }
    this.port('mapWrite', 'valid').poke(0);
    if (this.mesh) this.issue({ outChannels: map.channels, slot, patch: this.patchOf(map.height, map.width) });
  }

  readMap(slot: number, channels: number, height: number, width: number): Fp16Map {
    const out = fp16Map(channels, height, width);
    this.port('mapRead', 'slot').poke(slot);
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const at = this.place(height, width, y, x);
          if (this.mesh) this.port('mapRead', 'chip').poke(at.chip);
          this.port('mapRead', 'tile').poke(at.tile);
          this.port('mapRead', 'group').poke(Math.floor(c / this.p.lanes));
          this.port('mapRead', 'pixel').poke(at.pixel);
          out.data[(c * height + y) * width + x] = Number(this.port('mapReadData', c % this.p.lanes).peek());
        }
    return out;
  }

  private writeParams(layer: HyperdriveLayer): void {
    this.port('params', 'valid').poke(1);
    for (let g = 0; g * this.p.lanes < layer.outChannels; g++) {
      this.port('params', 'bits', 'group').poke(g);
      for (let j = 0; j < this.p.lanes; j++) {
        const c = g * this.p.lanes + j;
        this.port('params', 'bits', 'scale', j).poke(c < layer.outChannels ? layer.scale[c]! : 0);
        this.port('params', 'bits', 'bias', j).poke(c < layer.outChannels ? layer.bias[c]! : 0);
      }
      this.sim.step();
    }
    this.port('params', 'valid').poke(0);
  }

  private counters() {
    const read = (name: string): number => Number(this.port(name).peek());
    return { cycles: read('cycles'), stallCycles: read('stallCycles'), haloCycles: read('haloCycles'), weightBits: read('weightBits') };
  }

  /** Only the border exchange of the map in `slot` (a mesh's first map, loaded by the host). */
  private issue(cmd: { outChannels: number; slot: number; patch: { rows: number; cols: number } }): void {
    this.configure({ inChannels: 1, outChannels: cmd.outChannels, kernel: 1, stride: 1, residual: false, relu: false }, { inSlot: cmd.slot, outSlot: cmd.slot }, cmd.patch, true);
    this.runUntilIdle([], () => false);
  }

  private configure(layer: Pick<HyperdriveLayer, 'inChannels' | 'outChannels' | 'kernel' | 'stride' | 'residual' | 'relu'>, slots: { inSlot: number; outSlot: number }, patch: { rows: number; cols: number }, haloOnly: boolean): void {
    const field = (name: string, value: number | boolean): void => this.port('layerConfig', 'bits', name).poke(Number(value));
    field('inChannels', layer.inChannels);
    field('outChannels', layer.outChannels);
    field('kernel3', layer.kernel === 3);
    field('stride2', layer.stride === 2);
    field('inSlot', slots.inSlot);
    field('outSlot', slots.outSlot);
    field('residual', layer.residual);
    field('relu', layer.relu);
    field('inRows', patch.rows);
    field('inCols', patch.cols);
    field('haloOnly', haloOnly);
    this.port('layerConfig', 'valid').poke(1);
    if (Number(this.port('layerConfig', 'ready').peek()) !== 1) throw new Error('the engine is not idle');
    this.sim.step();
    this.port('layerConfig', 'valid').poke(0);
  }

  private runUntilIdle(words: readonly number[], gap: (cycle: number) => boolean): { cycles: number; taken: number } {
    let taken = 0;
    let cycles = 0;
    const limit = 10 * (words.length + 1) * this.p.patchRows * this.p.patchCols + 10_000;
    while (Number(this.port('busy').peek()) === 1) {
      const offer = taken < words.length && !gap(cycles);
      this.port('weights', 'valid').poke(offer ? 1 : 0);
      this.port('weights', 'bits').poke(offer ? words[taken]! : 0);
      const fires = offer && Number(this.port('weights', 'ready').peek()) === 1;
      this.sim.step();
      cycles++;
      if (fires) taken++;
      if (cycles > limit) throw new Error(`the layer did not finish in ${limit} cycles (${taken} of ${words.length} weight words taken)`);
    }
    this.port('weights', 'valid').poke(0);
    return { cycles, taken };
  }

  /**
   * Run one layer on the map in inSlot (patch: rows x cols per Tile-PU).
   * `gap(i)` true holds the weight port's valid low on the i-th cycle (a slow weight source).
   */
  runLayer(layer: HyperdriveLayer, slots: { inSlot: number; outSlot: number }, patch: { rows: number; cols: number }, gap: (cycle: number) => boolean = () => false): LayerRun {
    this.writeParams(layer);
    const words = weightStream(layer, this.p.lanes);
    const before = this.counters();
    this.configure(layer, slots, patch, false);
    const { cycles, taken } = this.runUntilIdle(words, gap);
    const after = this.counters();
    return {
      cycles,
      weightWordsTaken: taken,
      counted: {
        cycles: after.cycles - before.cycles,
        stallCycles: after.stallCycles - before.stallCycles,
        haloCycles: after.haloCycles - before.haloCycles,
        weightBits: after.weightBits - before.weightBits,
      },
    };
  }
}
