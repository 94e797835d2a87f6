// A 2 x 2 mesh of Hyperdrive chips (2 x 2 Tile-PUs each, border exchange after every layer)
// against one engine of 4 x 4 Tile-PUs on the same 16 x 16 map: the same bits after every
// layer of a small net (3x3 and 1x1, stride 1 and 2, a residual block), both equal to the
// golden model; the mesh's extra cycles are exactly its border exchange.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { Prng } from '../../lib/util/prng.ts';
import { fp16FromNumber } from '../../lib/float/fp16-model.ts';
import {
  HyperdriveEngine,
  HyperdriveMesh,
  fp16Map,
  hyperdriveLayerGolden,
  hyperdriveLayerSchedule,
  type Fp16Map,
  type HyperdriveLayer,
  type HyperdriveParams,
} from '../../lib/engines/hyperdrive/index.ts';
import { HyperdriveHost } from './hyperdrive-host.ts';

// Small models: C = 2 lanes, 4 channels per slot, 4 x 4 patches.
const chip: HyperdriveParams = { tileRows: 2, tileCols: 2, lanes: 2, patchRows: 4, patchCols: 4, maxChannels: 4 };
const single: HyperdriveParams = { ...chip, tileRows: 4, tileCols: 4 };
const side = 16;

function randomLayer(rng: Prng, shape: Pick<HyperdriveLayer, 'inChannels' | 'outChannels' | 'kernel' | 'stride'>, opts: { residual?: boolean; relu?: boolean } = {}): HyperdriveLayer {
  const fanIn = shape.inChannels * shape.kernel ** 2;
  return {
    ...shape,
    weights: Array.from({ length: shape.outChannels * fanIn }, () => rng.nextU32() % 2 === 1),
    scale: Array.from({ length: shape.outChannels }, () => fp16FromNumber((0.5 + rng.nextFloat()) / Math.sqrt(fanIn))),
    bias: Array.from({ length: shape.outChannels }, () => fp16FromNumber(rng.normal() * 0.3)),
    residual: opts.residual ?? false,
    relu: opts.relu ?? false,
  };
}

describe('Hyperdrive: a 2 x 2 mesh of 2 x 2-Tile-PU chips equals one 4 x 4-Tile-PU engine', () => {
  let meshSim: DesignSimulator<unknown>;
  let singleSim: DesignSimulator<unknown>;
  beforeAll(async () => {
    meshSim = await simulate(HyperdriveMesh, { ...chip, meshRows: 2, meshCols: 2 });
    singleSim = await simulate(HyperdriveEngine, single);
    meshSim.reset(2);
    singleSim.reset(2);
  }, 900_000);
  afterAll(() => {
    meshSim?.close();
    singleSim?.close();
  });

  it('a 5-layer net, layer by layer: same bits, equal to the golden model; halo cycles as scheduled', () => {
    const rng = new Prng(21);
    let map: Fp16Map = fp16Map(3, side, side, Uint16Array.from({ length: 3 * side * side }, () => fp16FromNumber(rng.normal())));
    const block = [
      { layer: randomLayer(rng, { inChannels: 3, outChannels: 4, kernel: 3, stride: 1 }, { relu: true }), slots: { inSlot: 0, outSlot: 1 } },
      { layer: randomLayer(rng, { inChannels: 4, outChannels: 4, kernel: 3, stride: 2 }, { relu: true }), slots: { inSlot: 1, outSlot: 0 } },
      { layer: randomLayer(rng, { inChannels: 4, outChannels: 4, kernel: 3, stride: 1 }, { relu: true }), slots: { inSlot: 0, outSlot: 1 } },
      { layer: randomLayer(rng, { inChannels: 4, outChannels: 4, kernel: 3, stride: 1 }, { residual: true, relu: true }), slots: { inSlot: 1, outSlot: 0 } },
      { layer: randomLayer(rng, { inChannels: 4, outChannels: 3, kernel: 1, stride: 1 }), slots: { inSlot: 0, outSlot: 1 } },
    ];
    const meshHost = new HyperdriveHost(meshSim, chip, { rows: 2, cols: 2 });
    const singleHost = new HyperdriveHost(singleSim, single);
    meshHost.loadMap(0, map);
    singleHost.loadMap(0, map);
    let bypass: Fp16Map | undefined;
    const meshCycles: number[] = [];
    block.forEach(({ layer, slots }, i) => {
      const size = map.height;
      const golden = hyperdriveLayerGolden(map, layer, layer.residual ? bypass : undefined);
      const fromMesh = meshHost.runLayer(layer, slots, meshHost.patchOf(size, size));
      const fromSingle = singleHost.runLayer(layer, slots, singleHost.patchOf(size, size));
      const out = size / layer.stride;
      const meshMap = meshHost.readMap(slots.outSlot, layer.outChannels, out, out);
      const singleMap = singleHost.readMap(slots.outSlot, layer.outChannels, out, out);
      const differing = (a: Fp16Map, b: Fp16Map): number => a.data.reduce((n, v, k) => n + (v !== b.data[k] ? 1 : 0), 0);
      expect({ layer: i, meshVsSingle: differing(meshMap, singleMap), singleVsGolden: differing(singleMap, golden) }).toEqual({ layer: i, meshVsSingle: 0, singleVsGolden: 0 });

      // Both run the schedule; P is the same (each Tile-PU has a patch of the same size), the mesh adds its halo phase.
      const outPatch = meshHost.patchOf(out, out);
      const schedule = hyperdriveLayerSchedule(layer, chip.lanes, outPatch.rows * outPatch.cols);
      const halo = schedule.blocks * 2 * (outPatch.rows + outPatch.cols);
      expect(fromSingle.counted).toEqual({ cycles: schedule.cycles, stallCycles: 0, haloCycles: 0, weightBits: schedule.weightBits });
      expect(fromMesh.counted).toEqual({ cycles: schedule.cycles + halo, stallCycles: 0, haloCycles: halo, weightBits: schedule.weightBits });
      meshCycles.push(fromMesh.cycles);
      if (i === 2) bypass = map; // the residual block's input: the map before its conv1
      map = golden;
    });
    expect(meshCycles.length).toBe(5);
  });
});
