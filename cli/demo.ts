// `hashi demo`, the main job: a HaShiFlex MobileNetV2 end to end.
//  1. Two torchvision-style state dicts as safetensors files: task A, and task B
//     with the same feature extractor and a new classifier (a transfer-learned task).
//  2. Import task A (BN folded, Po2), elaborate HaShiFlex, lower it with firtool,
//     build the Verilator model.
//  3. Write task A's classifier through the NPU's weight port, stream a batch of
//     images, check every score bit for bit against the golden model.
//  4. Write task B's classifier through the same port: new scores, checked too.
//  5. Emit HaShiFlex from task B's file: the SystemVerilog is byte-identical.
//  6. Area and throughput report.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { elaborate, emitVerilog } from '../dsl/index.ts';
import { HaShiFlex, hashiFlexBuild, hashiFlexDefaults, hashiFlexGolden, type HaShiFlexParams } from '../designs/hashiflex.ts';
import { classifyFlex, writeClassifier, type FlexRun } from '../designs/testbench.ts';
import { svDigest, type SvDigest } from '../designs/sv-digest.ts';
import {
  Prng,
  importMobileNetV2,
  importedFixedClassifier,
  qformat,
  randomMobileNetV2StateDict,
  randomTensor,
  readSafetensorsFile,
  writeSafetensorsFile,
  type FixedClassifier,
  type FixedTensor,
} from '../lib/index.ts';
import { simToolchain, simulate, type DesignSimulator } from '../sim/index.ts';
import { demoReport } from './demo-report.ts';
import { status } from './status.ts';

export interface DemoOptions {
  /** Inverted residual blocks (of 17) in the extractor. */
  readonly blocks: number;
  readonly resolution: number;
  readonly images: number;
  readonly out: string;
}

export const demoDefaults: DemoOptions = { blocks: 7, resolution: 32, images: 4, out: 'build/demo' };

const say = (s = ''): void => console.log(s);

/** Run `work` under a terminal status line; print how long it took. */
async function step<T>(what: string, work: () => T | Promise<T>): Promise<T> {
  const clear = status(what);
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    clear();
    say(`  ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/** simulate() with a status line per stage; the Verilator build shows its own steps on a terminal. */
async function buildModel(p: HaShiFlexParams, outDir: string): Promise<DesignSimulator> {
  let clear = (): void => {};
  const t0 = performance.now();
  const times: string[] = [];
  let since = t0;
  const lap = (label: string): void => {
    const now = performance.now();
    times.push(`${label} ${((now - since) / 1000).toFixed(1)} s`);
    since = now;
  };
  try {
    return await simulate(HaShiFlex, p, {
      outDir,
      onPhase: (phase) => {
        clear();
        if (phase === 'elaborating') clear = status('elaborating HaShiFlex');
        if (phase === 'lowering') {
          lap('elaborate');
          clear = status('lowering with firtool');
        }
        if (phase === 'building') {
          lap('firtool');
          clear = () => {};
        }
      },
    });
  } finally {
    clear();
    lap('Verilator model');
    say(`  build: ${times.join(', ')}`);
  }
}

function writeTaskFiles(p: HaShiFlexParams, out: string): { a: string; b: string } {
  const shape = { alpha: p.alpha, resolution: p.resolution, classes: p.classes };
  const a = randomMobileNetV2StateDict({ ...shape, seed: p.seed });
  const other = randomMobileNetV2StateDict({ ...shape, seed: p.seed + 1 });
  const b = new Map(a);
  for (const key of ['classifier.1.weight', 'classifier.1.bias']) b.set(key, other.get(key)!);
  const files = { a: join(out, 'taskA.safetensors'), b: join(out, 'taskB.safetensors') };
  writeSafetensorsFile(files.a, a, { task: 'A' });
  writeSafetensorsFile(files.b, b, { task: 'B (task A with a new classifier)' });
  return files;
}

function checkScores(run: FlexRun, golden: readonly bigint[][], task: string): void {
  const bad = golden.flatMap((g, i) => g.map((v, o) => (run.scores[i]?.[o] === v ? null : `image ${i} class ${o}: simulated ${run.scores[i]?.[o]}, golden ${v}`))).filter((x) => x !== null);
  if (run.scores.length !== golden.length || bad.length > 0) {
    throw new Error(`hashi demo: task ${task}: the simulated scores differ from the golden model:\n  ${bad.slice(0, 5).join('\n  ')}`);
  }
}

function printScores(run: FlexRun, fmtFrac: number): void {
  run.scores.forEach((s, i) => {
    const best = s.reduce((b, v, o) => (v > s[b]! ? o : b), 0);
    const shown = s.map((v) => (Number(v) / 2 ** fmtFrac).toFixed(2).padStart(6)).join(' ');
    say(`    image ${i}: class ${best}  scores ${shown}`);
  });
}

const short = (d: SvDigest): string => `${d.sha256.slice(0, 16)} (${d.files} files, ${d.bytes} bytes)`;

export async function demoCommand(o: DemoOptions = demoDefaults): Promise<void> {
  mkdirSync(o.out, { recursive: true });
  // Memory line buffers: the SRAM form a chip would use, and less C++ for Verilator than shift registers.
  const p: HaShiFlexParams = { ...hashiFlexDefaults, alpha: 0.35, resolution: o.resolution, blocks: o.blocks, sparsity: 0.6, classes: 10, lanes: 4, seed: 1, lineBuffer: 'memory' };
  say(`hashi demo: HaShiFlex, MobileNetV2 alpha ${p.alpha} at ${p.resolution} x ${p.resolution} (${p.blocks} of 17 blocks, line buffers in memories), ${p.sparsity * 100} % sparse, ${p.classes} classes on a ${p.lanes}-lane NPU`);
  const files = await step('weights: two torchvision state dicts written as safetensors', () => writeTaskFiles(p, o.out));
  say(`    ${relative(process.cwd(), files.a)}, ${relative(process.cwd(), files.b)}`);
  const pa: HaShiFlexParams = { ...p, weights: files.a };
  const build = await step('import task A (fold BN, quantize to Po2)', () => hashiFlexBuild(pa));
  const net = build.net;
  const sim = await buildModel(pa, join(o.out, 'hashiflex'));
  try {
    const tools = await simToolchain();
    const v = sim.verilog;
    say(`    firtool ${v.firtoolVersion}, ${tools.verilatorVersion}; model ${sim.buildInfo.cached ? 'from the build cache' : 'compiled'}`);
    say(`    FIRRTL ${relative(process.cwd(), v.firPath)}: ${v.firStatements} statements; SystemVerilog: ${v.svFiles.length} files in ${relative(process.cwd(), join(o.out, 'hashiflex', 'sv'))}`);
    const npuFile = (n: string) => n === 'HaShiFlex.sv' || n.startsWith('Npu_');
    const hardenedA = svDigest(v.svFiles, (n) => !npuFile(n));

    const rng = new Prng(2026);
    const images = Array.from({ length: o.images }, () => randomTensor(rng, net.inputShape, net.act, 0.1));
    const classifierA = importedFixedClassifier(build.imported!.classifier, net.features);
    sim.poke('in_valid', 0);
    sim.poke('wWrite_valid', 0);
    sim.reset(2);

    say(`  task A: classifier written through the NPU's weight port (${writeClassifier(sim, classifierA.weights)} cycles)`);
    const goldenA = await step(`golden model, ${o.images} images`, () => images.map((im) => hashiFlexGolden(p, build, classifierA.weights, im).scores));
    const runA = await step(`simulate ${o.images} images back to back`, () => classifyFlex(sim, images, p.classes));
    checkScores(runA, goldenA, 'A');
    say(`    all ${o.images * p.classes} scores equal the golden model's, bit for bit (Q${p.outInt}.${p.outFrac}):`);
    printScores(runA, p.outFrac);

    const classifierB = await step('import task B', () => importedFixedClassifier(importMobileNetV2(readSafetensorsFile(files.b).tensors, { alpha: p.alpha, resolution: p.resolution, classes: p.classes, weightBits: p.weightBits, sparsity: p.sparsity, classifierFormat: qformat(p.wInt, p.wFrac) }).classifier, net.features));
    say(`  task B: new classifier written through the same port (${writeClassifier(sim, classifierB.weights)} cycles), same simulator, no rebuild`);
    const goldenB = images.map((im) => hashiFlexGolden(p, build, classifierB.weights, im).scores);
    const runB = await step(`simulate the same ${o.images} images`, () => classifyFlex(sim, images, p.classes));
    checkScores(runB, goldenB, 'B');
    say(`    all ${o.images * p.classes} scores equal the golden model's for task B:`);
    printScores(runB, p.outFrac);
    const changed = runB.scores.flat().filter((s, i) => s !== runA.scores.flat()[i]).length;
    say(`    ${changed} of ${o.images * p.classes} scores changed`);

    const vB = await step('emit HaShiFlex from task B\'s file', async () => emitVerilog(elaborate(HaShiFlex, { ...p, weights: files.b }), { outDir: join(o.out, 'hashiflex-taskB'), target: 'verilator' /* as simulate() lowered task A */ }));
    const hardenedB = svDigest(vB.svFiles, (n) => !npuFile(n));
    const wholeA = svDigest(v.svFiles);
    const wholeB = svDigest(vB.svFiles);
    say(`    hardened part (all SV but the NPU and the top): A ${short(hardenedA)}`);
    say(`                                                    B ${short(hardenedB)}`);
    say(`    whole chip: A ${wholeA.sha256.slice(0, 16)}, B ${wholeB.sha256.slice(0, 16)}`);
    if (hardenedA.sha256 !== hardenedB.sha256 || wholeA.sha256 !== wholeB.sha256) throw new Error('hashi demo: task B changed the SystemVerilog; HaShiFlex must take a new classifier as data');
    say('    byte-identical: the new task is data in the NPU, not a new chip');

    demoReport({ p, net, verilog: v, runs: runA, say });
  } finally {
    sim.close();
  }
}
