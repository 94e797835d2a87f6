import { describe, expect, it } from 'vitest';
import { makeDivisible, mobileNetV2StateDictSpec, mobileNetV2Topology, randomMobileNetV2StateDict } from '../../lib/index.ts';

// Blocks written out by hand from torchvision's MobileNetV2 (in, hidden, out, stride), independent of the generator.
const BLOCKS_1_0: [number, number, number, number][] = [
  [32, 32, 16, 1],
  [16, 96, 24, 2],
  [24, 144, 24, 1],
  [24, 144, 32, 2],
  [32, 192, 32, 1],
  [32, 192, 32, 1],
  [32, 192, 64, 2],
  [64, 384, 64, 1],
  [64, 384, 64, 1],
  [64, 384, 64, 1],
  [64, 384, 96, 1],
  [96, 576, 96, 1],
  [96, 576, 96, 1],
  [96, 576, 160, 2],
  [160, 960, 160, 1],
  [160, 960, 160, 1],
  [160, 960, 320, 1],
];
const BLOCKS_0_35: [number, number, number, number][] = [
  [16, 16, 8, 1],
  [8, 48, 8, 2],
  [8, 48, 8, 1],
  [8, 48, 16, 2],
  [16, 96, 16, 1],
  [16, 96, 16, 1],
  [16, 96, 24, 2],
  [24, 144, 24, 1],
  [24, 144, 24, 1],
  [24, 144, 24, 1],
  [24, 144, 32, 1],
  [32, 192, 32, 1],
  [32, 192, 32, 1],
  [32, 192, 56, 2],
  [56, 336, 56, 1],
  [56, 336, 56, 1],
  [56, 336, 112, 1],
];

/** The torchvision state-dict keys and shapes, spelled out from the module structure. */
function expectedStateDict(stem: number, blocks: [number, number, number, number][], last: number, classes: number): [string, number[]][] {
  const out: [string, number[]][] = [];
  const bn = (p: string, c: number): void => {
    for (const s of ['weight', 'bias', 'running_mean', 'running_var']) out.push([`${p}.${s}`, [c]]);
    out.push([`${p}.num_batches_tracked`, []]);
  };
  out.push(['features.0.0.weight', [stem, 3, 3, 3]]);
  bn('features.0.1', stem);
  blocks.forEach(([inC, hid, outC], b) => {
    const p = `features.${b + 1}.conv`;
    if (b === 0) {
      out.push([`${p}.0.0.weight`, [hid, 1, 3, 3]]);
      bn(`${p}.0.1`, hid);
      out.push([`${p}.1.weight`, [outC, hid, 1, 1]]);
      bn(`${p}.2`, outC);
    } else {
      out.push([`${p}.0.0.weight`, [hid, inC, 1, 1]]);
      bn(`${p}.0.1`, hid);
      out.push([`${p}.1.0.weight`, [hid, 1, 3, 3]]);
      bn(`${p}.1.1`, hid);
      out.push([`${p}.2.weight`, [outC, hid, 1, 1]]);
      bn(`${p}.3`, outC);
    }
  });
  out.push(['features.18.0.weight', [last, blocks.at(-1)?.[2] ?? 0, 1, 1]]);
  bn('features.18.1', last);
  out.push(['classifier.1.weight', [classes, last]]);
  out.push(['classifier.1.bias', [classes]]);
  return out;
}

describe('makeDivisible (torchvision _make_divisible)', () => {
  it('matches hand-computed values', () => {
    expect(makeDivisible(32)).toBe(32);
    expect(makeDivisible(32 * 0.35)).toBe(16); // 11.2 -> 8 is below 90 %, so 16
    expect(makeDivisible(16 * 0.35)).toBe(8);
    expect(makeDivisible(96 * 0.35)).toBe(32);
    expect(makeDivisible(160 * 0.35)).toBe(56);
    expect(makeDivisible(32 * 0.75)).toBe(24);
    expect(makeDivisible(32 * 1.4)).toBe(48); // 44.8
    expect(makeDivisible(1280 * 1.4)).toBe(1792);
    expect(makeDivisible(3)).toBe(8);
    expect(makeDivisible(20)).toBe(24); // int(24) // 8 * 8: Python's half-up via + divisor / 2
    expect(makeDivisible(19.9)).toBe(24); // 16 is below 90 % of 19.9
    expect(makeDivisible(67)).toBe(64);
  });
});

describe('MobileNetV2 topology', () => {
  for (const [alpha, stem, blocks, classes] of [
    [1.0, 32, BLOCKS_1_0, 1000],
    [0.35, 16, BLOCKS_0_35, 10],
  ] as const) {
    it(`alpha ${alpha}: exactly torchvision's keys, order and shapes`, () => {
      const topo = mobileNetV2Topology({ alpha, classes });
      const spec = mobileNetV2StateDictSpec(topo);
      const want = expectedStateDict(stem, blocks as [number, number, number, number][], 1280, classes);
      expect([...spec.keys()]).toEqual(want.map(([k]) => k));
      expect([...spec.values()].map((s) => s.shape)).toEqual(want.map(([, s]) => s));
      expect(spec.size).toBe(314);
      expect([...spec].filter(([k]) => k.endsWith('num_batches_tracked')).every(([, s]) => s.dtype === 'I64')).toBe(true);
      expect(topo.blocks.map((b) => [b.inChannels, b.hiddenChannels, b.outChannels, b.stride])).toEqual(blocks);
    });
  }

  it('known shapes and torchvision parameter count', () => {
    const s1 = mobileNetV2StateDictSpec(mobileNetV2Topology({ alpha: 1 }));
    expect(s1.get('features.0.0.weight')?.shape).toEqual([32, 3, 3, 3]);
    expect(s1.get('classifier.1.weight')?.shape).toEqual([1000, 1280]);
    expect(s1.get('features.18.0.weight')?.shape).toEqual([1280, 320, 1, 1]);
    expect(s1.get('features.17.conv.1.0.weight')?.shape).toEqual([960, 1, 3, 3]);
    // torchvision documents 3,504,872 parameters (running statistics are buffers, not parameters).
    let params = 0;
    for (const [k, v] of s1) if (v.dtype === 'F32' && !k.includes('running_')) params += v.shape.reduce((a, b) => a * b, 1);
    expect(params).toBe(3_504_872);
    const s035 = mobileNetV2StateDictSpec(mobileNetV2Topology({ alpha: 0.35 }));
    expect(s035.get('features.0.0.weight')?.shape).toEqual([16, 3, 3, 3]);
    expect(s035.get('features.0.1.running_var')?.shape).toEqual([16]);
    expect(s035.get('features.18.0.weight')?.shape).toEqual([1280, 112, 1, 1]); // last channel not scaled below alpha 1
    expect(mobileNetV2Topology({ alpha: 1.4 }).lastChannels).toBe(1792);
  });

  it('layers: roles, kinds, strides, shapes, activations, residuals', () => {
    const topo = mobileNetV2Topology({ alpha: 1 });
    expect(topo.layers.length).toBe(52);
    expect(topo.blocks.length).toBe(17);
    const stem = topo.layers[0];
    expect(stem).toMatchObject({ role: 'stem', kind: 'conv', kernel: 3, stride: 2, padding: 'same', inShape: [224, 224, 3], outShape: [112, 112, 32], activation: 'relu6' });
    expect(topo.pool.inShape).toEqual([7, 7, 1280]);
    expect(topo.layers.at(-1)).toMatchObject({ role: 'head', weightKey: 'features.18.0.weight', bnKey: 'features.18.1', activation: 'relu6' });
    for (const l of topo.layers) {
      expect(l.activation).toBe(l.role === 'project' ? 'none' : 'relu6');
      expect(l.kind).toBe(l.role === 'depthwise' ? 'depthwise' : l.role === 'stem' ? 'conv' : 'pointwise');
      if (l.kind !== 'depthwise') expect(l.stride).toBe(l.role === 'stem' ? 2 : 1);
    }
    // Shapes chain.
    for (let i = 1; i < topo.layers.length; i++) expect(topo.layers[i]?.inShape).toEqual(topo.layers[i - 1]?.outShape);
    expect(topo.blocks.filter((b) => b.residual).map((b) => b.feature)).toEqual([3, 5, 6, 8, 9, 10, 12, 13, 15, 16]);
    for (const b of topo.blocks) {
      const first = topo.layers[b.layers[0] as number];
      const proj = topo.layers[b.layers.at(-1) as number];
      expect(first?.savesResidual).toBe(b.residual);
      expect(proj?.residualFrom).toBe(b.residual ? first?.index : undefined);
      if (b.residual) expect(proj?.outShape).toEqual(first?.inShape);
    }
    // Stride-2 depthwise layers (features 2, 4, 7, 14) and the stem take 224 down to 7.
    expect(topo.layers.filter((l) => l.stride === 2).map((l) => l.weightKey)).toEqual([
      'features.0.0.weight',
      'features.2.conv.1.0.weight',
      'features.4.conv.1.0.weight',
      'features.7.conv.1.0.weight',
      'features.14.conv.1.0.weight',
    ]);
    expect(mobileNetV2Topology({ resolution: 96 }).pool.inShape).toEqual([3, 3, 1280]);
    expect(mobileNetV2Topology({ resolution: 33 }).layers[0]?.outShape).toEqual([17, 17, 32]); // floor((33 + 2 - 3) / 2) + 1
  });

  it('refuses bad options', () => {
    expect(() => mobileNetV2Topology({ alpha: 0 })).toThrow('alpha must be a positive number');
    expect(() => mobileNetV2Topology({ classes: 2.5 })).toThrow('classes must be a positive integer');
    expect(() => mobileNetV2Topology({ resolution: 0 })).toThrow('resolution must be a positive integer');
  });
});

describe('random MobileNetV2 state dict', () => {
  it('has the torchvision key set, shapes and dtypes at alpha 1.0 and 0.35', () => {
    for (const [alpha, classes] of [
      [1, 1000],
      [0.35, 7],
    ] as const) {
      const d = randomMobileNetV2StateDict({ alpha, classes, seed: 3 });
      const spec = mobileNetV2StateDictSpec(mobileNetV2Topology({ alpha, classes }));
      expect([...d.keys()]).toEqual([...spec.keys()]);
      for (const [k, s] of spec) {
        const t = d.get(k);
        expect(t?.shape).toEqual(s.shape);
        expect(t?.dtype).toBe(s.dtype);
        expect(t?.data.length).toBe(s.shape.reduce((a, b) => a * b, 1));
      }
    }
  });

  it('is seeded and plausible', () => {
    const a = randomMobileNetV2StateDict({ alpha: 0.35, classes: 10, seed: 11 });
    const b = randomMobileNetV2StateDict({ alpha: 0.35, classes: 10, seed: 11 });
    const c = randomMobileNetV2StateDict({ alpha: 0.35, classes: 10, seed: 12 });
    expect(a.get('features.5.conv.0.0.weight')?.data).toEqual(b.get('features.5.conv.0.0.weight')?.data);
    expect(a.get('features.5.conv.0.0.weight')?.data).not.toEqual(c.get('features.5.conv.0.0.weight')?.data);
    const stat = (xs: ArrayLike<number>): { mean: number; std: number } => {
      const v = Array.from(xs);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
    };
    // He-normal over the fan-in: features.18.0.weight has fan-in 112.
    const head = stat(a.get('features.18.0.weight')?.data as Float32Array);
    expect(Math.abs(head.mean)).toBeLessThan(0.01);
    expect(head.std).toBeCloseTo(Math.sqrt(2 / 112), 2);
    for (const [k, t] of a) {
      if (k.endsWith('running_var')) expect(Array.from(t.data as Float32Array).every((x) => x > 0)).toBe(true);
      if (k.endsWith('.weight') && t.shape.length === 1 && !k.startsWith('classifier')) expect(Math.abs(stat(t.data as Float32Array).mean - 1)).toBeLessThan(0.2);
    }
    expect(stat(a.get('classifier.1.weight')?.data as Float32Array).std).toBeCloseTo(0.01, 3);
  });
});
