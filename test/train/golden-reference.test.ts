// hashi's golden models on the trained digits networks (train/weights) equal train/'s
// integer-exact Python forward pass, score for score: HaShiFlex (NPU classifier) on
// tasks A and B, HaShiFix (hardened Po2 classifier) on task A. The Python side checks
// itself against the same reference file (train/tests/test_integer.py).
import { describe, expect, it } from 'vitest';
import { hashiFixBuild, hashiFixGolden } from '../../designs/hashifix.ts';
import { hashiFlexBuild, hashiFlexGolden } from '../../designs/hashiflex.ts';
import { digitImage, readDigitsReference, trainedConfig, trainedFile, trainedFixParams, trainedFlexParams } from '../../designs/trained-digits.ts';
import { importedFixedClassifier } from '../../lib/index.ts';

const ref = readDigitsReference();
const config = trainedConfig(trainedFile('A'));
// The golden model takes ~0.2 s an image here: a spread of test images, every class of each task.
const picks = (n: number): number[] => Array.from({ length: 12 }, (_, i) => Math.floor((i * n) / 12));

describe('trained digits networks: golden model = integer reference', () => {
  for (const task of ['A', 'B'] as const) {
    it(`HaShiFlex, task ${task}`, () => {
      const p = trainedFlexParams(config, task);
      const b = hashiFlexBuild(p);
      const w = importedFixedClassifier(b.imported!.classifier, b.net.features).weights;
      const r = ref[task];
      const idx = picks(r.labels.length);
      const got = idx.map((i) => hashiFlexGolden(p, b, w, digitImage(r.pixels[i]!, config.resolution, b.net.act)).scores.map(Number));
      expect(got).toEqual(idx.map((i) => r.npu_scores[i]));
      expect(new Set(idx.map((i) => r.labels[i])).size).toBe(config.classes);
    });
  }
  it('HaShiFix, task A (hardened Po2 classifier)', () => {
    const b = hashiFixBuild(trainedFixParams(config, 'A'));
    const r = ref.A;
    const idx = picks(r.labels.length);
    const got = idx.map((i) => hashiFixGolden(b, digitImage(r.pixels[i]!, config.resolution, b.net.act)).scores.map(Number));
    expect(got).toEqual(idx.map((i) => r.po2_scores[i]));
  });
});
