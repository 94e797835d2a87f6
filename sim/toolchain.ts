// Locates Verilator, the C++ compiler, ccache and Node's headers once per process.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Toolchain {
  verilator: string;
  verilatorVersion: string;
  /** Verilator's include directory (verilated.h and friends). */
  verilatorInclude: string;
  cxx: string;
  cxxVersion: string;
  /** `ccache` when it is on PATH: prefixed to every compile. */
  ccache: string | undefined;
  nodeInclude: string;
  /** Node and V8 versions the headers in nodeInclude describe, e.g. '20.20.2 v8 11.3.244.8'. */
  nodeHeaders: string;
}

let cached: Promise<Toolchain> | undefined;

export function toolchain(): Promise<Toolchain> {
  cached ??= probe().catch((e: unknown) => {
    cached = undefined; // a fixed PATH should work on the next try
    throw e;
  });
  return cached;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

async function firstLine(cmd: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { encoding: 'utf8' });
    return stdout.split('\n')[0]!.trim();
  } catch (e) {
    throw new Error(`hashi sim: cannot run ${what} (${cmd}): ${(e as Error).message}`);
  }
}

async function probe(): Promise<Toolchain> {
  const verilator = process.env.HASHI_VERILATOR ?? 'verilator';
  const cxx = process.env.CXX ?? 'g++';
  const [verilatorVersion, verilatorRoot, cxxVersion] = await Promise.all([
    firstLine(verilator, ['--version'], 'Verilator (set HASHI_VERILATOR to override)'),
    firstLine(verilator, ['--getenv', 'VERILATOR_ROOT'], 'Verilator'),
    firstLine(cxx, ['--version'], 'the C++ compiler (set CXX to override)'),
  ]);
  const verilatorInclude = path.join(verilatorRoot, 'include');
  if (!existsSync(path.join(verilatorInclude, 'verilated.h'))) {
    throw new Error(`hashi sim: verilated.h not found under ${verilatorInclude}`);
  }
  const nodeInclude = [
    process.env.HASHI_NODE_INCLUDE,
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ].find((dir): dir is string => !!dir && existsSync(path.join(dir, 'node_api.h')));
  if (!nodeInclude) {
    throw new Error('hashi sim: node_api.h not found; set HASHI_NODE_INCLUDE to Node\'s include/node directory');
  }
  return { verilator, verilatorVersion, verilatorInclude, cxx, cxxVersion, ccache: onPath('ccache'), nodeInclude, nodeHeaders: headerVersions(nodeInclude) };
}

function headerVersions(dir: string): string {
  const defines = (file: string, names: string[]) => {
    const text = existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : '';
    return names.map((n) => new RegExp(`#define ${n} (\\d+)`).exec(text)?.[1] ?? '?').join('.');
  };
  const node = defines('node_version.h', ['NODE_MAJOR_VERSION', 'NODE_MINOR_VERSION', 'NODE_PATCH_VERSION']);
  const v8 = defines('v8-version.h', ['V8_MAJOR_VERSION', 'V8_MINOR_VERSION', 'V8_BUILD_NUMBER', 'V8_PATCH_LEVEL']);
  return `${node} v8 ${v8}`;
}
