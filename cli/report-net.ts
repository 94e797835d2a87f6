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
import { Bool, IO, Input, Output, SInt, defineModule, elaborate, emitVerilog, resolveParams } from '../dsl/index.ts';
import type { BoolValue, ModuleDef, Params, ParamsInput, PortSpec, SIntValue } from '../dsl/index.ts';
import {
  PAPER_ASSUMPTIONS,
  estimateThroughput,
  fitWidth,
  formatWidth,
  residualFifoDepth,
  signedWidth,
  streamLayerOutput,
  streamingLayerConv,
  streamingGlobalAvgPool,
  streamingResidualAdd,
  type LeadOptions,
  type MobileNetV2Net,
  type NetLayer,
  type PixelStream,
  type QFormat,
  type Shape3,
  type StreamingConvResult,
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
  kind: 'conv' | 'depthwise' | 'pointwise' | 'residual' | 'pool';
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
// One module per layer

interface Unit {
  name: string;
  kind: LayerReport['kind'];
  in: Shape3;
  out: Shape3;
  nonzero: number;
  def: ModuleDef;
}

/** What a layer's elaboration tells the layers after it (widths, ranges, latencies). */
interface Shared {
  latency: Map<number, number>;
  leads: Map<number, LeadOptions>;
  /** A residual project layer's accumulator stream (format, channel ranges). */
  main: Map<number, { fmt: QFormat; widths: number[]; ranges: readonly (readonly [bigint, bigint])[] }>;
  /** The head's output ranges (the pool sizes its sums from them). */
  headRanges?: readonly (readonly [bigint, bigint])[];
  lag: Map<string, number>;
  fifo: Map<string, number>;
  stageLatency: Map<string, number>;
}

function newShared(): Shared {
  return { latency: new Map(), leads: new Map(), main: new Map(), lag: new Map(), fifo: new Map(), stageLatency: new Map() };
}

/** The per-layer modules of `net` (name and definition), to elaborate in this order. */
export function netLayerModules(net: MobileNetV2Net): { name: string; def: ModuleDef }[] {
  return netUnits(net).map((u) => ({ name: u.name, def: u.def }));
}

function stageName(l: NetLayer): string {
  return `${l.spec.role}${l.spec.feature === 0 ? '' : ` features.${l.spec.feature}`}`;
}

function moduleName(i: number, name: string): string {
  return `L${String(i).padStart(2, '0')}_${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

function inputs(C: number, width: number, prefix: string, valid: string): { valid: BoolValue; pixel: SIntValue[] } {
  const spec: Record<string, PortSpec> = { [valid]: Input(Bool()) };
  for (let c = 0; c < C; c++) spec[`${prefix}_${c}`] = Input(SInt(width));
  const io = IO(spec) as Record<string, SIntValue | BoolValue>;
  return { valid: io[valid] as BoolValue, pixel: Array.from({ length: C }, (_, c) => io[`${prefix}_${c}`] as SIntValue) };
}

function outputs(valid: BoolValue, pixel: readonly SIntValue[], prefix: string, ready?: BoolValue): void {
  const spec: Record<string, PortSpec> = { out_valid: Output(Bool()) };
  if (ready) spec.in_ready = Output(Bool());
  pixel.forEach((v, c) => (spec[`${prefix}_${c}`] = Output(SInt(v.width))));
  const io = IO(spec) as Record<string, SIntValue | BoolValue>;
  (io.out_valid as BoolValue).connect(valid);
  if (ready) (io.in_ready as BoolValue).connect(ready);
  pixel.forEach((v, c) => (io[`${prefix}_${c}`] as SIntValue).connect(v));
}

/** Grid positions from a streaming conv's last input pixel to the position completing its last output window. */
function convLag(l: NetLayer): number {
  const sp = l.spec;
  const p = sp.padding === 'same' ? (sp.kernel - 1) / 2 : 0;
  const [H, W] = l.inShape;
  const first = sp.kernel - 1 - p;
  const rLast = first + sp.stride * (l.outShape[0] - 1);
  const cLast = first + sp.stride * (l.outShape[1] - 1);
  return (rLast - (H - 1)) * (W + p) + (cLast - (W - 1));
}

/**
 * The layers of `net` as separate modules, in stream order: each conv (with its
 * requantization; a residual block's project conv without: its accumulator goes
 * to the residual add), each residual add, the pool. Elaborate them in order:
 * later layers read widths and ranges that earlier ones record in `shared`.
 */
function netUnits(net: MobileNetV2Net, shared: Shared = newShared()): Unit[] {
  const act = net.act;
  const aw = formatWidth(act);
  const units: Unit[] = [];
  const lastOf = new Map<number, { feature: number; first: number; layers: readonly number[] }>();
  for (const b of net.blocks) if (b.residual) lastOf.set(b.layers[b.layers.length - 1] as number, { feature: b.feature, first: b.layers[0] as number, layers: b.layers });
  net.layers.forEach((l, i) => {
    const sp = l.spec;
    const name = stageName(l);
    const residualProject = lastOf.has(i);
    units.push({
      name,
      kind: sp.kind,
      in: l.inShape,
      out: l.outShape,
      nonzero: l.weights.filter((w) => w.sign !== 0).length,
      def: defineModule({
        name: moduleName(units.length, name),
        body: () => {
          const io = inputs(l.inShape[2], aw, 'in_x', 'in_valid');
          const r = streamingLayerConv(net, l, io);
          shared.latency.set(i, r.latency);
          shared.stageLatency.set(name, r.latency);
          shared.leads.set(i, { kernel: sp.kernel, padding: sp.padding === 'same' ? 'same' : 'valid', width: l.inShape[1], latency: r.latency });
          if (residualProject) {
            shared.main.set(i, { fmt: r.fmt, widths: r.acc.map((v) => v.width), ranges: r.channelRanges });
            outputs(r.outValid, r.acc, 'out_acc', i === 0 ? r.ready : undefined);
          } else {
            const s = streamLayerOutput(r, { out: act, activation: l.activation, saturation: net.saturation });
            if (i === net.layers.length - 1) shared.headRanges = s.ranges;
            // Only the stem's ready leaves the net; later layers' ready feeds an assert (not synthesized).
            outputs(s.valid, s.pixel, 'out_y', i === 0 ? r.ready : undefined);
          }
        },
      }),
    });
    shared.lag.set(name, convLag(l));
    const blk = lastOf.get(i);
    if (blk) {
      const rname = `residual features.${blk.feature}`;
      units.push({
        name: rname,
        kind: 'residual',
        in: l.outShape,
        out: l.outShape,
        nonzero: 0,
        def: defineModule({
          name: moduleName(units.length, rname),
          body: () => {
            const main = shared.main.get(i);
            if (!main) throw new Error(`report net: ${rname} elaborated before its project layer`);
            const C = l.outShape[2];
            const skipIo = inputs(C, aw, 'in_skip_x', 'in_skip_valid');
            // Each accumulator is its tree's output (as wide as its exact range), sign-extended to
            // the layer's width: Yosys narrows the adders on such operands, so the ports do too.
            const spec: Record<string, PortSpec> = { in_valid: Input(Bool()) };
            const exact = main.widths.map((w, c) => Math.min(w, signedWidth(...(main.ranges[c] as readonly [bigint, bigint]))));
            exact.forEach((w, c) => (spec[`in_acc_${c}`] = Input(SInt(w))));
            const mio = IO(spec) as Record<string, SIntValue | BoolValue>;
            const skip: PixelStream = { valid: skipIo.valid, pixel: skipIo.pixel, fmt: act };
            const pixel = main.widths.map((w, c) => fitWidth(mio[`in_acc_${c}`] as SIntValue, w));
            const mainStream: PixelStream = { valid: mio.in_valid as BoolValue, pixel, fmt: main.fmt, ranges: main.ranges };
            const depth = residualFifoDepth(blk.layers.map((j) => shared.leads.get(j) as LeadOptions));
            shared.fifo.set(rname, depth);
            const sum = streamingResidualAdd(skip, mainStream, { depth, out: act, saturation: net.saturation });
            shared.stageLatency.set(rname, sum.latency);
            outputs(sum.valid, sum.pixel, 'out_y');
          },
        }),
      });
      shared.lag.set(rname, 0);
    }
  });
  const last = net.layers[net.layers.length - 1] as NetLayer;
  units.push({
    name: 'pool',
    kind: 'pool',
    in: last.outShape,
    out: [1, 1, net.features],
    nonzero: 0,
    def: defineModule({
      name: moduleName(units.length, 'pool'),
      body: () => {
        const io = inputs(net.features, aw, 'in_x', 'in_valid');
        const s: PixelStream = { ...io, fmt: act, ...(shared.headRanges ? { ranges: shared.headRanges } : {}) };
        const pool = streamingGlobalAvgPool(s, { height: last.outShape[0], width: last.outShape[1], out: act, saturation: net.saturation });
        shared.stageLatency.set('pool', pool.latency);
        outputs(pool.valid, pool.pixel, 'out_y');
      },
    }),
  });
  shared.lag.set('pool', 0);
  return units;
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

function streamingTiming(net: MobileNetV2Net, layers: readonly LayerReport[]): StreamingTiming {
  const [H, W] = net.inputShape;
  const stem = net.layers[0] as NetLayer;
  const p = stem.spec.padding === 'same' ? (stem.spec.kernel - 1) / 2 : 0;
  const tail = layers.reduce((a, l) => a + l.lag + l.latency, 0);
  const input = (H - 1) * (W + p) + W - 1;
  return { cycles_per_image: (H + p) * (W + p), input_cycles: input, tail_latency: tail, latency: input + tail };
}

/** The paper's two designs with its own figures (lib/throughput tests) and, given an area, this net streamed. */
function throughputRows(net: MobileNetV2Net, timing: StreamingTiming, areaMm2: number | undefined): ThroughputRow[] {
  const a = PAPER_ASSUMPTIONS;
  const rows: ThroughputRow[] = [
    { name: 'HaShiFlex (paper: 4 copies, NPU ~3300 cycles)', area_mm2: a.dieMm2 / 4, compute_cycles: 3300, classes: 1000 },
    { name: 'HaShiFix (paper: one copy of ~548 mm^2, a few cycles)', area_mm2: 548, compute_cycles: 5, classes: 1000 },
  ].map((r) => ({ ...r, estimate: estimateThroughput({ areaMm2: r.area_mm2, computeCycles: r.compute_cycles, classes: r.classes }, a) }));
  if (areaMm2 !== undefined) {
    const [H, W, C] = net.inputShape;
    const own = { ...a, imageBytes: H * W * C };
    rows.push({
      name: `this net streamed (${H}x${W}x${C} image bytes, ${net.features} features out)`,
      area_mm2: areaMm2,
      compute_cycles: timing.cycles_per_image,
      classes: net.features,
      estimate: estimateThroughput({ areaMm2, computeCycles: timing.cycles_per_image, classes: net.features }, own),
    });
  }
  return rows;
}

/** Per-layer area and the throughput model of a MobileNetV2 net. */
export async function netReport(net: MobileNetV2Net, params: Params, design: string, opts: NetReportOptions = {}): Promise<NetReport> {
  const shared = newShared();
  const units = netUnits(net, shared);
  const layers: LayerReport[] = [];
  let seconds = 0;
  for (const [i, u] of units.entries()) {
    opts.progress?.(i, units.length, u.name);
    const m = await measureModule(u.def, opts);
    seconds += m.seconds;
    const fifo = shared.fifo.get(u.name);
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
      latency: shared.stageLatency.get(u.name) ?? 0,
      lag: shared.lag.get(u.name) ?? 0,
      ...(fifo === undefined ? {} : { fifo_depth: fifo }),
      cached: m.cached,
      yosys_seconds: Number(m.seconds.toFixed(3)),
    });
  }
  const sum = (f: (l: LayerReport) => number): number => layers.reduce((a, l) => a + f(l), 0);
  const withGates = layers.every((l) => l.gates !== null);
  const timing = streamingTiming(net, layers);
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
    throughput: { assumptions: PAPER_ASSUMPTIONS, rows: throughputRows(net, timing, opts.areaMm2) },
    yosys: { version: findYosys().version, seconds: Number(seconds.toFixed(3)), cached_layers: layers.filter((l) => l.cached).length },
  };
}

// ---------------------------------------------------------------------------
// Command line

/** A design file's network: it must export `mobileNetV2FromParams` (as designs/mobilenetv2.ts does). */
export async function loadNetDesign(file: string, top: string | undefined): Promise<{ def: ModuleDef; fromParams: (p: Params) => MobileNetV2Net }> {
  const def = await loadDesign(file, top);
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const fromParams = mod.mobileNetV2FromParams;
  if (typeof fromParams !== 'function') throw new UsageError(`${file} exports no mobileNetV2FromParams(params); report net needs the network as data (see designs/mobilenetv2.ts)`);
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

export async function reportNetCommand(file: string, opts: ReportNetOptions): Promise<NetReport> {
  const { def, fromParams } = await loadNetDesign(file, opts.top);
  const { net, params } = buildNet(file, def, fromParams, parseParams(def, opts.param));
  let areaMm2: number | undefined;
  if (opts.areaMm2 !== undefined) {
    areaMm2 = Number(opts.areaMm2);
    if (!(areaMm2 > 0) || areaMm2 > PAPER_ASSUMPTIONS.dieMm2) throw new UsageError(`--area-mm2 must be a number in (0, ${PAPER_ASSUMPTIONS.dieMm2}], got '${opts.areaMm2}'`);
  }
  let clear: (() => void) | undefined;
  let report: NetReport;
  try {
    report = await netReport(net, params, file, {
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
