// `hashi report sweep <design.ts> --out DIR`: the net report's totals (adders,
// adder bits, Yosys gates) over a grid of sparsity x activation width, written
// as DIR/sweep.json and two SVG plots: DIR/area-vs-sparsity.svg (one line per
// activation width) and DIR/area-vs-actbits.svg (one line per sparsity).
// Layers whose SystemVerilog does not change between points (the dense stem and
// depthwise layers across sparsities) come from the Yosys cache.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModuleDef, Params, ParamsInput } from '../dsl/index.ts';
import type { MobileNetV2Net } from '../lib/index.ts';
import { parseParams } from './load-design.ts';
import { buildNet, loadNetDesign, netReport, type AreaOptions } from './report-net.ts';
import { status } from './status.ts';
import { linePlot, type Panel } from './svg-plot.ts';
import { UsageError } from './usage-error.ts';

export interface SweepPoint {
  actBits: number;
  sparsity: number;
  nonzero_weights: number;
  adders: number;
  adder_bits: number;
  gates: number | null;
  dffs: number | null;
  yosys_seconds: number;
}

export interface SweepResult {
  design: string;
  /** The parameters common to every point. */
  params: Params;
  sparsities: number[];
  actBits: number[];
  points: SweepPoint[];
  files: { json: string; sparsitySvg: string; actBitsSvg: string };
}

export interface SweepOptions extends AreaOptions {
  readonly progress?: (text: string) => void;
}

/** Every (actBits, sparsity) point of `fromParams`'s net, totals of the per-layer report. */
export async function netSweep(
  file: string,
  def: ModuleDef,
  fromParams: (p: Params) => MobileNetV2Net,
  base: ParamsInput<Params>,
  sparsities: readonly number[],
  actBits: readonly number[],
  opts: SweepOptions = {},
): Promise<{ params: Params; points: SweepPoint[] }> {
  for (const k of ['sparsity', 'actBits']) if (!(k in def.defaults)) throw new UsageError(`${file}: the design has no '${k}' parameter to sweep`);
  const points: SweepPoint[] = [];
  const n = sparsities.length * actBits.length;
  let params: Params | undefined;
  for (const b of actBits) {
    for (const s of sparsities) {
      const built = buildNet(file, def, fromParams, { ...base, actBits: b, sparsity: s });
      params ??= built.params;
      const where = `point ${points.length + 1}/${n} (actBits ${b}, sparsity ${s})`;
      const r = await netReport(built.net, built.params, file, { ...opts, progress: (i, m, name) => opts.progress?.(`${where}: layer ${i + 1}/${m} ${name}`) });
      points.push({
        actBits: b,
        sparsity: s,
        nonzero_weights: r.total.nonzero_weights,
        adders: r.total.adders,
        adder_bits: r.total.adder_bits,
        gates: r.total.gates,
        dffs: r.total.dffs,
        yosys_seconds: r.yosys.seconds,
      });
    }
  }
  const { actBits: _a, sparsity: _s, ...common } = params as Params;
  return { params: common as Params, points };
}

const METRICS = [
  { key: 'adders', label: 'adders' },
  { key: 'adder_bits', label: 'adder bits' },
  { key: 'gates', label: 'Yosys gates' },
] as const;

/** The two plots: area vs sparsity (a line per activation width) and area vs activation width (a line per sparsity); one panel per metric. */
export function sweepPlots(points: readonly SweepPoint[], title: string): { sparsity: string; actBits: string } {
  const widths = [...new Set(points.map((p) => p.actBits))].sort((a, b) => a - b);
  const sps = [...new Set(points.map((p) => p.sparsity))].sort((a, b) => a - b);
  const metrics = METRICS.filter((m) => points.every((p) => p[m.key] !== null));
  const value = (p: SweepPoint, key: (typeof METRICS)[number]['key']): number => p[key] as number;
  const bySparsity: Panel[] = metrics.map((m) => ({
    title: `${m.label} vs sparsity`,
    xLabel: 'sparsity (fraction of zero weights, pruned layers)',
    yLabel: m.label,
    series: widths.map((b) => ({
      label: `${b}-bit activations`,
      xy: points.filter((p) => p.actBits === b).sort((x, y) => x.sparsity - y.sparsity).map((p) => [p.sparsity, value(p, m.key)] as const),
    })),
  }));
  const byWidth: Panel[] = metrics.map((m) => ({
    title: `${m.label} vs activation width`,
    xLabel: 'activation bits',
    yLabel: m.label,
    series: sps.map((s) => ({
      label: `sparsity ${s}`,
      xy: points.filter((p) => p.sparsity === s).sort((x, y) => x.actBits - y.actBits).map((p) => [p.actBits, value(p, m.key)] as const),
    })),
  }));
  return { sparsity: linePlot(bySparsity, { title }), actBits: linePlot(byWidth, { title }) };
}

/** "0,0.25,0.5" -> numbers, each checked. */
export function parseList(what: string, text: string, check: (v: number) => boolean, want: string): number[] {
  const items = text.split(',').map((t) => t.trim());
  const out = items.map((t) => {
    const v = Number(t);
    if (t === '' || !Number.isFinite(v) || !check(v)) throw new UsageError(`--${what}: '${t}' is not ${want} (got '${text}')`);
    return v;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

export interface ReportSweepOptions {
  readonly top?: string;
  readonly param: readonly string[];
  readonly out?: string;
  readonly sparsity?: string;
  readonly actBits?: string;
  readonly json?: boolean;
  readonly gates?: boolean;
  readonly cache?: boolean;
}

export async function reportSweepCommand(file: string, opts: ReportSweepOptions): Promise<SweepResult> {
  const { def, fromParams } = await loadNetDesign(file, opts.top);
  const base = parseParams(def, opts.param);
  for (const k of ['sparsity', 'actBits']) if (k in base) throw new UsageError(`--param ${k} is swept; use --${k === 'actBits' ? 'act-bits' : 'sparsity'} LIST`);
  const sparsities = parseList('sparsity', opts.sparsity ?? '0,0.25,0.5,0.6,0.75,0.9', (v) => v >= 0 && v < 1, 'a sparsity in [0, 1)');
  const actBits = parseList('act-bits', opts.actBits ?? '4,5,6,7,8', (v) => Number.isSafeInteger(v) && v >= 4 && v <= 16, 'an activation width 4..16');
  // Fail on bad fixed parameters before any Yosys run.
  buildNet(file, def, fromParams, { ...base, actBits: actBits[0] as number, sparsity: sparsities[0] as number });
  const outDir = resolve(opts.out ?? 'build/sweep');
  mkdirSync(outDir, { recursive: true });
  let clear: (() => void) | undefined;
  let res: { params: Params; points: SweepPoint[] };
  try {
    res = await netSweep(file, def, fromParams, base, sparsities, actBits, {
      gates: opts.gates ?? true,
      cacheDir: opts.cache === false ? null : undefined,
      progress: (text) => {
        clear?.();
        if (process.stderr.isTTY) clear = status(text);
        else process.stderr.write(`${text}\n`);
      },
    });
  } finally {
    clear?.();
  }
  const title = `${file}: ${Object.entries(res.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
  const plots = sweepPlots(res.points, title);
  const files = { json: join(outDir, 'sweep.json'), sparsitySvg: join(outDir, 'area-vs-sparsity.svg'), actBitsSvg: join(outDir, 'area-vs-actbits.svg') };
  const result: SweepResult = { design: file, params: res.params, sparsities, actBits, points: res.points, files };
  writeFileSync(files.json, `${JSON.stringify(result, null, 1)}\n`);
  writeFileSync(files.sparsitySvg, plots.sparsity);
  writeFileSync(files.actBitsSvg, plots.actBits);
  const g = (v: number | null): string => (v === null ? '-' : String(v));
  console.log(`${file} (${Object.entries(res.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')})`);
  console.log('actBits  sparsity  weights  adders  adder bits   gates');
  for (const p of res.points) {
    console.log(`${String(p.actBits).padStart(7)}  ${String(p.sparsity).padStart(8)}  ${String(p.nonzero_weights).padStart(7)}  ${String(p.adders).padStart(6)}  ${String(p.adder_bits).padStart(10)}  ${g(p.gates).padStart(6)}`);
  }
  console.log(`wrote ${files.json}, ${files.sparsitySvg}, ${files.actBitsSvg}`);
  if (opts.json) console.log(JSON.stringify(result));
  return result;
}
