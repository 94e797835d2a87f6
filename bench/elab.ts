// Elaboration and emission speed and memory on about a million two-input
// adders (a forest of adder trees over constant-shifted inputs), then firtool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSink, elaborate, emitFirrtl, emitVerilog } from '../dsl/index.ts';
import { AdderForest } from '../designs/adder-forest.ts';

function flag(argv: string[], name: string, fallback: number): number {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
}

export default async function run(opts: { json: boolean; argv: string[] }): Promise<Record<string, unknown>> {
  const trees = flag(opts.argv, 'trees', 1000);
  const termsPerTree = flag(opts.argv, 'terms', 1001);
  const params = { trees, termsPerTree, inputs: 256, width: 8 };
  const dir = mkdtempSync(join(tmpdir(), 'hashi-bench-elab-'));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  try {
    log(`elab: ${trees} trees x ${termsPerTree} terms = ${trees * (termsPerTree - 1)} adders`);
    const repeat = flag(opts.argv, 'repeat', 3);
    const firPath = join(dir, 'AdderForest.fir');
    const runs: { elaborate: number; emit: number; cpu: number }[] = [];
    let circuit: ReturnType<typeof elaborate> | undefined;
    let statements = 0;
    let firBytes = 0;
    let peakRss = 0;
    for (let r = 0; r < repeat; r++) {
      circuit = undefined; // let the previous run's circuit go before building the next
      // Each run writes a new file, as the first does: truncating the previous
      // run's 150 MB output in open() would charge its page-cache release here.
      rmSync(firPath, { force: true });
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      circuit = elaborate(AdderForest, params);
      const elaborated = performance.now();
      const sink = new FileSink(firPath);
      statements = emitFirrtl(circuit, sink).statements;
      sink.close();
      firBytes = sink.bytes;
      const emitted = performance.now();
      const cpu = process.cpuUsage(cpuStart);
      // Peak RSS of one elaboration: taken after the first run only.
      if (r === 0) peakRss = process.resourceUsage().maxRSS * 1024;
      runs.push({ elaborate: (elaborated - started) / 1000, emit: (emitted - elaborated) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
      log(`elab: run ${r + 1}/${repeat}: ${statements} statements, elaboration ${runs.at(-1)!.elaborate.toFixed(2)} s, emission ${runs.at(-1)!.emit.toFixed(2)} s`);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const elabSeconds = median(runs.map((x) => x.elaborate + x.emit));
    const cpuSeconds = median(runs.map((x) => x.cpu));
    // --skip-firtool: elaboration figures only (firtool takes minutes at full size).
    if (!opts.argv.includes('--skip-firtool')) log('elab: running firtool');
    const verilog = opts.argv.includes('--skip-firtool') ? undefined : await emitVerilog(circuit!, { outDir: join(dir, 'out') });
    return {
      adders: trees * (termsPerTree - 1),
      ops: statements,
      runs: repeat,
      elab_seconds: elabSeconds,
      elaborate_seconds: median(runs.map((x) => x.elaborate)),
      emit_seconds: median(runs.map((x) => x.emit)),
      ops_per_second: statements / elabSeconds,
      // CPU time of this process (GC threads included): steadier on a shared machine.
      elab_cpu_seconds: cpuSeconds,
      ops_per_cpu_second: statements / cpuSeconds,
      peak_rss_bytes: peakRss,
      bytes_per_op: peakRss / statements,
      fir_bytes: firBytes,
      firtool_seconds: verilog?.firtoolSeconds ?? null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
