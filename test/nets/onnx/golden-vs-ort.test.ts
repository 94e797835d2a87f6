// ONNX import: the golden model of an imported QDQ model equals ONNX Runtime bit for bit
// (integers compared after dequantization), on models the tests write themselves.
import { describe, expect, it } from 'vitest';
import { graphGolden } from '../../../lib/nets/graph-golden.ts';
import { decodeOnnx } from '../../../lib/nets/onnx/decode.ts';
import { importOnnx, outputToOnnxOrder, quantizeInput } from '../../../lib/nets/onnx/import.ts';
import { runOnnxRuntime } from '../../../lib/nets/onnx/reference.ts';
import { mobileNetV2StyleModel, QdqModelWriter, randomInputs, resnetStyleModel } from './models.ts';

const INPUTS = 24;

async function compareWithOrt(bytes: Uint8Array, file: string, seed: number): Promise<{ compared: number; mismatches: number; distinct: number }> {
  const imported = importOnnx(decodeOnnx(bytes, file));
  const [C, H, W] = imported.input.chw;
  const xs = randomInputs(INPUTS, C * H * W, seed);
  const ref = await runOnnxRuntime(bytes, xs, [1, C, H, W]);
  let compared = 0;
  let mismatches = 0;
  const seen = new Set<string>();
  xs.forEach((x, i) => {
    const gold = outputToOnnxOrder(imported, graphGolden(imported.graph, quantizeInput(imported, x)).output);
    const want = [...(ref.outputs[i] as Float32Array)];
    expect(gold.length).toBe(want.length);
    gold.forEach((g, k) => {
      compared++;
      if (g !== want[k]) mismatches++;
    });
    seen.add(want.join(','));
  });
  return { compared, mismatches, distinct: seen.size };
}

describe('ONNX import: golden model vs ONNX Runtime', () => {
  it('ResNet-style QDQ model (max-pooled stem, residual adds, stride 2, Gemm, floor and half-even requantization): bit for bit', async () => {
    const r = await compareWithOrt(resnetStyleModel(), 'resnet_style.onnx', 11);
    expect(r.compared).toBe(INPUTS * 10);
    expect(r.mismatches).toBe(0);
    expect(r.distinct).toBeGreaterThan(INPUTS / 2); // the outputs depend on the input (not all saturated or zero)
  });

  it('MobileNetV2-style QDQ model (depthwise, pointwise, ReLU6, residual, Gemm): bit for bit', async () => {
    const r = await compareWithOrt(mobileNetV2StyleModel(), 'mobilenetv2_style.onnx', 12);
    expect(r.compared).toBe(INPUTS * 10);
    expect(r.mismatches).toBe(0);
    expect(r.distinct).toBeGreaterThan(INPUTS / 2);
  });

  it('the floor pattern imports as a floor requantization, and the mode matters: half-even there disagrees with ONNX Runtime', async () => {
    const bytes = resnetStyleModel();
    const imported = importOnnx(decodeOnnx(bytes, 'resnet_style.onnx'));
    const floors = imported.graph.nodes.filter((n) => n.op === 'requantize' && n.out.rounding === 'floor');
    expect(floors.length).toBe(1);
    const flipped = { ...imported.graph, nodes: imported.graph.nodes.map((n) => (n.op === 'requantize' && n.out.rounding === 'floor' ? { ...n, out: { ...n.out, rounding: 'half-even' as const } } : n)) };
    const xs = randomInputs(INPUTS, 3 * 8 * 8, 13);
    const ref = await runOnnxRuntime(bytes, xs, [1, 3, 8, 8]);
    let differ = 0;
    xs.forEach((x, i) => {
      const got = outputToOnnxOrder(imported, graphGolden(flipped, quantizeInput(imported, x)).output);
      if (got.some((g, k) => g !== ref.outputs[i]![k])) differ++;
    });
    expect(differ).toBeGreaterThan(0);
  });

});

describe('ONNX import: BatchNormalization and float weights', () => {
  it('Conv -> BatchNormalization is folded (a BN whose folded weights stay Po2: golden = ONNX Runtime)', async () => {
    const m = new QdqModelWriter(5);
    const x = m.qdq('x', 5);
    const conv = m.conv(x, 3, 4, { k: 3 });
    // scale gamma / sqrt(var + eps) = 1 / 2, 2, 1, 1 / 4 (eps 0): Po2, so the folded weights are exact.
    const bn = m.node('BatchNormalization', [conv, m.constant([4], [1, 4, 2, 1]), m.constant([4], [0.25, -0.5, 0, 0.125]), m.constant([4], [0.0625, -0.25, 0.5, 0]), m.constant([4], [4, 4, 4, 16])], { epsilon: { float: 0 } });
    const y = m.qdq(m.node('Relu', [bn]), 4);
    const bytes = m.encode('bn', 'x', [1, 3, 4, 4], y, [1, 4, 4, 4]);
    const imported = importOnnx(decodeOnnx(bytes, 'bn.onnx'));
    expect(imported.graph.nodes.filter((n) => n.op === 'conv')).toHaveLength(1);
    expect(imported.layers[0]!.weights).toBe('exact');
    const xs = randomInputs(8, 48, 3);
    const ref = await runOnnxRuntime(bytes, xs, [1, 3, 4, 4]);
    xs.forEach((x, i) => expect(outputToOnnxOrder(imported, graphGolden(imported.graph, quantizeInput(imported, x)).output)).toEqual([...ref.outputs[i]!]));
  });

  it('float weights that are not Po2 are quantized by the library rules (weight bits, sparsity) and the import says so', () => {
    const m = new QdqModelWriter(6);
    const x = m.qdq('x', 5);
    const ws = Array.from({ length: 4 * 4 }, (_, i) => (i % 3 === 0 ? 0.3 : -0.07) * (1 + i / 16));
    const h = m.qdq(m.node('Relu', [m.conv(x, 4, 4, { k: 1 })]), 4);
    const y = m.qdq(m.node('Conv', [h, m.constant([4, 4, 1, 1], ws)], { kernel_shape: [1, 1] }, 'float_conv'), 4);
    const imported = importOnnx(decodeOnnx(m.encode('f', 'x', [1, 4, 2, 2], y, [1, 4, 2, 2]), 'f.onnx'), { weightBits: 3, sparsity: 0.5 });
    const layer = imported.layers[1]!;
    expect(layer.weights).toBe('quantized');
    expect(layer.nonzero).toBe(8); // half pruned
    expect(imported.notes.join('\n')).toMatch(/node 'float_conv' \(Conv\): float weights quantized to Po2 \(exponents \[-2, 0\], sparsity 0\.5\)/);
    const conv = imported.graph.nodes.find((n) => n.op === 'conv' && n.name === 'float_conv');
    expect(conv?.op === 'conv' && conv.params.weights.every((w) => w.sign === 0 || (w.exp >= -2 && w.exp <= 0))).toBe(true);
  });
});
