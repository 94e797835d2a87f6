// Area of the hardened Po2 example layers versus sparsity and activation width,
// measured with Yosys (cli/report-area.ts), written as JSON and as an SVG plot.
//
//   npx tsx scripts/po2-area-sweep.ts [--out DIR] [--quick] [--outChannels N]
//
// Runs one Yosys synthesis at a time (flat only). Default: the 1x1x64 pointwise
// and the 3x3x3 conv (one output pixel), activation widths 5..8, sparsities
// 0 / 0.25 / 0.5 / 0.6 / 0.75 / 0.9. --quick: two widths, three sparsities,
// fewer channels. Writes DIR/po2-area.json and DIR/po2-area.svg (default DIR
// build/po2-area/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { areaOf } from '../cli/report-area.ts';
import { COLORS, linePlot, type Panel } from '../cli/svg-plot.ts';
import { Po2Conv3x3 } from '../designs/po2-conv3x3.ts';
import { Po2Pointwise } from '../designs/po2-pointwise.ts';
import { layerWeights, po2LayerDefaults } from '../designs/po2-common.ts';

interface Point {
  design: string;
  actBits: number;
  sparsity: number;
  nonzero: number;
  outputs: number;
  adders: number;
  adder_bits: number;
  mul_cells: number;
  gates: number;
  seconds: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const outDir = arg('out') ?? 'build/po2-area';
const outChannels = Number(arg('outChannels') ?? (quick ? 4 : 16));
const widths = quick ? [5, 8] : [5, 6, 7, 8];
const sparsities = quick ? [0, 0.5, 0.9] : [0, 0.25, 0.5, 0.6, 0.75, 0.9];
const designs = [
  { name: `pointwise 1x1x${quick ? 16 : 64}`, def: Po2Pointwise, kernel: 1, params: { channels: quick ? 16 : 64 } },
  { name: '3x3x3 conv', def: Po2Conv3x3, kernel: 3, params: { channels: 3, height: 3, width: 3, padding: 'valid', stride: 1 } },
] as const;

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const points: Point[] = [];
  for (const d of designs) {
    for (const actBits of widths) {
      for (const sparsity of sparsities) {
        const params = { ...d.params, outChannels, actBits, sparsity, seed: 1 };
        const nonzero = layerWeights({ ...po2LayerDefaults, ...params }, d.kernel).weights.filter((w) => w.sign !== 0).length;
        const started = performance.now();
        const r = await areaOf(d.def as typeof Po2Pointwise, params as never, { hierarchical: false });
        const p: Point = {
          design: d.name,
          actBits,
          sparsity,
          nonzero,
          outputs: outChannels,
          adders: r.adders,
          adder_bits: r.adder_bits,
          mul_cells: r.mul_cells,
          gates: r.gates,
          seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        };
        points.push(p);
        process.stderr.write(`${JSON.stringify(p)}\n`);
      }
    }
  }
  writeFileSync(join(outDir, 'po2-area.json'), `${JSON.stringify({ outChannels, points }, null, 1)}\n`);
  writeFileSync(join(outDir, 'po2-area.svg'), plot(points));
  console.log(JSON.stringify({ json: join(outDir, 'po2-area.json'), svg: join(outDir, 'po2-area.svg'), points: points.length }));
}

// ---- the plot (cli/svg-plot.ts): one panel per design (gates vs sparsity, a line
// per activation width) and one panel of gates vs activation width (dense).

function plot(points: readonly Point[]): string {
  const names = [...new Set(points.map((p) => p.design))];
  const panels: Panel[] = names.map((name) => ({
    title: `${name}: gates vs sparsity`,
    xLabel: 'sparsity (fraction of zero weights)',
    yLabel: 'Yosys gates',
    series: [...new Set(points.filter((p) => p.design === name).map((p) => p.actBits))].map((b, j) => ({
      label: `${b}-bit activations`,
      color: COLORS[j % COLORS.length] as string,
      xy: points.filter((p) => p.design === name && p.actBits === b).map((p) => [p.sparsity, p.gates] as [number, number]),
    })),
  }));
  const dense = Math.min(...points.map((p) => p.sparsity));
  panels.push({
    title: `gates vs activation width (sparsity ${dense})`,
    xLabel: 'activation bits',
    yLabel: 'Yosys gates',
    series: names.map((name, j) => ({
      label: name,
      color: COLORS[(j + 3) % COLORS.length] as string,
      xy: points.filter((p) => p.design === name && p.sparsity === dense).map((p) => [p.actBits, p.gates] as [number, number]),
    })),
  });
  return linePlot(panels);
}

await main();
