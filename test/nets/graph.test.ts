// The network graph's validation: shapes and formats inferred, and every kind
// of bad node refused with a GraphError naming the graph and the node.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, GraphError, Q3_5, inferGraph, inferShapes, layerSlots, po2, qformat, withParams, type Graph, type LayerParams, type Po2 } from '../../lib/index.ts';

const ones = (n: number): Po2[] => Array.from({ length: n }, (_, i) => po2(i % 3 === 0 ? -1 : 1, -(i % 4)));
const FLOOR = { fmt: Q3_5, rounding: 'floor' as const };

function tiny(): Graph {
  const b = new GraphBuilder('tiny', { name: 'image', shape: [8, 8, 3], fmt: Q3_5 });
  const c1 = b.conv('stem', b.input, { outChannels: 4, kernel: 3, stride: 2 }, { weights: ones(4 * 9 * 3) });
  const q1 = b.requantize('stem.q', b.relu6('stem.relu', c1), FLOOR);
  const mp = b.maxPool('pool', q1, { kernel: 3, stride: 2, padding: 1 });
  const dw = b.depthwise('dw', mp, { kernel: 3 }, { weights: ones(9 * 4) });
  const sum = b.requantize('res.q', b.addTensors('res', mp, dw), { fmt: Q3_5, rounding: 'half-even' });
  const gap = b.globalAvgPool('gap', sum, FLOOR);
  const fc = b.linear('fc', b.flatten('flat', gap), 5, { weights: ones(20) });
  return b.build(fc);
}

describe('network graph', () => {
  it('infers shapes and formats', () => {
    const g = tiny();
    const info = inferGraph(g);
    const shape = (t: string): string => info.tensors.get(t)?.shape.join('x') ?? '?';
    expect(['stem', 'pool', 'dw', 'res', 'gap', 'flat', 'fc'].map(shape)).toEqual(['4x4x4', '2x2x4', '2x2x4', '2x2x4', '1x1x4', '1x1x4', '1x1x5']);
    // Exact accumulator of the stem: Q3.5 activations times 2^0..2^-3 -> frac 5 + 3.
    expect(info.tensors.get('stem')?.fmt.frac).toBe(8);
    expect(info.tensors.get('stem.q')?.fmt).toEqual(Q3_5);
    // The residual sum grows by one integer bit over the wider operand.
    const dwFmt = info.tensors.get('dw')?.fmt;
    expect(info.tensors.get('res')?.fmt).toEqual(qformat(Math.max(3, dwFmt?.int ?? 0) + 1, Math.max(5, dwFmt?.frac ?? 0)));
    expect(info.consumers.get('pool')?.map((n) => n.name)).toEqual(['dw', 'res']);
  });

  it('fills a topology through withParams with per-layer slots', () => {
    const b = new GraphBuilder<null>('spec', { name: 'x', shape: [6, 6, 4], fmt: Q3_5 });
    const y = b.conv('g', b.input, { outChannels: 6, kernel: 3, groups: 2 }, null);
    const spec = b.build(b.linear('fc', b.flatten('f', y), 2, null));
    const slots = layerSlots(spec);
    expect(slots.map((s) => [s.node.name, s.kind, s.fanIn, s.weightCount])).toEqual([
      ['g', 'grouped', 18, 108],
      ['fc', 'linear', 216, 432],
    ]);
    const g = withParams(spec, (s): LayerParams => ({ weights: ones(s.weightCount) }));
    expect(inferGraph(g).tensors.get('fc')?.shape).toEqual([1, 1, 2]);
  });

  const bad: [string, (b: GraphBuilder) => void, RegExp][] = [
    ['unknown input', (b) => b.relu('r', 'nope'), /node 'r': \(relu\) input 'nope' is not the graph input/],
    ['duplicate name', (b) => (b.relu('r', b.input), b.relu('r', b.input)), /node 'r'.*used twice/],
    ['stride 3', (b) => b.add({ op: 'conv', name: 'c', input: b.input, outChannels: 2, kernel: 3, stride: 3 as 1, padding: 1, groups: 1, params: { weights: ones(54) } }), /node 'c': \(conv\) stride must be 1 or 2, got 3/],
    ['groups', (b) => b.conv('c', b.input, { outChannels: 4, kernel: 1, groups: 2 }, { weights: ones(4) }), /node 'c'.*groups 2 must divide the input channels \(3\)/],
    ['weight count', (b) => b.conv('c', b.input, { outChannels: 2, kernel: 3 }, { weights: ones(5) }), /node 'c'.*5 weights, expected 54/],
    ['linear on a map', (b) => b.linear('fc', b.input, 2, { weights: ones(6) }), /node 'fc'.*1x1xC tensor \(add a flatten/],
    ['add shapes', (b) => b.addTensors('s', b.input, b.maxPool('p', b.input, { kernel: 2, stride: 2 })), /node 's'.*differ in shape/],
    ['rounding', (b) => b.requantize('q', b.input, { fmt: Q3_5, rounding: 'up' as 'floor' }), /node 'q'.*rounding must be one of floor, half-even/],
    ['reshape size', (b) => b.reshape('r', b.input, [2, 2, 2]), /node 'r'.*cannot reshape 4x4x3/],
    ['pool too big', (b) => b.maxPool('p', b.input, { kernel: 7, stride: 1 }), /node 'p'.*kernel 7 larger than the padded input/],
    ['clip bounds', (b) => b.clip('c', b.input, 1, 0), /node 'c'.*min <= max/],
  ];
  for (const [what, build, msg] of bad)
    it(`refuses ${what} naming the node`, () => {
      const b = new GraphBuilder('bad', { name: 'x', shape: [4, 4, 3], fmt: Q3_5 });
      expect(() => build(b)).toThrow(GraphError);
      expect(() => build(new GraphBuilder('bad', { name: 'x', shape: [4, 4, 3], fmt: Q3_5 }))).toThrow(msg);
    });

  it('checks a hand-written graph (topological order, output)', () => {
    const g: Graph = { name: 'hand', input: { name: 'x', shape: [2, 2, 1], fmt: Q3_5 }, nodes: [{ op: 'relu', name: 'a', input: 'b' }, { op: 'relu', name: 'b', input: 'x' }], output: 'b' };
    expect(() => inferShapes(g)).toThrow(/graph 'hand', node 'a'.*topological order/);
    expect(() => inferShapes({ ...g, nodes: [], output: 'y' })).toThrow(/graph 'hand': output 'y'/);
  });
});
