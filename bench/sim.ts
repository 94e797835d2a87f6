// Benchmark of the Verilator harness on one small design (the 32-bit accumulator
// fixture): a C++ main loop compiled against the same verilated model, the
// interactive poke/step/peek API, and the batched runVectors API. Each cycle of
// every variant drives `in`, clocks once and reads `acc`.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadSimulator, type PortInfo, type Simulator } from '../sim/index.ts';
import { cacheRoot } from '../sim/cache.ts';
import { cxxFlags } from '../sim/compile.ts';
import { Progress } from '../sim/progress.ts';
import { RUNTIME_ARCHIVE, ensureRuntime } from '../sim/runtime.ts';
import { toolchain } from '../sim/toolchain.ts';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svFile = path.join(root, 'test', 'sim', 'fixtures', 'Accumulator.sv');

const port = (name: string, direction: PortInfo['direction'], width: number, kind: PortInfo['kind'] = 'data'): PortInfo => ({
  name,
  direction,
  width,
  signed: false,
  kind,
});
const design = {
  top: 'Accumulator',
  ports: [
    port('clock', 'input', 1, 'clock'),
    port('reset', 'input', 1, 'reset'),
    port('in', 'input', 32),
    port('en', 'input', 1),
    port('acc', 'output', 32),
    port('sum_next', 'output', 32),
  ],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function stimulus(n: number): Uint32Array {
  const xs = new Uint32Array(n);
  let x = 1;
  for (let i = 0; i < n; i++) xs[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return xs;
}

const NATIVE_MAIN = (prefix: string) => `// hashi sim benchmark: the same model driven from a plain C++ loop.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "${prefix}.h"
#include "verilated.h"

int main(int argc, char** argv) {
  const unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  VerilatedContext ctx;
  ${prefix} top(&ctx, "TOP");
  top.reset = 1;
  for (int i = 0; i < 2; ++i) { top.clock = 0; top.eval(); top.clock = 1; top.eval(); }
  top.reset = 0;
  top.en = 1;
  unsigned x = 1, sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned long long i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    top.clock = 0;
    top.in = x;
    top.eval();
    top.clock = 1;
    top.eval();
    sink += top.acc;
  }
  const auto t1 = std::chrono::steady_clock::now();
  top.final();
  std::printf("%.9f %u\\n", std::chrono::duration<double>(t1 - t0).count(), sink);
  return 0;
}
`;

/** Compiles the native loop against the model objects already in the cache entry. */
async function buildNative(sim: Simulator, dir: string, mainFor: (prefix: string) => string = NATIVE_MAIN): Promise<string> {
  const tc = await toolchain();
  const entry = path.dirname(sim.buildInfo.addonPath);
  const header = readdirSync(path.join(entry, 'vl')).find((f) => /^V\w+\.h$/.test(f) && !f.includes('__'))!;
  const prefix = header.replace(/\.h$/, '');
  const runtime = await ensureRuntime(tc, cacheRoot(), new Progress('bench'));
  if (path.basename(runtime) !== RUNTIME_ARCHIVE) throw new Error('unexpected runtime path');
  const main = path.join(dir, `main-${prefix}.cpp`);
  writeFileSync(main, mainFor(prefix));
  const exe = path.join(dir, `native-${prefix}`);
  const objects = readdirSync(entry).filter((f) => /^model\d+\.o$/.test(f)).map((f) => path.join(entry, f));
  await exec(tc.cxx, [...cxxFlags(tc, 'none'), `-I${path.join(entry, 'vl')}`, main, ...objects, runtime, '-o', exe, '-pthread', '-lz']);
  return exe;
}

async function nativeCps(exe: string, cycles: number): Promise<number> {
  const { stdout } = await exec(exe, [String(cycles)]);
  return cycles / Number(stdout.trim().split(' ')[0]);
}

// interactive_ratio measures this loop: ports by name on the plain Simulator,
// the way this project's own tests (and the README's examples) drive a model.
function interactiveCps(sim: Simulator, xs: Uint32Array): number {
  sim.reset(2);
  sim.poke('en', 1);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < xs.length; i++) {
    sim.poke('in', xs[i]!);
    sim.step();
    sink += sim.peek('acc') as number;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return xs.length / seconds;
}

/** The same loop through port handles (what `sim.io` leaves are): no name lookups per call. */
function interactiveHandleCps(sim: Simulator, xs: Uint32Array): number {
  sim.reset(2);
  sim.poke('en', 1);
  const input = sim.port('in');
  const acc = sim.port('acc');
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < xs.length; i++) {
    input.poke(xs[i]!);
    sim.step();
    sink += acc.peek() as number;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return xs.length / seconds;
}

function batchedCps(sim: Simulator, xs: Uint32Array): number {
  sim.reset(2);
  sim.poke('en', 1);
  const t0 = performance.now();
  sim.runVectors({ inputs: { in: xs }, outputs: ['acc'] });
  return xs.length / ((performance.now() - t0) / 1000);
}

/** Cold build: a never-seen variant of the design, ccache off, runtime already built. */
async function coldBuildSeconds(dir: string): Promise<number> {
  const file = path.join(dir, 'Accumulator.sv');
  writeFileSync(file, `${readFileSync(svFile, 'utf8')}\n// bench nonce ${randomBytes(8).toString('hex')}\n`);
  const saved = process.env.CCACHE_DISABLE;
  process.env.CCACHE_DISABLE = '1';
  try {
    const t0 = performance.now();
    const sim = await loadSimulator({ ...design, svFiles: [file] });
    const seconds = (performance.now() - t0) / 1000;
    sim.close();
    rmSync(path.dirname(sim.buildInfo.addonPath), { recursive: true, force: true });
    return seconds;
  } finally {
    if (saved === undefined) delete process.env.CCACHE_DISABLE;
    else process.env.CCACHE_DISABLE = saved;
  }
}

/** Warm load in a fresh process (nothing memoized): probe tools, hit the cache, dlopen, open. */
async function warmLoadSeconds(): Promise<number> {
  const code = `
    const { loadSimulator } = await import(${JSON.stringify(path.join(root, 'sim', 'index.ts'))});
    const t0 = performance.now();
    const sim = await loadSimulator(${JSON.stringify({ ...design, svFiles: [svFile] })});
    const seconds = (performance.now() - t0) / 1000;
    if (!sim.buildInfo.cached) throw new Error('expected a cache hit');
    sim.close();
    console.log(seconds);`;
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
  return Number(stdout.trim().split('\n').at(-1));
}

// A second, realistic model: one of this project's own designs (a hardened,
// pipelined Po2 pointwise layer), where each eval does real work. Every cycle
// drives all data inputs, clocks once and reads all outputs, natively and from TS.
const NATIVE_GENERIC_MAIN = (prefix: string, ins: PortInfo[], outs: PortInfo[]) => `// hashi sim benchmark: a plain C++ loop over every port.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "${prefix}.h"
#include "verilated.h"

int main(int argc, char** argv) {
  const unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  VerilatedContext ctx;
  ${prefix} top(&ctx, "TOP");
  top.reset = 1;
  for (int i = 0; i < 2; ++i) { top.clock = 0; top.eval(); top.clock = 1; top.eval(); }
  top.reset = 0;
  unsigned x = 1, sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned long long i = 0; i < n; ++i) {
    top.clock = 0;
${ins.map((p) => `    x = x * 1664525u + 1013904223u; top.${p.name} = x & ${(2 ** p.width - 1) >>> 0}u;`).join('\n')}
    top.eval();
    top.clock = 1;
    top.eval();
${outs.map((p) => `    sink += top.${p.name};`).join('\n')}
  }
  const auto t1 = std::chrono::steady_clock::now();
  top.final();
  std::printf("%.9f %u\\n", std::chrono::duration<double>(t1 - t0).count(), sink);
  return 0;
}
`;

async function po2Layer(dir: string): Promise<{ sim: Simulator; exe: string; ins: PortInfo[]; outs: PortInfo[] }> {
  const { elaborate, emitVerilog } = await import('../dsl/index.ts');
  const { Po2Pointwise } = await import('../designs/po2-pointwise.ts');
  const verilog = await emitVerilog(elaborate(Po2Pointwise, { channels: 16, outChannels: 8, sparsity: 0.5, pipelineEvery: 2 }), { outDir: path.join(dir, 'po2') });
  const sim = await loadSimulator({ top: verilog.top, svFiles: [...verilog.svFiles], ports: [...verilog.ports] });
  const ins = verilog.ports.filter((p) => p.direction === 'input' && p.kind === 'data' && p.width <= 32);
  const outs = verilog.ports.filter((p) => p.direction === 'output' && p.width <= 32);
  const exe = await buildNative(sim, dir, (prefix) => NATIVE_GENERIC_MAIN(prefix, ins, outs));
  return { sim, exe, ins, outs };
}

function po2InteractiveCps(sim: Simulator, ins: PortInfo[], outs: PortInfo[], cycles: number): number {
  sim.reset(2);
  const inHandles = ins.map((p) => sim.port(p.name));
  const outHandles = outs.map((p) => sim.port(p.name));
  // The native loop's LCG values, precomputed so only poke/step/peek are timed;
  // signed ports take the same raw bits as two's complement.
  const values = new Float64Array(cycles * ins.length);
  let x = 1;
  for (let i = 0; i < values.length; i++) {
    const p = ins[i % ins.length]!;
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const raw = x % 2 ** p.width;
    values[i] = p.signed && raw >= 2 ** (p.width - 1) ? raw - 2 ** p.width : raw;
  }
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0, v = 0; i < cycles; i++) {
    for (let k = 0; k < inHandles.length; k++) inHandles[k]!.poke(values[v++]!);
    sim.step();
    for (const h of outHandles) sink += h.peek() as number;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return cycles / seconds;
}

export default async function runSimBench(opts: { json: boolean; argv: string[] }): Promise<Record<string, unknown>> {
  const log = (msg: string) => {
    if (!opts.json) console.error(msg);
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hashi-bench-sim-'));
  try {
    const sim = await loadSimulator({ ...design, svFiles: [svFile] });
    const exe = await buildNative(sim, dir);
    // Many short rounds, each measuring all three back to back: the machine is
    // shared, so ratios are taken per round (same load) and then the median.
    const rounds = Number(opts.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 21);
    const xs = stimulus(1_000_000);
    const interactiveXs = xs.subarray(0, 300_000);
    // Warm up JIT and caches once before measuring.
    interactiveCps(sim, interactiveXs.subarray(0, 50_000));
    interactiveHandleCps(sim, interactiveXs.subarray(0, 50_000));
    batchedCps(sim, xs.subarray(0, 50_000));
    await nativeCps(exe, 100_000);
    const native: number[] = [];
    const interactive: number[] = [];
    const batched: number[] = [];
    const handles: number[] = [];
    for (let r = 0; r < rounds; r++) {
      native.push(await nativeCps(exe, xs.length));
      interactive.push(interactiveCps(sim, interactiveXs));
      handles.push(interactiveHandleCps(sim, interactiveXs));
      batched.push(batchedCps(sim, xs));
      log(`round ${r + 1}/${rounds}: native ${native.at(-1)!.toFixed(0)} interactive ${interactive.at(-1)!.toFixed(0)} batched ${batched.at(-1)!.toFixed(0)} cycles/s`);
    }
    sim.close();
    // The realistic model: fewer rounds, same per-round ratio method.
    const po2 = await po2Layer(dir);
    po2InteractiveCps(po2.sim, po2.ins, po2.outs, 20_000);
    await nativeCps(po2.exe, 20_000);
    const po2Native: number[] = [];
    const po2Interactive: number[] = [];
    for (let r = 0; r < Math.max(3, Math.ceil(rounds / 2)); r++) {
      po2Native.push(await nativeCps(po2.exe, 300_000));
      po2Interactive.push(po2InteractiveCps(po2.sim, po2.ins, po2.outs, 100_000));
    }
    po2.sim.close();
    const cold: number[] = [];
    for (let r = 0; r < 3; r++) cold.push(await coldBuildSeconds(dir));
    const warm: number[] = [];
    for (let r = 0; r < 3; r++) warm.push(await warmLoadSeconds());
    const result = {
      native_cps: Math.round(median(native)),
      interactive_cps: Math.round(median(interactive)),
      batched_cps: Math.round(median(batched)),
      interactive_ratio: Number(median(interactive.map((x, i) => x / native[i]!)).toFixed(3)),
      batched_ratio: Number(median(batched.map((x, i) => x / native[i]!)).toFixed(3)),
      cold_build_seconds: Number(median(cold).toFixed(3)),
      warm_load_seconds: Number(median(warm).toFixed(3)),
      // Extra: the interactive loop through port handles (sim.io) instead of names.
      interactive_handle_cps: Math.round(median(handles)),
      interactive_handle_ratio: Number(median(handles.map((x, i) => x / native[i]!)).toFixed(3)),
      // Extra: the same measurement on a pipelined Po2 pointwise layer (16 in, 8 out).
      po2_layer_native_cps: Math.round(median(po2Native)),
      po2_layer_interactive_cps: Math.round(median(po2Interactive)),
      po2_layer_interactive_ratio: Number(median(po2Interactive.map((x, i) => x / po2Native[i]!)).toFixed(3)),
    };
    log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
