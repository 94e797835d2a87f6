// Verilator's runtime (verilated.cpp, tracing, threads) plus our N-API binding,
// compiled once per cache into a static archive of PIC objects that every model
// addon links privately.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedEntry, hashOf } from './cache.ts';
import { compileObject, cxxFlags, runOrThrow } from './compile.ts';
import type { Progress } from './progress.ts';
import type { Toolchain } from './toolchain.ts';

/** Bump when the build recipe changes in a way the hashed inputs do not show. */
export const HARNESS_VERSION = 'hashi-sim-2';

export const nativeDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native');

/** Hash of the harness sources: any edit to them invalidates every cache entry. */
export const harnessHash = hashOf([
  HARNESS_VERSION,
  readFileSync(path.join(nativeDir, 'harness.h')),
  readFileSync(path.join(nativeDir, 'cycles.h')),
  readFileSync(path.join(nativeDir, 'harness.cpp')),
  readFileSync(path.join(nativeDir, 'hooks.cpp')),
  readFileSync(path.join(nativeDir, 'printf-hook.h')),
]);

const RUNTIME_SOURCES = ['verilated.cpp', 'verilated_threads.cpp', 'verilated_vcd_c.cpp', 'verilated_fst_c.cpp'];
export const RUNTIME_ARCHIVE = 'libhashi_rt.a';

/** Returns the path of the runtime archive, building it if this cache lacks it. */
export async function ensureRuntime(tc: Toolchain, root: string, progress: Progress): Promise<string> {
  const flags = cxxFlags(tc, 'all');
  const key = hashOf([harnessHash, tc.verilatorVersion, tc.cxxVersion, tc.verilatorInclude, ...flags]);
  const { dir } = await cachedEntry(root, 'runtime', key, [RUNTIME_ARCHIVE], async (tmp) => {
    progress.status('compiling the Verilator runtime (once per cache)');
    const sources = [
      ...RUNTIME_SOURCES.map((f) => path.join(tc.verilatorInclude, f)),
      path.join(nativeDir, 'harness.cpp'),
      path.join(nativeDir, 'hooks.cpp'),
    ];
    const objects = sources.map((s) => path.join(tmp, path.basename(s).replace(/\.cpp$/, '.o')));
    await Promise.all(sources.map((s, i) => compileObject(tc, flags, s, objects[i]!, tmp, tmp)));
    await runOrThrow('ar', ['rcs', RUNTIME_ARCHIVE, ...objects.map((o) => path.basename(o))], tmp, 'ar');
  });
  return path.join(dir, RUNTIME_ARCHIVE);
}
