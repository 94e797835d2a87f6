// The trained digits networks as train/ exports them to ONNX: hashi's importer and golden
// model give train/'s integer reference scores on every test image, and ONNX Runtime
// (which nobody here wrote) gives the same scores from the same file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digitImage, readDigitsReference, trainedOnnxFile, type DigitsTask } from '../../../designs/trained-digits.ts';
import { graphGolden } from '../../../lib/nets/graph-golden.ts';
import { decodeOnnx } from '../../../lib/nets/onnx/decode.ts';
import { importOnnx, outputToOnnxOrder } from '../../../lib/nets/onnx/import.ts';
import { runOnnxRuntime } from '../../../lib/nets/onnx/reference.ts';

const ref = readDigitsReference();
const SCORE_SCALE = 256; // Q8.8 scores

/** The image as ONNX's float NCHW input: raw / 32 on each of the three channels. */
function onnxInput(pixels: readonly number[], r: number): Float32Array {
  const x = new Float32Array(3 * r * r);
  const f = r / 8;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < r; y++) for (let xx = 0; xx < r; xx++) x[(c * r + y) * r + xx] = (4 * pixels[Math.floor(y / f) * 8 + Math.floor(xx / f)]! - 32) / 32;
  return x;
}

describe.each(['A', 'B'] as const)('trained digits, task %s, exported to ONNX', (task: DigitsTask) => {
  const file = trainedOnnxFile(task);
  const bytes = readFileSync(file);
  const want = ref[task].po2_scores;
  const pixels = ref[task].pixels;
  const r = ref.config.resolution;

  it('hashi imports it exactly (every weight and bias already Po2 / exact) and its golden model gives the reference scores on every test image', () => {
    const imported = importOnnx(decodeOnnx(bytes, file));
    expect(imported.layers.every((l) => l.weights === 'exact' && l.bias !== 'quantized')).toBe(true);
    expect(imported.input.chw).toEqual([3, r, r]);
    let agree = 0;
    pixels.forEach((p, i) => {
      const out = outputToOnnxOrder(imported, graphGolden(imported.graph, digitImage(p, r, imported.input.fmt)).output);
      if (out.every((v, k) => v * SCORE_SCALE === want[i]![k])) agree++;
    });
    expect(agree).toBe(pixels.length);
  });

  it('ONNX Runtime (optimizations off) gives the same scores on every test image', async () => {
    const run = await runOnnxRuntime(bytes, pixels.map((p) => onnxInput(p, r)), [1, 3, r, r]);
    const got = run.outputs.map((o) => [...o].map((v) => v * SCORE_SCALE));
    expect(got).toEqual(want);
    const distinct = new Set(got.map((s) => s.join(','))).size;
    expect(distinct).toBeGreaterThan(pixels.length / 2); // scores depend on the image
  });
});
