// layerTreeAdders (the area count `hashi report accuracy` uses) equals the adders the
// streaming hardware builds, layer by layer, on a small network (elaboration only).
import { describe, expect, it } from 'vitest';
import { defineModule, elaborate } from '../../dsl/index.ts';
import { streamingPorts } from '../../designs/mobilenetv2.ts';
import { layerTreeAdders, mobileNetV2Net, qformat, randomLayerWeights } from '../../lib/index.ts';

describe('layerTreeAdders', () => {
  it('equals the streaming trees as elaborated, and falls with sparsity', () => {
    const net = (sparsity: number) =>
      mobileNetV2Net({ alpha: 0.35, resolution: 8, blocks: 3, headChannels: 16, act: qformat(3, 5), weights: randomLayerWeights({ seed: 5, weightBits: 4, sparsity, biasFormat: qformat(1, 5) }) });
    const n = net(0.5);
    const built: number[] = [];
    const Top = defineModule({ name: 'MobileNetV2', body: () => streamingPorts(n, { onLayer: (_, st) => void (st.adders !== undefined && built.push(st.adders)) }) });
    elaborate(Top, {});
    expect(layerTreeAdders(n)).toEqual(built);
    const total = (s: number) => layerTreeAdders(net(s)).reduce((a, b) => a + b, 0);
    expect(total(0.9)).toBeLessThan(total(0.5));
    expect(total(0.5)).toBeLessThan(total(0));
  });
});
