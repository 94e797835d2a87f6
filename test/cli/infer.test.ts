// `hashi infer` end to end, as a user runs it: a model file it has never seen (written here) and
// a .npy of inputs; the JSON line's outputs equal ONNX Runtime's (run here, independently).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnxRuntime } from '../../lib/nets/onnx/reference.ts';
import { encodeNpy } from '../../lib/util/npy.ts';
import { QdqModelWriter, randomInputs, tinyModel } from '../nets/onnx/models.ts';

const dir = mkdtempSync(join(tmpdir(), 'hashi-infer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hashi(...args: string[]) {
  return spawnSync(process.execPath, ['cli/bin.mjs', ...args], { encoding: 'utf8' });
}

function writeInputs(name: string, xs: readonly Float32Array[], chw: readonly number[]): string {
  const path = join(dir, name);
  const all = new Float32Array(xs.length * xs[0]!.length);
  xs.forEach((x, i) => all.set(x, i * x.length));
  writeFileSync(path, encodeNpy([xs.length, ...chw], all));
  return path;
}

describe('hashi infer', () => {
  it('runs a QDQ model (conv, ReLU, global pool, Gemm): hardware = golden = ONNX Runtime, JSON last on stdout', async () => {
    const bytes = tinyModel();
    const model = join(dir, 'net.onnx');
    writeFileSync(model, bytes);
    const xs = randomInputs(3, 3 * 4 * 4, 31);
    const r = hashi('infer', model, '--inputs', writeInputs('x.npy', xs, [3, 4, 4]), '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => /^input \d: ok$/.test(l))).toHaveLength(3);
    const json = JSON.parse(lines[lines.length - 1]!) as { outputs: number[][]; golden: number[][]; mismatches: number; cycles_per_input: number };
    expect(json.mismatches).toBe(0);
    expect(json.outputs).toHaveLength(3);
    expect(json.golden).toEqual(json.outputs);
    expect(json.cycles_per_input).toBeGreaterThanOrEqual(16); // at least one cycle per input pixel
    expect(new Set(json.outputs.map((y) => y.join(','))).size).toBeGreaterThan(1);
    const ref = await runOnnxRuntime(bytes, xs, [1, 3, 4, 4]);
    expect(json.outputs).toEqual(ref.outputs.map((y) => [...y]));
  }, 600_000); // a cold Verilator build on a busy 2-core machine

  it('--form unrolled (the paper\'s form, combinational): the same outputs as ONNX Runtime, one cycle per input', async () => {
    const bytes = tinyModel();
    const model = join(dir, 'net_unrolled.onnx');
    writeFileSync(model, bytes);
    const xs = randomInputs(3, 3 * 4 * 4, 32);
    const r = hashi('infer', model, '--inputs', writeInputs('xu.npy', xs, [3, 4, 4]), '--form', 'unrolled', '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1]!) as { outputs: number[][]; golden: number[][]; mismatches: number; cycles_per_input: number };
    expect(json.mismatches).toBe(0);
    expect(json.cycles_per_input).toBe(1);
    const ref = await runOnnxRuntime(bytes, xs, [1, 3, 4, 4]);
    expect(json.outputs).toEqual(ref.outputs.map((y) => [...y]));
  }, 600_000);

  it('an unsupported op: one clear line naming the node, no stack, exit 1', () => {
    const m = new QdqModelWriter(1);
    const y = m.qdq(m.node('Sigmoid', [m.qdq('x', 4)], {}, 'gate'), 4);
    const model = join(dir, 'sigmoid.onnx');
    writeFileSync(model, m.encode('s', 'x', [1, 2, 2, 2], y, [1, 2, 2, 2]));
    const r = hashi('infer', model, '--inputs', writeInputs('s.npy', randomInputs(1, 8, 1), [2, 2, 2]));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*sigmoid\.onnx: node 'gate' \(Sigmoid\): operator Sigmoid is not supported/m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('inputs of the wrong shape, or no --inputs: clear errors', () => {
    const model = join(dir, 'net2.onnx');
    writeFileSync(model, tinyModel());
    const bad = hashi('infer', model, '--inputs', writeInputs('bad.npy', randomInputs(2, 3 * 8 * 8, 1), [3, 8, 8]));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.npy: inputs of shape \(2, 3, 8, 8\); the model 'image' takes \(N, 3, 4, 4\)/);
    const none = hashi('infer', model);
    expect(none.status).toBe(2); // a usage error
    expect(none.stderr).toMatch(/--inputs FILE\.npy is required/);
  });
});
