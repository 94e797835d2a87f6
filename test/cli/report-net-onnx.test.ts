// `hashi report net MODEL.onnx`: the imported model's streaming form measured with Yosys, per conv layer.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tinyModel } from '../nets/onnx/models.ts';

const dir = mkdtempSync(join(tmpdir(), 'hashi-report-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reports a QDQ model layer by layer: adders near the nonzero Po2 weights, no multiplier, JSON last', () => {
  const model = join(dir, 'tiny.onnx');
  writeFileSync(model, tinyModel());
  const r = spawnSync(process.execPath, ['cli/bin.mjs', 'report', 'net', model, '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const rep = JSON.parse(lines[lines.length - 1]!) as { layers: { name: string; nonzero_weights: number; adders: number | null; gates: number | null }[]; total: { mul_cells: number; adders: number } };
  expect(rep.layers).toHaveLength(2); // the conv and the Gemm
  const conv = rep.layers[0]!;
  // A tree of n nonzero terms has n - 1 adders, plus the bias adder, per output channel (4 here).
  expect(conv.adders).toBeGreaterThanOrEqual(conv.nonzero_weights - 4);
  expect(conv.adders).toBeLessThanOrEqual(conv.nonzero_weights + 4);
  expect(conv.gates).toBeGreaterThan(0);
  expect(rep.layers[1]!.adders).toBeNull(); // the Gemm is built in the top module
  expect(rep.total.mul_cells).toBe(0);
  expect(rep.total.adders).toBeGreaterThan(conv.adders!);
}, 600_000);
