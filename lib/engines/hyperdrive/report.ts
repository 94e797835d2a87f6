// Hyperdrive's figures for a whole network from its schedule: cycles and weight bits per
// layer, lane utilization, and I/O per image against a weight-stationary engine that
// streams feature maps (the paper's argument). The schedule's formulas are the ones the
// Verilator tests check cycle for cycle on small layers.
import { hyperdriveLayerSchedule } from './golden.ts';

export interface HyperdriveChip {
  readonly tileRows: number;
  readonly tileCols: number;
  readonly lanes: number;
}

/** The chip of the notes (JETCAS 2019 full text): 7 x 7 Tile-PUs with 16 FP16 lanes, 784 lanes. */
export const hyperdriveChip: HyperdriveChip = { tileRows: 7, tileCols: 7, lanes: 16 };

export interface ConvLayerShape {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: 1 | 3;
  readonly stride: 1 | 2;
  /** Input map height and width. */
  readonly height: number;
  readonly width: number;
}

/** ResNet-34's conv body at 224 x 224 after the stem and max-pool (56 x 56 x 64); 1x1 stride-2 shortcuts included. */
export function resnet34Body(): ConvLayerShape[] {
  const layers: ConvLayerShape[] = [];
  let channels = 64;
  let side = 56;
  const stages: [number, number][] = [[64, 3], [128, 4], [256, 6], [512, 3]];
  stages.forEach(([width, blocks], stage) => {
    for (let b = 0; b < blocks; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const name = `s${stage + 1}b${b + 1}`;
      layers.push({ name: `${name}.conv1`, inChannels: channels, outChannels: width, kernel: 3, stride, height: side, width: side });
      if (stride === 2) layers.push({ name: `${name}.down`, inChannels: channels, outChannels: width, kernel: 1, stride: 2, height: side, width: side });
      const outSide = side / stride;
      layers.push({ name: `${name}.conv2`, inChannels: width, outChannels: width, kernel: 3, stride: 1, height: outSide, width: outSide });
      channels = width;
      side = outSide;
    }
  });
  return layers;
}

export interface HyperdriveLayerFigures {
  readonly name: string;
  readonly shape: string;
  /** Output pixels per Tile-PU. */
  readonly patchPixels: number;
  readonly cycles: number;
  readonly weightBits: number;
  /** Useful MACs / (lanes x cycles), the epilogue cycles included. */
  readonly laneUtilization: number;
  /** Weight bits the port must bring per cycle while the conv runs: C bits every P cycles. */
  readonly weightBitsPerCycle: number;
  /** Feature-map bits a weight-stationary engine moves for this layer: its input read and its output written, FP16. */
  readonly featureMapBitsStreamed: number;
}

export interface HyperdriveReport {
  readonly chip: HyperdriveChip & { readonly totalLanes: number };
  readonly network: string;
  readonly layers: HyperdriveLayerFigures[];
  readonly totals: {
    readonly cycles: number;
    readonly macs: number;
    readonly laneUtilization: number;
    /** Hyperdrive's I/O per image: every weight once, the input map in and the output map out (FP16). */
    readonly hyperdriveIoBits: number;
    readonly weightBits: number;
    /** A weight-stationary engine streaming feature maps: every layer's input and output map (FP16). */
    readonly weightStationaryIoBits: number;
    /** Both maps of the largest residual block at FP16: what the feature-map memory must hold. */
    readonly featureMemoryBits: number;
  };
}

export function hyperdriveReport(layers: readonly ConvLayerShape[], chip: HyperdriveChip = hyperdriveChip, network = 'ResNet-34 body, 224 x 224'): HyperdriveReport {
  const totalLanes = chip.tileRows * chip.tileCols * chip.lanes;
  const rows: HyperdriveLayerFigures[] = layers.map((l) => {
    const outH = l.height / l.stride;
    const outW = l.width / l.stride;
    if (outH % chip.tileRows || outW % chip.tileCols) throw new RangeError(`${l.name}: a ${outH} x ${outW} output map does not split over ${chip.tileRows} x ${chip.tileCols} Tile-PUs`);
    const patchPixels = (outH / chip.tileRows) * (outW / chip.tileCols);
    const s = hyperdriveLayerSchedule(l, chip.lanes, patchPixels);
    const macs = l.inChannels * l.outChannels * l.kernel ** 2 * outH * outW;
    return {
      name: l.name,
      shape: `${l.inChannels}->${l.outChannels} ${l.kernel}x${l.kernel}/${l.stride} @${l.height}x${l.width}`,
      patchPixels,
      cycles: s.cycles,
      weightBits: s.weightBits,
      laneUtilization: macs / (totalLanes * s.cycles),
      weightBitsPerCycle: chip.lanes / patchPixels,
      featureMapBitsStreamed: 16 * (l.inChannels * l.height * l.width + l.outChannels * outH * outW),
    };
  });
  const sum = (f: (r: HyperdriveLayerFigures) => number): number => rows.reduce((a, r) => a + f(r), 0);
  const macs = layers.reduce((a, l) => a + l.inChannels * l.outChannels * l.kernel ** 2 * (l.height / l.stride) * (l.width / l.stride), 0);
  const first = layers[0]!;
  const last = layers[layers.length - 1]!;
  const inputBits = 16 * first.inChannels * first.height * first.width;
  const outputBits = (16 * last.outChannels * last.height * last.width) / last.stride ** 2;
  const weightBits = sum((r) => r.weightBits);
  const cycles = sum((r) => r.cycles);
  return {
    chip: { ...chip, totalLanes },
    network,
    layers: rows,
    totals: {
      cycles,
      macs,
      laneUtilization: macs / (totalLanes * cycles),
      hyperdriveIoBits: weightBits + inputBits + outputBits,
      weightBits,
      weightStationaryIoBits: sum((r) => r.featureMapBitsStreamed),
      featureMemoryBits: Math.max(...layers.map((l) => 2 * 16 * Math.max(l.inChannels * l.height * l.width, (l.outChannels * l.height * l.width) / l.stride ** 2))),
    },
  };
}
