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

// ---- a small hand-written SVG: one panel per design (gates vs sparsity, a line
// per activation width) and one panel of gates vs activation width (dense).

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];

interface Series {
  label: string;
  color: string;
  xy: [number, number][];
}

function panel(x0: number, y0: number, w: number, h: number, title: string, xLabel: string, series: Series[]): string {
  const xs = series.flatMap((s) => s.xy.map((p) => p[0]));
  const ys = series.flatMap((s) => s.xy.map((p) => p[1]));
  const xmin = Math.min(...xs);
  const xmax = Math.max(...xs);
  const ymax = niceCeil(Math.max(...ys));
  const L = 60;
  const B = 40;
  const pw = w - L - 10;
  const ph = h - B - 30;
  const sx = (x: number): number => x0 + L + ((x - xmin) / (xmax - xmin || 1)) * pw;
  const sy = (y: number): number => y0 + 30 + ph - (y / ymax) * ph;
  const out: string[] = [];
  out.push(`<text x="${x0 + w / 2}" y="${y0 + 18}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${x0 + L}" y="${y0 + 30}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const yv = (ymax * i) / 4;
    out.push(`<line x1="${x0 + L}" x2="${x0 + L + pw}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + L - 4}" y="${sy(yv) + 4}" text-anchor="end" font-size="11">${Math.round(yv)}</text>`);
  }
  for (const xv of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<text x="${sx(xv)}" y="${y0 + 30 + ph + 14}" text-anchor="middle" font-size="11">${xv}</text>`);
  }
  out.push(`<text x="${x0 + L + pw / 2}" y="${y0 + h - 6}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  out.push(`<text x="${x0 + 12}" y="${y0 + 30 + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 ${x0 + 12} ${y0 + 30 + ph / 2})">Yosys gates</text>`);
  series.forEach((s, i) => {
    const pts = s.xy.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.xy) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    out.push(`<text x="${x0 + w - 16}" y="${y0 + 46 + 14 * i}" text-anchor="end" font-size="11" fill="${s.color}">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function plot(points: readonly Point[]): string {
  const names = [...new Set(points.map((p) => p.design))];
  const W = 460;
  const H = 320;
  const parts: string[] = [];
  names.forEach((name, i) => {
    const series: Series[] = [...new Set(points.filter((p) => p.design === name).map((p) => p.actBits))].map((b, j) => ({
      label: `${b}-bit activations`,
      color: COLORS[j % COLORS.length] as string,
      xy: points.filter((p) => p.design === name && p.actBits === b).map((p) => [p.sparsity, p.gates] as [number, number]),
    }));
    parts.push(panel(i * W, 0, W, H, `${name}: gates vs sparsity`, 'sparsity (fraction of zero weights)', series));
  });
  const dense = Math.min(...points.map((p) => p.sparsity));
  const byWidth: Series[] = names.map((name, j) => ({
    label: name,
    color: COLORS[(j + 3) % COLORS.length] as string,
    xy: points.filter((p) => p.design === name && p.sparsity === dense).map((p) => [p.actBits, p.gates] as [number, number]),
  }));
  parts.push(panel(names.length * W, 0, W, H, `gates vs activation width (sparsity ${dense})`, 'activation bits', byWidth));
  const total = (names.length + 1) * W;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${H}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

await main();
