// Verilates a design and compiles it with the glue into a cached `.node` addon.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cacheRoot, cachedEntry, hashOf, soundEntry } from './cache.ts';
import { SimBuildError, compileObject, cxxFlags, runOrThrow } from './compile.ts';
import { runTool } from './exec.ts';
import { generateGlue, type TraceKind } from './glue.ts';
import { Progress } from './progress.ts';
import { ensureRuntime, harnessHash, nativeDir } from './runtime.ts';
import { toolchain } from './toolchain.ts';
import type { PortInfo } from './types.ts';

export interface BuildRequest {
  top: string;
  svFiles: string[];
  ports: PortInfo[];
  trace: TraceKind;
  verilatorFlags: string[];
  cacheDir?: string;
}

export interface BuiltModel {
  addonPath: string;
  key: string;
  /** True when this call compiled the model (a cache miss). */
  built: boolean;
}

const ADDON = 'model.node';

// Fixed flags: fast model, no timing (firtool output needs none), lint is not our job here.
const BASE_FLAGS = ['--cc', '-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--no-timing', '-Wno-fatal', '-Wno-lint', '-Wno-style'];

export async function buildModel(req: BuildRequest): Promise<BuiltModel> {
  const tc = await toolchain();
  const root = cacheRoot(req.cacheDir);
  const sources = await Promise.all(
    req.svFiles.map(async (file) => {
      try {
        return await fs.readFile(file);
      } catch (e) {
        throw new Error(`hashi sim: cannot read SystemVerilog file ${file}: ${(e as Error).message}`);
      }
    }),
  );
  const traceFlags = req.trace === 'fst' ? ['--trace-fst'] : req.trace === 'vcd' ? ['--trace'] : [];
  const vflags = [...BASE_FLAGS, ...traceFlags, ...req.verilatorFlags];
  // Verilator runs in the files' common directory on relative paths: the paths it
  // embeds in the C++ (in $fatal messages) then do not depend on where the SV
  // lives, so ccache hits even for SV written to a fresh temp dir on every run.
  const files = req.svFiles.map((f) => path.resolve(f));
  const svDir = commonDir(files);
  const relativeFiles = files.map((f) => path.relative(svDir, f));
  const designHash = hashOf([req.top, ...vflags, ...relativeFiles.flatMap((f, i) => [f, sources[i]!])]);
  // A distinct C++ class prefix per design keeps even unhidden symbols apart.
  const prefix = `V${req.top.replace(/\W/g, '_')}_${designHash.slice(0, 10)}`;
  const glueFor = (directEval: boolean, members?: string[]) => generateGlue(prefix, req.top, req.ports, req.trace, directEval, members);
  // The direct eval needs a single-threaded model without tracing (eval_step marks
  // trace activity) and Verilator's usual ___eval entry (checked after verilating).
  const wantDirectEval = req.trace === 'none' && !vflags.some((f) => f.startsWith('--threads'));
  const glue = glueFor(wantDirectEval);
  const flags = cxxFlags(tc, req.trace);
  const key = hashOf([designHash, glue, harnessHash, tc.verilatorVersion, tc.cxxVersion, ...flags]);
  const modelDir = path.join(root, 'models', key);
  if (await soundEntry(root, modelDir, [ADDON])) return { addonPath: path.join(modelDir, ADDON), key, built: false };

  const progress = new Progress(req.top);
  try {
    const runtime = await ensureRuntime(tc, root, progress);
    const { dir, built } = await cachedEntry(root, 'models', key, [ADDON], async (tmp) => {
      progress.status('verilating');
      const mdir = path.join(tmp, 'vl');
      const verilated = await runTool(tc.verilator, [...vflags, '--prefix', prefix, '--top-module', req.top, '-Mdir', mdir, ...relativeFiles], svDir);
      if (verilated.code !== 0) throw verilatorError(verilated.output, files);
      const members = checkPorts(readFileSync(path.join(mdir, `${prefix}.h`), 'utf8'), req.ports, req.top);

      progress.status('compiling');
      const classes = generatedSources(readFileSync(path.join(mdir, `${prefix}_classes.mk`), 'utf8'));
      // Small designs compile fastest as one unit (verilator's own default), the
      // glue beside it so both cores work; big ones in two halves.
      const units = await unityFiles(mdir, prefix, classes);
      const gluePath = path.join(mdir, `${prefix}__hashi_glue.cpp`);
      const rootEval = `${prefix}___024root___eval(${prefix}___024root* vlSelf)`;
      const hasRootEval = readFileSync(path.join(mdir, `${prefix}.cpp`), 'utf8').includes(rootEval);
      // The key hashed `glue`; this is the same function of the same inputs, with
      // the member names Verilator chose filled in.
      await fs.writeFile(gluePath, glueFor(wantDirectEval && hasRootEval, members));
      const includes = [`-I${mdir}`, `-I${nativeDir}`];
      const modelObjects = units.map((_, i) => `model${i}.o`);
      await Promise.all([
        compileObject(tc, [...flags, ...includes], gluePath, path.join(tmp, 'glue.o'), mdir, tmp),
        ...units.map((unit, i) => compileObject(tc, [...flags, ...includes], unit, path.join(tmp, modelObjects[i]!), mdir, tmp)),
      ]);
      progress.status('linking');
      await runOrThrow(
        tc.cxx,
        ['-shared', '-o', ADDON, 'glue.o', ...modelObjects, runtime, '-Wl,--exclude-libs,ALL', '-Wl,-Bsymbolic', '-pthread', '-lz'],
        tmp,
        'link',
      );
    });
    if (built) progress.done('built');
    else progress.clear();
    return { addonPath: path.join(dir, ADDON), key, built };
  } catch (e) {
    progress.clear();
    throw e;
  }
}

function commonDir(files: string[]): string {
  let dir = path.dirname(files[0] ?? '.');
  while (!files.every((f) => f.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep))) dir = path.dirname(dir);
  return dir;
}

function verilatorError(output: string, files: string[]): SimBuildError {
  const first = output.split('\n').find((l) => l.startsWith('%Error')) ?? output.trim().split('\n')[0] ?? '';
  return new SimBuildError(`hashi sim: Verilator failed on ${files.join(', ')}:\n${first}`, output);
}

const SPLIT_BYTES = 1_500_000;

/** Writes one or two unity .cpp files that #include Verilator's generated sources. */
async function unityFiles(mdir: string, prefix: string, classes: string[]): Promise<string[]> {
  const sized = await Promise.all(classes.map(async (c) => ({ c, size: (await fs.stat(path.join(mdir, `${c}.cpp`))).size })));
  const total = sized.reduce((a, x) => a + x.size, 0);
  const groups: string[][] = total > SPLIT_BYTES ? [[], []] : [[]];
  const sizes = groups.map(() => 0);
  for (const { c, size } of sized.sort((a, b) => b.size - a.size)) {
    const i = sizes.indexOf(Math.min(...sizes));
    groups[i]!.push(c);
    sizes[i]! += size;
  }
  return Promise.all(
    groups.map(async (group, i) => {
      const unit = path.join(mdir, `${prefix}__hashi_unit${i}.cpp`);
      await fs.writeFile(unit, group.map((c) => `#include "${c}.cpp"\n`).join(''));
      return unit;
    }),
  );
}

function generatedSources(classesMk: string): string[] {
  const names: string[] = [];
  const re = /^VM_(?:CLASSES|SUPPORT)_(?:FAST|SLOW) \+= \\\n((?:\t\S+ \\\n)*)/gm;
  for (const m of classesMk.matchAll(re)) {
    for (const line of m[1]!.split('\n')) {
      const name = line.trim().replace(/ \\$/, '');
      if (name) names.push(name);
    }
  }
  return names;
}

/** Verilator's C++ member name for a port: C++ keywords get a prefix, '__' is escaped. */
function memberCandidates(name: string): string[] {
  return [name, `__SYM__${name}`, name.replace(/__/g, '___05F')];
}

/** Compares the verilated header's ports with the port list; returns each port's C++ member name. */
function checkPorts(header: string, ports: PortInfo[], top: string): string[] {
  const actual = new Map<string, { direction: 'input' | 'output'; width: number }>();
  for (const m of header.matchAll(/VL_(IN|OUT)(?:8|16|64|W)?\(&(\w+),(\d+),(\d+)/g)) {
    actual.set(m[2]!, { direction: m[1] === 'IN' ? 'input' : 'output', width: Number(m[3]) - Number(m[4]) + 1 });
  }
  const problems: string[] = [];
  const members = ports.map((p) => {
    const member = memberCandidates(p.name).find((c) => actual.has(c));
    const a = member === undefined ? undefined : actual.get(member);
    if (!a) problems.push(`port '${p.name}' is not in the design`);
    else if (a.direction !== p.direction || a.width !== p.width) {
      problems.push(`port '${p.name}' is ${a.direction} [${a.width}] in the design, ${p.direction} [${p.width}] in the port list`);
    }
    return member ?? p.name;
  });
  if (problems.length > 0) {
    const real = [...actual].map(([n, a]) => `${a.direction} ${n}[${a.width}]`).join(', ');
    throw new SimBuildError(`hashi sim: ports of ${top} do not match: ${problems.join('; ')} (design has: ${real})`, header);
  }
  return members;
}
