// The CLI-style loader in a child process: a design that imports hashi is
// named and its stack traces point at the original source; other files pass
// through untouched.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('./fixtures/run-with-naming.mjs', import.meta.url));
const HASHI = ['.', 'dsl', 'index.ts'].join('/');

const design = `import { make } from '${HASHI}';
import { plain } from './plain.ts';
export class Box {
  base = make(1);
  derived = make(this.base.n + 1);
}
export function f(): unknown {
  const y = make(2);
  return y;
}
export function boom(): unknown {
  const z: { n: number } = make(-1);
  return z;
}
const box = new Box();
let stack = '';
try {
  boom();
} catch (e) {
  stack = (e as Error).stack ?? '';
}
console.log(JSON.stringify({ f: f.toString(), plain: plain.toString(), derived: box.derived.n, stack }));
`;

interface Report {
  f: string;
  plain: string;
  derived: number;
  stack: string;
}

let dir: string;
let cache: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashi-naming-loader-'));
  cache = join(dir, 'cache');
  mkdirSync(join(dir, 'dsl'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'dsl', 'index.ts'), "export function make(n: number): { n: number } {\n  if (n < 0) throw new Error('negative');\n  return { n };\n}\n");
  writeFileSync(join(dir, 'plain.ts'), 'export function plain(): number {\n  const q = Math.max(1, 2);\n  return q;\n}\n');
  writeFileSync(join(dir, 'design.ts'), design);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function runDesign(): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, [runner, join(dir, 'design.ts')], {
    env: { ...process.env, HASHI_NAMING_CACHE: cache },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Report;
}

/** 1-based line:col of `token` in the design source. */
function original(token: string): string {
  const at = design.indexOf(token);
  const before = design.slice(0, at);
  return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
}

describe('naming loader (child process, as the CLI registers it)', () => {
  it('names declarations in files that import hashi, and only there', async () => {
    const r = await runDesign();
    expect(r.f).toContain('__hashi_name("y", () => make(2))');
    expect(r.plain).not.toContain('__hashi_name');
    expect(r.plain).toMatch(/const q\s*=\s*Math\.max\(1,\s*2\)/); // compiled by tsx, not by us
    expect(r.derived).toBe(2); // class fields still see `this`
  });

  it('maps stack traces back to the original line:column', async () => {
    const r = await runDesign();
    const frames = r.stack.split('\n');
    const thrower = frames.find((l) => l.includes('design.ts'));
    expect(thrower).toContain(`design.ts:${original('make(-1)')}`);
    expect(r.stack).toMatch(/at __hashi_name \(.*runtime\.ts:\d+:\d+\)/);
  });

  it('caches the transformed design (one entry; plain.ts never reaches the cache)', async () => {
    await runDesign();
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const again = await runDesign(); // served from the cache
    expect(again.f).toContain('__hashi_name("y", () => make(2))');
  });
});
