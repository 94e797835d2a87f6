import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PO2_ZERO,
  Prng,
  WeightImportError,
  applyBnAffine,
  conv2dAcc,
  depthwiseAcc,
  expRangeFromBits,
  importMobileNetV2,
  mulPo2,
  pointwiseAcc,
  pruneCount,
  qformat,
  quantizePo2,
  quantizeReal,
  describeImport,
  randomMobileNetV2StateDict,
  readSafetensors,
  readSafetensorsFile,
  writeSafetensorsFile,
  torchToLibWeights,
  writeSafetensors,
  type FixedTensor,
  type ImportedMobileNetV2,
  type WeightTensor,
} from '../../lib/index.ts';

const ALPHA = 0.35;
const CLASSES = 10;
const RES = 16;
const SEED = 5;

function importError(f: () => unknown): WeightImportError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightImportError);
    return e as WeightImportError;
  }
  throw new Error('expected a WeightImportError');
}

function fresh(): Map<string, WeightTensor> {
  return randomMobileNetV2StateDict({ alpha: ALPHA, classes: CLASSES, seed: SEED });
}

describe('torch -> lib weight layouts', () => {
  it('conv OIHW -> OHWI, depthwise C1HW -> HWC, pointwise unchanged', () => {
    // conv: 2 out, 2 in, 2x2 kernel; value = o*1000 + i*100 + ky*10 + kx at torch index ((o*I+i)*k+ky)*k+kx.
    const torch: number[] = [];
    for (let o = 0; o < 2; o++) for (let i = 0; i < 2; i++) for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) torch.push(o * 1000 + i * 100 + ky * 10 + kx);
    expect(torchToLibWeights(torch, 'conv', 2, 2, 2)).toEqual([0, 100, 1, 101, 10, 110, 11, 111, 1000, 1100, 1001, 1101, 1010, 1110, 1011, 1111]);
    // depthwise: 3 channels, 2x2; value = c*10 + tap.
    const dw = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];
    expect(torchToLibWeights(dw, 'depthwise', 3, 1, 2)).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]);
    expect(torchToLibWeights([1, 2, 3, 4, 5, 6], 'pointwise', 2, 3, 1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => torchToLibWeights([1, 2], 'pointwise', 2, 3, 1)).toThrow('2 values for [2,3,1,1]');
  });
});

describe('importMobileNetV2 of a random state dict', () => {
  let dict: Map<string, WeightTensor>;
  let m: ImportedMobileNetV2;
  beforeAll(() => {
    dict = fresh();
    m = importMobileNetV2(dict, { alpha: ALPHA, classes: CLASSES, resolution: RES, sparsity: 0.5, keepUnfolded: true });
  });

  it('has every layer with lib layouts, lengths, flags and prunes only non-dense layers', () => {
    expect(m.layers.length).toBe(52);
    for (const l of m.layers) {
      expect(l.weights.length).toBe(l.torchShape.reduce((a, b) => a * b, 1));
      expect(l.bias.raw.length).toBe(l.outChannels);
      expect(l.scale.length).toBe(l.outChannels);
      expect(l.layout).toBe(l.kind === 'conv' ? 'OHWI' : l.kind === 'depthwise' ? 'HWC' : 'OI');
      const dense = l.index === 0 || l.kind === 'depthwise';
      expect(l.dense).toBe(dense);
      expect(l.pruned).toBe(dense ? 0 : pruneCount(l.weights.length, 0.5));
      expect(l.zeros).toBeGreaterThanOrEqual(l.pruned);
    }
    expect(m.layers.filter((l) => l.residualFrom !== undefined).length).toBe(10);
    const c = m.classifier;
    expect(c.fixed.weights.length).toBe(CLASSES * 1280);
    expect(c.po2.weights.length).toBe(CLASSES * 1280);
    expect(c.po2.pruned).toBe(pruneCount(CLASSES * 1280, 0.5));
    expect(c.po2.weights.filter((w) => w.sign === 0).length).toBe(c.po2.pruned);
    expect(m.numerics.weightRange).toEqual(expRangeFromBits(5));
  });

  it('weights are the torch weights quantized, placed in lib layout and folded with the BN scale', () => {
    const range = expRangeFromBits(5);
    const stem = m.layers[0];
    const tw = dict.get('features.0.0.weight')?.data as Float32Array;
    // OHWI index ((o*3+ky)*3+kx)*3+i <- torch ((o*3+i)*3+ky)*3+kx; channel o outermost.
    for (const [o, ky, kx, i] of [
      [0, 0, 0, 0],
      [5, 1, 2, 2],
      [15, 2, 1, 1],
    ] as const) {
      const want = mulPo2(quantizePo2(tw[((o * 3 + i) * 3 + ky) * 3 + kx] as number, { range }), stem?.scale[o] ?? PO2_ZERO);
      expect(stem?.weights[((o * 3 + ky) * 3 + kx) * 3 + i]).toEqual(want);
    }
    const dwl = m.layers.find((l) => l.weightKey === 'features.2.conv.1.0.weight');
    const dw = dict.get('features.2.conv.1.0.weight')?.data as Float32Array;
    const C = dwl?.outChannels ?? 0;
    for (const [c, t] of [
      [0, 0],
      [7, 4],
      [C - 1, 8],
    ] as const) {
      expect(dwl?.weights[t * C + c]).toEqual(mulPo2(quantizePo2(dw[c * 9 + t] as number, { range }), dwl?.scale[c] ?? PO2_ZERO));
    }
    // The classifier: NPU weights are floor-quantized Q1.15, bias Q8.8.
    const cw = dict.get('classifier.1.weight')?.data as Float32Array;
    expect(m.classifier.fixed.weights[1234]).toBe(quantizeReal(cw[1234] as number, qformat(1, 15)));
    expect(m.classifier.fixed.bias.fmt).toEqual(qformat(8, 8));
  });

  it('folded layers equal conv + unfolded BN affine on the golden models (exact mode)', () => {
    const p = new Prng(9);
    const act = qformat(3, 5);
    const input = (shape: readonly [number, number, number]): FixedTensor => ({
      shape,
      fmt: act,
      data: Array.from({ length: shape[0] * shape[1] * shape[2] }, () => p.fixedRaw(act)),
    });
    for (const key of ['features.0.0.weight', 'features.2.conv.1.0.weight', 'features.3.conv.2.weight']) {
      const l = m.layers.find((x) => x.weightKey === key);
      if (l === undefined || l.unfoldedWeights === undefined) throw new Error(key);
      const x = input(l.inShape);
      const run = (w: typeof l.weights, withBias: boolean): FixedTensor => {
        const o = { stride: l.stride, ...(withBias ? { bias: l.bias } : {}) };
        if (l.kind === 'conv') return conv2dAcc(x, w, l.outChannels, l.kernel, o);
        if (l.kind === 'depthwise') return depthwiseAcc(x, w, l.kernel, o);
        return pointwiseAcc(x, w, l.outChannels, o);
      };
      const folded = run(l.weights, true);
      const unfolded = applyBnAffine(run(l.unfoldedWeights, false), { scale: l.scale, bias: l.bias });
      expect(folded.shape).toEqual(l.outShape);
      const f = folded.fmt.frac;
      const u = unfolded.fmt.frac;
      const F = Math.max(f, u);
      folded.data.forEach((r, i) => expect(r << BigInt(F - f)).toBe((unfolded.data[i] as bigint) << BigInt(F - u)));
    }
  });

  it('round-trips through a safetensors file to the same import', () => {
    const file = writeSafetensors(dict, { format: 'pt' });
    const back = readSafetensors(file).tensors;
    const m2 = importMobileNetV2(back, { alpha: ALPHA, classes: CLASSES, resolution: RES, sparsity: 0.5 });
    expect(m2.layers.map((l) => l.weights)).toEqual(m.layers.map((l) => l.weights));
    expect(m2.layers.map((l) => l.bias)).toEqual(m.layers.map((l) => l.bias));
    expect(m2.classifier.fixed).toEqual(m.classifier.fixed);
  });

  it('imports an F16 / BF16 dict from a file on disk (values as the file holds them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashi-weights-'));
    try {
      const half = new Map([...dict].map(([k, t]) => [k, t.dtype === 'F32' ? { ...t, dtype: k.startsWith('classifier') ? ('BF16' as const) : ('F16' as const) } : t]));
      const path = join(dir, 'm.safetensors');
      writeSafetensorsFile(path, half);
      const back = readSafetensorsFile(path).tensors;
      expect(back.get('features.0.0.weight')?.dtype).toBe('F16');
      expect(back.get('classifier.1.weight')?.dtype).toBe('BF16');
      const m16 = importMobileNetV2(back, { alpha: ALPHA, classes: CLASSES, resolution: RES });
      expect(m16.layers.length).toBe(52);
      const lines = describeImport(m16);
      expect(lines.length).toBe(53);
      expect(lines[0]).toMatch(/^features\.0\.0\.weight +conv +k3 s2 3->16 \[8,8,16\] relu6 zeros 0\/432/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours per-layer sparsity, dense overrides and flush underflow', () => {
    const m3 = importMobileNetV2(dict, {
      alpha: ALPHA,
      classes: CLASSES,
      resolution: RES,
      sparsity: 0.25,
      layerSparsity: { 'features.18.0.weight': 0.9, 'classifier.1.weight': 0 },
      dense: (l) => l.index === 0,
    });
    const head = m3.layers.find((l) => l.weightKey === 'features.18.0.weight');
    expect(head?.pruned).toBe(pruneCount(head?.weights.length ?? 0, 0.9));
    const dw = m3.layers.find((l) => l.kind === 'depthwise');
    expect(dw?.pruned).toBe(pruneCount(dw?.weights.length ?? 0, 0.25));
    expect(m3.classifier.po2.pruned).toBe(0);
    expect(m3.layers[0]?.pruned).toBe(0);
    const m4 = importMobileNetV2(dict, { alpha: ALPHA, classes: CLASSES, resolution: RES, weightBits: 3, underflow: 'flush' });
    const stem = m4.layers[0];
    const tw = Array.from(dict.get('features.0.0.weight')?.data as Float32Array);
    expect(stem?.pruned).toBe(0);
    expect(stem?.zeros).toBe(tw.filter((x) => Math.abs(x) < 2 ** -2.5).length);
    expect(stem?.zeros).toBeGreaterThan(0);
  });
});

describe('importMobileNetV2 refuses a state dict that does not fit', () => {
  const opts = { alpha: ALPHA, classes: CLASSES, resolution: RES };

  it('names a missing tensor with its expected shape', () => {
    const d = fresh();
    d.delete('features.3.conv.1.0.weight');
    const e = importError(() => importMobileNetV2(d, opts));
    expect(e.problems).toEqual(["missing tensor 'features.3.conv.1.0.weight' (expected shape [48,1,3,3])"]);
    expect(e.message).toBe("importMobileNetV2 (alpha 0.35, 10 classes): 1 problem:\n  missing tensor 'features.3.conv.1.0.weight' (expected shape [48,1,3,3])");
  });

  it('names a wrong shape with expected and actual', () => {
    const d = fresh();
    d.set('features.5.conv.3.running_var', { dtype: 'F32', shape: [17], data: new Float32Array(17).fill(1) });
    const e = importError(() => importMobileNetV2(d, opts));
    expect(e.problems).toEqual(["tensor 'features.5.conv.3.running_var': expected shape [16], got [17]"]);
  });

  it('lists unexpected tensors, but accepts missing or present num_batches_tracked', () => {
    const d = fresh();
    d.set('features.19.0.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    d.set('features.99.1.num_batches_tracked', { dtype: 'I64', shape: [], data: new BigInt64Array(1) });
    d.delete('features.4.conv.1.1.num_batches_tracked');
    const e = importError(() => importMobileNetV2(d, opts));
    expect(e.problems).toEqual(["unexpected tensor 'features.19.0.weight'", "unexpected tensor 'features.99.1.num_batches_tracked'"]);
    const ok = fresh();
    for (const k of [...ok.keys()]) if (k.endsWith('num_batches_tracked')) ok.delete(k);
    expect(importMobileNetV2(ok, opts).layers.length).toBe(52);
  });

  it('wrong integer dtype, non-finite values, negative variance', () => {
    const d = fresh();
    d.set('classifier.1.bias', { dtype: 'I32', shape: [10], data: new Int32Array(10) });
    const w = new Float32Array(d.get('features.1.conv.1.weight')?.data as Float32Array);
    w[3] = NaN;
    d.set('features.1.conv.1.weight', { dtype: 'F32', shape: [8, 16, 1, 1], data: w });
    const v = new Float32Array(16).fill(1);
    v[2] = -1;
    d.set('features.0.1.running_var', { dtype: 'F32', shape: [16], data: v });
    const e = importError(() => importMobileNetV2(d, opts));
    expect(e.problems).toEqual([
      "tensor 'features.0.1.running_var': element 2 is negative (-1)",
      "tensor 'features.1.conv.1.weight': element 3 is NaN",
      "tensor 'classifier.1.bias': dtype I32, expected a floating-point dtype",
    ]);
  });

  it('a dict for another width or class count fails on the first layer and the classifier', () => {
    const e = importError(() => importMobileNetV2(fresh(), { alpha: 1, classes: CLASSES, resolution: RES }));
    expect(e.problems[0]).toBe("tensor 'features.0.0.weight': expected shape [32,3,3,3], got [16,3,3,3]");
    expect(e.hint).toBe('hint: the stem has 16 channels, as alpha 0.35 or 0.5 gives');
    expect(e.message.endsWith('\n(hint: the stem has 16 channels, as alpha 0.35 or 0.5 gives)')).toBe(true);
    const e2 = importError(() => importMobileNetV2(fresh(), { ...opts, classes: 1000 }));
    expect(e2.problems).toEqual(["tensor 'classifier.1.weight': expected shape [1000,1280], got [10,1280]", "tensor 'classifier.1.bias': expected shape [1000], got [10]"]);
    expect(e2.hint).toBe('hint: the classifier has 10 outputs');
  });
});
