// The trained networks of train/ (`npm run train`): MobileNetV2 on scikit-learn's digits,
// task A (0-4) and task B (5-9, task A's extractor with a new classifier). Reads the
// committed files in train/weights (safetensors + the integer reference's outputs and the
// test pixels), builds the designs' parameters from the files' metadata and the test
// images exactly as train/hashi_train/data.py does. No Python needed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedTensor, readSafetensorsFile, type FixedTensor, type QFormat } from '../lib/index.ts';
import { hashiFixDefaults, type HaShiFixParams } from './hashifix.ts';
import { hashiFlexDefaults, type HaShiFlexParams } from './hashiflex.ts';
import { mobileNetV2NetDefaults, type MobileNetV2NetParams } from './mobilenetv2.ts';

export const trainedWeightsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'train', 'weights');

export type DigitsTask = 'A' | 'B';

/** What train/ wrote in its metadata (`hashi` key of the safetensors header). */
export interface TrainedConfig {
  readonly alpha: number;
  readonly resolution: number;
  readonly blocks: number;
  readonly weightBits: number;
  readonly sparsity: number;
  readonly classes: number;
  readonly seed: number;
}

/** The integer reference's outputs on one task's test split (train/hashi_train/__main__.py `reference`). */
export interface TaskReference {
  readonly labels: readonly number[];
  /** 8 x 8 pixels (0..16) per test image, row-major. */
  readonly pixels: readonly (readonly number[])[];
  readonly npu_scores: readonly (readonly number[])[];
  readonly npu_predictions: readonly number[];
  readonly npu_accuracy: number;
  readonly po2_scores: readonly (readonly number[])[];
  readonly po2_predictions: readonly number[];
  readonly po2_accuracy: number;
}

export interface DigitsReference {
  readonly config: TrainedConfig;
  readonly fp32_accuracy_a: number;
  readonly A: TaskReference;
  readonly B: TaskReference;
}

export function trainedFile(task: DigitsTask, dir = trainedWeightsDir): `${string}.safetensors` {
  return `${join(dir, `digits-task${task}`)}.safetensors`;
}

/** The task's network as QDQ ONNX (extractor and hardened Po2 classifier), written by train/ beside the safetensors. */
export function trainedOnnxFile(task: DigitsTask, dir = trainedWeightsDir): `${string}.onnx` {
  return `${join(dir, `digits-task${task}`)}.onnx`;
}

export function readDigitsReference(dir = trainedWeightsDir): DigitsReference {
  const path = join(dir, 'digits-reference.json');
  if (!existsSync(path)) throw new RangeError(`no trained reference '${path}': run \`npm run train\` to write train/weights`);
  return JSON.parse(readFileSync(path, 'utf8')) as DigitsReference;
}

/** The training configuration stored in a trained file's metadata. */
export function trainedConfig(file: string): TrainedConfig {
  const meta = readSafetensorsFile(file).metadata?.hashi;
  if (meta === undefined) throw new RangeError(`${file}: no 'hashi' metadata: not a file written by train/ (npm run train)`);
  return JSON.parse(meta) as TrainedConfig;
}

/** The extractor's parameters of the trained network (line buffers in memories). */
export function trainedNetParams(c: TrainedConfig, task: DigitsTask = 'A', dir = trainedWeightsDir): MobileNetV2NetParams {
  return { ...mobileNetV2NetDefaults, alpha: c.alpha, resolution: c.resolution, blocks: c.blocks, weightBits: c.weightBits, sparsity: c.sparsity, seed: c.seed, lineBuffer: 'memory', weights: trainedFile(task, dir) };
}

/** HaShiFlex at the trained network's configuration (the demo's: line buffers in memories, 4 NPU lanes). */
export function trainedFlexParams(c: TrainedConfig, task: DigitsTask = 'A', dir = trainedWeightsDir): HaShiFlexParams {
  return { ...hashiFlexDefaults, fe: trainedNetParams(c, task, dir), classes: c.classes, lanes: 4 };
}

/** HaShiFix with the task's classifier hardened (Po2, pruned at the model's sparsity, as the importer does). */
export function trainedFixParams(c: TrainedConfig, task: DigitsTask = 'A', dir = trainedWeightsDir): HaShiFixParams {
  return { ...hashiFixDefaults, fe: trainedNetParams(c, task, dir), classes: c.classes };
}

/**
 * A digit as the network's input (HWC): pixel p (0..16) is the value p / 8 - 1, raw 4 p - 32
 * in Q3.5, repeated to resolution x resolution, the same on all 3 channels.
 */
export function digitImage(pixels: readonly number[], resolution: number, act: QFormat): FixedTensor {
  const f = resolution / 8;
  if (!Number.isInteger(f) || pixels.length !== 64) throw new RangeError(`digitImage: need 64 pixels and a resolution that is a multiple of 8, got ${pixels.length} and ${resolution}`);
  if (act.frac !== 5) throw new RangeError(`digitImage: the trained inputs are Q3.5 values, the design's activations are Q${act.int}.${act.frac}`);
  const data: bigint[] = [];
  for (let y = 0; y < resolution; y++)
    for (let x = 0; x < resolution; x++) {
      const raw = BigInt(4 * (pixels[Math.floor(y / f) * 8 + Math.floor(x / f)] as number) - 32);
      data.push(raw, raw, raw);
    }
  return fixedTensor([resolution, resolution, 3], act, data);
}

/** A digit as 8 lines of text (darker pixel, denser character). */
export function renderDigit(pixels: readonly number[]): string[] {
  const shades = ' .:-=+*#%@';
  return Array.from({ length: 8 }, (_, y) =>
    pixels
      .slice(y * 8, y * 8 + 8)
      .map((p) => shades[Math.min(shades.length - 1, Math.floor((p * shades.length) / 17))]!.repeat(2))
      .join(''),
  );
}

/** The first index of the highest score (the NPU's and the reference's rule). */
export function argmax(scores: readonly bigint[] | readonly number[]): number {
  let best = 0;
  scores.forEach((v, i) => {
    if (v > scores[best]!) best = i;
  });
  return best;
}
