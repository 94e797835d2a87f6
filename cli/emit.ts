// `hashi emit`: elaborate a design and write FIRRTL plus SystemVerilog.
import { relative } from 'node:path';
import { elaborate, emitVerilog } from '../dsl/index.ts';
import type { VerilogOutput, VerilogTarget } from '../dsl/index.ts';
import { loadDesign, parseParams } from './load-design.ts';
import { status } from './status.ts';
import { startTypecheck, throwTypeErrors, typeErrorNote } from './typecheck.ts';

export interface EmitOptions {
  readonly top?: string;
  readonly param: readonly string[];
  readonly out?: string;
  readonly target?: VerilogTarget;
  /** Extra firtool arguments (repeatable --firtool-opt). */
  readonly firtoolOpt?: readonly string[];
  /** false: skip the type check (--no-typecheck). */
  readonly typecheck?: boolean;
}

export async function emitCommand(file: string, opts: EmitOptions): Promise<VerilogOutput> {
  const typecheck = opts.typecheck === false ? undefined : startTypecheck(file);
  let circuit;
  try {
    const def = await loadDesign(file, opts.top);
    const params = parseParams(def, opts.param);
    const done = status('elaborating');
    circuit = elaborate(def, params);
    done();
  } catch (e) {
    // The failure is reported as it is; type errors, if any, follow it (they may be its cause).
    if (typecheck && e instanceof Error) e.message += typeErrorNote(await typecheck);
    throw e;
  }
  if (typecheck) {
    const checking = status('type-checking the design');
    const result = await typecheck;
    checking();
    throwTypeErrors(result);
  }
  const outDir = opts.out ?? `build/${circuit.top.name}`;
  const lowered = status(`firtool: lowering ${circuit.top.name} to SystemVerilog`);
  const out = await emitVerilog(circuit, { outDir, ...(opts.target ? { target: opts.target } : {}), firtoolOptions: opts.firtoolOpt ?? [] });
  lowered();
  const show = (p: string): string => {
    const rel = relative(process.cwd(), p);
    return rel.startsWith('..') ? p : rel;
  };
  console.log(`firtool ${out.firtoolVersion}`);
  console.log(`FIRRTL:        ${show(out.firPath)}`);
  for (const f of out.svFiles) console.log(`SystemVerilog: ${show(f)}`);
  return out;
}
