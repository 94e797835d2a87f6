// Hardened area of a MobileNetV2 net as the library counts it: the Po2 adder trees of
// every output channel of every conv (lib/hw treeAdders: one adder per pair of
// nonzero terms, plus the bias adder), from the net's weights alone; no elaboration.
import { accFracFor, alignBias } from '../golden/accumulate.ts';
import { treeAdders } from '../hw/layers.ts';
import type { Po2 } from '../po2/po2.ts';
import type { MobileNetV2Net, NetLayer } from './mobilenetv2.ts';

/** Weights of output channel c (conv OHWI and pointwise OI: a contiguous row; depthwise HWC: every C-th). */
function channelWeights(l: NetLayer, c: number): Po2[] {
  const n = l.weights.length / l.outChannels;
  if (l.spec.kind === 'depthwise') return Array.from({ length: n }, (_, i) => l.weights[i * l.outChannels + c] as Po2);
  return l.weights.slice(c * n, (c + 1) * n);
}

/** Adders of each conv layer's trees (stem, blocks, head), in `net.layers` order. */
export function layerTreeAdders(net: MobileNetV2Net): number[] {
  return net.layers.map((l) => {
    const accFrac = accFracFor(net.mode, l.weights, net.act.frac, l.bias?.fmt.frac);
    let adders = 0;
    for (let c = 0; c < l.outChannels; c++) {
      const bias = l.bias ? alignBias(l.bias.raw[c] as bigint, l.bias.fmt.frac, accFrac) : 0n;
      adders += treeAdders(channelWeights(l, c), { act: net.act, accFrac, mode: net.mode, bias });
    }
    return adders;
  });
}
