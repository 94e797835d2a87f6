// What a new classifier costs each flagship design, checked on the emitted
// SystemVerilog: two torchvision state dicts (safetensors files) that share the
// feature extractor's tensors and differ in the classifier (a transfer-learned
// task). HaShiFlex takes both as the same chip (every SV byte identical: the
// classifier goes in through the NPU's weight port), whose hardened part is
// the extractor's SV emitted alone; HaShiFix becomes a different chip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elaborate, emitVerilog, type ModuleDef, type Params } from '../../dsl/index.ts';
import { HaShiFix, hashiFixDefaults } from '../../designs/hashifix.ts';
import { HaShiFlex, hashiFlexDefaults } from '../../designs/hashiflex.ts';
import { MobileNetV2, mobileNetV2Defaults, type MobileNetV2NetParams } from '../../designs/mobilenetv2.ts';
import { sameModulesAs, svDigest } from '../../designs/sv-digest.ts';
import { randomMobileNetV2StateDict, writeSafetensorsFile } from '../../lib/index.ts';

const SHAPE = { alpha: 0.35, resolution: 12, blocks: 3, headChannels: 24, sparsity: 0.5, seed: 3 };
const CLASSES = 6;
type WeightsFile = MobileNetV2NetParams['weights'];

describe('hardened SystemVerilog under a classifier change', () => {
  let dir: string;
  let fileA: WeightsFile;
  let fileB: WeightsFile;
  const emit = async <P extends Params>(def: ModuleDef<P, unknown>, p: P, name: string) =>
    (await emitVerilog(elaborate(def, p), { outDir: join(dir, name) })).svFiles;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hashi-hardened-sv-'));
    const a = randomMobileNetV2StateDict({ alpha: 0.35, resolution: 12, classes: 6, seed: 5 });
    const other = randomMobileNetV2StateDict({ alpha: 0.35, resolution: 12, classes: 6, seed: 6 });
    const b = new Map(a);
    for (const key of ['classifier.1.weight', 'classifier.1.bias']) b.set(key, other.get(key)!);
    fileA = `${join(dir, 'taskA')}.safetensors`;
    fileB = `${join(dir, 'taskB')}.safetensors`;
    writeSafetensorsFile(fileA, a);
    writeSafetensorsFile(fileB, b);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('HaShiFlex: the same SystemVerilog, byte for byte, for either task', async () => {
    const a = await emit(HaShiFlex, { ...hashiFlexDefaults, fe: { ...hashiFlexDefaults.fe, ...SHAPE, weights: fileA }, classes: CLASSES }, 'flexA');
    const b = await emit(HaShiFlex, { ...hashiFlexDefaults, fe: { ...hashiFlexDefaults.fe, ...SHAPE, weights: fileB }, classes: CLASSES }, 'flexB');
    expect(svDigest(b)).toEqual(svDigest(a));
  });

  it('HaShiFlex\'s hardened part is the extractor emitted alone, byte for byte; HaShiFix is a different chip per task', async () => {
    const fe = await emit(MobileNetV2, { ...mobileNetV2Defaults, ...SHAPE, weights: fileA }, 'fe');
    const flex = await emit(HaShiFlex, { ...hashiFlexDefaults, fe: { ...hashiFlexDefaults.fe, ...SHAPE, weights: fileA }, classes: CLASSES }, 'flexA2');
    const hardened = sameModulesAs(fe);
    expect(svDigest(flex, hardened)).toEqual(svDigest(fe));
    expect(svDigest(flex, (n) => !hardened(n)).files).toBeGreaterThan(0); // the NPU and the top
    // HaShiFix: the classifier is logic, so the task is in the SV. (firtool also
    // specializes the extractor to it: a feature no class uses is removed there.)
    const a = await emit(HaShiFix, { ...hashiFixDefaults, fe: { ...hashiFixDefaults.fe, ...SHAPE, weights: fileA }, classes: CLASSES }, 'fixA');
    const b = await emit(HaShiFix, { ...hashiFixDefaults, fe: { ...hashiFixDefaults.fe, ...SHAPE, weights: fileB }, classes: CLASSES }, 'fixB');
    expect(svDigest(b).sha256).not.toBe(svDigest(a).sha256);
  });
});
