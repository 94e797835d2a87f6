/**
 * Import a torchvision MobileNetV2 state dict into hardened-ready layers:
 * every conv with its BN folded into Po2 weights and a fixed-point bias, plus
 * the classifier both as fixed-point weights (for the programmable NPU,
 * HaShiFlex) and as Po2 weights (fully hardened, HaShiFix).
 *
 * 1. Check the dict against `mobileNetV2StateDictSpec(topology)`: every
 *    expected tensor present, with the expected shape and a float dtype, values
 *    finite; no unexpected tensors (`*.num_batches_tracked` of the model's BN
 *    layers are optional and ignored). All problems are gathered and thrown
 *    together as one `WeightImportError`, one line each, tensor named.
 * 2. Per conv layer (lib numerics, see lib/NUMERICS.md):
 *    torch layout -> lib layout (layout.ts);
 *    keep-mask = pruneMask(weights, sparsity) unless the layer is dense (default
 *      `denseByDefault`: the stem and every depthwise layer);
 *    po2 = quantizePo2Tensor(weights, {range: weightRange, underflow}, keep);
 *    bn  = quantizeBatchNorm({gamma, beta, mean, var, eps}, bnParamFormat);
 *    affine = bnAffine(bn, {biasFormat, scaleRange, scaleUnderflow, biasScale});
 *    weights = foldWeights(po2, affine.scale, outer | inner); bias = affine.bias.
 * 3. Classifier (Linear, OI = torch [out, in]):
 *    NPU: quantizeReal per weight to `classifierFormat`, bias to `classifierBiasFormat` (dense);
 *    Po2: pruned at the model sparsity (linear layers are not dense by default),
 *         quantizePo2Tensor with the same range; bias to `classifierBiasFormat`.
 */
import { printable } from '../../dsl/index.ts';
import { formatName, qformat, rawMax, rawMin, type QFormat, type Saturation } from '../fixed/format.ts';
import { quantizeReal } from '../fixed/quantize.ts';
import { bnAffine } from '../bn/affine.ts';
import { foldWeights } from '../bn/fold.ts';
import { quantizeBatchNorm, type QuantizedBatchNorm } from '../bn/quantize-bn.ts';
import type { BiasVector } from '../golden/conv.ts';
import { expRangeFromBits, type ExpRange } from '../po2/exp-range.ts';
import type { Po2 } from '../po2/po2.ts';
import { denseByDefault, pruneMask } from '../po2/prune.ts';
import { quantizePo2Tensor } from '../po2/quantize.ts';
import { channelLayout, libLayout, torchToLibWeights, type WeightLayout } from './layout.ts';
import { mobileNetV2StateDictSpec, mobileNetV2Topology, type ConvLayerSpec, type MobileNetV2Topology } from './mobilenetv2.ts';
import { isFloatDtype } from './dtypes.ts';
import { sameShape, shapeString, tensorNumbers, toStateDict, type StateDict, type WeightTensor } from './tensor.ts';

const MAX_LISTED = 20;

export class WeightImportError extends Error {
  override name = 'WeightImportError';
  constructor(
    readonly context: string,
    readonly problems: readonly string[],
    readonly hint?: string,
  ) {
    // A long list (a whole model's names) is cut: the first ones show the pattern.
    const shown = problems.length > MAX_LISTED ? [...problems.slice(0, MAX_LISTED), `... and ${problems.length - MAX_LISTED} more`] : problems;
    super(`${context}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${shown.map((p) => printable(p, 300)).join('\n  ')}${hint === undefined ? '' : `\n(${hint})`}`);
  }
}

export interface ImportOptions {
  readonly alpha: number;
  readonly classes: number;
  /** Input resolution (default 224): only sets the layer shapes. */
  readonly resolution?: number;
  /** Inverted residual blocks of a truncated network's state dict (features.1 .. N, head features.18 reading block N); default 17. */
  readonly blocks?: number;
  /** Po2 exponent range of the weights before folding (default expRangeFromBits(weightBits)). */
  readonly weightRange?: ExpRange;
  /** Weight bit-width when no weightRange is given (default 5: exponents [-14, 0]). */
  readonly weightBits?: number;
  /** Below the range: 'clamp' (default, DeepShift) or 'flush' to zero. */
  readonly underflow?: 'clamp' | 'flush';
  /** Model-wide unstructured sparsity of non-dense layers (default 0). */
  readonly sparsity?: number;
  /** Per-layer sparsity overrides, keyed by weight key (e.g. 'features.18.0.weight', 'classifier.1.weight'). */
  readonly layerSparsity?: Readonly<Record<string, number>>;
  /** Which conv layers stay dense (default: `denseByDefault(index, kind)`, i.e. the stem and depthwise layers). */
  readonly dense?: (layer: ConvLayerSpec) => boolean;
  /** Format of gamma, beta, running mean and variance (default Q12.16). */
  readonly bnParamFormat?: QFormat;
  /** BN eps (default 1e-5, torchvision's). */
  readonly bnEps?: number;
  /** Folded conv bias format (default Q8.8). */
  readonly biasFormat?: QFormat;
  /** Clamp of the BN Po2 scale exponent (default none). */
  readonly scaleRange?: ExpRange;
  readonly scaleUnderflow?: 'clamp' | 'flush';
  /** bnAffine bias rule (default 'exact'). */
  readonly biasScale?: 'exact' | 'po2';
  readonly saturation?: Saturation;
  /** NPU classifier weight format (default Q1.15). */
  readonly classifierFormat?: QFormat;
  /** Classifier bias format, both variants (default = biasFormat). */
  readonly classifierBiasFormat?: QFormat;
  /** Also keep each layer's Po2 weights before folding (default false: memory). */
  readonly keepUnfolded?: boolean;
}

export interface ImportedConvLayer extends ConvLayerSpec {
  readonly layout: WeightLayout;
  /** BN-folded Po2 weights in `layout`. */
  readonly weights: readonly Po2[];
  /** Folded per-channel bias. */
  readonly bias: BiasVector;
  /** The Po2 BN scale per output channel (already folded into `weights`). */
  readonly scale: readonly Po2[];
  readonly bn: QuantizedBatchNorm;
  readonly dense: boolean;
  /** Target sparsity applied (0 for dense layers). */
  readonly sparsity: number;
  /** Weights pruned by the mask. */
  readonly pruned: number;
  /** Zero folded weights (pruned, zero, or zero BN scale): adders that are not built. */
  readonly zeros: number;
  /** Values that saturated: BN parameters in bnParamFormat, biases in biasFormat. */
  readonly saturated: { readonly bnParams: number; readonly bias: number };
  /** Po2 weights before folding (only with keepUnfolded). */
  readonly unfoldedWeights?: readonly Po2[];
}

export interface ImportedClassifier {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly layout: 'OI';
  /** For the NPU: raw fixed-point weights (OI) in `fmt`, and the bias. */
  readonly fixed: { readonly weights: readonly bigint[]; readonly fmt: QFormat; readonly bias: BiasVector; readonly saturated: number };
  /** Fully hardened: Po2 weights (OI) and the bias. */
  readonly po2: { readonly weights: readonly Po2[]; readonly bias: BiasVector; readonly sparsity: number; readonly pruned: number };
}

export interface ImportedMobileNetV2 {
  readonly topology: MobileNetV2Topology;
  readonly layers: readonly ImportedConvLayer[];
  readonly classifier: ImportedClassifier;
  /** The numeric choices in force (defaults filled in). */
  readonly numerics: {
    readonly weightRange: ExpRange;
    readonly underflow: 'clamp' | 'flush';
    readonly bnParamFormat: QFormat;
    readonly bnEps: number;
    readonly biasFormat: QFormat;
    readonly classifierFormat: QFormat;
    readonly classifierBiasFormat: QFormat;
  };
}

function outside(xs: readonly number[], f: QFormat): number {
  const lo = Number(rawMin(f)) * 2 ** -f.frac;
  const hi = Number(rawMax(f)) * 2 ** -f.frac;
  return xs.filter((x) => x < lo || x > hi).length;
}

/** Every problem of a state dict against the topology (empty when it fits). */
export function checkMobileNetV2StateDict(dict: StateDict, topo: MobileNetV2Topology): string[] {
  const spec = mobileNetV2StateDictSpec(topo);
  const prefix = commonPrefix(dict, spec);
  if (prefix !== undefined) {
    return [`every tensor name starts with '${prefix}' (as a model wrapped in DataParallel saves them); the importer expects the names without it (e.g. '${[...spec.keys()][0]}')`];
  }
  const problems: string[] = [];
  for (const [key, s] of spec) {
    if (s.dtype === 'I64') continue; // num_batches_tracked: optional, unused
    const t = dict.get(key);
    if (t === undefined) {
      problems.push(`missing tensor '${key}' (expected shape ${shapeString(s.shape)})`);
      continue;
    }
    if (!sameShape(t.shape, s.shape)) {
      problems.push(`tensor '${key}': expected shape ${shapeString(s.shape)}, got ${shapeString(t.shape)}`);
      continue;
    }
    if (!isFloatDtype(t.dtype)) {
      problems.push(`tensor '${key}': dtype ${t.dtype}, expected a floating-point dtype`);
      continue;
    }
    const d = t.data as ArrayLike<number>;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        problems.push(`tensor '${key}': element ${i} is ${d[i]}`);
        break;
      }
    }
    if (key.endsWith('.running_var')) {
      for (let i = 0; i < d.length; i++) {
        if ((d[i] as number) < 0) {
          problems.push(`tensor '${key}': element ${i} is negative (${d[i]})`);
          break;
        }
      }
    }
  }
  for (const key of dict.keys()) if (!spec.has(key)) problems.push(`unexpected tensor '${key}'`);
  return problems;
}

/** A prefix (e.g. 'module.') on every key that, once removed, makes the keys the expected ones: one problem, not thousands. */
function commonPrefix(dict: StateDict, spec: ReadonlyMap<string, unknown>): string | undefined {
  const keys = [...dict.keys()];
  const first = keys[0];
  if (first === undefined || spec.has(first)) return undefined;
  for (let cut = first.indexOf('.') + 1; cut > 0; cut = first.indexOf('.', cut) + 1) {
    const prefix = first.slice(0, cut);
    if (keys.every((k) => k.startsWith(prefix)) && keys.some((k) => spec.has(k.slice(prefix.length)))) return printable(prefix);
  }
  return undefined;
}

const COMMON_ALPHAS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];

/** When the stem or classifier disagree with the options, say what the dict looks like. */
function guessHint(dict: StateDict, topo: MobileNetV2Topology): string | undefined {
  const stem = dict.get(topo.layers[0]?.weightKey ?? '')?.shape;
  const cls = dict.get(topo.classifier.weightKey)?.shape;
  const parts: string[] = [];
  if (stem !== undefined && stem[0] !== topo.stemChannels) {
    const alphas = COMMON_ALPHAS.filter((a) => mobileNetV2Topology({ alpha: a }).stemChannels === stem[0]);
    parts.push(`the stem has ${stem[0]} channels${alphas.length > 0 ? `, as alpha ${alphas.join(' or ')} gives` : ''}`);
  }
  if (cls !== undefined && cls.length === 2 && cls[0] !== topo.classes) parts.push(`the classifier has ${cls[0]} outputs`);
  const blocksInDict = topo.blocks.filter((b) => [...dict.keys()].some((k) => k.startsWith(`features.${b.feature}.`))).length;
  if (blocksInDict < topo.blocks.length) parts.push(`the state dict has ${blocksInDict} of the topology's ${topo.blocks.length} blocks: a truncated network? import it with blocks: ${blocksInDict}`);
  return parts.length > 0 ? `hint: ${parts.join('; ')}` : undefined;
}

function get(dict: StateDict, key: string): number[] {
  return tensorNumbers(dict.get(key) as WeightTensor, key);
}

export function importMobileNetV2(tensors: StateDict | Readonly<Record<string, WeightTensor>>, opts: ImportOptions): ImportedMobileNetV2 {
  const topo = mobileNetV2Topology({
    alpha: opts.alpha,
    classes: opts.classes,
    ...(opts.resolution !== undefined ? { resolution: opts.resolution } : {}),
    ...(opts.blocks !== undefined ? { blocks: opts.blocks } : {}),
  });
  const dict = toStateDict(tensors);
  const problems = checkMobileNetV2StateDict(dict, topo);
  if (problems.length > 0) throw new WeightImportError(`importMobileNetV2 (alpha ${topo.alpha}, ${topo.classes} classes)`, problems, guessHint(dict, topo));

  const weightRange = opts.weightRange ?? expRangeFromBits(opts.weightBits ?? 5);
  const underflow = opts.underflow ?? 'clamp';
  const bnParamFormat = opts.bnParamFormat ?? qformat(12, 16);
  const bnEps = opts.bnEps ?? topo.bnEps;
  const biasFormat = opts.biasFormat ?? qformat(8, 8);
  const classifierFormat = opts.classifierFormat ?? qformat(1, 15);
  const classifierBiasFormat = opts.classifierBiasFormat ?? biasFormat;
  const sat = opts.saturation ?? 'full';
  const sparsity = opts.sparsity ?? 0;
  const sparsityOf = (key: string): number => opts.layerSparsity?.[key] ?? sparsity;
  const isDense = opts.dense ?? ((l: ConvLayerSpec) => denseByDefault(l.index, l.kind));
  const po2Opts = { range: weightRange, underflow };

  const layers: ImportedConvLayer[] = topo.layers.map((l) => {
    const w = torchToLibWeights(get(dict, l.weightKey), l.kind, l.outChannels, l.inChannels / l.groups, l.kernel);
    const dense = isDense(l);
    const s = dense ? 0 : sparsityOf(l.weightKey);
    const keep = dense ? undefined : pruneMask(w, s);
    const po2 = quantizePo2Tensor(w, po2Opts, keep);
    const bnReals = {
      gamma: get(dict, `${l.bnKey}.weight`),
      beta: get(dict, `${l.bnKey}.bias`),
      mean: get(dict, `${l.bnKey}.running_mean`),
      variance: get(dict, `${l.bnKey}.running_var`),
      eps: bnEps,
    };
    const bn = quantizeBatchNorm(bnReals, bnParamFormat, sat);
    const affine = bnAffine(bn, {
      biasFormat,
      ...(opts.scaleRange !== undefined ? { scaleRange: opts.scaleRange } : {}),
      ...(opts.scaleUnderflow !== undefined ? { scaleUnderflow: opts.scaleUnderflow } : {}),
      biasScale: opts.biasScale ?? 'exact',
      saturation: sat,
    });
    const weights = foldWeights(po2, affine.scale, channelLayout(l.kind));
    const biasRange = [Number(rawMin(biasFormat)), Number(rawMax(biasFormat, sat))];
    return {
      ...l,
      layout: libLayout(l.kind),
      weights,
      bias: affine.bias,
      scale: affine.scale,
      bn,
      dense,
      sparsity: s,
      pruned: keep === undefined ? 0 : keep.filter((k) => !k).length,
      zeros: weights.filter((x) => x.sign === 0).length,
      saturated: {
        bnParams: [bnReals.gamma, bnReals.beta, bnReals.mean, bnReals.variance].reduce((a, xs) => a + outside(xs, bnParamFormat), 0),
        bias: affine.bias.raw.filter((r) => Number(r) === biasRange[0] || Number(r) === biasRange[1]).length,
      },
      ...(opts.keepUnfolded === true ? { unfoldedWeights: po2 } : {}),
    };
  });

  const c = topo.classifier;
  const cw = get(dict, c.weightKey);
  const cb = get(dict, c.biasKey);
  const bias: BiasVector = { raw: cb.map((x) => quantizeReal(x, classifierBiasFormat, sat)), fmt: classifierBiasFormat };
  const cs = sparsityOf(c.weightKey);
  const keep = pruneMask(cw, cs);
  const classifier: ImportedClassifier = {
    inFeatures: c.inFeatures,
    outFeatures: c.outFeatures,
    layout: 'OI',
    fixed: { weights: cw.map((x) => quantizeReal(x, classifierFormat, sat)), fmt: classifierFormat, bias, saturated: outside(cw, classifierFormat) },
    po2: { weights: quantizePo2Tensor(cw, po2Opts, keep), bias, sparsity: cs, pruned: keep.filter((k) => !k).length },
  };

  return {
    topology: topo,
    layers,
    classifier,
    numerics: { weightRange, underflow, bnParamFormat, bnEps, biasFormat, classifierFormat, classifierBiasFormat },
  };
}

/** One line per layer: key, kind, shapes, zeros, saturation (for logs and the demo). */
export function describeImport(m: ImportedMobileNetV2): string[] {
  const lines = m.layers.map(
    (l) =>
      `${l.weightKey.padEnd(28)} ${l.kind.padEnd(9)} k${l.kernel} s${l.stride} ${l.inChannels}->${l.outChannels} ${shapeString([...l.outShape])} ` +
      `${l.activation}${l.residualFrom !== undefined ? ` +res(L${l.residualFrom})` : ''} zeros ${l.zeros}/${l.weights.length}` +
      (l.saturated.bnParams + l.saturated.bias > 0 ? ` saturated bn ${l.saturated.bnParams} bias ${l.saturated.bias}` : ''),
  );
  const c = m.classifier;
  lines.push(`classifier.1.weight          linear    ${c.inFeatures}->${c.outFeatures} NPU ${formatName(c.fixed.fmt)} (saturated ${c.fixed.saturated}), Po2 pruned ${c.po2.pruned}`);
  return lines;
}
