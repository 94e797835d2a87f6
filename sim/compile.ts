// g++ invocations shared by the runtime archive and the model addons.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool } from './exec.ts';
import type { Toolchain } from './toolchain.ts';

const nativeIncludeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native');

/** Error from a failed tool run, with the first diagnostic up front and the full log attached. */
export class SimBuildError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = 'SimBuildError';
  }
}

export interface TraceDefines {
  trace: 'none' | 'fst' | 'vcd';
}

/** Flags every object in an addon is compiled with; part of the cache keys. */
export function cxxFlags(tc: Toolchain, trace: 'none' | 'fst' | 'vcd' | 'all'): string[] {
  const on = (kind: string) => (trace === 'all' || trace === kind ? '1' : '0');
  return [
    '-std=gnu++17',
    '-O2',
    '-fPIC',
    // Hidden symbols: two addons in one process must not interpose each other.
    '-fvisibility=hidden',
    '-fvisibility-inlines-hidden',
    '-faligned-new',
    '-fcf-protection=none',
    '-w',
    `-I${tc.verilatorInclude}`,
    `-I${path.join(tc.verilatorInclude, 'vltstd')}`,
    `-I${tc.nodeInclude}`,
    '-DVM_COVERAGE=0',
    '-DVM_SC=0',
    `-DVM_TRACE=${trace === 'none' ? '0' : '1'}`,
    `-DVM_TRACE_FST=${on('fst')}`,
    `-DVM_TRACE_VCD=${on('vcd')}`,
    // Route Verilator's printing through hooks.cpp (to keep an assertion's message).
    '-include',
    path.join(nativeIncludeDir, 'printf-hook.h'),
    // Our harness supplies vl_fatal/vl_stop/vl_finish that throw instead of abort().
    '-DVL_USER_FATAL',
    '-DVL_USER_STOP',
    '-DVL_USER_FINISH',
    '-DNAPI_VERSION=8',
    // The V8 step1 is compiled against these headers: a new Node means new objects
    // (this define is unused in the code; it puts the versions in the cache keys).
    `-DHASHI_NODE_HEADERS_${tc.nodeHeaders.replace(/\W/g, '_')}`,
  ];
}

function firstDiagnostic(log: string, pattern: RegExp): string {
  return log.split('\n').find((line) => pattern.test(line))?.trim() ?? log.trim().split('\n')[0] ?? '';
}

export async function compileObject(
  tc: Toolchain,
  flags: string[],
  source: string,
  object: string,
  cwd: string,
  /** The build's temp dir: ccache sees paths below it as relative, so builds in different temp dirs share hits. */
  baseDir: string,
): Promise<void> {
  const args = [...flags, '-c', source, '-o', object];
  const [cmd, ...rest] = tc.ccache ? [tc.ccache, tc.cxx, ...args] : [tc.cxx, ...args];
  const result = await runTool(cmd!, rest, cwd, { CCACHE_BASEDIR: baseDir });
  if (result.code !== 0) {
    throw new SimBuildError(
      `hashi sim: C++ compile of ${path.basename(source)} failed: ${firstDiagnostic(result.output, /error/)}`,
      result.output,
    );
  }
}

export async function runOrThrow(cmd: string, args: string[], cwd: string, what: string): Promise<void> {
  const result = await runTool(cmd, args, cwd);
  if (result.code !== 0) {
    throw new SimBuildError(`hashi sim: ${what} failed: ${firstDiagnostic(result.output, /error/i)}`, result.output);
  }
}
