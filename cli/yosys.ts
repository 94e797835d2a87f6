// Running Yosys (a side effect, so it lives here at the edge and not in lib/):
// find the binary, run a script on emitted SystemVerilog, collect the `stat`
// outputs that the script wrote with `tee -o`, and parse them (yosys-stat.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolError } from '../dsl/index.ts';
import { parseStat, type StatReport } from './yosys-stat.ts';

export interface Yosys {
  readonly path: string;
  readonly version: string;
}

let found: Yosys | undefined;

/** $HASHI_YOSYS, else `yosys` on the PATH. */
export function findYosys(): Yosys {
  if (found) return found;
  const path = process.env.HASHI_YOSYS || 'yosys';
  const r = spawnSync(path, ['-V'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new ToolError('yosys', `yosys not found (${path}): ${r.error?.message ?? r.stderr}`, 'install it (npm run bootstrap) or set HASHI_YOSYS');
  }
  found = { path, version: r.stdout.trim() };
  return found;
}

/**
 * The area script. Arithmetic is counted before `alumacc` merges adders into
 * $alu/$macc cells: `proc; opt; wreduce` leaves one $add/$sub/$neg/$mul cell per
 * operator, at its reduced width. Gates are Yosys's generic cell library after
 * `synth`: per module from a hierarchical synthesis, and the total from a
 * flattened one (constants then propagate across module boundaries).
 */
export function areaScript(svFiles: readonly string[], top: string, out: { pre: string; hier: string; flat: string }, hierarchical = true): string {
  // Yosys splits commands at whitespace and takes quotes literally here.
  const q = (p: string): string => {
    if (/\s/.test(p)) throw new Error(`yosys script: path with whitespace not supported: ${p}`);
    return p;
  };
  return [
    `read_verilog -sv ${svFiles.map(q).join(' ')}`,
    `hierarchy -check -top ${top}`,
    'proc; opt; wreduce',
    `tee -q -o ${q(out.pre)} stat -width -top ${top}`,
    ...(hierarchical ? ['design -save pre', `synth -top ${top}`, `tee -q -o ${q(out.hier)} stat -top ${top}`, 'design -load pre'] : []),
    `synth -flatten -top ${top}`,
    `tee -q -o ${q(out.flat)} stat -top ${top}`,
  ].join('\n');
}

export interface AreaStats {
  /** After proc; opt; wreduce (stat -width). */
  readonly pre: StatReport;
  /** After synth (hierarchical); empty when skipped. */
  readonly hier: StatReport;
  /** After synth -flatten. */
  readonly flat: StatReport;
  /** The script, with the scratch paths replaced by placeholders. */
  readonly script: string;
  readonly yosysVersion: string;
  readonly seconds: number;
}

/** Run the area script; `hierarchical: false` skips the per-module synthesis (about half the time). */
export async function runAreaScript(svFiles: readonly string[], top: string, hierarchical = true): Promise<AreaStats> {
  const yosys = findYosys();
  const dir = mkdtempSync(join(tmpdir(), 'hashi-yosys-'));
  try {
    const out = { pre: join(dir, 'pre.txt'), hier: join(dir, 'hier.txt'), flat: join(dir, 'flat.txt') };
    const script = areaScript(svFiles, top, out, hierarchical);
    const scriptPath = join(dir, 'area.ys');
    writeFileSync(scriptPath, script);
    const started = performance.now();
    const { code, stderr } = await run(yosys.path, ['-q', '-s', scriptPath]);
    if (code !== 0) throw new ToolError('yosys', `yosys failed (exit ${code}):\n${stderr.trim()}`, "see Yosys's message above");
    const read = (p: string): StatReport => (existsSync(p) ? parseStat(readFileSync(p, 'utf8')) : { modules: {} });
    const shown = areaScript(['<sv-files>'], top, { pre: '<pre.txt>', hier: '<hier.txt>', flat: '<flat.txt>' }, hierarchical);
    return { pre: read(out.pre), hier: read(out.hier), flat: read(out.flat), script: shown, yosysVersion: yosys.version, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
