/**
 * The MobileNetV2 topology, exactly as torchvision builds it
 * (torchvision.models.mobilenet_v2, width_mult = alpha, round_nearest = 8), as
 * plain data shared by the weight importer and the hardware generator.
 *
 *   features.0        stem: Conv 3x3 s2, 3 -> makeDivisible(32 alpha), BN, ReLU6
 *   features.1 .. 17  inverted residual blocks from the (t, c, n, s) table;
 *                     c' = makeDivisible(c alpha); n blocks, the first with stride s;
 *                     hidden = round(in * t);
 *                     t == 1: conv.0 = [dw 3x3 (conv.0.0), BN (conv.0.1), ReLU6],
 *                             conv.1 = pw-linear 1x1, conv.2 = BN
 *                     t > 1:  conv.0 = [pw 1x1 expand, BN, ReLU6],
 *                             conv.1 = [dw 3x3, BN, ReLU6],
 *                             conv.2 = pw-linear 1x1 project, conv.3 = BN
 *                     residual (x + block(x)) when stride 1 and in == out.
 *   features.18       head: Conv 1x1 -> makeDivisible(1280 max(1, alpha)), BN, ReLU6
 *   pool              global average pool to 1 x 1 x last
 *   classifier        Dropout(0.2) (classifier.0, no parameters), Linear(last -> classes) (classifier.1)
 *
 * No conv has a bias (BN follows each); BN eps 1e-5. Padding is k // 2, which
 * is lib's symmetric 'same' (output ceil(H / s)). Shapes of activations are HWC.
 * Torch weight shapes: conv [out, in / groups, k, k], Linear [out, in], BN
 * vectors [C], num_batches_tracked [] (I64).
 */
import type { Padding } from '../golden/geometry.ts';
import { convAxis } from '../golden/geometry.ts';
import type { Shape3 } from '../golden/tensor.ts';

/** torchvision's inverted residual settings: expansion t, channels c, repeats n, first stride s. */
export const MOBILENET_V2_SETTINGS: readonly (readonly [t: number, c: number, n: number, s: number])[] = Object.freeze([
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
] as const);

export const MOBILENET_V2_BN_EPS = 1e-5;
/** N of the head's key features.N (after the 17 blocks; kept when the network is truncated). */
const HEAD_FEATURE = 18;
export const MOBILENET_V2_DROPOUT = 0.2;

/** torchvision `_make_divisible(v, divisor, min_value=None)`: nearest multiple of divisor, at least divisor, never more than 10% below v. */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let r = Math.max(min, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (r < 0.9 * v) r += divisor;
  return r;
}

export type ConvRole = 'stem' | 'expand' | 'depthwise' | 'project' | 'head';
export type ConvKind = 'conv' | 'depthwise' | 'pointwise';

/** BN parameter names under a BN module prefix. */
export const BN_PARAMS = ['weight', 'bias', 'running_mean', 'running_var'] as const;

export interface ConvLayerSpec {
  /** Position in `layers` (0 = stem). */
  readonly index: number;
  /** N of features.N (0 stem, 1..17 blocks, 18 head). */
  readonly feature: number;
  readonly role: ConvRole;
  /** Layout family: 'conv' (full k x k, OHWI), 'depthwise' (HWC), 'pointwise' (1x1, OI). */
  readonly kind: ConvKind;
  /** State-dict key of the conv weight, e.g. 'features.2.conv.1.0.weight'. */
  readonly weightKey: string;
  /** State-dict prefix of its BN, e.g. 'features.2.conv.1.1' (+ '.weight', '.bias', '.running_mean', '.running_var', '.num_batches_tracked'). */
  readonly bnKey: string;
  /** Torch weight shape [out, in / groups, k, k]. */
  readonly torchShape: readonly number[];
  readonly kernel: number;
  readonly stride: number;
  readonly groups: number;
  readonly padding: Padding;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  /** After BN: ReLU6, or nothing (the project conv of every block). */
  readonly activation: 'relu6' | 'none';
  /** First layer of a residual block: its input is kept for the skip connection. */
  readonly savesResidual: boolean;
  /** Project layer of a residual block: add the input of layer `residualFrom` to this layer's output (after BN, no activation). */
  readonly residualFrom?: number;
}

export interface BlockSpec {
  /** N of features.N, 1..17. */
  readonly feature: number;
  readonly expansion: number;
  readonly inChannels: number;
  readonly hiddenChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly residual: boolean;
  /** Indices into `layers`, in order. */
  readonly layers: readonly number[];
}

export interface MobileNetV2Options {
  /** Width multiplier (default 1.0). */
  readonly alpha?: number;
  /** Classifier outputs (default 1000). */
  readonly classes?: number;
  /** Square input resolution (default 224). */
  readonly resolution?: number;
  /**
   * Inverted residual blocks kept, 0 .. 17 (default 17). A truncated network keeps
   * features.1 .. N; its head keeps the key features.18 and reads block N's output
   * (the state dict hashi's training exports for a cut-down MobileNetV2).
   */
  readonly blocks?: number;
}

export interface MobileNetV2Topology {
  readonly alpha: number;
  readonly classes: number;
  readonly resolution: number;
  readonly inputShape: Shape3;
  readonly stemChannels: number;
  readonly lastChannels: number;
  readonly layers: readonly ConvLayerSpec[];
  readonly blocks: readonly BlockSpec[];
  /** Global average pool: input shape (the head's output), output 1 x 1 x lastChannels. */
  readonly pool: { readonly inShape: Shape3; readonly outShape: Shape3 };
  readonly classifier: {
    readonly weightKey: 'classifier.1.weight';
    readonly biasKey: 'classifier.1.bias';
    readonly inFeatures: number;
    readonly outFeatures: number;
    /** Torch Linear weight shape [out, in] (= lib's OI layout). */
    readonly torchShape: readonly number[];
    /** Dropout before it: identity at inference. */
    readonly dropout: number;
  };
  readonly bnEps: number;
}

function checkOptions(o: MobileNetV2Options): { alpha: number; classes: number; resolution: number } {
  const alpha = o.alpha ?? 1;
  const classes = o.classes ?? 1000;
  const resolution = o.resolution ?? 224;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`MobileNetV2: alpha must be a positive number, got ${alpha}`);
  if (!Number.isSafeInteger(classes) || classes < 1) throw new RangeError(`MobileNetV2: classes must be a positive integer, got ${classes}`);
  if (!Number.isSafeInteger(resolution) || resolution < 1) throw new RangeError(`MobileNetV2: resolution must be a positive integer, got ${resolution}`);
  return { alpha, classes, resolution };
}

export function mobileNetV2Topology(opts: MobileNetV2Options = {}): MobileNetV2Topology {
  const { alpha, classes, resolution } = checkOptions(opts);
  const layers: ConvLayerSpec[] = [];
  let shape: Shape3 = [resolution, resolution, 3];

  const add = (
    l: Omit<ConvLayerSpec, 'index' | 'torchShape' | 'groups' | 'padding' | 'inChannels' | 'inShape' | 'outShape' | 'savesResidual'> & { savesResidual?: boolean },
  ): number => {
    const inC = shape[2];
    const groups = l.kind === 'depthwise' ? inC : 1;
    const padding: Padding = l.kernel === 1 ? 'valid' : 'same';
    const oy = convAxis(shape[0], l.kernel, l.stride, padding).out;
    const ox = convAxis(shape[1], l.kernel, l.stride, padding).out;
    const outShape: Shape3 = [oy, ox, l.outChannels];
    const index = layers.length;
    layers.push({
      ...l,
      index,
      savesResidual: l.savesResidual ?? false,
      torchShape: [l.outChannels, inC / groups, l.kernel, l.kernel],
      groups,
      padding,
      inChannels: inC,
      inShape: shape,
      outShape,
    });
    shape = outShape;
    return index;
  };

  const stemChannels = makeDivisible(32 * alpha);
  add({ feature: 0, role: 'stem', kind: 'conv', weightKey: 'features.0.0.weight', bnKey: 'features.0.1', kernel: 3, stride: 2, outChannels: stemChannels, activation: 'relu6' });

  const blocks: BlockSpec[] = [];
  let feature = 1;
  const keepBlocks = opts.blocks ?? MOBILENET_V2_SETTINGS.reduce((a, [, , n]) => a + n, 0);
  if (!Number.isSafeInteger(keepBlocks) || keepBlocks < 0 || keepBlocks > 17) throw new RangeError(`MobileNetV2: blocks must be 0 .. 17, got ${keepBlocks}`);
  for (const [t, c, n, s] of MOBILENET_V2_SETTINGS) {
    const outC = makeDivisible(c * alpha);
    for (let i = 0; i < n && feature <= keepBlocks; i++) {
      const stride = i === 0 ? s : 1;
      const inC = shape[2];
      const hidden = Math.round(inC * t);
      const residual = stride === 1 && inC === outC;
      const p = `features.${feature}.conv`;
      const idx: number[] = [];
      let m = 0;
      if (t !== 1) {
        idx.push(add({ feature, role: 'expand', kind: 'pointwise', weightKey: `${p}.0.0.weight`, bnKey: `${p}.0.1`, kernel: 1, stride: 1, outChannels: hidden, activation: 'relu6', savesResidual: residual }));
        m = 1;
      }
      idx.push(
        add({ feature, role: 'depthwise', kind: 'depthwise', weightKey: `${p}.${m}.0.weight`, bnKey: `${p}.${m}.1`, kernel: 3, stride, outChannels: hidden, activation: 'relu6', savesResidual: residual && t === 1 }),
      );
      const first = idx[0] as number;
      idx.push(
        add({
          feature,
          role: 'project',
          kind: 'pointwise',
          weightKey: `${p}.${m + 1}.weight`,
          bnKey: `${p}.${m + 2}`,
          kernel: 1,
          stride: 1,
          outChannels: outC,
          activation: 'none',
          ...(residual ? { residualFrom: first } : {}),
        }),
      );
      blocks.push({ feature, expansion: t, inChannels: inC, hiddenChannels: hidden, outChannels: outC, stride, residual, layers: idx });
      feature++;
    }
  }

  const lastChannels = makeDivisible(1280 * Math.max(1, alpha));
  feature = HEAD_FEATURE;
  add({ feature, role: 'head', kind: 'pointwise', weightKey: `features.${feature}.0.weight`, bnKey: `features.${feature}.1`, kernel: 1, stride: 1, outChannels: lastChannels, activation: 'relu6' });

  return {
    alpha,
    classes,
    resolution,
    inputShape: [resolution, resolution, 3],
    stemChannels,
    lastChannels,
    layers,
    blocks,
    pool: { inShape: shape, outShape: [1, 1, lastChannels] },
    classifier: {
      weightKey: 'classifier.1.weight',
      biasKey: 'classifier.1.bias',
      inFeatures: lastChannels,
      outFeatures: classes,
      torchShape: [classes, lastChannels],
      dropout: MOBILENET_V2_DROPOUT,
    },
    bnEps: MOBILENET_V2_BN_EPS,
  };
}

export interface StateDictEntrySpec {
  readonly shape: readonly number[];
  /** 'F32' for parameters and running statistics, 'I64' for num_batches_tracked. */
  readonly dtype: 'F32' | 'I64';
}

/** Every key of the torchvision state dict, in torchvision's order, with its shape. */
export function mobileNetV2StateDictSpec(topo: MobileNetV2Topology): Map<string, StateDictEntrySpec> {
  const m = new Map<string, StateDictEntrySpec>();
  for (const l of topo.layers) {
    m.set(l.weightKey, { shape: l.torchShape, dtype: 'F32' });
    for (const p of BN_PARAMS) m.set(`${l.bnKey}.${p}`, { shape: [l.outChannels], dtype: 'F32' });
    m.set(`${l.bnKey}.num_batches_tracked`, { shape: [], dtype: 'I64' });
  }
  m.set(topo.classifier.weightKey, { shape: topo.classifier.torchShape, dtype: 'F32' });
  m.set(topo.classifier.biasKey, { shape: [topo.classifier.outFeatures], dtype: 'F32' });
  return m;
}
