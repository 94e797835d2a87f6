// The network graph to the MS engine's shapes and memory plan, and the refusals
// (residual add, depthwise, pooling, branches) with the node named.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, qformat } from '../../../lib/index.ts';
import { msPlanFromGraph, msMinRingWords } from '../../../lib/engines/ms/index.ts';
import type { MsLayerWidths } from '../../../lib/engines/ms/index.ts';

const input = { name: 'image', shape: [8, 8, 3] as const, fmt: qformat(1, 7) }; // 8 bits
const widths: MsLayerWidths[] = [
  { weightBits: 8, outBits: 4 },
  { weightBits: 4, outBits: 2 },
  { weightBits: 8, outBits: 8 },
];

function plain(): GraphBuilder<null> {
  const b = new GraphBuilder<null>('plain', input);
  const c0 = b.conv('c0', b.input, { outChannels: 6, kernel: 3 }, null);
  const r0 = b.relu('r0', c0);
  const c1 = b.conv('c1', r0, { outChannels: 8, kernel: 3, stride: 2 }, null);
  const r1 = b.relu('r1', c1);
  b.conv('c2', r1, { outChannels: 5, kernel: 1 }, null);
  return b;
}

describe('msPlanFromGraph', () => {
  it('turns a plain conv chain into engine shapes with the graph\'s shapes and the given widths', () => {
    const b = plain();
    const g = b.build('c2');
    const { shapes, layerNames, plan } = msPlanFromGraph(g, widths);
    expect(layerNames).toEqual(['c0', 'c1', 'c2']);
    expect(shapes).toEqual([
      { cin: 3, cout: 6, hIn: 8, wIn: 8, k: 3, stride: 1, pad: 1, inBits: 8, outBits: 4, weightBits: 8 },
      { cin: 6, cout: 8, hIn: 8, wIn: 8, k: 3, stride: 2, pad: 1, inBits: 4, outBits: 2, weightBits: 4 },
      { cin: 8, cout: 5, hIn: 4, wIn: 4, k: 1, stride: 1, pad: 0, inBits: 2, outBits: 8, weightBits: 8 },
    ]);
    expect(plan.ringWords).toBe(msMinRingWords(shapes));
  });

  it('refuses a residual add, naming the node and what to do', () => {
    const b = new GraphBuilder<null>('resnet', input);
    const c0 = b.conv('c0', b.input, { outChannels: 3, kernel: 3 }, null);
    b.addTensors('skip', c0, b.input);
    expect(() => msPlanFromGraph(b.build('skip'), widths)).toThrow(/graph 'resnet', node 'skip': a residual add: .*distil the residual paths away/);
  });

  it('refuses depthwise convs, pooling and branches', () => {
    const dw = new GraphBuilder<null>('dw', input);
    dw.depthwise('d0', dw.input, { kernel: 3 }, null);
    expect(() => msPlanFromGraph(dw.build('d0'), widths)).toThrow(/node 'd0': a depthwise conv \(groups 3\)/);
    const pool = new GraphBuilder<null>('pool', input);
    pool.add({ op: 'maxPool', name: 'p0', input: pool.input, kernel: 2, stride: 2, padding: 0 });
    expect(() => msPlanFromGraph(pool.build('p0'), widths)).toThrow(/node 'p0': max pooling/);
    const branch = new GraphBuilder<null>('branch', input);
    branch.conv('a', branch.input, { outChannels: 4, kernel: 3 }, null);
    branch.conv('b', branch.input, { outChannels: 4, kernel: 3 }, null);
    expect(() => msPlanFromGraph(branch.build('b'), widths)).toThrow(/node 'b': reads 'image', not the previous layer's output 'a'/);
  });

  it('asks for one width entry per conv and a 2/4/8-bit input', () => {
    expect(() => msPlanFromGraph(plain().build('c2'), widths.slice(0, 2))).toThrow(/node 'c2': no widths given for conv layer 2/);
    const wide = new GraphBuilder<null>('wide', { ...input, fmt: qformat(3, 7) });
    wide.conv('c0', wide.input, { outChannels: 4, kernel: 3 }, null);
    expect(() => msPlanFromGraph(wide.build('c0'), widths)).toThrow(/the input is 10 bits wide/);
  });
});
