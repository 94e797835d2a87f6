// The acceptance check: a QDQ model written by the test, imported, hardened in the
// streaming form and simulated in Verilator, gives ONNX Runtime's outputs bit for bit on random
// inputs (integers compared after dequantization), through the same runner as `hashi infer`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferOnnx } from '../../../lib/nets/onnx/infer.ts';
import { simulate } from '../../../sim/index.ts';
import { cnnModule } from '../../../designs/cnn.ts';
import { mobileNetV2StyleModel, randomInputs, resnetStyleModel } from './models.ts';

const INPUTS = 6;
const dir = mkdtempSync(join(tmpdir(), 'hashi-onnx-'));

async function hardenedVsOrt(name: string, bytes: Uint8Array, seed: number) {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  const xs = randomInputs(INPUTS, 3 * 8 * 8, seed);
  const r = await inferOnnx(path, xs, { simulate: (g) => simulate(cnnModule(g)), reference: true });
  expect(r.reference).toBeDefined();
  let vsReference = 0;
  r.outputs.forEach((y, i) => y.forEach((v, k) => (vsReference += v === r.reference![i]![k] ? 0 : 1)));
  return { r, vsReference };
}

describe('hardened ONNX models in Verilator vs ONNX Runtime', () => {
  it('ResNet-style (max-pooled stem, residual adds, stride-2 stage with projection, Gemm; floor and half-even): bit for bit', async () => {
    const { r, vsReference } = await hardenedVsOrt('resnet_style', resnetStyleModel(), 21);
    expect(r.compared).toBe(INPUTS * 10);
    expect(vsReference).toBe(0);
    expect(r.mismatches).toBe(0);
    expect(new Set(r.outputs.map((y) => y.join(','))).size).toBeGreaterThan(INPUTS / 2);
    expect(r.cyclesPerInput).toBeGreaterThan(0);
  }, 600_000); // a cold Verilator build on a busy 2-core machine

  it('MobileNetV2-style (depthwise, pointwise, ReLU6, residual, Gemm): bit for bit', async () => {
    const { r, vsReference } = await hardenedVsOrt('mobilenetv2_style', mobileNetV2StyleModel(), 22);
    expect(r.compared).toBe(INPUTS * 10);
    expect(vsReference).toBe(0);
    expect(r.mismatches).toBe(0);
    expect(new Set(r.outputs.map((y) => y.join(','))).size).toBeGreaterThan(INPUTS / 2);
  }, 600_000);
});
