// FIRRTL -> SystemVerilog through CIRCT firtool (the one place that spawns it).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { emitFirrtl } from '../emit/firrtl.ts';
import { FileSink } from '../emit/sink.ts';
import { HashiError, ToolError } from '../errors.ts';
import type { CircuitIR } from '../ir.ts';
import { findFirtool } from './toolchain.ts';
import { makeLoc } from '../locator.ts';
import { portsOf } from '../ports.ts';
import type { PortInfo } from '../ports.ts';

/**
 * What each consumer of the SystemVerilog gets (firtool's --lowering-options;
 * README: `hashi emit --target`). `default` is read by Verilator, Icarus Verilog 11 and
 * Yosys 0.23 alike: vectors indexed at run time become case statements instead
 * of packed 2-D arrays and `'{...}` assignment patterns, which Icarus and Yosys
 * reject; no automatic local variables, which Yosys rejects.
 */
const portable = ['locationInfoStyle=wrapInAtSquareBracket', 'disallowLocalVariables', 'disallowPackedArrays'];
/** The lowerings `emitVerilog` and `hashi emit --target` offer, with what each is for. */
export const verilogTargets = {
  default: { loweringOptions: portable, verification: true, about: 'read by Verilator, Icarus Verilog and Yosys (no packed arrays, no local variables)' },
  verilator: {
    loweringOptions: ['locationInfoStyle=wrapInAtSquareBracket', 'disallowLocalVariables'],
    verification: true,
    about: "Verilator only: vectors indexed at run time stay packed arrays (what simulate() builds; Icarus and Yosys reject them)",
  },
  // Yosys 0.23 cannot parse firtool's `assert(...) else $error(...)`; synthesis needs no simulation checks.
  yosys: { loweringOptions: portable, verification: false, about: 'default without assert/assume/cover/printf (for synthesis with Yosys)' },
} as const;
/** A name in `verilogTargets`: `default`, `verilator` or `yosys`. */
export type VerilogTarget = keyof typeof verilogTargets;

/** Options of `emitVerilog`: output folder, target and extra firtool options. */
export interface VerilogOptions {
  /** Output folder; FIRRTL and SystemVerilog land here. */
  readonly outDir: string;
  /** Which lowering (default: `default`, read by Verilator, Icarus and Yosys). */
  readonly target?: VerilogTarget;
  /**
   * More firtool arguments, after the target's (like Chisel's firtoolOpts), e.g.
   * `--lowering-options=...` (replaces the target's lowering options: firtool keeps the last).
   */
  readonly firtoolOptions?: readonly string[];
}

/** What `emitVerilog` wrote: the FIRRTL, the SystemVerilog files in order, the ports and firtool's version and time. */
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
  const target = verilogTargets[opts.target ?? 'default'];
  const top = circuit.top.name;
  makeOutDir(opts.outDir, outDir);
  const firPath = join(outDir, `${top}.fir`);
  const sink = new FileSink(firPath);
  let statements = 0;
  try {
    statements = emitFirrtl(circuit, sink, { verification: target.verification }).statements;
  } finally {
    sink.close();
  }

  const svDir = join(outDir, 'sv');
  const firtool = findFirtool();
  // firtool writes into a fresh folder; only then do its files replace the ones
  // hashi wrote before (see publishOutput): nothing else in sv/ is touched.
  const fresh = mkdtempSync(join(outDir, '.sv-new-'));
  let listed: string[];
  let firtoolSeconds: number;
  try {
    const args = [firPath, '--split-verilog', '-o', fresh, '--disable-all-randomization', `--lowering-options=${target.loweringOptions.join(',')}`, ...(opts.firtoolOptions ?? [])];
    const started = performance.now();
    const { code, stderr, signal } = await run(firtool.path, args);
    firtoolSeconds = (performance.now() - started) / 1000;
    if (signal) throw new ToolError('firtool', `firtool was killed by ${signal} while lowering ${firPath}`, 'run it again; if it keeps failing, the design may be too large for this machine\'s memory');
    if (code !== 0) throw firtoolError(stderr, firPath);
    const listPath = join(fresh, 'filelist.f');
    listed = existsSync(listPath) ? readFileSync(listPath, 'utf8').split('\n').filter(Boolean) : [`${top}.sv`];
    publishOutput(fresh, svDir);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
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

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string; signal: string | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject(new ToolError('firtool', `cannot run firtool (${cmd}): ${e.message}`, 'check HASHI_FIRTOOL, or run `npm run bootstrap`')));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? 1, stderr, signal }));
  });
}

function makeOutDir(given: string, outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
    accessSync(outDir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'it is not writable' : (e as Error).message;
    throw new HashiError(`cannot use '${given}' as the output folder: ${why}`, 'choose a folder you can write to (it is created if missing)', undefined, 'bad-out-dir');
  }
}

/** The list of files hashi wrote into an `sv/` folder, so the next run replaces only those. */
const WRITTEN = '.hashi-written';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

/** A file firtool wrote in an earlier run (its header), or one the new file equals: replacing it loses nothing. */
function firtoolWrote(path: string, fresh: string): boolean {
  const text = readFileSync(path);
  return text.subarray(0, 64).toString('latin1').startsWith('// Generated by CIRCT') || text.equals(readFileSync(fresh));
}

/**
 * Moves firtool's fresh output into `svDir`: files hashi wrote last time (its
 * record, else firtool's own filelist.f) are replaced or removed; any other file
 * stays, and one in the way of a new file stops the run before anything moves.
 */
function publishOutput(fresh: string, svDir: string): void {
  mkdirSync(svDir, { recursive: true });
  const recordPath = join(svDir, WRITTEN);
  const oldList = join(svDir, 'filelist.f');
  const before = new Set<string>(
    existsSync(recordPath)
      ? readFileSync(recordPath, 'utf8').split('\n').filter(Boolean)
      : existsSync(oldList)
        ? ['filelist.f', ...readFileSync(oldList, 'utf8').split('\n').filter(Boolean)]
        : [],
  );
  const now = filesUnder(fresh);
  const inTheWay = now.filter((f) => !before.has(f) && existsSync(join(svDir, f)) && !firtoolWrote(join(svDir, f), join(fresh, f)));
  if (inTheWay.length > 0) {
    throw new HashiError(
      `${inTheWay.map((f) => join(svDir, f)).join(', ')} would be overwritten, but hashi did not write ${inTheWay.length > 1 ? 'them' : 'it'}`,
      'move the file(s) elsewhere, or choose another output folder with -o',
      undefined,
      'output-in-the-way',
    );
  }
  const keep = new Set(now);
  for (const f of before) if (!keep.has(f) && f !== WRITTEN) rmSync(join(svDir, f), { force: true });
  for (const f of now) {
    mkdirSync(dirname(join(svDir, f)), { recursive: true });
    renameSync(join(fresh, f), join(svDir, f));
  }
  writeFileSync(recordPath, now.join('\n') + '\n');
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
