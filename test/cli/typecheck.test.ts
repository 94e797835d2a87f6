// `hashi emit` type-checks the design beside elaboration: a design that elaborates
// but does not type-check is refused (--no-typecheck skips the check); when
// elaboration itself fails, its error comes first and the type errors follow.
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

// Elaborates fine (the wrongly typed value is never used as hardware), but is wrong TypeScript.
writeFileSync(
  join(work, 'mistyped.ts'),
  `import { IO, Input, Output, UInt, defineModule } from 'hashi';
export const Mistyped = defineModule({ name: 'Mistyped', params: { width: 4 }, body: ({ width }) => {
  const io = IO({ a: Input(UInt(width)), b: Output(UInt(width)) });
  const label: number = 'not a number';
  io.b.connect(io.a);
  return io;
} });
`,
);

const emit = (file: string, ...args: string[]) => spawnSync(process.execPath, [join(checkout, 'cli/bin.mjs'), 'emit', file, '-o', `out-${file}`, ...args], { cwd: work, encoding: 'utf8' });

describe('hashi emit type-checks the design', () => {
  it('refuses a design that elaborates but does not type-check, at the line, as a design error', () => {
    const r = emit('mistyped.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/does not type-check \(1 error\)/);
    expect(r.stderr).toMatch(/mistyped\.ts:4:9: Type 'string' is not assignable to type 'number'/);
    expect(r.stderr).toMatch(/--no-typecheck/);
    expect(emit('mistyped.ts', '--no-typecheck').status).toBe(0);
  });

  it('a hardware index passed to .bit(): the elaboration error at its line, then the type error that explains it', () => {
    const r = emit('bit-index.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bit-index\.ts:4:3: the hardware value UInt\(3\) 'i' was used as a JavaScript/);
    expect(r.stderr).toMatch(/also: the design does not type-check \(1 error\):\n\s+bit-index\.ts:4:25: Argument of type 'UInt' is not assignable to parameter of type 'number'/);
    expect(emit('bit-index.ts', '--no-typecheck').stderr).not.toMatch(/type-check/);
  });
});
