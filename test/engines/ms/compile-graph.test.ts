// msCompileGraph: a graph with Po2 weights and mixed formats to the engine's integer
// layers, exactly: the engine's golden model of the compiled layers gives graphGolden's
// values at every layer, on random graphs and inputs; what would not be exact is refused.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, graphGolden, po2, qformat } from '../../../lib/index.ts';
import type { Graph, Po2, QFormat } from '../../../lib/index.ts';
import { msCompileGraph, msMapFromTensor, msMapToRaw, msNetGolden } from '../../../lib/engines/ms/index.ts';
import { randomGraphInput, randomMsGraph } from './graph-nets.ts';

function checkGraph(g: Graph, inputs: number): { values: number; distinct: number; unsigned: number } {
  const prog = msCompileGraph(g);
  let values = 0;
  const seen = new Set<string>();
  for (let s = 0; s < inputs; s++) {
    const x = randomGraphInput(g, 1000 + s);
    const gold = graphGolden(g, x);
    const outs = msNetGolden(prog.layers, msMapFromTensor(x, prog.input));
    // Each engine layer's map equals the graph tensor ending that layer (the node before the next conv).
    const ends = prog.layerNames.map((_, i) => (i + 1 < prog.layerNames.length ? g.nodes[g.nodes.findIndex((n) => n.name === prog.layerNames[i + 1]) - 1]!.name : g.output));
    outs.forEach((m, i) => {
      const fmt = i + 1 < outs.length ? { bits: prog.layers[i + 1]!.inBits, zero: prog.layers[i + 1]!.inZero, fmt: gold.tensors.get(ends[i]!)!.fmt } : prog.output;
      expect(msMapToRaw(m, fmt), `${g.name}, layer ${i}, input ${s}`).toEqual(gold.tensors.get(ends[i]!)!.data);
      values += m.values.length;
    });
    seen.add(gold.output.data.join(','));
  }
  return { values, distinct: seen.size, unsigned: prog.layers.filter((l) => l.outZero === 0).length };
}

describe('msCompileGraph', () => {
  it('40 random plain graphs (k 1/3, stride 1/2, pad, 2/4/8-bit signed and ReLU formats, ReLU/ReLU6 before or after the requantize, biases): every layer equals graphGolden', () => {
    let values = 0;
    let unsigned = 0;
    let layers = 0;
    let live = 0;
    for (let seed = 0; seed < 40; seed++) {
      const g = randomMsGraph(seed);
      const r = checkGraph(g, 4);
      values += r.values;
      unsigned += r.unsigned;
      layers += msCompileGraph(g).layers.length;
      if (r.distinct > 1) live++;
    }
    expect(live).toBeGreaterThanOrEqual(25); // most outputs depend on the input (random nets may saturate)
    expect(values).toBeGreaterThan(1000);
    expect(unsigned).toBeGreaterThan(0); // both kinds of field were exercised
    expect(unsigned).toBeLessThan(layers);
  });

  it('maps the scale into shift and multiplier: a coarse output shifts, a fine one multiplies', () => {
    const b = new GraphBuilder('scale', { name: 'x', shape: [3, 3, 1], fmt: qformat(1, 7) });
    const w: Po2[] = Array.from({ length: 9 }, (_, i) => po2(i % 2 === 0 ? 1 : -1, 2));
    const c0 = b.conv('c0', b.input, { outChannels: 1, kernel: 3 }, { weights: w });
    const q0 = b.requantize('q0', c0, { fmt: qformat(6, 2), rounding: 'floor' }); // acc LSB 2^-5: shift 3
    const c1 = b.conv('c1', q0, { outChannels: 1, kernel: 1 }, { weights: [po2(1, 3)] });
    const g = b.build(b.requantize('q1', c1, { fmt: qformat(4, 4), rounding: 'floor' })); // acc LSB 2^1, output 2^-4: 2^5 as multiplier 64, shift 1
    const prog = msCompileGraph(g);
    expect(prog.layers.map((l) => [l.shift, l.multiplier[0]])).toEqual([[3, 1], [1, 64]]);
    checkGraph(g, 6);
  });

  describe('refusals name the node and the fix', () => {
    const base = (edit: (b: GraphBuilder, c: string) => string, fmt: QFormat = qformat(1, 7), weights: Po2[] = [po2(1, -1), po2(-1, -2), po2(1, -3)]) => {
      const b = new GraphBuilder('bad', { name: 'x', shape: [4, 4, 3], fmt });
      const c = b.conv('conv', b.input, { outChannels: 1, kernel: 1 }, { weights });
      return () => msCompileGraph(b.build(edit(b, c)));
    };
    it('half-even rounding', () => {
      expect(base((b, c) => b.requantize('q', c, { fmt: qformat(2, 6), rounding: 'half-even' }))).toThrow(/node 'q': rounding 'half-even'.*requantize with rounding 'floor'/);
    });
    it('a conv without a requantize', () => {
      expect(base((_b, c) => c)).toThrow(/node 'conv': no requantize after it/);
    });
    it('a 7-bit ReLU output (Q3.5 after a ReLU: 0 .. 127)', () => {
      expect(base((b, c) => b.relu('r', b.requantize('q', c, { fmt: qformat(3, 5), rounding: 'floor' })))).toThrow(/node 'r': outputs Q3\.5 clamped to 0 \.\. 127.*3-, 5- or 9-bit signed format/);
    });
    it('a signed 3-bit output', () => {
      expect(base((b, c) => b.requantize('q', c, { fmt: qformat(1, 2), rounding: 'floor' }))).toThrow(/node 'q': a signed output Q1\.2 \(3 bits\)/);
    });
    it('a binding ReLU6 (6 below the field\'s top)', () => {
      expect(base((b, c) => b.relu6('r6', b.requantize('q', c, { fmt: qformat(5, 4), rounding: 'floor' })))).toThrow(/node 'r6': outputs Q5\.4 clamped to 0 \.\. 96/);
    });
    it('weights whose exponents span too far for 8-bit integers', () => {
      expect(base((b, c) => b.requantize('q', c, { fmt: qformat(4, 4), rounding: 'floor' }), qformat(1, 7), [po2(1, 0), po2(1, -9), po2(-1, -3)])).toThrow(/node 'conv': its weights as integers span -64 \.\. 512.*narrow the layer's exponent range/);
    });
    it('an input width the engine does not pack', () => {
      expect(base((b, c) => b.requantize('q', c, { fmt: qformat(4, 4), rounding: 'floor' }), qformat(2, 4))).toThrow(/input Q2\.4 is 6 bits wide/);
    });
    it('a residual add (as msPlanFromGraph)', () => {
      const b = new GraphBuilder('res', { name: 'x', shape: [4, 4, 1], fmt: qformat(1, 7) });
      const q = b.requantize('q', b.conv('conv', b.input, { outChannels: 1, kernel: 1 }, { weights: [po2(1, -1)] }), { fmt: qformat(1, 7), rounding: 'floor' });
      expect(() => msCompileGraph(b.build(b.addTensors('add', q, 'x')))).toThrow(/node 'add': a residual add/);
    });
  });
});
