// FIRRTL -> SystemVerilog through CIRCT firtool (the one place that spawns it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emitFirrtl } from '../emit/firrtl.ts';
import { FileSink } from '../emit/sink.ts';
import { HashiError } from '../errors.ts';
import type { CircuitIR } from '../ir.ts';
import { findFirtool } from './toolchain.ts';
import { makeLoc } from '../locator.ts';
import { portsOf } from '../ports.ts';
import type { PortInfo } from '../ports.ts';

/** Lowering options per consumer of the SystemVerilog. */
const loweringOptions = {
  verilator: 'locationInfoStyle=wrapInAtSquareBracket,disallowLocalVariables',
  yosys: 'locationInfoStyle=wrapInAtSquareBracket,disallowLocalVariables,disallowPackedArrays',
} as const;
export type VerilogTarget = keyof typeof loweringOptions;

export interface VerilogOptions {
  /** Output folder; FIRRTL and SystemVerilog land here. */
  readonly outDir: string;
  readonly target?: VerilogTarget;
}

export interface VerilogOutput {
  readonly top: string;
  readonly firPath: string;
  readonly firBytes: number;
  readonly firStatements: number;
  /** SystemVerilog files in firtool's file-list order. */
  readonly svFiles: readonly string[];
  readonly ports: readonly PortInfo[];
  readonly firtoolVersion: string;
  readonly firtoolSeconds: number;
}

/** Write `<outDir>/<Top>.fir`, run firtool with --split-verilog, list the SV it wrote. */
export async function emitVerilog(circuit: CircuitIR, opts: VerilogOptions): Promise<VerilogOutput> {
  const outDir = resolve(opts.outDir);
  const target = opts.target ?? 'verilator';
  const top = circuit.top.name;
  mkdirSync(outDir, { recursive: true });
  const firPath = join(outDir, `${top}.fir`);
  const sink = new FileSink(firPath);
  let statements = 0;
  try {
    // Synthesis (Yosys) gets no verification statements: they are simulation checks,
    // and Yosys 0.23 cannot parse firtool's `assert(...) else $error(...)`.
    statements = emitFirrtl(circuit, sink, { verification: target !== 'yosys' }).statements;
  } finally {
    sink.close();
  }

  const svDir = join(outDir, 'sv');
  rmSync(svDir, { recursive: true, force: true });
  const firtool = findFirtool();
  const args = [firPath, '--split-verilog', '-o', svDir, '--disable-all-randomization', `--lowering-options=${loweringOptions[target]}`];
  const started = performance.now();
  const { code, stderr } = await run(firtool.path, args);
  const firtoolSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw firtoolError(stderr, firPath);

  const listPath = join(svDir, 'filelist.f');
  const listed = existsSync(listPath) ? readFileSync(listPath, 'utf8').split('\n').filter(Boolean) : [`${top}.sv`];
  return {
    top,
    firPath,
    firBytes: sink.bytes,
    firStatements: statements,
    svFiles: listed.map((f) => join(svDir, f)),
    ports: portsOf(circuit.top),
    firtoolVersion: firtool.version,
    firtoolSeconds,
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stderr }));
  });
}

/**
 * firtool reports problems at the `@[file line:col]` locators hashi wrote, so
 * its first diagnostic already points at the user's TypeScript line.
 */
function firtoolError(stderr: string, firPath: string): HashiError {
  const diag = /^(.+?):(\d+):(\d+): error: (.*)$/m.exec(stderr);
  const loc = diag && diag[1]!.endsWith('.ts') ? makeLoc(diag[1]!, Number(diag[2]), Number(diag[3])) : undefined;
  const message = diag ? diag[4]! : stderr.trim().split('\n')[0] ?? 'unknown error';
  return new HashiError(`firtool rejected the design: ${message}`, `see the full diagnostic below and the FIRRTL in ${firPath}\n${stderr.trim()}`, loc, 'firtool');
}
