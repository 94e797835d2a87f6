// The demo's closing report: what the chip is made of (operations counted in
// the FIRRTL it was built from, per module), and its throughput: cycles per
// image measured in the simulation, next to the NPU's SCALE-Sim count and the
// paper's analytical model (lib/throughput) with its assumptions printed.
import { readFileSync } from 'node:fs';
import type { VerilogOutput } from '../dsl/index.ts';
import type { HaShiFlexParams } from '../designs/hashiflex.ts';
import { PAPER_ASSUMPTIONS, estimateThroughput, npuCycles, type MobileNetV2Net } from '../lib/index.ts';
import type { FlexRun } from '../designs/testbench.ts';

export interface ModuleOps {
  readonly adds: number;
  readonly muls: number;
  readonly registers: number;
}

/** add/sub, mul and reg(reset) declarations per FIRRTL module, counted in the text firtool was given. */
export function firrtlOpsByModule(fir: string): Map<string, ModuleOps> {
  const out = new Map<string, ModuleOps>();
  const parts = fir.split(/^ {2}(?:public )?module (\S+) :/m);
  for (let i = 1; i < parts.length; i += 2) {
    const body = parts[i + 1] ?? '';
    out.set(parts[i] as string, {
      adds: (body.match(/= (?:add|sub)\(/g) ?? []).length,
      muls: (body.match(/= mul\(/g) ?? []).length,
      registers: (body.match(/^\s+regreset |^\s+reg /gm) ?? []).length,
    });
  }
  return out;
}

export interface DemoReportInput {
  readonly p: HaShiFlexParams;
  readonly net: MobileNetV2Net;
  readonly verilog: VerilogOutput;
  readonly runs: FlexRun;
  readonly say: (s?: string) => void;
}

const m = (x: number): string => `${(x / 1e6).toFixed(2)} M`;

export function demoReport(r: DemoReportInput): void {
  const { p, net, say } = r;
  say('  area (operations in the FIRRTL, per module):');
  const ops = firrtlOpsByModule(readFileSync(r.verilog.firPath, 'utf8'));
  for (const [name, o] of ops) say(`    ${name.padEnd(28)} ${String(o.adds).padStart(8)} add/sub  ${String(o.muls).padStart(3)} mul  ${String(o.registers).padStart(6)} registers`);
  const hardened = ops.get('MobileNetV2');
  if (hardened && hardened.muls !== 0) throw new Error(`hashi demo: the hardened part has ${hardened.muls} multipliers`);
  say(`    the hardened extractor has no multiplier; the NPU's ${p.lanes} lanes have one each (Yosys gates per layer: npx hashi report net designs/mobilenetv2.ts)`);

  const npu = npuCycles({ classes: p.classes, features: net.features, lanes: p.lanes });
  const gaps = r.runs.done.slice(1).map((d, i) => d - r.runs.done[i]!);
  const perImage = gaps.length > 0 ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]! : NaN;
  const [H, W] = net.inputShape;
  say('  throughput:');
  say(`    measured in simulation: ${perImage} cycles per image (median gap between images' done), first image done after ${r.runs.done[0]! + 1} cycles`);
  say(`    the NPU's SCALE-Sim count: ceil(${p.classes}/${p.lanes}) x (${net.features} + ${p.lanes} - 1) - 1 = ${npu} cycles; the extractor takes an image every (${H}+1) x (${W}+1) = ${(H + 1) * (W + 1)} cycles`);
  say(`    so this build is ${npu + 2 >= (H + 1) * (W + 1) ? 'NPU' : 'extractor'}-bound: ${m(1e9 / perImage)} images/s at 1 GHz`);
  const a = PAPER_ASSUMPTIONS;
  say(`    paper's model (clock ${a.clockHz / 1e9} GHz, ${(a.bandwidthPerMm2 / 1e9).toFixed(3)} GB/s per mm^2, die ${a.dieMm2} mm^2, image ${a.imageBytes} bytes):`);
  const flex = estimateThroughput({ areaMm2: a.dieMm2 / 4, computeCycles: 3300, classes: 1000 });
  const fix = estimateThroughput({ areaMm2: 548, computeCycles: 5, classes: 1000 });
  say(`      HaShiFlex, 4 copies, NPU-bound at 3300 cycles: ${m(flex.imagesPerSecond)} images/s`);
  say(`      HaShiFix, 1 copy of 548 mm^2, I/O-bound at ${fix.ioCycles} cycles: ${m(fix.imagesPerSecond)} images/s`);
}
