/**
 * The paper's Fig. 4 redone on our graphs: for CNN families at 224 x 224 with
 * seeded random Po2 weights, the nonzero weights, adders and adder bits of the
 * hardened net (graph-cost.ts: the paper's unrolled form, one tree per output
 * element, and our streaming form), an estimated hardened area, against each
 * model's published ImageNet top-1.
 *
 * Area = unrolled adder bits x an area per adder bit. Calibration: the paper's
 * Table 4 figures are not in our notes (/work/shared/hashiflex-notes.md); what
 * the notes do give is that four copies of the HaShiFlex accelerator
 * (MobileNetV2 1.0, hardened, plus a small NPU) fill the ~850 mm^2 reticle, so
 * one copy is at most 850 / 4 = 212.5 mm^2 (and more than 850 / 5 = 170). We
 * give MobileNetV2 1.0's unrolled adder bits (at the report's sparsity) all of
 * 212.5 mm^2: an upper bound per bit (the NPU, registers and wiring get none of
 * it). MobileNetV2 1.0 then sits at 212.5 mm^2 by construction; the other
 * nets' areas are relative to it.
 *
 * Published top-1 (ImageNet-1k validation, 224 x 224, single crop):
 * - MobileNetV1 1.0: 70.6 %, Howard et al. 2017, "MobileNets", arXiv:1704.04861, Table 8.
 * - MobileNetV2 0.35 / 0.5 / 0.75 / 1.0 / 1.3 / 1.4: 60.3 / 65.4 / 69.8 / 71.8 / 74.4 / 75.0 %,
 *   the TF-slim model zoo (tensorflow/models, research/slim/nets/mobilenet/README.md,
 *   "mobilenet_v2_<alpha>_224" checkpoints; Sandler et al. 2018, arXiv:1801.04381).
 * - ResNet-18 / 34 / 50: 69.758 / 73.314 / 76.130 %; VGG-11 / 16: 69.020 / 71.592 %,
 *   torchvision's IMAGENET1K_V1 weights (torchvision model documentation).
 */
import { familySpec, type FamilyName } from './families.ts';
import { graphCost, type GraphCost } from './graph-cost.ts';

export interface FamilyModel {
  readonly label: string;
  readonly family: FamilyName;
  readonly alpha?: number;
  readonly top1: number;
  readonly source: string;
}

export const FIG4_MODELS: readonly FamilyModel[] = [
  { label: 'MobileNetV1 1.0', family: 'mobilenet-v1', alpha: 1, top1: 70.6, source: 'Howard et al. 2017, Table 8' },
  { label: 'MobileNetV2 0.35', family: 'mobilenet-v2', alpha: 0.35, top1: 60.3, source: 'TF-slim mobilenet_v2_0.35_224' },
  { label: 'MobileNetV2 0.5', family: 'mobilenet-v2', alpha: 0.5, top1: 65.4, source: 'TF-slim mobilenet_v2_0.5_224' },
  { label: 'MobileNetV2 0.75', family: 'mobilenet-v2', alpha: 0.75, top1: 69.8, source: 'TF-slim mobilenet_v2_0.75_224' },
  { label: 'MobileNetV2 1.0', family: 'mobilenet-v2', alpha: 1, top1: 71.8, source: 'TF-slim mobilenet_v2_1.0_224' },
  { label: 'MobileNetV2 1.3', family: 'mobilenet-v2', alpha: 1.3, top1: 74.4, source: 'TF-slim mobilenet_v2_1.3_224' },
  { label: 'MobileNetV2 1.4', family: 'mobilenet-v2', alpha: 1.4, top1: 75.0, source: 'TF-slim mobilenet_v2_1.4_224' },
  { label: 'ResNet-18', family: 'resnet18', top1: 69.758, source: 'torchvision IMAGENET1K_V1' },
  { label: 'ResNet-34', family: 'resnet34', top1: 73.314, source: 'torchvision IMAGENET1K_V1' },
  { label: 'ResNet-50', family: 'resnet50', top1: 76.13, source: 'torchvision IMAGENET1K_V1' },
  { label: 'VGG-11', family: 'vgg11', top1: 69.02, source: 'torchvision IMAGENET1K_V1' },
  { label: 'VGG-16', family: 'vgg16', top1: 71.592, source: 'torchvision IMAGENET1K_V1' },
];

/** The reticle limit (mm^2) of the notes. */
export const RETICLE_MM2 = 850;
/** One HaShiFlex copy at most (four fit the reticle). */
export const CALIBRATION_MM2 = RETICLE_MM2 / 4;

export interface FamilyPoint {
  readonly label: string;
  readonly family: FamilyName;
  readonly alpha?: number;
  readonly top1: number;
  readonly top1Source: string;
  readonly cost: GraphCost;
  /** Unrolled adder bits x mm2PerAdderBit. */
  readonly areaMm2: number;
}

export interface FamiliesReport {
  readonly resolution: number;
  readonly sparsity: number;
  readonly seed: number;
  readonly points: readonly FamilyPoint[];
  readonly mm2PerAdderBit: number;
  readonly calibration: string;
  readonly reticleMm2: number;
}

export interface FamiliesReportOptions {
  readonly sparsity?: number;
  readonly seed?: number;
  readonly resolution?: number;
  /** Default FIG4_MODELS. */
  readonly models?: readonly FamilyModel[];
  readonly progress?: (text: string) => void;
}

/** Every model's cost and estimated area (MobileNetV2 1.0 is costed for the calibration even when not listed). */
export function familiesReport(o: FamiliesReportOptions = {}): FamiliesReport {
  const sparsity = o.sparsity ?? 0.6;
  const seed = o.seed ?? 1;
  const resolution = o.resolution ?? 224;
  if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
  const models = o.models ?? FIG4_MODELS;
  const costOf = (m: Pick<FamilyModel, 'family' | 'alpha' | 'label'>): GraphCost => {
    const spec = familySpec(m.family, { resolution, ...(m.alpha !== undefined ? { alpha: m.alpha } : {}) });
    o.progress?.(`${m.label}: ${spec.nodes.length} nodes`);
    return graphCost(spec, { seed, sparsity, onLayer: (l, i, n) => o.progress?.(`${m.label}: layer ${i + 1}/${n} ${l.name}`) });
  };
  const costs = models.map((m) => costOf(m));
  const refIndex = models.findIndex((m) => m.family === 'mobilenet-v2' && m.alpha === 1);
  const ref = refIndex >= 0 ? (costs[refIndex] as GraphCost) : costOf({ family: 'mobilenet-v2', alpha: 1, label: 'MobileNetV2 1.0 (calibration)' });
  const mm2PerAdderBit = CALIBRATION_MM2 / ref.unrolledBits;
  const points = models.map((m, i): FamilyPoint => {
    const cost = costs[i] as GraphCost;
    return { label: m.label, family: m.family, ...(m.alpha !== undefined ? { alpha: m.alpha } : {}), top1: m.top1, top1Source: m.source, cost, areaMm2: cost.unrolledBits * mm2PerAdderBit };
  });
  const calibration =
    `area per adder bit = ${CALIBRATION_MM2} mm^2 (850 mm^2 reticle / 4 HaShiFlex copies, hashiflex-notes) / ` +
    `${ref.unrolledBits.toExponential(4)} unrolled adder bits of MobileNetV2 1.0 at ${resolution}x${resolution}, sparsity ${sparsity} = ${(mm2PerAdderBit * 1e6).toFixed(4)} um^2 per adder bit (an upper bound: the NPU and registers get no share)`;
  return { resolution, sparsity, seed, points, mm2PerAdderBit, calibration, reticleMm2: RETICLE_MM2 };
}
