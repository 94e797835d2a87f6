// The hardened MobileNetV2 feature extractor, streaming (lib/nets/README.md):
// one input pixel (3 channels) per cycle in, one vector of k_fe pooled
// features per frame out.
//   npx hashi emit designs/mobilenetv2.ts --param alpha=0.35 --param resolution=16 --param blocks=3 --param headChannels=32
// Ports: in_valid, in_ready (the source presents a pixel only while ready),
// in_x_0 .. in_x_2, out_valid (one cycle per frame), out_y_0 .. out_y_{k_fe-1};
// every value in Q3.(actBits - 3). With --param form=unrolled (tiny nets): the
// whole image on in_x_<(y*W + x)*3 + c>, the features on out_y_<i>, combinational.
import { existsSync } from 'node:fs';
import { Bool, IO, Input, Output, SInt, defineModule } from '../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../dsl/index.ts';
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
  type LineBufferForm,
  type MobileNetV2HwOptions,
  type MobileNetV2Net,
  type QFormat,
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
   * width then differs, takes the random weights; headChannels cuts the head);
   * or a path ending in .safetensors: a torchvision state dict imported the same way.
   */
  weights: 'random',
  /** Adder-tree register every k levels (0: combinational). */
  pipelineEvery: 0,
  /** Line buffers of the 3x3 layers: 'registers' (shift registers) or 'memory' (one SyncReadMem per layer). */
  lineBuffer: 'registers',
  /**
   * 'streaming': one pixel per cycle in, line buffers, one feature vector per
   * frame; 'unrolled': the paper's form, every layer over the whole map, the
   * image in and the features out combinationally (tiny nets only; pipelineEvery 0).
   */
  form: 'streaming',
};
export type MobileNetV2Params = typeof mobileNetV2Defaults;

/** The MobileNetV2 params of a design that extends them (HaShiFix, HaShiFlex), for an instance of `MobileNetV2`. */
export function mobileNetV2ParamsOf(p: MobileNetV2Params): MobileNetV2Params {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(mobileNetV2Defaults)) out[k] = p[k as keyof MobileNetV2Params];
  return out as MobileNetV2Params;
}

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
export function mobileNetV2Build(p: MobileNetV2Params, classes?: number, classifierFormat?: QFormat): MobileNetV2Build {
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
  } else if (p.weights !== 'random') {
    throw new RangeError(`weights must be 'random', 'import' or a path ending in .safetensors, got '${p.weights}'`);
  }
  if (p.lineBuffer !== 'registers' && p.lineBuffer !== 'memory') throw new RangeError(`lineBuffer must be 'registers' or 'memory', got '${p.lineBuffer}'`);
  // A truncated network's head (fewer input channels than a whole network's import) takes random weights.
  const weights: LayerWeightSource = imported ? importedLayerWeights(imported, random) : random;
  const net = mobileNetV2Net({
    alpha: p.alpha,
    resolution: p.resolution,
    blocks: p.blocks,
    ...(p.headChannels > 0 ? { headChannels: p.headChannels } : {}),
    act,
    pipelineEvery: p.pipelineEvery,
    lineBuffer: p.lineBuffer as LineBufferForm,
    weights,
  });
  return imported ? { net, imported } : { net };
}

export function mobileNetV2FromParams(p: MobileNetV2Params): MobileNetV2Net {
  return mobileNetV2Build(p).net;
}

/**
 * The streaming form's ports (see the top of this file) around mobileNetV2Hw;
 * `hwOpts` for a caller that wants per-layer progress or a module per layer.
 */
export function streamingPorts(net: MobileNetV2Net, hwOpts?: MobileNetV2HwOptions): Record<string, SIntValue | BoolValue> {
  const aw = formatWidth(net.act);
  const ispec: Record<string, PortSpec> = { in_valid: Input(Bool()) };
  for (let i = 0; i < 3; i++) ispec[`in_x_${i}`] = Input(SInt(aw));
  const io = IO(ispec) as Record<string, SIntValue | BoolValue>;
  const hw = mobileNetV2Hw(net, { valid: io.in_valid as BoolValue, pixel: [0, 1, 2].map((i) => io[`in_x_${i}`] as SIntValue) }, hwOpts);
  const ospec: Record<string, PortSpec> = { in_ready: Output(Bool()), out_valid: Output(Bool()) };
  hw.features.pixel.forEach((_, i) => (ospec[`out_y_${i}`] = Output(SInt(aw))));
  const out = IO(ospec) as Record<string, SIntValue | BoolValue>;
  (out.in_ready as BoolValue).connect(hw.ready);
  (out.out_valid as BoolValue).connect(hw.features.valid);
  hw.features.pixel.forEach((v, i) => (out[`out_y_${i}`] as SIntValue).connect(v));
  return { ...io, ...out };
}

/** The unrolled form's ports: in_x_<(y*W + x)*3 + c> (HWC), out_y_0 .. out_y_{k_fe-1}, combinational. */
function unrolledPorts(net: MobileNetV2Net): Record<string, SIntValue> {
  const aw = formatWidth(net.act);
  const n = net.inputShape[0] * net.inputShape[1] * net.inputShape[2];
  const ispec: Record<string, PortSpec> = {};
  for (let i = 0; i < n; i++) ispec[`in_x_${i}`] = Input(SInt(aw));
  const io = IO(ispec) as Record<string, SIntValue>;
  const features = mobileNetV2Unrolled(net, { shape: net.inputShape, fmt: net.act, data: Array.from({ length: n }, (_, i) => io[`in_x_${i}`] as SIntValue) });
  const ospec: Record<string, PortSpec> = {};
  features.data.forEach((_, i) => (ospec[`out_y_${i}`] = Output(SInt(aw))));
  const out = IO(ospec) as Record<string, SIntValue>;
  features.data.forEach((v, i) => (out[`out_y_${i}`] as SIntValue).connect(v));
  return { ...io, ...out };
}

export const MobileNetV2 = defineModule({
  name: 'MobileNetV2',
  params: mobileNetV2Defaults,
  body: (p) => {
    const net = mobileNetV2FromParams(p);
    if (p.form === 'unrolled') return unrolledPorts(net);
    if (p.form !== 'streaming') throw new RangeError(`form must be 'streaming' or 'unrolled', got '${p.form}'`);
    // Returned so a parent (HaShiFix, HaShiFlex) can wire an instance by port name.
    return streamingPorts(net);
  },
});

export default MobileNetV2;
