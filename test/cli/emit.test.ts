// `hashi emit` end to end, as a user runs it: FIRRTL plus SystemVerilog that
// Verilator's strictest lint accepts; bad input gives one clear line.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomMobileNetV2StateDict, writeSafetensorsFile } from '../../lib/index.ts';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'hashi-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function hashi(...args: string[]) {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' });
}

function lint(svFiles: string[], waive: string[]): string {
  const verilator = process.env.HASHI_VERILATOR || 'verilator';
  return execFileSync(verilator, ['--lint-only', '-Wall', ...waive.map((w) => `-Wno-${w}`), ...svFiles], { encoding: 'utf8', stdio: 'pipe' });
}

// Po2 convolutions leave inputs unused where weights were pruned, and drop the
// low bits that requantization shifts out: UNUSEDSIGNAL is the design working
// as intended there. Everything else -Wall reports must be clean.
const examples: [string, string[], string[]][] = [
  ['designs/counter.ts', ['--param', 'width=8'], []],
  ['designs/adder-forest.ts', ['--param', 'trees=2', '--param', 'termsPerTree=5', '--param', 'inputs=4'], []],
  ['designs/po2-pointwise.ts', ['--param', 'channels=4', '--param', 'outChannels=2'], ['UNUSEDSIGNAL']],
  ['designs/po2-conv3x3.ts', [], ['UNUSEDSIGNAL']],
  ...['designs/hashiflex.ts', 'designs/hashifix.ts'].map((d): [string, string[], string[]] => [
    d,
    ['--param', 'fe.resolution=8', '--param', 'fe.blocks=3', '--param', 'fe.headChannels=8', '--param', 'classes=3'], // block 3 has a residual (a Queue),
    ['UNUSEDSIGNAL'],
  ]),
];

describe('hashi emit', () => {
  it('writes <Top>.fir starting with the FIRRTL version, and lists the SystemVerilog', () => {
    const dir = join(out, 'counter');
    const r = hashi('emit', 'designs/counter.ts', '--param', 'width=8', '-o', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Counter.fir'), 'utf8').startsWith('FIRRTL version 6.0.0\n')).toBe(true);
    expect(r.stdout).toMatch(/^firtool 1\.\d+\.\d+$/m);
    expect(r.stdout).toContain(join(dir, 'sv', 'Counter.sv'));
    const sv = readFileSync(join(dir, 'sv', 'Counter.sv'), 'utf8');
    expect(sv).toMatch(/output \[7:0\] count/);
  });

  for (const [design, params, waive] of examples) {
    it(`emits SystemVerilog for ${design} that verilator --lint-only -Wall accepts${waive.length ? ` (waiving ${waive.join(', ')})` : ''}`, () => {
      const dir = join(out, design.replace(/\W/g, '_'));
      const r = hashi('emit', design, ...params, '-o', dir);
      expect(r.status, r.stderr).toBe(0);
      const svFiles = r.stdout.split('\n').filter((l) => l.startsWith('SystemVerilog: ')).map((l) => l.slice('SystemVerilog: '.length).trim());
      expect(svFiles.length).toBeGreaterThan(0);
      expect(() => lint(svFiles, waive)).not.toThrow();
      // Locators lead to design code, never to hashi's own CLI (a module dsl defines for itself has none).
      const fir = readdirSync(dir).filter((f) => f.endsWith('.fir')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
      expect(fir).toMatch(/@\[designs\//);
      expect(fir).not.toMatch(/@\[cli\//);
    });
  }

  it('gives byte-identical FIRRTL and SystemVerilog on every run', () => {
    const read = (dir: string): string[] => ['Counter.fir', 'sv/Counter.sv'].map((f) => readFileSync(join(dir, f), 'utf8'));
    const runs = ['again1', 'again2'].map((d) => {
      const dir = join(out, d);
      expect(hashi('emit', 'designs/counter.ts', '--param', 'width=5', '-o', dir).status).toBe(0);
      return read(dir);
    });
    expect(runs[0]).toEqual(runs[1]);
  });

  it('loads a design file that lives outside any ESM package (e.g. in /tmp)', () => {
    const file = join(out, 'loose.ts');
    const dsl = join(process.cwd(), 'dsl', 'index.ts');
    writeFileSync(
      file,
      `import { IO, Input, Output, UInt, defineModule } from ${JSON.stringify(dsl)};\n` +
        `export default defineModule({ name: 'Loose', body: () => {\n` +
        `  const io = IO({ a: Input(UInt(4)), b: Output(UInt(5)) });\n` +
        `  const sum = io.a.add(1);\n` +
        `  io.b.connect(sum);\n` +
        `} });\n`,
    );
    const r = hashi('emit', file, '-o', join(out, 'loose'));
    expect(r.status, r.stderr).toBe(0);
    const fir = readFileSync(join(out, 'loose', 'Loose.fir'), 'utf8');
    expect(fir).toMatch(/node sum = add\(a, UInt<1>\(1\)\)/);
  });

  it('rejects an unknown parameter with the list of real ones, without a stack trace', () => {
    const r = hashi('emit', 'designs/counter.ts', '--param', 'widht=8', '-o', join(out, 'bad'));
    expect(r.status).toBe(2); // a usage error
    expect(r.stderr.trim()).toBe("error: unknown parameter 'widht'; the parameters are: width (default 8)");
  });

  it('reports a design error at the user line, without a stack trace', () => {
    const r = hashi('emit', 'designs/counter.ts', '--param', 'width=0', '-o', join(out, 'bad'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: designs\/counter\.ts:\d+:\d+: UInt\(0\) is not a valid width\n {2}fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a missing or mismatched weight file by name (tensor and shape), without a stack trace', () => {
    const missing = hashi('emit', 'designs/hashiflex.ts', '--param', 'fe.weights=/no/such/weights.safetensors', '-o', join(out, 'bad'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: designs\/mobilenetv2\.ts:\d+:\d+: weights: no file '\/no\/such\/weights\.safetensors'[^\n]*\n {2}fix: /);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const file = join(out, 'six-classes.safetensors');
    writeSafetensorsFile(file, randomMobileNetV2StateDict({ alpha: 0.35, resolution: 8, classes: 6, seed: 1 }));
    const wrong = hashi('emit', 'designs/hashifix.ts', '--param', `fe.weights=${file}`, '--param', 'fe.resolution=8', '--param', 'fe.blocks=1', '-o', join(out, 'bad'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("tensor 'classifier.1.weight': expected shape [10,1280], got [6,1280]");
    expect(wrong.stderr).toMatch(/^error: designs\/mobilenetv2\.ts:\d+:\d+: /);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });

  it('sets a parameter of a group with a dotted key and lists the valid choices of a bad one', () => {
    const bad = hashi('emit', 'designs/hashiflex.ts', '--param', 'fe.lineBuffer=sram', '-o', join(out, 'bad'));
    expect(bad.status).toBe(2); // a usage error
    expect(bad.stderr).toContain("parameter 'fe.lineBuffer' is one of 'registers', 'memory'; got 'sram'");
    const flat = hashi('emit', 'designs/hashiflex.ts', '--param', 'blocks=3', '-o', join(out, 'bad'));
    expect(flat.status).toBe(2);
    expect(flat.stderr).toContain("unknown parameter 'blocks'; the parameters are: fe.alpha (default 0.35)");
  });
});
