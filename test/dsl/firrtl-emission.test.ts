import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, FileSink, IO, Input, Output, RegInit, StringSink, UInt, defineModule, elaborate, emitFirrtl, instance, when } from '../../dsl/index.ts';
import { Counter } from '../../designs/counter.ts';
import { UnicodeAdders } from './fixtures/ünïcode-adders.ts';

function firrtl(def: Parameters<typeof elaborate>[0], params: Record<string, number> = {}): string {
  const sink = new StringSink();
  emitFirrtl(elaborate(def, params), sink);
  return sink.toString();
}

describe('FIRRTL emission', () => {
  it('starts with the FIRRTL 6.0.0 header and marks the top module public', () => {
    const text = firrtl(Counter, { width: 4 });
    expect(text.startsWith('FIRRTL version 6.0.0\ncircuit Counter :\n')).toBe(true);
    expect(text).toContain('  public module Counter :');
  });

  it('gives every statement a locator pointing at the design source, not at hashi', () => {
    const lines = firrtl(Counter).split('\n').filter((l) => /^\s+(node|regreset|connect|when|input|output)\b/.test(l));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(/@\[designs\/counter\.ts \d+:\d+\]$/);
  });

  it('writes the same text to a file as to a string, across output chunks and with non-ASCII locators', () => {
    const circuit = elaborate(UnicodeAdders, { terms: 3000 });
    const text = new StringSink();
    emitFirrtl(circuit, text);
    const dir = mkdtempSync(join(tmpdir(), 'hashi-emit-'));
    try {
      const file = new FileSink(join(dir, 'out.fir'));
      const { statements } = emitFirrtl(circuit, file);
      file.close();
      const bytes = readFileSync(join(dir, 'out.fir'));
      expect(bytes.length).toBe(file.bytes);
      expect(bytes.toString('utf8')).toBe(text.toString());
      expect(text.toString().length).toBeGreaterThan(200_000);
      expect(statements).toBe(1 + 3 * 2999 + 1);
      expect(text.toString()).toMatch(/node _T_8996 = bits\(_T_8995, 23, 0\) @\[test\/dsl\/fixtures\/ünïcode-adders\.ts \d+:\d+\]\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is byte-identical across elaborations of the same source', () => {
    expect(firrtl(Counter, { width: 5 })).toBe(firrtl(Counter, { width: 5 }));
  });

  it('sizes literals and add results by FIRRTL width rules', () => {
    const text = firrtl(Counter, { width: 6 });
    expect(text).toMatch(/regreset value : UInt<6>, clock, reset, UInt<6>\(0\)/);
    expect(text).toMatch(/node _T = add\(value, UInt<1>\(1\)\)/);
    expect(text).toMatch(/node _T_1 = bits\(_T, 5, 0\)/);
  });

  it('elaborates one parameterization once and names distinct ones apart', () => {
    const Top = defineModule({
      name: 'Pair',
      body: () => {
        const io = IO({ en: Input(Bool()), a: Output(UInt(4)), b: Output(UInt(4)), c: Output(UInt(6)) });
        const x = instance(Counter, { width: 4 });
        const y = instance(Counter, { width: 4 });
        const z = instance(Counter, { width: 6 });
        for (const i of [x, y, z]) i.enable.connect(io.en);
        io.a.connect(x.count);
        io.b.connect(y.count);
        io.c.connect(z.count);
        return io;
      },
    });
    const text = firrtl(Top);
    expect(text.match(/^ {2}module Counter :/gm)).toHaveLength(1);
    expect(text.match(/^ {2}module Counter_1 :/gm)).toHaveLength(1);
    // Instances take the names of the consts they are bound to.
    expect(text).toMatch(/inst x of Counter\b/);
    expect(text).toMatch(/inst y of Counter\b/);
    expect(text).toMatch(/inst z of Counter_1\b/);
  });

  it('writes when/else blocks with an empty branch as skip', () => {
    const M = defineModule({
      name: 'W',
      body: () => {
        const io = IO({ c: Input(Bool()), o: Output(UInt(2)) });
        const r = RegInit(UInt(2), 0).named('r');
        when(io.c, () => r.connect(1)).otherwise(() => {});
        io.o.connect(r);
      },
    });
    expect(firrtl(M)).toMatch(/when c :.*\n\s+connect r, UInt<1>\(1\).*\n\s+else :\n\s+skip\n/);
  });
});
