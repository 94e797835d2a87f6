// The compiler from the network graph to Hyperdrive's layer program: a small ResNet-style
// BWN graph (conv, stride 2, a basic block, 1x1, pool and classifier on the host) becomes
// five engine layers with ReLU and the residual fused; the program runs in Verilator equal
// to its FP16 golden model; what the engine cannot run is a GraphError naming the node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';
import { Prng } from '../../lib/util/prng.ts';
import { fp16FromNumber, fp16ToNumber } from '../../lib/float/fp16-model.ts';
import { po2, type Po2 } from '../../lib/po2/po2.ts';
import { qformat } from '../../lib/fixed/format.ts';
import { GraphBuilder, GraphError, type LayerParams } from '../../lib/nets/graph.ts';
import {
  HyperdriveEngine,
  compileHyperdrive,
  fp16Map,
  hyperdriveDefaults,
  hyperdriveLayerSchedule,
  runHyperdriveProgramGolden,
  weightIndex,
} from '../../lib/engines/hyperdrive/index.ts';
import { HyperdriveHost } from './hyperdrive-host.ts';

const params = hyperdriveDefaults; // 2 x 2 Tile-PUs, C = 4, 4 x 4 patches, 8 channels: the engine test's model
const fmt = qformat(4, 8);
const requant = { fmt, rounding: 'half-even' as const };

/** Binary weights (OHWI) with one power-of-two scale per output channel, and a bias. */
function binaryParams(rng: Prng, outChannels: number, fanIn: number, tweak?: (w: Po2[]) => void): LayerParams {
  const weights: Po2[] = [];
  for (let o = 0; o < outChannels; o++) {
    const exp = -rng.int(2, 4);
    for (let i = 0; i < fanIn; i++) weights.push(po2(rng.nextU32() % 2 ? 1 : -1, exp));
  }
  tweak?.(weights);
  return { weights, bias: { raw: Array.from({ length: outChannels }, () => BigInt(rng.int(-64, 64))), fmt } };
}

function resnetStyle(rng: Prng, opts: { channels?: number; convAfterPool?: boolean } = {}) {
  const c = opts.channels ?? 8;
  const b = new GraphBuilder('tiny-bwn-resnet', { name: 'image', shape: [8, 8, 3], fmt });
  const c1 = b.relu('r1', b.conv('c1', b.input, { outChannels: c, kernel: 3 }, binaryParams(rng, c, 27)));
  const c2 = b.relu('r2', b.conv('c2', c1, { outChannels: c, kernel: 3, stride: 2 }, binaryParams(rng, c, 9 * c)));
  const b1 = b.relu('rb1', b.conv('b1', c2, { outChannels: c, kernel: 3 }, binaryParams(rng, c, 9 * c)));
  const b2 = b.requantize('qb2', b.conv('b2', b1, { outChannels: c, kernel: 3 }, binaryParams(rng, c, 9 * c)), requant);
  const sum = b.relu('out', b.addTensors('sum', b2, c2));
  const head = b.pointwise('head', sum, 6, binaryParams(rng, 6, c));
  let pooled = b.globalAvgPool('pool', head, requant);
  if (opts.convAfterPool) pooled = b.pointwise('late', pooled, 6, binaryParams(rng, 6, 6));
  const logits = b.linear('fc', b.flatten('flat', pooled), 10, { weights: Array.from({ length: 60 }, () => po2(1, -3)) });
  return b.build(logits);
}

/** A downsampling block as the ResNet builders write it: conv1 (3x3/2), conv2, a 1x1/2 shortcut, add. */
function downsampling(rng: Prng) {
  const b = new GraphBuilder('tiny-bwn-downsample', { name: 'image', shape: [8, 8, 3], fmt });
  const c1 = b.relu('r1', b.conv('c1', b.input, { outChannels: 4, kernel: 3 }, binaryParams(rng, 4, 27)));
  const d1 = b.relu('rd1', b.conv('d1', c1, { outChannels: 8, kernel: 3, stride: 2 }, binaryParams(rng, 8, 36)));
  const d2 = b.conv('d2', d1, { outChannels: 8, kernel: 3 }, binaryParams(rng, 8, 72));
  const ds = b.conv('ds', c1, { outChannels: 8, kernel: 1, stride: 2, padding: 0 }, binaryParams(rng, 8, 4));
  const sum = b.relu('out', b.addTensors('sum', ds, d2));
  const head = b.pointwise('head', sum, 6, binaryParams(rng, 6, 8));
  return b.build(b.globalAvgPool('pool', head, requant));
}

describe('compileHyperdrive: graph -> layer program', () => {
  it('runs a downsampling block\'s 1x1 stride-2 shortcut first, into the third slot the block\'s last conv adds onto', () => {
    const program = compileHyperdrive(downsampling(new Prng(8)), params);
    expect(program.steps.map((s) => [s.name, s.fused, s.slots.inSlot, s.slots.outSlot, s.layer.residual])).toEqual([
      ['c1', ['r1'], 0, 1, false],
      ['ds', [], 1, 0, false],
      ['d1', ['rd1'], 1, 2, false],
      ['d2', ['sum', 'out'], 2, 0, true],
      ['head', [], 0, 1, false],
    ]);
  });

  it('fuses ReLU and the residual add, assigns the slots, leaves pool and classifier to the host', () => {
    const program = compileHyperdrive(resnetStyle(new Prng(3)), params);
    expect(program.steps.map((s) => [s.name, s.fused, s.slots.inSlot, s.slots.outSlot, s.layer.kernel, s.layer.stride, s.layer.relu, s.layer.residual])).toEqual([
      ['c1', ['r1'], 0, 1, 3, 1, true, false],
      ['c2', ['r2'], 1, 0, 3, 2, true, false],
      ['b1', ['rb1'], 0, 1, 3, 1, true, false],
      ['b2', ['qb2', 'sum', 'out'], 1, 0, 3, 1, true, true],
      ['head', [], 0, 1, 1, 1, false, false],
    ]);
    expect(program.steps.map((s) => s.patch)).toEqual([{ rows: 4, cols: 4 }, { rows: 4, cols: 4 }, { rows: 2, cols: 2 }, { rows: 2, cols: 2 }, { rows: 2, cols: 2 }]);
    expect(program.host.map((n) => n.name)).toEqual(['pool', 'flat', 'fc']);
    expect(program.ignored).toEqual(['qb2']);
    expect(program.output).toEqual({ tensor: 'head', slot: 1, channels: 6, height: 4, width: 4 });
  });

  it('reorders OHWI weights to the weight port order and takes the per-channel scale and bias', () => {
    const g = resnetStyle(new Prng(4));
    const program = compileHyperdrive(g, params);
    const conv = g.nodes.find((n) => n.name === 'c2');
    if (conv?.op !== 'conv') throw new Error('no conv c2');
    const layer = program.steps[1]!.layer;
    for (let o = 0; o < 8; o++) {
      for (let i = 0; i < 8; i++)
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            expect(layer.weights[weightIndex(layer, o, i, ky, kx)]).toBe(conv.params.weights[((o * 3 + ky) * 3 + kx) * 8 + i]!.sign > 0);
          }
      expect(fp16ToNumber(layer.scale[o]!)).toBe(2 ** conv.params.weights[o * 72]!.exp);
      expect(fp16ToNumber(layer.bias[o]!)).toBe(Number(conv.params.bias!.raw[o]!) / 256);
    }
  });

  const refused: [string, (rng: Prng) => ReturnType<typeof resnetStyle>, RegExp][] = [
    ['too many channels', (rng) => resnetStyle(rng, { channels: 16 }), /node 'c1'.*16 channels exceed the engine's 8/],
    ['a conv after the pooling', (rng) => resnetStyle(rng, { convAfterPool: true }), /node 'late'.*after the host part/],
    [
      'mixed magnitudes in one output channel',
      (rng) => {
        const b = new GraphBuilder('mixed', { name: 'image', shape: [8, 8, 2], fmt });
        return b.build(b.conv('c', b.input, { outChannels: 4, kernel: 3 }, binaryParams(rng, 4, 18, (w) => (w[5] = po2(1, 1)))));
      },
      /node 'c'.*mixes weight magnitudes/,
    ],
    [
      'a depthwise conv',
      (rng) => {
        const b = new GraphBuilder('dw', { name: 'image', shape: [8, 8, 4], fmt });
        return b.build(b.depthwise('dw', b.input, { kernel: 3 }, binaryParams(rng, 4, 9)));
      },
      /node 'dw'.*depthwise/,
    ],
    [
      'a 5x5 kernel',
      (rng) => {
        const b = new GraphBuilder('k5', { name: 'image', shape: [8, 8, 2], fmt });
        return b.build(b.conv('c5', b.input, { outChannels: 4, kernel: 5 }, binaryParams(rng, 4, 50)));
      },
      /node 'c5'.*kernel 5/,
    ],
    [
      'two bypasses live around a branch (a fourth slot)',
      (rng) => {
        const b = new GraphBuilder('nested', { name: 'image', shape: [8, 8, 4], fmt });
        const conv = (name: string, x: string) => b.conv(name, x, { outChannels: 4, kernel: 3 }, binaryParams(rng, 4, 36));
        const a = conv('a', b.input);
        const o = b.addTensors('inner', conv('o', conv('n', conv('m', a))), a);
        return b.build(b.addTensors('outer', conv('c', o), b.input));
      },
      /node 'n'.*no free map slot/,
    ],
  ];
  for (const [what, build, message] of refused) {
    it(`refuses ${what} with a GraphError naming the node`, () => {
      const g = build(new Prng(5));
      expect(() => compileHyperdrive(g, params)).toThrow(GraphError);
      expect(() => compileHyperdrive(g, params)).toThrow(message);
    });
  }
});

describe('a compiled program in Verilator', () => {
  let sim: DesignSimulator<unknown>;
  beforeAll(async () => {
    sim = await simulate(HyperdriveEngine, params);
    sim.reset(2);
  });
  afterAll(() => sim?.close());

  it.each([
    ['a ResNet-style net', resnetStyle],
    ['a downsampling block with a 1x1 stride-2 shortcut', downsampling],
  ] as const)('runs %s bit-exact against the FP16 golden model, each layer in the formula cycles', (_what, build) => {
    const rng = new Prng(6);
    const program = compileHyperdrive(build(rng), params);
    const host = new HyperdriveHost(sim, params);
    const input = fp16Map(3, 8, 8, Uint16Array.from({ length: 3 * 64 }, () => fp16FromNumber(rng.normal())));
    host.loadMap(0, input);
    for (const step of program.steps) {
      const run = host.runLayer(step.layer, step.slots, step.patch);
      const out = step.patch.rows / step.layer.stride;
      expect(run.counted.cycles).toBe(hyperdriveLayerSchedule(step.layer, params.lanes, out * out).cycles);
    }
    const { slot, channels, height, width } = program.output;
    const fromEngine = host.readMap(slot, channels, height, width);
    const golden = runHyperdriveProgramGolden(program, input);
    expect(golden.data.some((v) => v !== 0)).toBe(true);
    expect([...fromEngine.data]).toEqual([...golden.data]);
  });
});
