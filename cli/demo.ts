// `hashi demo`, the main job: trained MobileNetV2s (train/weights, no Python needed)
// classifying real digits in simulated hardware, checked image by image against the
// integer reference that train/ committed. The work is designs/digits-demo.ts.
//  1. HaShiFlex (hardened extractor + NPU) built in Verilator; task A's classifier written
//     through the NPU's weight port; the whole test split of task A (digits 0-4).
//  2. Task B's classifier (digits 5-9, transfer-learned on A's frozen extractor) written
//     through the same port: task B's test split, same simulator, no rebuild; the
//     SystemVerilog emitted from task B's file is byte-identical.
//  3. HaShiFix with task A's classifier hardened: task A's test split.
//  4. Area and throughput report.
import { relative } from 'node:path';
import { runDigitsDemo, type DigitsDemoResult, type TaskRun } from '../designs/digits-demo.ts';
import { readDigitsReference, renderDigit, trainedFile } from '../designs/trained-digits.ts';
import { demoReport } from './demo-report.ts';
import { status } from './status.ts';

export interface DemoOptions {
  /** Test images per task (default: all of the split). */
  readonly images?: number;
  readonly out: string;
  /** Also simulate HaShiFix (a second Verilator build). */
  readonly fix: boolean;
  /** Print one JSON object last on stdout. */
  readonly json: boolean;
}

export const demoDefaults: DemoOptions = { out: 'build/demo', fix: true, json: false };

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function taskLine(name: string, r: TaskRun): string {
  return `${name}: ${r.images} test images, accuracy ${pct(r.accuracy)} in simulation, ${pct(r.referenceAccuracy)} in the integer reference; ${r.scoreMismatches === 0 ? 'every score equal, image by image' : `${r.scoreMismatches} images differ`}`;
}

export async function demoCommand(o: DemoOptions = demoDefaults): Promise<void> {
  // With --json, the human-readable lines go to stderr so stdout holds only the JSON object.
  const say = (s = ''): void => void (o.json ? process.stderr : process.stdout).write(`${s}\n`);
  const ref = readDigitsReference();
  const c = ref.config;
  say(`hashi demo: MobileNetV2 alpha ${c.alpha} at ${c.resolution} x ${c.resolution} (${c.blocks} of 17 blocks), trained on scikit-learn's digits (train/, seed ${c.seed}):`);
  say(`  Po2 weights W${c.weightBits}, Q3.5 activations, ${c.sparsity * 100} % sparse; task A = digits 0-4, task B = digits 5-9 (A's extractor frozen, new classifier)`);
  say(`  weights: ${relative(process.cwd(), trainedFile('A'))}, ${relative(process.cwd(), trainedFile('B'))}`);
  const t0 = performance.now();
  let clear = (): void => {};
  let r: DigitsDemoResult;
  try {
    r = await runDigitsDemo({
      out: o.out,
      ...(o.images !== undefined ? { limit: o.images } : {}),
      fix: o.fix,
      onStep: (what) => {
        clear();
        say(`  [${((performance.now() - t0) / 1000).toFixed(0)} s] ${what}`);
        clear = status(what);
      },
      onTask: (name, run) => {
        clear();
        say(`    ${taskLine(name, run)}`);
      },
    });
  } finally {
    clear();
  }
  say(`  built HaShiFlex in ${r.buildSeconds.flex.toFixed(0)} s${r.buildSeconds.fix !== undefined ? `, HaShiFix in ${r.buildSeconds.fix.toFixed(0)} s` : ''}`);
  say('  a few test digits of task A (HaShiFlex):');
  const shown = [0, 1, 2, 3, 4, 5].filter((i) => i < r.flexA.images);
  const art = shown.map((i) => renderDigit(ref.A.pixels[i]!));
  for (let y = 0; y < 8; y++) say(`    ${art.map((a) => a[y]).join('   ')}`);
  say(`    ${shown.map((i) => `true ${r.flexA.labels[i]} pred ${r.flexA.predictions[i]}`.padEnd(16)).join('   ')}`);
  for (const [name, t] of [['HaShiFlex, task A', r.flexA], ['HaShiFlex, task B', r.flexB], ...(r.fixA ? [['HaShiFix, task A', r.fixA] as const] : [])] as const) say(`  ${taskLine(name, t)}`);
  say(`  SystemVerilog emitted from task B's file: ${r.svIdentical ? 'byte-identical' : 'DIFFERENT'} (sha256 ${r.svSha256.slice(0, 16)})`);
  say(`  FP32 model (before quantization and pruning), task A: ${pct(r.fp32AccuracyA)}`);
  demoReport({ p: r.flexParams, net: r.flexNet, verilog: r.flexVerilog, runs: r.flexRunA, say });
  const bad = [r.flexA, r.flexB, ...(r.fixA ? [r.fixA] : [])].filter((t) => t.scoreMismatches > 0);
  if (o.json) {
    const out = {
      images: r.flexA.images + r.flexB.images,
      images_a: r.flexA.images,
      images_b: r.flexB.images,
      accuracy_a: r.flexA.accuracy,
      accuracy_b: r.flexB.accuracy,
      reference_accuracy_a: r.flexA.referenceAccuracy,
      reference_accuracy_b: r.flexB.referenceAccuracy,
      score_mismatches: r.flexA.scoreMismatches + r.flexB.scoreMismatches,
      ...(r.fixA ? { fix_accuracy_a: r.fixA.accuracy, fix_reference_accuracy_a: r.fixA.referenceAccuracy, fix_score_mismatches: r.fixA.scoreMismatches } : {}),
      fp32_accuracy_a: r.fp32AccuracyA,
      sv_identical: r.svIdentical,
      build_seconds: r.buildSeconds,
      seconds: (performance.now() - t0) / 1000,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  if (bad.length > 0 || !r.svIdentical) throw new Error(`hashi demo: the simulation disagrees with the integer reference (${bad.map((t) => `task ${t.task}`).join(', ') || 'SystemVerilog changed with task B'})`);
}
