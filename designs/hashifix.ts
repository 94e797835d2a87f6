// HaShiFix: the hardened MobileNetV2 feature extractor (designs/mobilenetv2.ts,
// an instance) followed by the classifier hardened in Po2 too: one adder tree
// per class, scores requantized to Q(scoreInt.scoreFrac). Nothing can be
// changed after elaboration; a new task is a new circuit. See lib/nets/README.md.
//   npx hashi emit designs/hashifix.ts --param fe.resolution=32 --param classes=10
// Ports: in (Decoupled: one pixel, 3 channels, per accepted cycle), scores
// (Valid: all k scores of an image in one cycle).
import { IO, Input, Output, SInt, Stream, Vec, defineModule, instance } from '../dsl/index.ts';
import type { ParamsOf } from '../dsl/index.ts';
import {
  formatWidth,
  hardenedClassifierGolden,
  hardenedClassifierHw,
  importedPo2Classifier,
  mobileNetV2Golden,
  qformat,
  randomPo2Classifier,
  type FixedTensor,
  type HardenedClassifierOptions,
  type Po2Classifier,
} from '../lib/index.ts';
import { MobileNetV2Stream, mobileNetV2Build, mobileNetV2NetParams, type MobileNetV2Build } from './mobilenetv2.ts';

export const hashiFixParams = {
  /** The feature extractor's parameters (designs/mobilenetv2.ts, streaming): `--param fe.blocks=3`. */
  fe: mobileNetV2NetParams,
  /** k: classes. */
  classes: 10,
  /** Score format Q(scoreInt.scoreFrac): floor + saturate from the exact accumulator. */
  scoreInt: 8,
  scoreFrac: 8,
};
export type HaShiFixParams = ParamsOf<typeof hashiFixParams>;

export interface HaShiFixBuild extends MobileNetV2Build {
  readonly classifier: Po2Classifier;
  readonly scoring: HardenedClassifierOptions;
}

/** The network and its hardened classifier (imported with the network's weights, or seeded random). */
export function hashiFixBuild(p: HaShiFixParams): HaShiFixBuild {
  const b = mobileNetV2Build(p.fe, p.classes);
  const k = b.net.features;
  const classifier = b.imported
    ? importedPo2Classifier(b.imported.classifier, k)
    : randomPo2Classifier({ classes: p.classes, features: k, seed: p.fe.seed, sparsity: p.fe.sparsity, weightBits: p.fe.weightBits, biasFormat: qformat(1, b.net.act.frac) });
  return { ...b, classifier, scoring: { score: qformat(p.scoreInt, p.scoreFrac), saturation: b.net.saturation, mode: b.net.mode } };
}

/** Golden scores of one image. */
export function hashiFixGolden(b: HaShiFixBuild, image: FixedTensor): { features: readonly bigint[]; scores: bigint[] } {
  const features = mobileNetV2Golden(b.net, image).features;
  return { features: features.data, scores: hardenedClassifierGolden(features, b.classifier, b.scoring) };
}

export const HaShiFix = defineModule({
  name: 'HaShiFix',
  params: hashiFixParams,
  body: (p) => {
    const b = hashiFixBuild(p);
    const aw = formatWidth(b.net.act);
    const io = IO({
      /** One image pixel (3 channels, HWC order) per accepted cycle. */
      in: Input(Stream(Vec(3, SInt(aw)))),
      /** All k class scores of an image, valid for one cycle. */
      scores: Output(Stream(Vec(p.classes, SInt(formatWidth(b.scoring.score))), { alwaysReady: true })),
    });
    const fe = instance(MobileNetV2Stream, p.fe);
    fe.in.valid.connect(io.in.valid);
    fe.in.bits.connect(io.in.bits);
    io.in.ready.connect(fe.in.ready);
    const cls = hardenedClassifierHw({ valid: fe.out.valid, pixel: fe.out.bits.toArray(), fmt: b.net.act }, b.classifier, b.scoring);
    io.scores.valid.connect(cls.scores.valid);
    cls.scores.pixel.forEach((s, i) => io.scores.bits.at(i).connect(s));
    return io;
  },
});

/** Every parameter's default. */
export const hashiFixDefaults: HaShiFixParams = HaShiFix.defaults;

export default HaShiFix;
