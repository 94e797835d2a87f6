// simulate(design, params): elaborate a hashi design, lower it with firtool and
// open it in the Verilator harness. The harness below knows nothing of hashi;
// this is the one place where the two meet.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { elaborate, emitVerilog, portTreeOf } from '../dsl/index.ts';
import { designIO } from './design-io.ts';
import type { SimIO } from './design-io.ts';
import type { ModuleDef, Params, ParamsInput, VerilogOutput, VerilogTarget } from '../dsl/index.ts';
import { loadSimulator } from './load.ts';
import type { Simulator } from './simulator.ts';
import type { SimulatorOptions } from './types.ts';

export type SimulateOptions = Omit<SimulatorOptions, 'top' | 'svFiles' | 'ports'> & {
  /** Keep the SystemVerilog in this folder (default: a temporary folder, removed once loaded). */
  readonly outDir?: string;
  /** firtool's lowering (default `verilator`: packed arrays, which Verilator compiles well; `default` is what `hashi emit` writes). */
  readonly target?: VerilogTarget;
  /** Told when each stage starts (for a caller's progress display; the Verilator build also reports its own steps on a terminal). */
  readonly onPhase?: (phase: 'elaborating' | 'lowering' | 'building') => void;
};

export interface DesignSimulator<IO = unknown> extends Simulator {
  readonly verilog: VerilogOutput;
  /** The ports as the module declared them: `sim.io.out.bits.peek()`, `sim.io.table[2].poke(5)`. */
  readonly io: SimIO<IO>;
}

export async function simulate<P extends Params, IO>(
  def: ModuleDef<P, IO>,
  params: ParamsInput<P> = {},
  opts: SimulateOptions = {},
): Promise<DesignSimulator<IO>> {
  opts.onPhase?.('elaborating');
  const circuit = elaborate(def, params);
  const scratch = opts.outDir ? undefined : mkdtempSync(join(tmpdir(), 'hashi-sim-'));
  try {
    opts.onPhase?.('lowering');
    const verilog = await emitVerilog(circuit, { outDir: opts.outDir ?? scratch!, target: opts.target ?? 'verilator' });
    const { outDir: _unused, onPhase, target: _target, ...simOpts } = opts;
    onPhase?.('building');
    // --assert: a design's assert/assume statements are checked in every simulation.
    const verilatorFlags = ['--assert', ...(simOpts.verilatorFlags ?? [])];
    const sim = await loadSimulator({ ...simOpts, verilatorFlags, top: verilog.top, svFiles: [...verilog.svFiles], ports: [...verilog.ports] });
    sim.sourceLines = assertionSources(verilog.svFiles);
    return Object.assign(sim, { verilog, io: designIO(sim, portTreeOf(circuit.top)) as SimIO<IO> });
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The design's source line (firtool's `@[file:line:col]` locator) of every SV
 * line that can stop a simulation, so a failing assert names the user's line.
 */
function assertionSources(svFiles: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of svFiles) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/\b(assert|assume|cover)\s*\(|\$(fatal|error|stop)\b/.test(line)) return;
      const at = /@\[([^\]]+)\]/.exec(line)?.[1];
      if (at) out.set(`${basename(file)}:${i + 1}`, at.replace(/ (\d+:\d+)$/, ':$1'));
    });
  }
  return out;
}
