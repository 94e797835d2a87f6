// A truncated MobileNetV2 (blocks 1..N, head features.18 reading block N): the state dict
// hashi's training exports (train/weights). Topology, import and the refusal of a mismatch.
import { describe, expect, it } from 'vitest';
import { importMobileNetV2, mobileNetV2StateDictSpec, mobileNetV2Topology, readSafetensorsFile, WeightImportError } from '../../lib/index.ts';
import { trainedFile } from '../../designs/trained-digits.ts';

describe('truncated MobileNetV2 state dicts', () => {
  it('keeps blocks 1..N and a head features.18 reading block N', () => {
    const t = mobileNetV2Topology({ alpha: 0.35, resolution: 32, classes: 5, blocks: 7 });
    expect(t.blocks.map((b) => b.feature)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const head = t.layers[t.layers.length - 1]!;
    expect([head.weightKey, head.inChannels, head.outChannels]).toEqual(['features.18.0.weight', 24, 1280]);
    expect(head.inShape).toEqual([2, 2, 24]);
    expect(mobileNetV2StateDictSpec(t).has('features.8.conv.0.0.weight')).toBe(false);
    expect(() => mobileNetV2Topology({ blocks: 18 })).toThrow(/blocks must be 0 .. 17/);
  });

  it('imports the trained file with its blocks and names what a whole network would miss', () => {
    const dict = readSafetensorsFile(trainedFile('A')).tensors;
    const m = importMobileNetV2(dict, { alpha: 0.35, resolution: 32, classes: 5, blocks: 7, sparsity: 0.6 });
    const head = m.layers[m.layers.length - 1]!;
    expect(head.pruned).toBe(Math.round(0.6 * 1280 * 24));
    let err: unknown;
    try {
      importMobileNetV2(dict, { alpha: 0.35, resolution: 32, classes: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightImportError);
    expect((err as Error).message).toMatch(/has 7 of the topology.s 17 blocks: a truncated network\? import it with blocks: 7/);
    expect((err as WeightImportError).problems).toContain("missing tensor 'features.8.conv.0.0.weight' (expected shape [144,24,1,1])");
  });
});
