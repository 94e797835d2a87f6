/**
 * The final classifier of MobileNetV2 (1280 features -> k classes) in the two
 * forms of the flagship designs:
 *  - HaShiFix: hardened in Po2 like the convolutions, one adder tree per class
 *    (`hardenedClassifierHw`, the streaming linear layer on the feature vector),
 *    scores requantized to a fixed-point score format (floor, saturate);
 *  - HaShiFlex: fixed-point weights for the programmable NPU (lib/npu), written
 *    at run time, so only their values are made here.
 * Each has a golden model. Seeded random weights for both, and the imported
 * ones (lib/weights `importMobileNetV2`) cut to the features a truncated
 * network has.
 */
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { rawMax, rawMin, type QFormat, type Saturation } from '../fixed/format.ts';
import { EXACT, type AccumulateMode } from '../golden/accumulate.ts';
import { linearAcc, type BiasVector } from '../golden/conv.ts';
import { layerOutput } from '../golden/post.ts';
import type { FixedTensor } from '../golden/tensor.ts';
import { streamLayerOutput, streamingLinear, type PixelStream } from '../hw/streaming-more.ts';
import { randomSparsePo2 } from '../hw/weights.ts';
import { expRangeFromBits } from '../po2/exp-range.ts';
import type { Po2 } from '../po2/po2.ts';
import { Prng } from '../util/prng.ts';
import type { ImportedClassifier } from '../weights/import.ts';

/** A hardened classifier: Po2 weights, OI (classes rows of `features`), and its bias. */
export interface Po2Classifier {
  readonly classes: number;
  readonly features: number;
  readonly weights: readonly Po2[];
  readonly bias?: BiasVector;
}

/** NPU classifier weights: raw fixed point in `fmt`, weights[o][j]. */
export interface FixedClassifier {
  readonly fmt: QFormat;
  readonly weights: readonly (readonly bigint[])[];
}

export interface HardenedClassifierOptions {
  /** Format of the scores (floor to its fraction bits, then saturate). */
  readonly score: QFormat;
  readonly saturation?: Saturation;
  readonly mode?: AccumulateMode;
}

/** The exponent range a random Po2 layer of fan-in n gets (as lib/nets randomLayerWeights). */
function fanInExpRange(n: number, weightBits: number) {
  const expMax = Math.round((Math.log2(32 / 3) - Math.log2(Math.max(1, n))) / 2);
  return expRangeFromBits(weightBits, expMax);
}

/** Seeded random Po2 classifier weights with a fixed-point bias in `biasFormat`. */
export function randomPo2Classifier(o: { classes: number; features: number; seed: number; sparsity?: number; weightBits?: number; biasFormat: QFormat }): Po2Classifier {
  const p = new Prng((o.seed * 2654435761 + 104729) >>> 0);
  const sparsity = o.sparsity ?? 0;
  const range = fanInExpRange(o.features * (1 - sparsity), o.weightBits ?? 4);
  const weights = randomSparsePo2(p, o.classes * o.features, range, sparsity);
  const bias = { raw: Array.from({ length: o.classes }, () => p.fixedRaw(o.biasFormat)), fmt: o.biasFormat };
  return { classes: o.classes, features: o.features, weights, bias };
}

/**
 * Seeded random NPU weights in `fmt`: uniform raw values over a quarter of the
 * format's range (a task's classifier; the scale only matters for saturation).
 */
export function randomFixedClassifier(o: { classes: number; features: number; seed: number; fmt: QFormat }): FixedClassifier {
  const p = new Prng((o.seed * 2246822519 + 7) >>> 0);
  const hi = rawMax(o.fmt) >> 2n;
  const lo = rawMin(o.fmt) >> 2n;
  return { fmt: o.fmt, weights: Array.from({ length: o.classes }, () => Array.from({ length: o.features }, () => p.bigint(lo, hi))) };
}

/** The first `features` inputs of an imported classifier (a truncated network has fewer features). */
function cutColumns<T>(flat: readonly T[], classes: number, inFeatures: number, features: number): T[] {
  if (features > inFeatures) throw new RangeError(`classifier: the import has ${inFeatures} features, the network ${features}`);
  const out: T[] = [];
  for (let o = 0; o < classes; o++) for (let j = 0; j < features; j++) out.push(flat[o * inFeatures + j] as T);
  return out;
}

/** The hardened (Po2) form of an imported classifier, cut to `features` inputs. */
export function importedPo2Classifier(c: ImportedClassifier, features: number): Po2Classifier {
  return { classes: c.outFeatures, features, weights: cutColumns(c.po2.weights, c.outFeatures, c.inFeatures, features), bias: c.po2.bias };
}

/** The NPU form of an imported classifier, cut to `features` inputs (the NPU adds no bias). */
export function importedFixedClassifier(c: ImportedClassifier, features: number): FixedClassifier {
  const flat = cutColumns(c.fixed.weights, c.outFeatures, c.inFeatures, features);
  return { fmt: c.fixed.fmt, weights: Array.from({ length: c.outFeatures }, (_, o) => flat.slice(o * features, (o + 1) * features)) };
}

export interface HardenedClassifierHw {
  /** One vector of scores per input vector, valid for one cycle. */
  readonly scores: PixelStream;
  /** Cycles from the feature vector to its scores. */
  readonly latency: number;
}

/** HaShiFix's classifier on a stream of feature vectors: Po2 adder trees, bias, scores requantized (no activation). */
export function hardenedClassifierHw(features: { readonly valid: BoolValue; readonly pixel: readonly SIntValue[]; readonly fmt: QFormat }, c: Po2Classifier, o: HardenedClassifierOptions): HardenedClassifierHw {
  if (features.pixel.length !== c.features) throw new RangeError(`hardenedClassifierHw: ${features.pixel.length} features, the weights have ${c.features}`);
  const acc = streamingLinear({ valid: features.valid, pixel: features.pixel }, features.fmt, c.weights, c.classes, {
    mode: o.mode ?? EXACT,
    ...(c.bias ? { bias: c.bias } : {}),
  });
  const scores = streamLayerOutput(acc, { out: o.score, activation: 'none', saturation: o.saturation ?? 'full' });
  return { scores, latency: acc.latency };
}

/** Golden scores of the hardened classifier on one feature vector (1 x 1 x features). */
export function hardenedClassifierGolden(features: FixedTensor, c: Po2Classifier, o: HardenedClassifierOptions): bigint[] {
  const acc = linearAcc(features, c.weights, c.classes, { mode: o.mode ?? EXACT, ...(c.bias ? { bias: c.bias } : {}) });
  return [...layerOutput(acc, { out: o.score, activation: 'none', saturation: o.saturation ?? 'full' }).data];
}

