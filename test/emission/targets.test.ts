// `hashi emit --target` and `--firtool-opt`: each target's lowering shows in
// the SystemVerilog, extra firtool options reach firtool, a bad target is a usage error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const checkout = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'hashi-targets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const design = join(work, 'lookup.ts');
writeFileSync(
  design,
  `import { IO, Input, Output, UInt, VecInit, assert, defineModule } from '${join(checkout, 'dsl/index.ts')}';
export const Lookup = defineModule({ name: 'Lookup', body: () => {
  const io = IO({ index: Input(UInt(2)), value: Output(UInt(8)) });
  io.value.connect(VecInit(UInt(8), [3, 14, 15, 92]).at(io.index));
  assert(io.value.neq(0), 'never zero');
  return io;
} });
`,
);

function emit(...args: string[]): { status: number | null; stderr: string; sv: string } {
  const out = join(work, `out-${args.join('_').replace(/\W/g, '')}`);
  const r = spawnSync(process.execPath, [join(checkout, 'cli/bin.mjs'), 'emit', design, '-o', out, ...args], { encoding: 'utf8' });
  let sv = '';
  try {
    sv = readFileSync(join(out, 'sv', 'Lookup.sv'), 'utf8');
  } catch {
    // no output: the caller checks status
  }
  return { status: r.status, stderr: r.stderr, sv };
}

describe('hashi emit --target / --firtool-opt', () => {
  it('default: a case statement, no packed array; keeps the assertion', () => {
    const r = emit();
    expect(r.status, r.stderr).toBe(0);
    expect(r.sv).toMatch(/casez/);
    expect(r.sv).not.toMatch(/\[3:0\]\[7:0\]/);
    expect(r.sv).toMatch(/never zero/);
  });

  it('verilator: the packed array and its assignment pattern', () => {
    const r = emit('--target', 'verilator');
    expect(r.status, r.stderr).toBe(0);
    expect(r.sv).toMatch(/wire \[3:0\]\[7:0\] _GEN = '\{/);
  });

  it('yosys: no verification statements', () => {
    const r = emit('--target', 'yosys');
    expect(r.status, r.stderr).toBe(0);
    expect(r.sv).not.toMatch(/never zero/);
  });

  it('--firtool-opt passes options to firtool, after the target (the last --lowering-options wins)', () => {
    const r = emit('--firtool-opt=--lowering-options=locationInfoStyle=none,disallowPackedArrays');
    expect(r.status, r.stderr).toBe(0);
    expect(r.sv).not.toMatch(/@\[/);
    expect(emit('--firtool-opt=--no-such-option').stderr).toMatch(/firtool rejected|Unknown command line argument/);
  });

  it('an unknown target lists the real ones', () => {
    const r = emit('--target', 'icarus9');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/default.*verilator.*yosys/);
  });
});
