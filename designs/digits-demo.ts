// The demo's work (cli/demo.ts prints it): the trained digits networks of train/weights
// classified in simulated hardware, image by image against the integer reference.
//  1. HaShiFlex with task A's extractor, built once in Verilator; task A's classifier
//     written through the NPU's weight port; the whole test split of task A streamed.
//  2. Task B's classifier written through the same port (same simulator, no rebuild);
//     task B's test split streamed. HaShiFlex emitted from task B's file: same SV.
//  3. HaShiFix with task A's classifier hardened (Po2): task A's test split.
// Every score is compared with the reference's (train/'s integer forward pass, committed
// in digits-reference.json), so every prediction is too.
import { join } from 'node:path';
import { elaborate, emitVerilog, type IOOf, type VerilogOutput } from '../dsl/index.ts';
import { importMobileNetV2, importedFixedClassifier, qformat, readSafetensorsFile, type FixedTensor } from '../lib/index.ts';
import { simulate, type DesignSimulator } from '../sim/index.ts';
import { HaShiFix } from './hashifix.ts';
import { HaShiFlex, hashiFlexBuild, type HaShiFlexParams } from './hashiflex.ts';
import { svDigest } from './sv-digest.ts';
import { classifyFix, classifyFlex, writeClassifier, type FlexRun } from './testbench.ts';
import { argmax, digitImage, readDigitsReference, trainedConfig, trainedFile, trainedFixParams, trainedFlexParams, type DigitsTask, type TaskReference } from './trained-digits.ts';

export interface DigitsDemoOptions {
  readonly out: string;
  /** Test images per task (default: the whole split). */
  readonly limit?: number;
  /** Also build and run HaShiFix (a second Verilator model; default true). */
  readonly fix?: boolean;
  /** Progress: the step starting now. */
  readonly onStep?: (what: string) => void;
  /** A task's run, as soon as it is checked. */
  readonly onTask?: (name: string, run: TaskRun) => void;
}

export interface TaskRun {
  readonly task: DigitsTask;
  readonly images: number;
  readonly accuracy: number;
  readonly referenceAccuracy: number;
  /** Images whose simulated scores differ from the reference's (must be 0). */
  readonly scoreMismatches: number;
  readonly predictions: readonly number[];
  readonly labels: readonly number[];
  readonly cycles?: number;
}

export interface DigitsDemoResult {
  readonly config: ReturnType<typeof trainedConfig>;
  readonly fp32AccuracyA: number;
  readonly flexA: TaskRun;
  readonly flexB: TaskRun;
  readonly fixA?: TaskRun;
  /** HaShiFlex's SystemVerilog from task A's and task B's files: byte-identical. */
  readonly svIdentical: boolean;
  readonly svSha256: string;
  /** How many weight words task B's classifier took through the port. */
  readonly classifierWords: number;
  readonly buildSeconds: { readonly flex: number; readonly fix?: number };
  /** HaShiFlex's lowered design and its first batch of task A (for the area and throughput report). */
  readonly flexVerilog: VerilogOutput;
  readonly flexRunA: FlexRun;
  readonly flexParams: HaShiFlexParams;
  readonly flexNet: ReturnType<typeof hashiFlexBuild>['net'];
}

function compare(task: DigitsTask, r: TaskReference, n: number, scores: readonly (readonly bigint[])[], refScores: readonly (readonly number[])[]): TaskRun {
  const predictions = scores.map((s) => argmax(s));
  const labels = r.labels.slice(0, n);
  const scoreMismatches = scores.filter((s, i) => s.map(Number).join() !== refScores[i]?.join()).length + Math.max(0, n - scores.length);
  const refPred = refScores.slice(0, n).map((s) => argmax(s));
  return {
    task,
    images: n,
    accuracy: predictions.filter((p, i) => p === labels[i]).length / n,
    referenceAccuracy: refPred.filter((p, i) => p === labels[i]).length / n,
    scoreMismatches,
    predictions,
    labels,
  };
}

/** classifyFlex in batches (its stream has a cycle limit). */
function flexScores(sim: DesignSimulator<IOOf<typeof HaShiFlex>>, images: readonly FixedTensor[], classes: number): { scores: bigint[][]; cycles: number; first?: FlexRun } {
  const scores: bigint[][] = [];
  let cycles = 0;
  let first: FlexRun | undefined;
  for (let i = 0; i < images.length; i += 40) {
    const run = classifyFlex(sim, images.slice(i, i + 40), classes);
    first ??= run;
    scores.push(...run.scores);
    cycles += (run.done[run.done.length - 1] ?? 0) + 1;
  }
  return { scores, cycles, ...(first ? { first } : {}) };
}

export async function runDigitsDemo(o: DigitsDemoOptions): Promise<DigitsDemoResult> {
  const step = o.onStep ?? (() => {});
  const ref = readDigitsReference();
  const config = trainedConfig(trainedFile('A'));
  const pa: HaShiFlexParams = trainedFlexParams(config, 'A');
  const build = hashiFlexBuild(pa);
  const act = build.net.act;
  const images = (task: DigitsTask): FixedTensor[] => {
    const r = ref[task];
    return r.pixels.slice(0, o.limit ?? r.pixels.length).map((px) => digitImage(px, config.resolution, act));
  };

  step('building HaShiFlex (elaborate, firtool, Verilator)');
  let t0 = performance.now();
  const sim = await simulate(HaShiFlex, pa, { outDir: join(o.out, 'hashiflex') });
  const flexBuild = (performance.now() - t0) / 1000;
  let flexA: TaskRun;
  let flexB: TaskRun;
  let words: number;
  let runA: FlexRun | undefined;
  try {
    sim.io.in.valid.poke(0);
    sim.io.wWrite.valid.poke(0);
    sim.reset(2);
    writeClassifier(sim, importedFixedClassifier(build.imported!.classifier, build.net.features).weights);
    const ia = images('A');
    step(`task A: ${ia.length} test images through HaShiFlex`);
    const a = flexScores(sim, ia, config.classes);
    runA = a.first;
    flexA = { ...compare('A', ref.A, ia.length, a.scores, ref.A.npu_scores), cycles: a.cycles };
    o.onTask?.('HaShiFlex, task A', flexA);

    const dictB = readSafetensorsFile(trainedFile('B')).tensors;
    const importB = importMobileNetV2(dictB, { alpha: pa.fe.alpha, resolution: pa.fe.resolution, blocks: pa.fe.blocks, classes: pa.classes, weightBits: pa.fe.weightBits, sparsity: pa.fe.sparsity, classifierFormat: qformat(pa.wInt, pa.wFrac) });
    words = writeClassifier(sim, importedFixedClassifier(importB.classifier, build.net.features).weights);
    const ib = images('B');
    step(`task B: classifier rewritten through the NPU's port, ${ib.length} test images`);
    const b = flexScores(sim, ib, config.classes);
    flexB = { ...compare('B', ref.B, ib.length, b.scores, ref.B.npu_scores), cycles: b.cycles };
    o.onTask?.(`HaShiFlex, task B (classifier rewritten: ${words} words through the weight port, same simulator)`, flexB);
  } finally {
    sim.close();
  }

  step("emitting HaShiFlex from task B's file");
  const svA = svDigest(sim.verilog.svFiles);
  const vB = await emitVerilog(elaborate(HaShiFlex, trainedFlexParams(config, 'B')), { outDir: join(o.out, 'hashiflex-taskB'), target: 'verilator' /* as simulate() lowered task A */ });
  const svB = svDigest(vB.svFiles);

  let fixA: TaskRun | undefined;
  let fixBuild: number | undefined;
  if (o.fix !== false) {
    step('building HaShiFix with task A\'s classifier hardened');
    t0 = performance.now();
    const fix = await simulate(HaShiFix, trainedFixParams(config, 'A'), { outDir: join(o.out, 'hashifix') });
    fixBuild = (performance.now() - t0) / 1000;
    try {
      fix.io.in.valid.poke(0);
      fix.reset(2);
      const ia = images('A');
      step(`HaShiFix: ${ia.length} test images of task A`);
      const scores: bigint[][] = [];
      for (let i = 0; i < ia.length; i += 100) scores.push(...classifyFix(fix, ia.slice(i, i + 100)));
      fixA = compare('A', ref.A, ia.length, scores, ref.A.po2_scores);
      o.onTask?.("HaShiFix, task A's classifier hardened (Po2)", fixA);
    } finally {
      fix.close();
    }
  }
  return {
    config,
    fp32AccuracyA: ref.fp32_accuracy_a,
    flexA,
    flexB,
    ...(fixA ? { fixA } : {}),
    svIdentical: svA.sha256 === svB.sha256,
    svSha256: svA.sha256,
    classifierWords: words,
    buildSeconds: { flex: flexBuild, ...(fixBuild !== undefined ? { fix: fixBuild } : {}) },
    flexVerilog: sim.verilog,
    flexRunA: runA ?? { scores: [], done: [] },
    flexParams: pa,
    flexNet: build.net,
  };
}
