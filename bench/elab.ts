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
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const circuit = elaborate(AdderForest, params);
    const elaborated = performance.now();
    const sink = new FileSink(join(dir, 'AdderForest.fir'));
    const { statements } = emitFirrtl(circuit, sink);
    sink.close();
    const emitted = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    // CPU time of this process: steadier than wall time on a shared machine.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const elabSeconds = (emitted - started) / 1000;
    log(`elab: ${statements} statements in ${elabSeconds.toFixed(2)} s (elaboration ${((elaborated - started) / 1000).toFixed(2)} s, emission ${((emitted - elaborated) / 1000).toFixed(2)} s); running firtool`);
    const peakBeforeFirtool = process.resourceUsage().maxRSS * 1024;
    // --skip-firtool: elaboration figures only (firtool takes minutes at full size).
    const verilog = opts.argv.includes('--skip-firtool') ? undefined : await emitVerilog(circuit, { outDir: join(dir, 'out') });
    return {
      adders: trees * (termsPerTree - 1),
      ops: statements,
      elab_seconds: elabSeconds,
      ops_per_second: statements / elabSeconds,
      elab_cpu_seconds: cpuSeconds,
      ops_per_cpu_second: statements / cpuSeconds,
      peak_rss_bytes: peakBeforeFirtool,
      bytes_per_op: peakBeforeFirtool / statements,
      fir_bytes: sink.bytes,
      firtool_seconds: verilog?.firtoolSeconds ?? null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
