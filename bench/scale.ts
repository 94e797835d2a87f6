// The scale benchmark of issue 6: the streaming MobileNetV2 feature extractor
// (lib/nets, as designs/mobilenetv2.ts builds it, random seeded weights) at
// full size by default (alpha 1.0, 224 x 224, all 17 blocks, 1280 features,
// 60 % sparse with the stem and depthwise layers dense), elaborated, written as
// FIRRTL and lowered to SystemVerilog by firtool (dsl emitVerilog, as
// `hashi emit`). Options for smaller runs: --alpha=, --resolution=, --blocks=,
// --head=, --sparsity=, --seed=, --line-buffer=registers|memory,
// --pipeline-every=, --flat (no module per layer), --skip-firtool, --keep=DIR
// (keep the FIRRTL and SV there).
// The line buffers default to 'memory' here (see below); the library's default
// stays 'registers'.
//
// Memory: Node's own peak is its rusage maxRSS; firtool's is sampled from
// /proc (VmHWM, every 250 ms) while it runs. peak_rss_bytes is their sum (or
// the sampled sum of both processes' RSS if higher): an upper bound of the
// job's resident memory (Node keeps its heap while firtool runs).
//
// adders: the two-input `add`/`sub` primitive ops in the FIRRTL, multiplied
// out through the instance hierarchy: the Po2 trees (tree_adders, what the
// trees report building: nonzero weights - 1 per output channel, + 1 where a
// bias needs an adder), the residual adds, the pool's running sums and
// constant divisions, and the counters.
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defineModule, elaborate, emitVerilog, findFirtool } from '../dsl/index.ts';
import { streamingPorts } from '../designs/mobilenetv2.ts';
import { mobileNetV2Net, qformat, randomLayerWeights, type MobileNetV2Net } from '../lib/index.ts';

function flag(argv: string[], name: string, fallback: number): number {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
}

function strFlag(argv: string[], name: string, fallback: string): string {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const gb = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GB`;

/** Resident set (and its peak) of a process, from /proc (bytes; 0 if gone). */
function procMem(pid: number): { rss: number; hwm: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** User + system CPU seconds of a process so far (0 if gone). */
function procCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Direct children of `pid` (scan of /proc: the firtool that emitVerilog spawns). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Two-input adders and registers of the whole design from its FIRRTL: `add`
 * and `sub` primitive ops and `reg`/`regreset` declarations per module,
 * multiplied out through the instance hierarchy (a deduplicated Po2Dot module
 * counts once per instance). Memories are counted separately (bits).
 */
async function firrtlCounts(
  firPath: string,
  top: string,
): Promise<{ adders: number; registers: number; registerBits: number; memories: number; memoryBits: number; instances: number; modules: number }> {
  interface M {
    adds: number;
    regs: number;
    regBits: number;
    mems: number;
    memBits: number;
    insts: Map<string, number>;
  }
  const mods = new Map<string, M>();
  let cur: M | undefined;
  const rl = createInterface({ input: createReadStream(firPath), crlfDelay: Infinity });
  const addRe = /\b(add|sub)\(/g;
  let memWidth = 0;
  for await (const line of rl) {
    const t = line.trimStart();
    // mem NAME : / data-type => UInt<w> / depth => d
    if (t.startsWith('data-type => ')) {
      memWidth = Number(/<(\d+)>/.exec(t)?.[1] ?? 0);
      continue;
    }
    if (t.startsWith('depth => ') && cur) {
      cur.mems++;
      cur.memBits += memWidth * Number(t.slice(9));
      continue;
    }
    if (t.startsWith('module ') || t.startsWith('public module ') || t.startsWith('extmodule ')) {
      const name = /module (\S+?)\s*:/.exec(t)?.[1] ?? '';
      cur = { adds: 0, regs: 0, regBits: 0, mems: 0, memBits: 0, insts: new Map() };
      memWidth = 0;
      mods.set(name, cur);
      continue;
    }
    if (!cur) continue;
    if (t.startsWith('inst ')) {
      const m = /^inst \S+ of (\S+)/.exec(t);
      if (m) cur.insts.set(m[1]!, (cur.insts.get(m[1]!) ?? 0) + 1);
      continue;
    }
    if (t.startsWith('reg ') || t.startsWith('regreset ')) {
      cur.regs++;
      const w = /: [SU]Int<(\d+)>/.exec(t);
      cur.regBits += w ? Number(w[1]) : 1;
      continue;
    }
    const hits = t.match(addRe);
    if (hits) cur.adds += hits.length;
  }
  type T = { adders: number; registers: number; registerBits: number; memories: number; memoryBits: number; instances: number };
  const memo = new Map<string, T>();
  const total = (name: string): T => {
    const hit = memo.get(name);
    if (hit) return hit;
    const m = mods.get(name);
    const r = { adders: m?.adds ?? 0, registers: m?.regs ?? 0, registerBits: m?.regBits ?? 0, memories: m?.mems ?? 0, memoryBits: m?.memBits ?? 0, instances: 0 };
    for (const [child, n] of m?.insts ?? []) {
      const c = total(child);
      r.adders += n * c.adders;
      r.registers += n * c.registers;
      r.registerBits += n * c.registerBits;
      r.memories += n * c.memories;
      r.memoryBits += n * c.memoryBits;
      r.instances += n * (1 + c.instances);
    }
    memo.set(name, r);
    return r;
  };
  return { ...total(top), modules: mods.size };
}

export default async function run(opts: { json: boolean; argv: string[] }): Promise<Record<string, unknown>> {
  const argv = opts.argv;
  const alpha = flag(argv, 'alpha', 1);
  const resolution = flag(argv, 'resolution', 224);
  const blocks = flag(argv, 'blocks', 17);
  const head = flag(argv, 'head', 0);
  const sparsity = flag(argv, 'sparsity', 0.6);
  const seed = flag(argv, 'seed', 1);
  const pipelineEvery = flag(argv, 'pipeline-every', 0);
  // Memory line buffers by default (the SRAM form a hardware engineer would
  // use at this size): at 224 x 224 the register form has ~240k registers
  // more, 18 % more FIRRTL statements and 26 % more SV, for about the same
  // firtool CPU time (574 s vs 559 s measured).
  const lineBuffer = strFlag(argv, 'line-buffer', 'memory');
  if (lineBuffer !== 'registers' && lineBuffer !== 'memory') throw new RangeError(`--line-buffer must be registers or memory, got ${lineBuffer}`);
  const keep = strFlag(argv, 'keep', '');
  // Each conv layer a module of its own (firtool then works on two at once here); --flat: one module.
  const layerModules = !argv.includes('--flat');
  const skipFirtool = argv.includes('--skip-firtool');
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'hashi-bench-scale-'));
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const loadStart = loadavg()[0]!;
  const since = (t: number): number => (performance.now() - t) / 1000;
  try {
    const act = qformat(3, 5);
    const weights = randomLayerWeights({ seed, weightBits: 4, sparsity, biasFormat: qformat(1, act.frac) });
    const net: MobileNetV2Net = mobileNetV2Net({ alpha, resolution, blocks, ...(head > 0 ? { headChannels: head } : {}), act, pipelineEvery, weights, lineBuffer });
    const weightsSeconds = since(t0);
    const nonzero = net.layers.reduce((a, l) => a + l.weights.filter((w) => w.sign !== 0).length, 0);
    const total = net.layers.reduce((a, l) => a + l.weights.length, 0);
    log(`scale: MobileNetV2 ${alpha} at ${resolution} x ${resolution}, ${blocks} blocks, ${net.features} features, sparsity ${sparsity}, line buffers: ${lineBuffer}`);
    log(`scale: ${net.layers.length} conv layers, ${total} weights, ${nonzero} nonzero (random weights ${weightsSeconds.toFixed(1)} s)`);

    let treeAdders = 0;
    const Top = defineModule({
      name: 'MobileNetV2',
      body: () => {
        const tl = performance.now();
        let tPrev = tl;
        return streamingPorts(net, {
          layerModules,
          onLayer: (i, st) => {
            treeAdders += st.adders ?? 0;
            const now = performance.now();
            log(
              `scale: elaborated layer ${i + 1}/${net.layers.length} ${st.name} ${st.inShape.join('x')} -> ${st.outShape.join('x')}` +
                ` (${st.adders ?? '?'} adders, ${((now - tPrev) / 1000).toFixed(1)} s, total ${((now - tl) / 1000).toFixed(1)} s, rss ${gb(process.memoryUsage.rss())})`,
            );
            tPrev = now;
          },
        });
      },
    });

    const tElab = performance.now();
    const cpuElab = process.cpuUsage();
    const circuit = elaborate(Top, {});
    const elabSeconds = since(tElab);
    const elabCpu = process.cpuUsage(cpuElab);
    log(`scale: elaboration ${elabSeconds.toFixed(1)} s, rss ${gb(process.memoryUsage.rss())}`);

    let firtoolSeconds: number | null = null;
    let emitSeconds: number | null = null;
    let firtoolPeak = 0;
    let firtoolCpu = 0;
    let sampledPeak = 0;
    let svBytes: number | null = null;
    let svFiles: number | null = null;
    let firPath = join(dir, 'MobileNetV2.fir');
    let firBytes = 0;
    let firStatements = 0;
    if (skipFirtool) {
      const { FileSink, emitFirrtl } = await import('../dsl/index.ts');
      const tEmit = performance.now();
      const sink = new FileSink(firPath);
      firStatements = emitFirrtl(circuit, sink).statements;
      sink.close();
      firBytes = sink.bytes;
      emitSeconds = since(tEmit);
      log(`scale: FIRRTL ${firStatements} statements, ${(firBytes / 1e6).toFixed(1)} MB, ${emitSeconds.toFixed(1)} s`);
    } else {
      findFirtool(); // its --version check, before the sampler looks for children
      const tLower = performance.now();
      let firtoolStart = 0;
      let lastReport = 0;
      const timer = setInterval(() => {
        const kids = childrenOf(process.pid);
        const self = procMem(process.pid).rss;
        let rss = 0;
        for (const k of kids) {
          const m = procMem(k);
          rss += m.rss;
          firtoolPeak = Math.max(firtoolPeak, m.hwm);
          firtoolCpu = Math.max(firtoolCpu, procCpu(k));
        }
        sampledPeak = Math.max(sampledPeak, self + rss);
        if (kids.length > 0 && firtoolStart === 0) firtoolStart = performance.now();
        if (firtoolStart > 0 && performance.now() - lastReport > 30000) {
          lastReport = performance.now();
          log(`scale: firtool running, ${since(firtoolStart).toFixed(0)} s, firtool rss ${gb(rss)} (peak ${gb(firtoolPeak)}), node rss ${gb(self)}`);
        }
      }, 250);
      log('scale: writing FIRRTL, then firtool');
      try {
        const v = await emitVerilog(circuit, { outDir: dir });
        firtoolSeconds = v.firtoolSeconds;
        emitSeconds = since(tLower) - v.firtoolSeconds;
        firPath = v.firPath;
        firBytes = v.firBytes;
        firStatements = v.firStatements;
        svFiles = v.svFiles.length;
        svBytes = v.svFiles.reduce((a, f) => a + statSync(f).size, 0);
      } finally {
        clearInterval(timer);
      }
      log(`scale: firtool ${firtoolSeconds!.toFixed(1)} s, ${svFiles} SV files, ${(svBytes! / 1e6).toFixed(1)} MB`);
    }
    const counts = await firrtlCounts(firPath, 'MobileNetV2');
    const nodePeak = process.resourceUsage().maxRSS * 1024;
    const totalSeconds = since(t0);
    return {
      alpha,
      resolution,
      blocks,
      features: net.features,
      sparsity,
      line_buffer: lineBuffer,
      layer_modules: layerModules,
      pipeline_every: pipelineEvery,
      weights_total: total,
      weights_nonzero: nonzero,
      // Two-input add/sub ops in the FIRRTL, instances multiplied out: adder trees,
      // residual adds, pool sums and divisions, counters.
      adders: counts.adders,
      // The adders the Po2 trees of the conv layers report building (the bulk of `adders`).
      tree_adders: treeAdders,
      registers: counts.registers,
      register_bits: counts.registerBits,
      memories: counts.memories,
      memory_bits: counts.memoryBits,
      instances: counts.instances,
      fir_modules: counts.modules,
      fir_statements: firStatements,
      fir_bytes: firBytes,
      sv_bytes: svBytes,
      sv_files: svFiles,
      weights_seconds: weightsSeconds,
      elab_seconds: elabSeconds,
      emit_seconds: emitSeconds,
      firtool_seconds: firtoolSeconds,
      // CPU time (user + system), steadier than wall time on a shared machine;
      // firtool's is its last /proc sample (within 250 ms of its end).
      elab_cpu_seconds: (elabCpu.user + elabCpu.system) / 1e6,
      firtool_cpu_seconds: skipFirtool ? null : firtoolCpu,
      total_seconds: totalSeconds,
      node_peak_rss_bytes: nodePeak,
      firtool_peak_rss_bytes: skipFirtool ? null : firtoolPeak,
      // Node's peak plus firtool's (they overlap while firtool runs), or the
      // sampled sum of both if higher (VmRSS and rusage differ slightly).
      peak_rss_bytes: Math.max(nodePeak + firtoolPeak, sampledPeak),
      sampled_peak_rss_bytes: skipFirtool ? null : sampledPeak,
      firtool_version: findFirtool().version,
      // 1-minute load average at the start and the end (2 cores here).
      load_start: loadStart,
      load_end: loadavg()[0]!,
    };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
