// `hashi report area` on a design with verification statements: synthesis
// gets the logic without them (they are simulation checks).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hashi-area-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hashi report area', () => {
  it('reports a design that asserts, counting its one adder', () => {
    const file = join(dir, 'checked.ts');
    const dsl = join(process.cwd(), 'dsl', 'index.ts');
    writeFileSync(
      file,
      `import { Bool, IO, Input, Output, UInt, assert, defineModule, printf, when } from ${JSON.stringify(dsl)};\n` +
        `export default defineModule({ name: 'Checked', body: () => {\n` +
        `  const io = IO({ a: Input(Bool()), b: Input(Bool()), x: Input(UInt(4)), y: Output(UInt(5)) });\n` +
        `  when(io.a, () => assert(io.b, 'b must follow a'));\n` +
        `  printf('x=%d\\\\n', io.x);\n` +
        `  io.y.connect(io.x.add(1));\n` +
        `} });\n`,
    );
    const r = spawnSync(process.execPath, ['cli/bin.mjs', 'report', 'area', file, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { adders: number; mul_cells: number; gates: number };
    expect(report.adders).toBe(1);
    expect(report.mul_cells).toBe(0);
    expect(report.gates).toBeGreaterThan(0);
  });
});
