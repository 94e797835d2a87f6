// `hashi emit`: elaborate a design and write FIRRTL plus SystemVerilog.
import { relative } from 'node:path';
import { elaborate, emitVerilog } from '../dsl/index.ts';
import type { VerilogOutput, VerilogTarget } from '../dsl/index.ts';
import { loadDesign, parseParams } from './load-design.ts';
import { status } from './status.ts';

export interface EmitOptions {
  readonly top?: string;
  readonly param: readonly string[];
  readonly out?: string;
  readonly target?: VerilogTarget;
  /** Extra firtool arguments (repeatable --firtool-opt). */
  readonly firtoolOpt?: readonly string[];
}

export async function emitCommand(file: string, opts: EmitOptions): Promise<VerilogOutput> {
  const def = await loadDesign(file, opts.top);
  const params = parseParams(def, opts.param);
  const done = status('elaborating');
  const circuit = elaborate(def, params);
  done();
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
