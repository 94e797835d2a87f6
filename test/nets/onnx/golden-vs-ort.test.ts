// ONNX import: the golden model of an imported QDQ model equals ONNX Runtime bit for bit
// (integers compared after dequantization), on models the tests write themselves.
import { describe, expect, it } from 'vitest';
import { graphGolden } from '../../../lib/nets/graph-golden.ts';
import { decodeOnnx } from '../../../lib/nets/onnx/decode.ts';
import { importOnnx, outputToOnnxOrder, quantizeInput } from '../../../lib/nets/onnx/import.ts';
import { runOnnxRuntime } from '../../../lib/nets/onnx/reference.ts';
import { mobileNetV2StyleModel, randomInputs, resnetStyleModel } from './models.ts';

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
