// `hashi emit` type-checks the design first: a hardware index passed to `.bit()`
// is a type error at its line, before elaboration; --no-typecheck skips the check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const checkout = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'hashi-typecheck-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
writeFileSync(
  join(work, 'bit-index.ts'),
  `import { Bool, IO, Input, Output, UInt, defineModule } from 'hashi';
export const BitIndex = defineModule({ name: 'BitIndex', body: () => {
  const io = IO({ x: Input(UInt(8)), i: Input(UInt(3)), o: Output(Bool()) });
  io.o.connect(io.x.bit(io.i));
  return io;
} });
`,
);

const emit = (...args: string[]) => spawnSync(process.execPath, [join(checkout, 'cli/bin.mjs'), 'emit', 'bit-index.ts', '-o', 'out', ...args], { cwd: work, encoding: 'utf8' });

describe('hashi emit type-checks the design', () => {
  it('reports a hardware index passed to .bit() at its line, as a design error', () => {
    const r = emit();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not type-check \(1 error\)/);
    expect(r.stderr).toMatch(/bit-index\.ts:4:25: Argument of type 'UInt' is not assignable to parameter of type 'number'/);
    expect(r.stderr).toMatch(/--no-typecheck/);
  });

  it('skips the check with --no-typecheck (the mistake then surfaces, or not, at elaboration)', () => {
    const r = emit('--no-typecheck');
    expect(r.stderr).not.toMatch(/type-check/);
  });
});
