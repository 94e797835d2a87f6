// `hashi report hyperdrive [--json]`: Hyperdrive's schedule on ResNet-34 (the figures come
// from lib/engines/hyperdrive/report.ts; this file only prints them).
import { hyperdriveReport, resnet34Body, type HyperdriveReport } from '../lib/engines/hyperdrive/report.ts';

const mbit = (bits: number): string => `${(bits / 1e6).toFixed(2)} Mbit`;
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function reportHyperdriveCommand(opts: { json?: boolean }): HyperdriveReport {
  const report = hyperdriveReport(resnet34Body());
  const { chip, totals } = report;
  console.log(`Hyperdrive schedule: ${report.network}; one chip of ${chip.tileRows} x ${chip.tileCols} Tile-PUs x ${chip.lanes} FP16 lanes = ${chip.totalLanes} lanes`);
  console.log('cycles = ceil(n_out/C) * (n_in*k^2*P + P), weight bits = n_in*n_out*k^2 (both checked cycle for cycle in Verilator on small layers)');
  console.log('layer        shape                         P    cycles   weight bits  lanes used  weight bits/cycle  WS map I/O');
  for (const l of report.layers) {
    console.log(
      `${l.name.padEnd(12)} ${l.shape.padEnd(28)} ${String(l.patchPixels).padStart(3)} ${String(l.cycles).padStart(9)} ${String(l.weightBits).padStart(13)} ${pct(l.laneUtilization).padStart(11)} ${l.weightBitsPerCycle.toFixed(2).padStart(18)} ${mbit(l.featureMapBitsStreamed).padStart(12)}`,
    );
  }
  console.log(`per image: ${totals.cycles} cycles, ${(totals.macs / 1e9).toFixed(2)} GMAC, lane utilization ${pct(totals.laneUtilization)}`);
  console.log(`I/O per image: Hyperdrive ${mbit(totals.hyperdriveIoBits)} (weights ${mbit(totals.weightBits)} + input and output maps)`);
  console.log(`               weight-stationary, streaming feature maps: ${mbit(totals.weightStationaryIoBits)} (${(totals.weightStationaryIoBits / totals.hyperdriveIoBits).toFixed(2)}x)`);
  console.log(`on-chip feature-map memory for two maps: ${mbit(totals.featureMemoryBits)}`);
  if (opts.json) console.log(JSON.stringify(report));
  return report;
}
