// `hashi report net <design.ts>`: per-layer area of a streaming MobileNetV2
// (lib/nets) and its throughput model. Each layer (every conv, residual add and
// the pool) is elaborated as its own small module around the same lib/hw
// streaming function, with the same weights and options as mobileNetV2Hw, and
// measured with Yosys: adders and adder bits before alumacc (as report area),
// generic gates after `synth -flatten` (optional, cached by the SystemVerilog's
// hash: it is the slow part). Per-layer gates add up to slightly more than a
// flat synthesis of the whole net would give (no optimization across layers).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { elaborate, emitVerilog, resolveParams } from '../dsl/index.ts';
import type { ModuleDef, Params, ParamsInput } from '../dsl/index.ts';
import {
  FAMILY_NAMES,
  PAPER_ASSUMPTIONS,
  estimateThroughput,
  graphLayerUnits,
  inferGraph,
  mobileNetV2Graph,
  type Graph,
  type GraphStreamingOptions,
  type LayerUnitKind,
  type LineBufferForm,
  type MobileNetV2Net,
  type Shape3,
  type ThroughputAssumptions,
  type ThroughputEstimate,
} from '../lib/index.ts';
import { cacheDir as hashiCacheDir } from '../scripts/paths.mjs';
import { loadDesign, parseParams } from './load-design.ts';
import { status } from './status.ts';
import { UsageError } from './usage-error.ts';
import { findYosys, runAreaScript } from './yosys.ts';
import { arithmeticFigures, gateFigures, parseStat, type StatReport } from './yosys-stat.ts';

export interface LayerArea {
  adders: number;
  adder_bits: number;
  mul_cells: number;
  /** Generic gates after `synth -flatten` (flip-flops included); null with --no-gates. */
  gates: number | null;
  dffs: number | null;
}

export interface LayerReport extends LayerArea {
  name: string;
  kind: LayerUnitKind;
  in: Shape3;
  out: Shape3;
  /** Nonzero Po2 weights (convs). */
  nonzero_weights: number;
  /** Register stages of the streaming stage (as mobileNetV2Hw's `stages`). */
  latency: number;
  /** Grid positions from the stage's last input pixel to the position completing its last output (0 for 1x1, pool). */
  lag: number;
  fifo_depth?: number;
  /** Yosys figures came from the cache. */
  cached: boolean;
  /** Yosys time for this layer (0 when cached). */
  yosys_seconds: number;
}

export interface StreamingTiming {
  /** Cycles per image at full input rate: the stem's padded grid (H + p)(W + p). */
  cycles_per_image: number;
  /** Cycles from the first to the last input pixel of a frame at full rate. */
  input_cycles: number;
  /** Cycles from the last input pixel to out_valid: sum of lags and latencies. */
  tail_latency: number;
  /** First input pixel to out_valid. */
  latency: number;
}

export interface ThroughputRow {
  name: string;
  area_mm2: number;
  compute_cycles: number;
  classes: number;
  estimate: ThroughputEstimate;
}

export interface NetReport {
  design: string;
  params: Params;
  layers: LayerReport[];
  total: LayerArea & { nonzero_weights: number };
  timing: StreamingTiming;
  throughput: { assumptions: ThroughputAssumptions; rows: ThroughputRow[] };
  yosys: { version: string; seconds: number; cached_layers: number };
}

// ---------------------------------------------------------------------------
// One module per layer: lib/nets graphLayerUnits

/** The per-layer modules of `net` (name and definition), to elaborate in this order. */
export function netLayerModules(net: MobileNetV2Net): { name: string; def: ModuleDef }[] {
  return graphLayerUnits(mobileNetV2Graph(net), netHwOptions(net)).units.map((u) => ({ name: u.name, def: u.def }));
}

function netHwOptions(net: MobileNetV2Net): { pipelineEvery: number; lineBuffer: LineBufferForm } {
  return { pipelineEvery: net.pipelineEvery, lineBuffer: net.lineBuffer };
}

// ---------------------------------------------------------------------------
// Yosys, cached

const CACHE_VERSION = 'report-net-1';

function preScript(svFiles: readonly string[], top: string, out: string): string {
  // The first half of cli/yosys.ts areaScript: the adders are counted at the same point.
  return [`read_verilog -sv ${svFiles.join(' ')}`, `hierarchy -check -top ${top}`, 'proc; opt; wreduce', `tee -q -o ${out} stat -width -top ${top}`].join('\n');
}

function runYosys(path: string, script: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(path, ['-q', '-s', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`yosys failed (exit ${code}):\n${stderr.trim()}`))));
  });
}

/** Adders and adder bits only (proc; opt; wreduce; stat -width): seconds even on large layers. */
export async function preStat(svFiles: readonly string[], top: string): Promise<StatReport> {
  const yosys = findYosys();
  const dir = mkdtempSync(join(tmpdir(), 'hashi-net-'));
  try {
    for (const f of svFiles) if (/\s/.test(f)) throw new Error(`yosys script: path with whitespace not supported: ${f}`);
    const out = join(dir, 'pre.txt');
    const script = join(dir, 'pre.ys');
    writeFileSync(script, preScript(svFiles, top, out));
    await runYosys(yosys.path, script);
    return parseStat(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function totals(pre: StatReport, top: string): { adders: number; adder_bits: number; mul_cells: number } {
  const block = pre.hierarchy ?? pre.modules[top];
  return arithmeticFigures(block?.types ?? {});
}

export interface AreaOptions {
  /** Run synth -flatten for the gate count (default true). */
  readonly gates?: boolean;
  /** Cache folder (default report-net/ in hashi's cache folder, see scripts/paths.mjs); null: no cache. */
  readonly cacheDir?: string | null;
}

/** Elaborate `def`, lower it for Yosys and measure it (or take the figures from the cache). */
export async function measureModule(def: ModuleDef, opts: AreaOptions = {}): Promise<LayerArea & { cached: boolean; seconds: number }> {
  const wantGates = opts.gates ?? true;
  const cacheDir = opts.cacheDir === undefined ? join(hashiCacheDir(), 'report-net') : opts.cacheDir;
  const circuit = elaborate(def, {});
  const dir = mkdtempSync(join(tmpdir(), 'hashi-net-'));
  try {
    const v = await emitVerilog(circuit, { outDir: dir, target: 'yosys' });
    const h = createHash('sha256').update(`${CACHE_VERSION}\n${findYosys().version}\n${v.top}\n`);
    for (const f of v.svFiles) h.update(`${f.slice(dir.length)}\n`).update(readFileSync(f));
    const key = h.digest('hex').slice(0, 32);
    const file = cacheDir === null ? undefined : join(cacheDir, `${key}.json`);
    if (file && existsSync(file)) {
      const hit = JSON.parse(readFileSync(file, 'utf8')) as LayerArea;
      if (!wantGates || hit.gates !== null) return { ...hit, ...(wantGates ? {} : { gates: null, dffs: null }), cached: true, seconds: 0 };
    }
    const started = performance.now();
    let area: LayerArea;
    if (wantGates) {
      const s = await runAreaScript(v.svFiles, v.top, false);
      const g = gateFigures((s.flat.modules[v.top] ?? { types: {} }).types);
      area = { ...totals(s.pre, v.top), gates: g.gates, dffs: g.dffs };
    } else {
      area = { ...totals(await preStat(v.svFiles, v.top), v.top), gates: null, dffs: null };
    }
    if (file) {
      mkdirSync(cacheDir as string, { recursive: true });
      // Written whole then renamed, so a parallel reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(area));
      renameSync(tmp, file);
    }
    return { ...area, cached: false, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// The report

export interface NetReportOptions extends AreaOptions {
  /** Called before each layer is measured (progress). */
  readonly progress?: (i: number, n: number, name: string) => void;
  /** Area of one copy of this accelerator in mm^2, for the throughput model of this net (no row without it). */
  readonly areaMm2?: number;
}

/** The paper's two designs with its own figures (lib/throughput tests) and, given an area, this net streamed. */
function throughputRows(g: Graph, timing: StreamingTiming, areaMm2: number | undefined): ThroughputRow[] {
  const a = PAPER_ASSUMPTIONS;
  const rows: ThroughputRow[] = [
    { name: 'HaShiFlex (paper: 4 copies, NPU ~3300 cycles)', area_mm2: a.dieMm2 / 4, compute_cycles: 3300, classes: 1000 },
    { name: 'HaShiFix (paper: one copy of ~548 mm^2, a few cycles)', area_mm2: 548, compute_cycles: 5, classes: 1000 },
  ].map((r) => ({ ...r, estimate: estimateThroughput({ areaMm2: r.area_mm2, computeCycles: r.compute_cycles, classes: r.classes }, a) }));
  if (areaMm2 !== undefined) {
    const [H, W, C] = g.input.shape;
    const outs = shapeOf(g, g.output)[2];
    const own = { ...a, imageBytes: H * W * C };
    rows.push({
      name: `this net streamed (${H}x${W}x${C} image bytes, ${outs} features out)`,
      area_mm2: areaMm2,
      compute_cycles: timing.cycles_per_image,
      classes: outs,
      estimate: estimateThroughput({ areaMm2, computeCycles: timing.cycles_per_image, classes: outs }, own),
    });
  }
  return rows;
}

function shapeOf(g: Graph, t: string): Shape3 {
  return (inferGraph(g).tensors.get(t) as { shape: Shape3 }).shape;
}

/** Per-layer area and the throughput model of a MobileNetV2 net (its graph, `mobileNetV2Graph`). */
export async function netReport(net: MobileNetV2Net, params: Params, design: string, opts: NetReportOptions = {}): Promise<NetReport> {
  return graphNetReport(mobileNetV2Graph(net), netHwOptions(net), params, design, opts);
}

/** Per-layer area (each unit of lib/nets graphLayerUnits measured by Yosys) and the throughput model of any graph. */
export async function graphNetReport(g: Graph, hw: GraphStreamingOptions, params: Params, design: string, opts: NetReportOptions = {}): Promise<NetReport> {
  const { units, timing: t } = graphLayerUnits(g, hw);
  const layers: LayerReport[] = [];
  let seconds = 0;
  for (const [i, u] of units.entries()) {
    opts.progress?.(i, units.length, u.name);
    const m = await measureModule(u.def, opts);
    seconds += m.seconds;
    layers.push({
      name: u.name,
      kind: u.kind,
      in: u.in,
      out: u.out,
      nonzero_weights: u.nonzero,
      adders: m.adders,
      adder_bits: m.adder_bits,
      mul_cells: m.mul_cells,
      gates: m.gates,
      dffs: m.dffs,
      latency: u.latency,
      lag: u.lag,
      ...(u.fifoDepth === undefined ? {} : { fifo_depth: u.fifoDepth }),
      cached: m.cached,
      yosys_seconds: Number(m.seconds.toFixed(3)),
    });
  }
  const sum = (f: (l: LayerReport) => number): number => layers.reduce((a, l) => a + f(l), 0);
  const withGates = layers.every((l) => l.gates !== null);
  const timing: StreamingTiming = { cycles_per_image: t.cyclesPerImage, input_cycles: t.inputCycles, tail_latency: t.tailLatency, latency: t.latency };
  return {
    design,
    params,
    layers,
    total: {
      nonzero_weights: sum((l) => l.nonzero_weights),
      adders: sum((l) => l.adders),
      adder_bits: sum((l) => l.adder_bits),
      mul_cells: sum((l) => l.mul_cells),
      gates: withGates ? sum((l) => l.gates ?? 0) : null,
      dffs: withGates ? sum((l) => l.dffs ?? 0) : null,
    },
    timing,
    throughput: { assumptions: PAPER_ASSUMPTIONS, rows: throughputRows(g, timing, opts.areaMm2) },
    yosys: { version: findYosys().version, seconds: Number(seconds.toFixed(3)), cached_layers: layers.filter((l) => l.cached).length },
  };
}

// ---------------------------------------------------------------------------
// Command line

/** A design file's network: it must export `mobileNetV2FromParams` (as designs/mobilenetv2.ts does). */
export async function loadNetDesign(file: string, top: string | undefined): Promise<{ def: ModuleDef; fromParams: (p: Params) => MobileNetV2Net }> {
  const def = await loadDesign(file, top);
  const mod: { readonly [name: string]: unknown } = await import(pathToFileURL(resolve(file)).href);
  const fromParams = mod.mobileNetV2FromParams;
  if (typeof fromParams !== 'function') throw new UsageError(`${file} exports no mobileNetV2FromParams(params); report net needs the network as data (see designs/mobilenetv2.ts), or give a built-in family name (${FAMILY_NAMES.join(", ")})`);
  return { def, fromParams: fromParams as (p: Params) => MobileNetV2Net };
}

/** The net of `params` (defaults filled in); a bad value is a UsageError naming it. */
export function buildNet(file: string, def: ModuleDef, fromParams: (p: Params) => MobileNetV2Net, params: ParamsInput<Params>): { net: MobileNetV2Net; params: Params } {
  const full = resolveParams(def, params);
  try {
    return { net: fromParams(full), params: full };
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(`${file}: bad parameters (${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(', ') || 'defaults'}): ${e.message}`);
    throw e;
  }
}

export interface ReportNetOptions {
  readonly top?: string;
  readonly param: readonly string[];
  readonly json?: boolean;
  /** commander's --no-gates: false when given. */
  readonly gates?: boolean;
  readonly cache?: boolean;
  readonly areaMm2?: string;
}

function progressLine(text: string): () => void {
  // status() draws only on a terminal; without one, one line per layer keeps logs readable.
  if (process.stderr.isTTY) return status(text);
  process.stderr.write(`${text}\n`);
  return () => {};
}

/** The graph of a design file (exporting mobileNetV2FromParams) or of a built-in family name (designs/cnn.ts, seeded random weights). */
async function netOf(file: string, opts: ReportNetOptions): Promise<{ graph: Graph; hw: GraphStreamingOptions; params: Params }> {
  if ((FAMILY_NAMES as readonly string[]).includes(file)) {
    const { Cnn, cnnGraph } = await import('../designs/cnn.ts');
    const given = parseParams(Cnn, opts.param);
    if ('family' in given) throw new UsageError(`report net ${file}: the family is the argument; leave out --param family`);
    const full = resolveParams(Cnn, { ...given, family: file });
    try {
      return { graph: cnnGraph(full), hw: { pipelineEvery: full.pipelineEvery, lineBuffer: full.lineBuffer === 'memory' ? 'memory' : 'registers' }, params: full };
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(`report net ${file}: bad parameters: ${e.message}`);
      throw e;
    }
  }
  const { def, fromParams } = await loadNetDesign(file, opts.top);
  const { net, params } = buildNet(file, def, fromParams, parseParams(def, opts.param));
  return { graph: mobileNetV2Graph(net), hw: netHwOptions(net), params };
}

export async function reportNetCommand(file: string, opts: ReportNetOptions): Promise<NetReport> {
  const { graph, hw, params } = await netOf(file, opts);
  let areaMm2: number | undefined;
  if (opts.areaMm2 !== undefined) {
    areaMm2 = Number(opts.areaMm2);
    if (!(areaMm2 > 0) || areaMm2 > PAPER_ASSUMPTIONS.dieMm2) throw new UsageError(`--area-mm2 must be a number in (0, ${PAPER_ASSUMPTIONS.dieMm2}], got '${opts.areaMm2}'`);
  }
  let clear: (() => void) | undefined;
  let report: NetReport;
  try {
    report = await graphNetReport(graph, hw, params, file, {
      gates: opts.gates ?? true,
      cacheDir: opts.cache === false ? null : undefined,
      ...(areaMm2 === undefined ? {} : { areaMm2 }),
      progress: (i, n, name) => {
        clear?.();
        clear = progressLine(`layer ${i + 1}/${n}: ${name}: elaborate, firtool, Yosys${opts.gates === false ? ' (no gates)' : ''}`);
      },
    });
  } finally {
    clear?.();
  }
  console.log(formatNetReport(report));
  if (opts.json) console.log(JSON.stringify(report));
  return report;
}

const shape = (s: Shape3): string => s.join('x');

export function formatNetReport(r: NetReport): string {
  const g = (v: number | null): string => (v === null ? '-' : String(v));
  const lines: string[] = [];
  lines.push(`${r.design} (${Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')})`);
  const head = ['layer', 'in', 'out', 'weights', 'adders', 'bits', 'gates', 'dffs', 'lat'];
  const rows = r.layers.map((l) => [l.name, shape(l.in), shape(l.out), l.nonzero_weights ? String(l.nonzero_weights) : '', String(l.adders), String(l.adder_bits), g(l.gates), g(l.dffs), String(l.latency)]);
  const t = r.total;
  rows.push(['total', '', '', String(t.nonzero_weights), String(t.adders), String(t.adder_bits), g(t.gates), g(t.dffs), '']);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const fmt = (row: readonly string[]): string => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  lines.push(fmt(head));
  rows.forEach((row, i) => {
    if (i === rows.length - 1) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(fmt(row));
  });
  lines.push(`adders: $add/$sub/$neg cells before alumacc (trees, biases, counters, pool sums); gates: Yosys generic cells after synth -flatten per layer${t.gates === null ? ' (skipped: --no-gates)' : ''}; $mul cells: ${t.mul_cells}`);
  lines.push(`yosys ${r.yosys.version}: ${r.yosys.seconds} s, ${r.yosys.cached_layers}/${r.layers.length} layers from the cache`);
  lines.push('');
  const tm = r.timing;
  lines.push('Throughput and latency (model of the streaming schedule, full input rate)');
  lines.push(`  cycles per image        ${tm.cycles_per_image}  (the stem's padded grid, one position per cycle)`);
  lines.push(`  input cycles per frame  ${tm.input_cycles}  (first to last pixel)`);
  lines.push(`  tail latency            ${tm.tail_latency}  (last pixel to out_valid: sum over stages of position lag + register latency)`);
  lines.push(`  frame latency           ${tm.latency}  (first pixel to out_valid)`);
  const a = r.throughput.assumptions;
  lines.push(`Paper model (lib/throughput estimateThroughput): clock ${a.clockHz / 1e9} GHz, I/O ${(a.bandwidthPerMm2 / 1e9).toFixed(3)} GB/s per mm^2 (900 GB/s over 814 mm^2), die ${a.dieMm2} mm^2, image ${a.imageBytes} bytes, ${a.scoreBytes} byte per score`);
  for (const row of r.throughput.rows) {
    const e = row.estimate;
    lines.push(`  ${row.name}: ${row.area_mm2.toFixed(1)} mm^2 x ${e.copies}, compute ${row.compute_cycles} / I/O ${e.ioCycles} cycles -> ${e.bound}-bound, ${(e.imagesPerSecond / 1e6).toFixed(3)} M images/s`);
  }
  return lines.join('\n');
}
