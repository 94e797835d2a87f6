// `hashi bench NAME [--json]`: run bench/NAME.ts; with --json the result is the
// last line on stdout (progress and notes go to stderr).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectDir } from './project.ts';
import { UsageError } from './usage-error.ts';

export type BenchResult = Record<string, unknown>;
export type Bench = (opts: { json: boolean; argv: string[] }) => Promise<BenchResult>;

export async function benchCommand(name: string, json: boolean, argv: string[]): Promise<void> {
  const dir = join(projectDir, 'bench');
  const file = join(dir, `${name}.ts`);
  if (!existsSync(file)) {
    const known = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    throw new UsageError(`no benchmark '${name}'; the benchmarks are: ${known.join(', ') || '(none)'}`);
  }
  const run = ((await import(pathToFileURL(file).href)) as { default: Bench }).default;
  const result = await run({ json, argv });
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(24)} ${typeof v === 'number' ? formatNumber(v) : JSON.stringify(v)}`);
  }
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
}
