// The hardened MobileNetV2 feature extractor, streaming (lib/nets/README.md):
// one input pixel (3 channels) per cycle in, one vector of k_fe pooled
// features per frame out.
//   npx hashi emit designs/mobilenetv2.ts --param alpha=0.35 --param resolution=16 --param blocks=3 --param headChannels=32
// Ports: `in`, a Stream of Vec(3) pixels (the source presents a pixel only
// while in.ready), and `out`, a Valid Vec of the k_fe features (one cycle per
// frame); every value in Q3.(actBits - 3). With --param form=unrolled (tiny
// nets): the whole image on `in` (a Vec, HWC order), the features on `out`, combinational.
import { existsSync } from 'node:fs';
import { IO, Input, Output, SInt, Stream, Vec, defineModule, oneOf } from '../dsl/index.ts';
import type { ModuleDef, ParamSpec, ParamsOf } from '../dsl/index.ts';
import {
  formatWidth,
  importMobileNetV2,
  importedLayerWeights,
  mobileNetV2Hw,
  mobileNetV2Net,
  mobileNetV2Unrolled,
  qformat,
  randomLayerWeights,
  readSafetensorsFile,
  randomMobileNetV2StateDict,
  type ImportedMobileNetV2,
  type LayerWeightSource,
  type MobileNetV2HwOptions,
  type MobileNetV2Net,
  type QFormat,
} from '../lib/index.ts';

/** The network's parameters (all but the form): a design containing the extractor carries them as one group. */
export const mobileNetV2NetParams = {
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
   * width then differs, takes the random weights; headChannels cuts the head);
   * or a path ending in .safetensors: a torchvision state dict imported the same way.
   */
  weights: oneOf(['random', 'import'], { orEndingWith: '.safetensors' }),
  /** Adder-tree register every k levels (0: combinational). */
  pipelineEvery: 0,
  /** Line buffers of the 3x3 layers: 'registers' (shift registers) or 'memory' (one SyncReadMem per layer). */
  lineBuffer: oneOf(['registers', 'memory']),
};
export type MobileNetV2NetParams = ParamsOf<typeof mobileNetV2NetParams>;

export const mobileNetV2Params = {
  ...mobileNetV2NetParams,
  /**
   * 'streaming': one pixel per cycle in, line buffers, one feature vector per
   * frame; 'unrolled': the paper's form, every layer over the whole map, the
   * image in and the features out combinationally (tiny nets only; pipelineEvery 0).
   */
  form: oneOf(['streaming', 'unrolled']),
};
export type MobileNetV2Params = ParamsOf<typeof mobileNetV2Params>;

/** The network of `p` and, when its weights were imported, the import (with the classifier). */
export interface MobileNetV2Build {
  readonly net: MobileNetV2Net;
  readonly imported?: ImportedMobileNetV2;
}

/**
 * The weights named by `p.weights`: 'random', 'import' (a seeded random
 * torchvision state dict through the importer) or a .safetensors file with a
 * torchvision MobileNetV2 state dict (alpha and `classes` must match it; the
 * importer names any tensor that does not). `classifierFormat`: the NPU form
 * of the imported classifier.
 */
export function mobileNetV2Build(p: MobileNetV2NetParams, classes?: number, classifierFormat?: QFormat): MobileNetV2Build {
  if (!Number.isSafeInteger(p.actBits) || p.actBits < 4) throw new RangeError(`actBits must be an integer >= 4, got ${p.actBits}`);
  const act = qformat(3, p.actBits - 3);
  const random = randomLayerWeights({ seed: p.seed, weightBits: p.weightBits, sparsity: p.sparsity, biasFormat: qformat(1, act.frac) });
  let imported: ImportedMobileNetV2 | undefined;
  const importOpts = (k: number) => ({ alpha: p.alpha, resolution: p.resolution, classes: k, weightBits: p.weightBits, sparsity: p.sparsity, ...(classifierFormat ? { classifierFormat } : {}) });
  if (p.weights === 'import') {
    const k = classes ?? 10;
    imported = importMobileNetV2(randomMobileNetV2StateDict({ alpha: p.alpha, resolution: p.resolution, classes: k, seed: p.seed }), importOpts(k));
  } else if (p.weights.endsWith('.safetensors')) {
    if (!existsSync(p.weights)) throw new RangeError(`weights: no file '${p.weights}' (give a path to a torchvision MobileNetV2 state dict saved as safetensors)`);
    const dict = readSafetensorsFile(p.weights).tensors;
    // The extractor alone takes the file's classifier as it is; a design with a classifier asks for its `classes`.
    // A state dict without block 17 is a truncated network (hashi's training exports one): import it with the design's blocks.
    const truncated = !dict.has('features.17.conv.0.0.weight') ? { blocks: p.blocks } : {};
    imported = importMobileNetV2(dict, { ...importOpts(classes ?? dict.get('classifier.1.weight')?.shape[0] ?? 1000), ...truncated });
  }
  // (weights and lineBuffer are choices: resolveParams has checked them.)
  // A truncated network's head (fewer input channels than a whole network's import) takes random weights.
  const weights: LayerWeightSource = imported ? importedLayerWeights(imported, random) : random;
  const net = mobileNetV2Net({
    alpha: p.alpha,
    resolution: p.resolution,
    blocks: p.blocks,
    ...(p.headChannels > 0 ? { headChannels: p.headChannels } : {}),
    act,
    pipelineEvery: p.pipelineEvery,
    lineBuffer: p.lineBuffer,
    weights,
  });
  return imported ? { net, imported } : { net };
}

export function mobileNetV2FromParams(p: MobileNetV2NetParams): MobileNetV2Net {
  return mobileNetV2Build(p).net;
}

/**
 * The streaming form's ports (see the top of this file) around mobileNetV2Hw;
 * `hwOpts` for a caller that wants per-layer progress or a module per layer.
 */
export function streamingPorts(net: MobileNetV2Net, hwOpts?: MobileNetV2HwOptions) {
  const aw = formatWidth(net.act);
  const io = IO({ in: Input(Stream(Vec(3, SInt(aw)))) });
  const hw = mobileNetV2Hw(net, { valid: io.in.valid, pixel: io.in.bits.toArray() }, hwOpts);
  io.in.ready.connect(hw.ready);
  const out = IO({ out: Output(Stream(Vec(hw.features.pixel.length, SInt(aw)), { alwaysReady: true })) });
  out.out.valid.connect(hw.features.valid);
  hw.features.pixel.forEach((v, i) => out.out.bits.at(i).connect(v));
  return { ...io, ...out };
}

/** The unrolled form's ports: the image on `in` (HWC order), the features on `out`, combinational. */
function unrolledPorts(net: MobileNetV2Net) {
  const aw = formatWidth(net.act);
  const n = net.inputShape[0] * net.inputShape[1] * net.inputShape[2];
  const io = IO({ in: Input(Vec(n, SInt(aw))) });
  const features = mobileNetV2Unrolled(net, { shape: net.inputShape, fmt: net.act, data: io.in.toArray() });
  const out = IO({ out: Output(Vec(features.data.length, SInt(aw))) });
  features.data.forEach((v, i) => out.out.at(i).connect(v));
  return { ...io, ...out };
}

// The three definitions below are made in one place: a module's source locator
// (in the SystemVerilog's comments) is where defineModule is called, so the
// streaming extractor's SV is byte-identical whichever of them built it.
function extractor<S extends ParamSpec, IO>(params: S, body: (p: ParamsOf<S>) => IO): ModuleDef<ParamsOf<S>, IO> {
  return defineModule({ name: 'MobileNetV2', params, body });
}

/** The streaming extractor alone (no `form` parameter): what HaShiFlex and HaShiFix instantiate, its IO exactly typed. */
export const MobileNetV2Stream = extractor(mobileNetV2NetParams, (p) => streamingPorts(mobileNetV2FromParams(p)));

/** The unrolled extractor alone (tiny nets; the paper's form), its IO exactly typed. */
export const MobileNetV2Unrolled = extractor(mobileNetV2NetParams, (p) => unrolledPorts(mobileNetV2FromParams(p)));

/** The extractor in either form; its instances' IO is the streaming or the unrolled form's. */
export const MobileNetV2 = extractor(mobileNetV2Params, (p) => {
  const net = mobileNetV2FromParams(p);
  return p.form === 'unrolled' ? unrolledPorts(net) : streamingPorts(net);
});

/** Every parameter's default. */
export const mobileNetV2Defaults: MobileNetV2Params = MobileNetV2.defaults;
/** The network parameters' defaults (no `form`): the group a containing design carries. */
export const mobileNetV2NetDefaults: MobileNetV2NetParams = MobileNetV2Stream.defaults;

export default MobileNetV2;
