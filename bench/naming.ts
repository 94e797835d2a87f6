// `hashi bench naming`: the automatic-naming source transform on a generated
// 20,000-line design file. transform_seconds is a transform without the cache
// (the parser already loaded), cached_seconds a cache hit; both are medians
// over several runs. cold_process_seconds is what a fresh process pays the
// first time: loading ts-morph plus the first (unoptimised) transform;
// loader_strip_types_seconds is the esbuild step the CLI loader adds.
// `--lines N` and `--runs N` change the size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedTransformNaming } from '../dsl/naming/cache.ts';
import { stripTypes } from '../dsl/naming/strip-types.ts';

export default async function run(opts: { json: boolean; argv: string[] }): Promise<Record<string, unknown>> {
  const lines = intArg(opts.argv, '--lines', 20_000);
  const runs = intArg(opts.argv, '--runs', 5);
  const source = generateDesign(lines);
  const file = '/bench/naming/design.ts';
  const cacheDir = mkdtempSync(join(tmpdir(), 'hashi-naming-bench-'));
  try {
    const t0 = performance.now();
    await import('../dsl/naming/transform.ts');
    const parserLoadSeconds = (performance.now() - t0) / 1000;

    const cold: number[] = [];
    const coldCpu: number[] = []; // CPU time: steadier than wall time on a shared machine
    let declarations = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      const out = await cachedTransformNaming(source, file, { cacheDir: null });
      const used = process.cpuUsage(c);
      cold.push((performance.now() - t) / 1000);
      coldCpu.push((used.user + used.system) / 1e6);
      declarations = out ? countWraps(out.code) : 0;
    }
    await cachedTransformNaming(source, file, { cacheDir }); // fill the cache
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const out = await cachedTransformNaming(source, file, { cacheDir });
      warm.push((performance.now() - t) / 1000);
      if (!out) throw new Error('bench: cache hit lost the output');
    }
    // What the CLI loader adds after the transform: esbuild, composing the map.
    const named = await cachedTransformNaming(source, file, { cacheDir });
    const strip: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const t = performance.now();
      await stripTypes(named!, file);
      strip.push((performance.now() - t) / 1000);
    }
    if (!opts.json) process.stderr.write(`naming bench: ${runs} runs each on ${source.length} characters\n`);
    return {
      lines: source.split('\n').length - 1,
      declarations,
      transform_seconds: median(cold),
      cached_seconds: median(warm),
      transform_cpu_seconds: median(coldCpu),
      first_transform_seconds: cold[0],
      first_transform_cpu_seconds: coldCpu[0],
      loader_strip_types_seconds: median(strip),
      parser_load_seconds: parserLoadSeconds,
      cold_process_seconds: parserLoadSeconds + cold[0]!,
      bytes: source.length,
      runs,
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** A design-like file of `lines` lines: functions of `const x = a.add(b)` chains, a few classes with fields. */
export function generateDesign(lines: number): string {
  // Spelled in pieces so that this bench file itself does not look like a design to the loader.
  const dsl = ['..', 'dsl', 'index.ts'].join('/');
  const out: string[] = [`import { UInt, Reg, Wire } from '${dsl}';`, ''];
  const blockLines = 28;
  let n = 0;
  while (out.length + blockLines <= lines) {
    const k = n++;
    if (k % 10 === 0) {
      out.push(`export class Stage${k} {`);
      out.push(`  width = ${8 + (k % 24)};`);
      out.push(`  valid = Reg(UInt(1));`);
      out.push(`  data = Wire(UInt(this.width));`);
      out.push(`  #shadow = Reg(UInt(this.width)).init(0);`);
      out.push(`  step(x: any): any {`);
      out.push(`    const sum = this.data.add(x);`);
      out.push(`    return sum.tail(1);`);
      out.push(`  }`);
      out.push(`}`);
    } else {
      out.push(`export function block${k}(a: any, b: any, c: any): any {`);
      out.push(`  const t0 = a.add(b);`);
      for (let i = 1; i < 24; i++) {
        const pick = i % 4;
        if (pick === 0) out.push(`  const t${i} = t${i - 1}.add(c).tail(1);`);
        else if (pick === 1) out.push(`  let t${i} = t${i - 1}.xor(b);`);
        else if (pick === 2) out.push(`  const t${i} = Reg(UInt(8)).next(t${i - 1}); // pipeline register`);
        else out.push(`  const t${i} = t${i - 1}.gt(a) ? t${i - 1} : a.sub(b);`);
      }
      out.push(`  const limit = ${k};`);
      out.push(`  return t23;`);
      out.push(`}`);
    }
  }
  while (out.length < lines) out.push(`export const pad${out.length} = UInt(${out.length % 64});`);
  out.push('');
  return out.join('\n');
}

function countWraps(code: string): number {
  return code.split('__hashi_name(').length - 1;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function intArg(argv: string[], flag: string, dflt: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} expects a positive integer`);
  return v;
}
