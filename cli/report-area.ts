// `hashi report area <design.ts> [--param k=v ...] [--json]`: elaborate a design,
// lower it for Yosys, run the area script (cli/yosys.ts) and report adders,
// adder bits, $mul cells and generic gates, in total and per module. With --json
// the report is one JSON object, the last line on stdout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elaborate, emitVerilog } from '../dsl/index.ts';
import type { ModuleDef, Params, ParamsInput } from '../dsl/index.ts';
import { loadDesign, parseParams } from './load-design.ts';
import { status } from './status.ts';
import { runAreaScript } from './yosys.ts';
import { arithmeticFigures, gateFigures, type StatBlock } from './yosys-stat.ts';

export interface ModuleArea {
  /** Instances of this module in the whole design (from Yosys's hierarchy listing). */
  instances: number;
  /** $add/$sub/$neg cells in one instance, before alumacc. */
  adders: number;
  adder_bits: number;
  mul_cells: number;
  /** Generic gates of one instance, own logic only (hierarchical synth). */
  gates: number;
  dffs: number;
}

export interface AreaReport {
  top: string;
  params: Params;
  /** Totals over the whole hierarchy (every instance counted). */
  adders: number;
  adder_bits: number;
  mul_cells: number;
  /** Generic gates after `synth -flatten` (flip-flops included; see dffs). */
  gates: number;
  dffs: number;
  /** Generic gates summed over the hierarchical synthesis (no cross-module optimization); 0 when skipped. */
  gates_hierarchical: number;
  yosys: { version: string; script: string; seconds: number };
  firtool_seconds: number;
  modules: Record<string, ModuleArea>;
}

const empty: StatBlock = { name: '', cells: 0, types: {} };

/** Area of a design (any ModuleDef and parameters): the library entry point for tests and scripts. */
export async function areaOf<P extends Params, IO>(def: ModuleDef<P, IO>, params: ParamsInput<P> = {}, opts: { hierarchical?: boolean } = {}): Promise<AreaReport> {
  const circuit = elaborate(def, params);
  const dir = mkdtempSync(join(tmpdir(), 'hashi-area-'));
  try {
    const v = await emitVerilog(circuit, { outDir: dir, target: 'yosys' });
    const stats = await runAreaScript(v.svFiles, v.top, opts.hierarchical ?? true);
    const preTotal = stats.pre.hierarchy ?? stats.pre.modules[v.top] ?? empty;
    const hierTotal = stats.hier.hierarchy ?? stats.hier.modules[v.top] ?? empty;
    const flatTop = stats.flat.modules[v.top] ?? empty;
    const modules: Record<string, ModuleArea> = {};
    for (const [name, block] of Object.entries(stats.pre.modules)) {
      modules[name] = {
        instances: stats.pre.hierarchy?.instances[name] ?? (name === v.top ? 1 : 0),
        ...arithmeticFigures(block.types),
        ...gateFigures((stats.hier.modules[name] ?? empty).types),
      };
    }
    const flat = gateFigures(flatTop.types);
    return {
      top: v.top,
      params: { ...def.defaults, ...params } as Params,
      ...arithmeticFigures(preTotal.types),
      gates: flat.gates,
      dffs: flat.dffs,
      gates_hierarchical: gateFigures(hierTotal.types).gates,
      yosys: { version: stats.yosysVersion, script: stats.script, seconds: Number(stats.seconds.toFixed(3)) },
      firtool_seconds: Number(v.firtoolSeconds.toFixed(3)),
      modules,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReportAreaOptions {
  readonly top?: string;
  readonly param: readonly string[];
  readonly json?: boolean;
}

export async function reportAreaCommand(file: string, opts: ReportAreaOptions): Promise<AreaReport> {
  const def = await loadDesign(file, opts.top);
  const params = parseParams(def, opts.param);
  const done = status('elaborating, lowering and synthesizing with Yosys');
  let report: AreaReport;
  try {
    report = await areaOf(def, params);
  } finally {
    done();
  }
  if (opts.json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(`${report.top} (${Object.entries(report.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')})`);
    console.log(`adders      ${report.adders}`);
    console.log(`adder bits  ${report.adder_bits}`);
    console.log(`\$mul cells  ${report.mul_cells}`);
    console.log(`gates       ${report.gates} (flip-flops ${report.dffs}; hierarchical ${report.gates_hierarchical})`);
    console.log('module                          inst  adders  bits  muls  gates');
    for (const [name, m] of Object.entries(report.modules)) {
      console.log(`${name.padEnd(30)} ${String(m.instances).padStart(5)} ${String(m.adders).padStart(7)} ${String(m.adder_bits).padStart(5)} ${String(m.mul_cells).padStart(5)} ${String(m.gates).padStart(6)}`);
    }
    console.log(`yosys ${report.yosys.version}, ${report.yosys.seconds} s`);
  }
  return report;
}
