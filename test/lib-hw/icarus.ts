// Shared by tests (not a test file): a second reader of the emitted SystemVerilog. Compiles
// a design's SV with a testbench under Icarus Verilog (-g2012) and returns what it printed.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function runIcarus(dir: string, svFiles: readonly string[], testbench: string, timeoutMs = 600_000): string {
  const tbPath = join(dir, 'testbench.sv');
  writeFileSync(tbPath, testbench);
  const binary = join(dir, 'icarus.vvp');
  const compile = spawnSync('iverilog', ['-g2012', '-o', binary, tbPath, ...svFiles], { encoding: 'utf8' });
  if (compile.status !== 0) throw new Error(`iverilog failed:\n${compile.stderr}${compile.stdout}`);
  const run = spawnSync('vvp', ['-n', binary], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`vvp failed (${run.signal ?? run.status}):\n${run.stderr}${run.stdout}`);
  return run.stdout;
}
