// The hardened MobileNetV2 feature extractor, streaming (lib/nets/README.md):
// one input pixel (3 channels) per cycle in, one vector of k_fe pooled
// features per frame out.
//   npx hashi emit designs/mobilenetv2.ts --param alpha=0.35 --param resolution=16 --param blocks=3 --param headChannels=32
// Ports: in_valid, in_ready (the source presents a pixel only while ready),
// in_x_0 .. in_x_2, out_valid (one cycle per frame), out_y_0 .. out_y_{k_fe-1};
// every value in Q3.(actBits - 3).
import { Bool, IO, Input, Output, SInt, defineModule } from '../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../dsl/index.ts';
import {
  formatWidth,
  importMobileNetV2,
  importedLayerWeights,
  mobileNetV2Hw,
  mobileNetV2Net,
  qformat,
  randomLayerWeights,
  randomMobileNetV2StateDict,
  type LayerWeightSource,
  type MobileNetV2Net,
} from '../lib/index.ts';

export const mobileNetV2Defaults = {
  /** Width multiplier. */
  alpha: 0.35,
  /** Input resolution H = W. */
  resolution: 16,
  /** Inverted residual blocks included (0 .. 17). */
  blocks: 3,
  /** Head output channels = features k_fe; 0: the topology's (makeDivisible(1280 max(1, alpha))). */
  headChannels: 0,
  /** Activation width: Q3.(actBits - 3), Q3.5 at 8. */
  actBits: 8,
  /** Po2 weight bit-width: exponents [2 - 2^(b-1), 0]. */
  weightBits: 4,
  /** Unstructured sparsity of every layer but the stem and the depthwise ones. */
  sparsity: 0.5,
  seed: 1,
  /**
   * 'random': seeded random Po2 weights (exponents scaled to the fan-in) and Q1.(actBits-3) biases per layer;
   * 'import': a seeded random torchvision state dict through importMobileNetV2
   * (BN folded, Q8.8 biases; with fewer than 17 blocks the head, whose input
   * width then differs, takes the random weights; headChannels cuts the head).
   */
  weights: 'random',
  /** Adder-tree register every k levels (0: combinational). */
  pipelineEvery: 0,
};
export type MobileNetV2Params = typeof mobileNetV2Defaults;

export function mobileNetV2FromParams(p: MobileNetV2Params): MobileNetV2Net {
  if (!Number.isSafeInteger(p.actBits) || p.actBits < 4) throw new RangeError(`actBits must be an integer >= 4, got ${p.actBits}`);
  const act = qformat(3, p.actBits - 3);
  let weights: LayerWeightSource;
  const random = randomLayerWeights({ seed: p.seed, weightBits: p.weightBits, sparsity: p.sparsity, biasFormat: qformat(1, act.frac) });
  if (p.weights === 'random') weights = random;
  else if (p.weights === 'import') {
    const dict = randomMobileNetV2StateDict({ alpha: p.alpha, resolution: p.resolution, classes: 10, seed: p.seed });
    // A truncated network's head (fewer input channels than the import's) takes random weights.
    weights = importedLayerWeights(importMobileNetV2(dict, { alpha: p.alpha, resolution: p.resolution, classes: 10, weightBits: p.weightBits, sparsity: p.sparsity }), random);
  } else throw new RangeError(`weights must be 'random' or 'import', got '${p.weights}'`);
  return mobileNetV2Net({
    alpha: p.alpha,
    resolution: p.resolution,
    blocks: p.blocks,
    ...(p.headChannels > 0 ? { headChannels: p.headChannels } : {}),
    act,
    pipelineEvery: p.pipelineEvery,
    weights,
  });
}

export const MobileNetV2 = defineModule({
  name: 'MobileNetV2',
  params: mobileNetV2Defaults,
  body: (p) => {
    const net = mobileNetV2FromParams(p);
    const aw = formatWidth(net.act);
    const ispec: Record<string, PortSpec> = { in_valid: Input(Bool()) };
    for (let i = 0; i < 3; i++) ispec[`in_x_${i}`] = Input(SInt(aw));
    const io = IO(ispec) as Record<string, SIntValue | BoolValue>;
    const hw = mobileNetV2Hw(net, { valid: io.in_valid as BoolValue, pixel: [0, 1, 2].map((i) => io[`in_x_${i}`] as SIntValue) });
    const ospec: Record<string, PortSpec> = { in_ready: Output(Bool()), out_valid: Output(Bool()) };
    hw.features.pixel.forEach((_, i) => (ospec[`out_y_${i}`] = Output(SInt(aw))));
    const out = IO(ospec) as Record<string, SIntValue | BoolValue>;
    (out.in_ready as BoolValue).connect(hw.ready);
    (out.out_valid as BoolValue).connect(hw.features.valid);
    hw.features.pixel.forEach((v, i) => (out[`out_y_${i}`] as SIntValue).connect(v));
    // Returned so a parent (HaShiFix, HaShiFlex) can wire an instance by port name.
    return { ...io, ...out };
  },
});

export default MobileNetV2;
