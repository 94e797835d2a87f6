// Shared by the hardener tests (not a test file): two small graphs that cover the
// graph's ops, with seeded random Po2 weights (see graph-streaming.test.ts).
import { GraphBuilder, Q3_5, randomGraphParams, withParams, type Graph, type Requant } from '../../lib/index.ts';

export const FLOOR: Requant = { fmt: Q3_5, rounding: 'floor' };
export const EVEN: Requant = { fmt: Q3_5, rounding: 'half-even' };

/** Stem 3x3/2, max pool 3x3/2, an identity block, a downsampling block (3x3/2 + 1x1/2 shortcut), pool, Gemm. */
export function resnetLike(size: number): Graph {
  const b = new GraphBuilder<null>('ResLike', { name: 'image', shape: [size, size, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.relu('stem/relu', b.conv('stem', b.input, { outChannels: 6, kernel: 3, stride: 2 }, null)), EVEN);
  x = b.maxPool('maxpool', x, { kernel: 3, stride: 2, padding: 1 });
  const c1 = b.requantize('b1.c1/q', b.relu('b1.c1/relu', b.conv('b1.c1', x, { outChannels: 6, kernel: 3 }, null)), FLOOR);
  const c2 = b.conv('b1.c2', c1, { outChannels: 6, kernel: 3 }, null);
  x = b.requantize('b1/q', b.relu('b1/relu', b.addTensors('b1.add', x, c2)), EVEN);
  const d1 = b.requantize('b2.c1/q', b.relu6('b2.c1/relu6', b.conv('b2.c1', x, { outChannels: 8, kernel: 3, stride: 2 }, null)), FLOOR);
  const d2 = b.conv('b2.c2', d1, { outChannels: 8, kernel: 3 }, null);
  const ds = b.conv('b2.ds', x, { outChannels: 8, kernel: 1, stride: 2, padding: 0 }, null);
  x = b.requantize('b2/q', b.addTensors('b2.add', ds, d2), FLOOR);
  const p = b.globalAvgPool('pool', x, EVEN);
  const spec = b.build(b.requantize('fc/q', b.linear('fc', b.flatten('flat', p), 5, null), EVEN));
  return withParams(spec, randomGraphParams({ seed: 11, sparsity: 0.3 }));
}

/** Clip(0, 6) stem 3x3/2, depthwise 3x3, grouped 1x1 (2 groups) with Clip(-1, 2.5), a 'valid' 3x3, pool, Gemm (raw accumulator out). */
export function mobileLike(size: number): Graph {
  const b = new GraphBuilder<null>('MobileLike', { name: 'image', shape: [size, size, 3], fmt: Q3_5 });
  let x = b.requantize('stem/q', b.clip('stem/clip', b.conv('stem', b.input, { outChannels: 8, kernel: 3, stride: 2 }, null), 0, 6), FLOOR);
  x = b.requantize('dw/q', b.relu6('dw/relu6', b.depthwise('dw', x, { kernel: 3 }, null)), EVEN);
  x = b.requantize('g/q', b.clip('g/clip', b.conv('g', x, { outChannels: 8, kernel: 1, groups: 2 }, null), -1, 2.5), EVEN);
  x = b.requantize('v/q', b.relu('v/relu', b.conv('v', x, { outChannels: 6, kernel: 3, padding: 0 }, null)), FLOOR);
  const p = b.globalAvgPool('pool', x, FLOOR);
  const spec = b.build(b.linear('fc', b.flatten('flat', p), 4, null));
  return withParams(spec, randomGraphParams({ seed: 5, sparsity: 0.3 }));
}
