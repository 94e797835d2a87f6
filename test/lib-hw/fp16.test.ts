// The FP16 units in hardware (designs/fp16.ts) against reference vectors we did not compute:
// numpy float16 for add and mul, exact fractions rounded once for the FMA
// (scripts/fp16-reference.py). Verilator runs every committed vector, Icarus Verilog runs
// them too on the emitted Fp16Add and Fp16Fma. HASHI_FP16_VECTORS=<dir> adds a larger set.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elaborate, emitVerilog } from '../../dsl/index.ts';
import { Fp16Add, Fp16AddSub, Fp16Fma, Fp16Mul } from '../../designs/fp16.ts';
import { simulate } from '../../sim/index.ts';
import { readFp16Vectors, sameFp16, hex } from '../lib/fp16-vectors.ts';
import { runIcarus } from './icarus.ts';

const bigDir = process.env.HASHI_FP16_VECTORS;
const vectorSets = bigDir ? [undefined, bigDir] : [undefined];

/** Rows whose last field disagrees with `actual` (as IEEE results), formatted for the failure message. */
function mismatches(rows: Uint16Array[], actual: ArrayLike<number>, offset = 0): string[] {
  const bad: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const got = actual[i + offset]!;
    if (!sameFp16(got, row[row.length - 1]!)) bad.push(`${[...row].map(hex).join(' ')} got ${hex(got)}`);
  }
  return bad;
}

const column = (rows: Uint16Array[], i: number): Uint32Array => Uint32Array.from(rows, (r) => r[i]!);

describe('FP16 units in Verilator', () => {
  for (const dir of vectorSets) {
    const label = dir ? `vectors in ${dir}` : 'committed vectors';

    it(`Fp16AddSub: a ± b, ${label}`, async () => {
      const rows = readFp16Vectors('add', dir);
      const sim = await simulate(Fp16AddSub, {});
      const out = sim.runVectors({ inputs: { a: column(rows, 0), b: column(rows, 1), negate: column(rows, 2) } });
      sim.close();
      expect(mismatches(rows, out.sum as Uint32Array).slice(0, 5)).toEqual([]);
    });

    it(`Fp16Add: a + b, ${label}`, async () => {
      const rows = readFp16Vectors('add', dir).filter((r) => r[2] === 0);
      const sim = await simulate(Fp16Add, {});
      const out = sim.runVectors({ inputs: { a: column(rows, 0), b: column(rows, 1) } });
      sim.close();
      expect(rows.length).toBeGreaterThan(1000);
      expect(mismatches(rows, out.sum as Uint32Array).slice(0, 5)).toEqual([]);
    });

    it(`Fp16Mul: a * b, ${label}`, async () => {
      const rows = readFp16Vectors('mul', dir);
      const sim = await simulate(Fp16Mul, {});
      const out = sim.runVectors({ inputs: { a: column(rows, 0), b: column(rows, 1) } });
      sim.close();
      expect(mismatches(rows, out.product as Uint32Array).slice(0, 5)).toEqual([]);
    });

    it(`Fp16Fma: RN(a * b + c), ${label}`, async () => {
      const rows = readFp16Vectors('fma', dir);
      const sim = await simulate(Fp16Fma, {});
      const out = sim.runVectors({ inputs: { a: column(rows, 0), b: column(rows, 1), c: column(rows, 2) } });
      sim.close();
      expect(mismatches(rows, out.y as Uint32Array).slice(0, 5)).toEqual([]);
    });
  }

  it('Fp16Fma with 2 pipeline stages: the same results one cycle later', async () => {
    const rows = readFp16Vectors('fma').slice(0, 20000);
    const sim = await simulate(Fp16Fma, { stages: 2 });
    sim.reset(1);
    // runVectors samples after each clock: stage 1 then holds vector i, stage 2 vector i - 1.
    const out = sim.runVectors({ inputs: { a: column(rows, 0), b: column(rows, 1), c: column(rows, 2) } });
    sim.close();
    expect(mismatches(rows.slice(0, -1), out.y as Uint32Array, 1).slice(0, 5)).toEqual([]);
  });
});

describe('FP16 units under Icarus Verilog (the emitted SystemVerilog, a second simulator)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hashi-fp16-icarus-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** One testbench reads every vector from a hex file and counts the mismatches itself. */
  async function icarusMismatches(top: 'Fp16Add' | 'Fp16Fma', rows: Uint16Array[]): Promise<{ checked: number; bad: number; output: string }> {
    const dir = join(scratch, `${top}-${rows.length}`);
    const circuit = top === 'Fp16Add' ? elaborate(Fp16Add, {}) : elaborate(Fp16Fma, {});
    const verilog = await emitVerilog(circuit, { outDir: dir });
    const fields = top === 'Fp16Add' ? ['a', 'b'] : ['a', 'b', 'c'];
    const resultPort = top === 'Fp16Add' ? 'sum' : 'y';
    // Record: inputs then the expected result, one 16-bit word each (the add's negate column dropped).
    const words = rows.map((r) => (top === 'Fp16Add' ? [r[0]!, r[1]!, r[3]!] : [...r]));
    writeFileSync(join(dir, 'vectors.hex'), words.map((w) => w.map((x) => x.toString(16).padStart(4, '0')).join('\n')).join('\n') + '\n');
    const n = fields.length + 1;
    const tb = `module testbench;
  reg [15:0] memory [0:${rows.length * n - 1}];
  ${fields.map((f) => `reg [15:0] ${f};`).join(' ')}
  wire [15:0] result;
  reg [15:0] expected;
  integer i, bad, checked;
  ${top} dut(${fields.map((f) => `.${f}(${f})`).join(', ')}, .${resultPort}(result));
  // NaN: exponent all ones and a nonzero fraction; any NaN matches any NaN.
  function isNaN(input [15:0] x); isNaN = (x[14:10] == 5'h1f) && (x[9:0] != 0); endfunction
  initial begin
    $readmemh("${join(dir, 'vectors.hex')}", memory);
    bad = 0; checked = 0;
    for (i = 0; i < ${rows.length}; i = i + 1) begin
      ${fields.map((f, k) => `${f} = memory[i * ${n} + ${k}];`).join(' ')}
      expected = memory[i * ${n} + ${n - 1}];
      #1;
      checked = checked + 1;
      if (result !== expected && !(isNaN(result) && isNaN(expected))) begin
        bad = bad + 1;
        if (bad <= 5) $display("MISMATCH %h %h -> %h expected %h", a, b, result, expected);
      end
    end
    $display("CHECKED %0d BAD %0d", checked, bad);
    $finish;
  end
endmodule
`;
    const output = runIcarus(dir, verilog.svFiles, tb);
    const m = /CHECKED (\d+) BAD (\d+)/.exec(output);
    if (!m) throw new Error(`the Icarus testbench printed no summary:\n${output}`);
    return { checked: Number(m[1]), bad: Number(m[2]), output };
  }

  for (const dir of vectorSets) {
    const label = dir ? `the vectors in ${dir}` : 'every committed vector';
    it(`Fp16Add: ${label}`, async () => {
      const rows = readFp16Vectors('add', dir).filter((r) => r[2] === 0);
      const r = await icarusMismatches('Fp16Add', rows);
      expect(r.checked).toBe(rows.length);
      expect(r.bad, r.output).toBe(0);
    });

    it(`Fp16Fma: ${label}`, async () => {
      const rows = readFp16Vectors('fma', dir);
      const r = await icarusMismatches('Fp16Fma', rows);
      expect(r.checked).toBe(rows.length);
      expect(r.bad, r.output).toBe(0);
    });
  }
});
