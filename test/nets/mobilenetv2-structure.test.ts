// The streaming MobileNetV2's structure: no multiplier anywhere (no FIRRTL
// `mul`, no SystemVerilog `*`, no Yosys `$mul` cell after proc; opt; wreduce,
// i.e. the same stage at which `hashi report area` counts them), adders
// present; the design file emits with --param and has the documented ports.
//
// Yosys runs only the pre-synthesis part of the area script here (`hashi report
// area`'s full script, with `synth -flatten`, takes minutes on this design).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StringSink, elaborate, emitFirrtl, emitVerilog, portsOf } from '../../dsl/index.ts';
import { main } from '../../cli/main.ts';
import { findYosys } from '../../cli/yosys.ts';
import { arithmeticFigures, parseStat } from '../../cli/yosys-stat.ts';
import { MobileNetV2, mobileNetV2Defaults, type MobileNetV2Params } from '../../designs/mobilenetv2.ts';

const PARAMS: MobileNetV2Params = { ...mobileNetV2Defaults, alpha: 0.35, resolution: 12, blocks: 3, headChannels: 16, sparsity: 0.5, seed: 3 };

describe('MobileNetV2 structure', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has the documented ports and no multiplication in the FIRRTL', () => {
    const circuit = elaborate(MobileNetV2, PARAMS);
    const ports = portsOf(circuit.top).map((q) => `${q.name}:${q.direction}:${q.width}`);
    expect(ports).toEqual([
      'clock:input:1',
      'reset:input:1',
      'in_valid:input:1',
      'in_ready:output:1',
      'in_bits_0:input:8',
      'in_bits_1:input:8',
      'in_bits_2:input:8',
      'out_valid:output:1',
      ...Array.from({ length: 16 }, (_, i) => `out_bits_${i}:output:8`),
    ]);
    const sink = new StringSink();
    emitFirrtl(circuit, sink);
    const fir = sink.toString();
    expect(fir).not.toMatch(/\bmul\(/);
    expect(fir.match(/\b(add|sub)\(/g)?.length ?? 0).toBeGreaterThan(1000);
  });

  it('has no $mul cell in Yosys (pre-synthesis stat, as report area counts them), and its adders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashi-mnv2-'));
    try {
      const v = await emitVerilog(elaborate(MobileNetV2, PARAMS), { outDir: dir, target: 'yosys' });
      for (const f of v.svFiles) {
        const sv = readFileSync(f, 'utf8');
        // No multiplication operator between signals in the SV either.
        expect(sv.replace(/\/\/.*$/gm, '').replace(/\(\*[^)]*\*\)/g, ''), f).not.toMatch(/[\w\])]\s*\*\s*[\w$({]/);
      }
      const stat = join(dir, 'pre.stat');
      const script = [`read_verilog -sv ${v.svFiles.join(' ')}`, `hierarchy -check -top ${v.top}`, 'proc; opt; wreduce', `tee -q -o ${stat} stat -width -top ${v.top}`].join('\n');
      writeFileSync(join(dir, 'pre.ys'), script);
      const r = spawnSync(findYosys().path, ['-q', '-s', join(dir, 'pre.ys')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const report = parseStat(readFileSync(stat, 'utf8'));
      const types = report.hierarchy?.types ?? report.modules[v.top]!.types;
      const fig = arithmeticFigures(types);
      expect(fig.mul_cells).toBe(0);
      expect(fig.adders).toBeGreaterThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('emits from the design file with --param', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const code = await main(['emit', 'designs/mobilenetv2.ts', '--param', 'resolution=8', '--param', 'blocks=1', '--param', 'headChannels=4', '-o', 'build/test-mnv2-emit']);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/MobileNetV2\S*\.sv/);
  }, 60_000);
});
