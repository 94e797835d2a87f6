// The rest of the streaming Po2 library in Verilator: residual add (skip FIFO),
// global average pooling, the linear classifier and requantization on streams,
// each output compared element by element with the golden model, over several
// frames with random input gaps; a too-small residual FIFO fails an assert.
// One model holds every block, each with its own ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bool, IO, Input, Output, SInt, defineModule } from '../../dsl/index.ts';
import type { BoolValue, PortSpec, SIntValue } from '../../dsl/index.ts';
import { simulate, type DesignSimulator } from '../../sim/index.ts';
import {
  EXACT,
  Prng,
  conv2dAcc,
  convStream,
  expRange,
  formatWidth,
  globalAvgPool,
  layerOutput,
  linearAcc,
  qformat,
  randomSparsePo2,
  randomTensor,
  rawMax,
  rawMin,
  residualAdd,
  residualFifoDepth,
  streamLayerOutput,
  streamingConv2d,
  streamingGlobalAvgPool,
  streamingLinear,
  streamingResidualAdd,
  type BiasVector,
  type FixedTensor,
  type PixelStream,
  type QFormat,
} from '../../lib/index.ts';
import { extremeInputs } from './harness.ts';

const p = new Prng(2024);
const range = expRange(-3, 1);

// Residual: skip Q3.3 leads, main Q2.4 follows, FIFO of 4; saturated to Q3.3 and also the exact sum.
const RC = 3;
const SKIP = qformat(3, 3);
const MAIN = qformat(2, 4);
const RES_OUT = qformat(3, 3);
const DEPTH = 4;
// Pooling: 3 x 3 frames (odd divisor 9) to Q2.4 (saturates), 2 x 2 frames to Q3.2 'deepshift'.
const PC = 3;
const PACT = qformat(3, 3);
const POOLS = {
  p9: { height: 3, width: 3, out: qformat(2, 4), saturation: 'full' as const },
  p4: { height: 2, width: 2, out: qformat(3, 2), saturation: 'deepshift' as const },
};
// Linear: 5 -> 4, bias, pipelined, then ReLU to Q2.4 on the stream.
const LC = 5;
const LF = 4;
const LACT = qformat(3, 3);
const LW = randomSparsePo2(p, LF * LC, range, 0.3);
const LBIAS: BiasVector = { raw: [5n, -9n, 0n, 31n], fmt: qformat(3, 2) };
const LOUT = qformat(2, 4);
// Chain: x -> 3x3 'same' conv -> ReLU to Q3.3 -> + x, FIFO depth from residualFifoDepth
// ('tight': one entry less than needed at full rate, driven only by the test that expects the overflow).
const CC = 2;
const CH = 4;
const CW = 5;
const CACT = qformat(3, 3);
const CWTS = randomSparsePo2(p, CC * 9 * CC, range, 0.3);
const CGAP = qformat(2, 6);
const info: Record<string, number> = {};

function ports(prefix: string, n: number, fmt: QFormat): { valid: BoolValue; pixel: SIntValue[] } {
  const spec: Record<string, PortSpec> = { [`${prefix}_valid`]: Input(Bool()) };
  for (let i = 0; i < n; i++) spec[`${prefix}_x_${i}`] = Input(SInt(formatWidth(fmt)));
  const io = IO(spec) as Record<string, SIntValue | BoolValue>;
  return { valid: io[`${prefix}_valid`] as BoolValue, pixel: Array.from({ length: n }, (_, i) => io[`${prefix}_x_${i}`] as SIntValue) };
}

function outputs(prefix: string, s: { valid: BoolValue; pixel: readonly SIntValue[] }): void {
  const spec: Record<string, PortSpec> = { [`${prefix}_valid`]: Output(Bool()) };
  s.pixel.forEach((v, i) => (spec[`${prefix}_y_${i}`] = Output(SInt(v.width))));
  const io = IO(spec) as Record<string, SIntValue | BoolValue>;
  (io[`${prefix}_valid`] as BoolValue).connect(s.valid);
  s.pixel.forEach((v, i) => (io[`${prefix}_y_${i}`] as SIntValue).connect(v));
}

function chain(name: string, tight: boolean): void {
  const x = ports(`${name}_in`, CC, CACT);
  const conv = streamingConv2d(x, CACT, CWTS, CC, 3, { height: CH, width: CW, padding: 'same', pipelineEvery: 1 });
  const rdy = IO({ [`${name}_in_ready`]: Output(Bool()) }) as Record<string, BoolValue>;
  (rdy[`${name}_in_ready`] as BoolValue).connect(conv.ready);
  const main = streamLayerOutput(conv, { out: CACT, activation: 'relu' });
  const depth = residualFifoDepth([{ kernel: 3, padding: 'same', width: CW, latency: conv.latency }]);
  // 'tight': one entry less than the full-rate need, which is depth - 1 here (the test checks it).
  info[`${name}_depth`] = tight ? depth - 2 : depth;
  info.convLatency = conv.latency;
  const skip: PixelStream = { valid: x.valid.and(conv.ready), pixel: x.pixel, fmt: CACT };
  outputs(name, streamingResidualAdd(skip, main, { depth: info[`${name}_depth`]!, out: CACT }));
  // The conv's accumulators pooled per frame: the pool's sums sized from the conv's channel ranges.
  if (!tight) outputs(`${name}_gap`, streamingGlobalAvgPool(conv, { height: CH, width: CW, out: CGAP }));
  // And the ReLU'd stream pooled: sums sized from the requantized ranges (lower end 0).
  if (!tight) outputs(`${name}_rgap`, streamingGlobalAvgPool(main, { height: CH, width: CW, out: CGAP }));
}

const Top = defineModule({
  name: 'StreamingMoreTest',
  body: () => {
    const skip = ports('skip', RC, SKIP);
    const main = ports('main', RC, MAIN);
    outputs('res', streamingResidualAdd({ ...skip, fmt: SKIP }, { ...main, fmt: MAIN }, { depth: DEPTH, out: RES_OUT }));
    const exact = streamingResidualAdd({ ...skip, fmt: SKIP }, { ...main, fmt: MAIN }, { depth: DEPTH });
    info.exactWidth = formatWidth(exact.fmt);
    outputs('rex', exact);

    for (const [name, o] of Object.entries(POOLS)) outputs(name, streamingGlobalAvgPool({ ...ports(`${name}_in`, PC, PACT), fmt: PACT }, o));

    const lin = streamingLinear(ports('lin_in', LC, LACT), LACT, LW, LF, { mode: EXACT, bias: LBIAS, pipelineEvery: 1 });
    info.linLatency = lin.latency;
    outputs('lacc', convStream(lin));
    outputs('lin', streamLayerOutput(lin, { out: LOUT, activation: 'relu' }));

    chain('chain', false);
    chain('tight', true);
  },
});

type Lanes = Record<string, number[]>;
const vectorsOf = (t: FixedTensor): bigint[][] => Array.from({ length: t.data.length / t.shape[2] }, (_, i) => t.data.slice(i * t.shape[2], (i + 1) * t.shape[2]));

/** Drive `prefix` lanes: valid per cycle, the next pixel when valid, random junk otherwise. */
function driveLanes(prefix: string, valid: readonly boolean[], pixels: readonly (readonly bigint[])[], fmt: QFormat, junk: Prng): Lanes {
  const C = pixels[0]!.length;
  const lanes: Lanes = { [`${prefix}_valid`]: [] };
  for (let i = 0; i < C; i++) lanes[`${prefix}_x_${i}`] = [];
  let k = 0;
  for (const v of valid) {
    lanes[`${prefix}_valid`]!.push(v ? 1 : 0);
    for (let i = 0; i < C; i++) lanes[`${prefix}_x_${i}`]!.push(v ? Number(pixels[k]![i]) : junk.int(Number(rawMin(fmt)), Number(rawMax(fmt))));
    if (v) k++;
  }
  expect(k, `${prefix}: every pixel driven`).toBe(pixels.length);
  return lanes;
}

/** The pixels of `prefix`'s output at the cycles its valid was high. */
function collect(res: Record<string, ArrayLike<number | bigint>>, prefix: string, C: number): bigint[][] {
  const v = res[`${prefix}_valid`]!;
  const out: bigint[][] = [];
  for (let c = 0; c < v.length; c++) if (Number(v[c]) === 1) out.push(Array.from({ length: C }, (_, i) => BigInt(res[`${prefix}_y_${i}`]![c]!)));
  return out;
}

function outNames(prefix: string, C: number): string[] {
  return [`${prefix}_valid`, ...Array.from({ length: C }, (_, i) => `${prefix}_y_${i}`)];
}

describe('streaming residual, pool, linear in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Top);
  });
  afterAll(() => sim?.close());

  function quiet(): void {
    for (const n of ['skip', 'main', 'p9_in', 'p4_in', 'lin_in', 'chain_in', 'tight_in']) sim.poke(`${n}_valid`, 0);
    sim.reset(2);
  }

  it('residual add: skip leads by up to the FIFO depth, sums match residualAdd', () => {
    quiet();
    const n = 90;
    const a = randomTensor(p, [1, n, RC], SKIP, 0.4);
    const b = randomTensor(p, [1, n, RC], MAIN, 0.4);
    // Random schedule: main pops only pixels pushed in an earlier cycle; skip pushes
    // only when the FIFO (as the hardware counts it) has room. Main is slow at first
    // so the FIFO fills up completely.
    const g = new Prng(9);
    const sv: boolean[] = [];
    const mv: boolean[] = [];
    let pushed = 0;
    let popped = 0;
    let maxOcc = 0;
    for (let c = 0; popped < n; c++) {
      const push = pushed < n && pushed - popped < DEPTH && g.nextFloat() < 0.7;
      const pop = popped < pushed && g.nextFloat() < (c < 40 ? 0.3 : 0.8);
      sv.push(push);
      mv.push(pop);
      if (push) pushed++;
      if (pop) popped++;
      maxOcc = Math.max(maxOcc, pushed - popped);
    }
    expect(maxOcc, 'the schedule fills the FIFO').toBe(DEPTH);
    sv.push(false, false);
    mv.push(false, false);
    const junk = new Prng(3);
    const res = sim.runVectors({
      inputs: { ...driveLanes('skip', sv, vectorsOf(a), SKIP, junk), ...driveLanes('main', mv, vectorsOf(b), MAIN, junk) },
      outputs: [...outNames('res', RC), ...outNames('rex', RC)],
    });
    const want = residualAdd(a, b, RES_OUT);
    const got = collect(res, 'res', RC);
    expect(got.length).toBe(n);
    expect(got).toEqual(vectorsOf(want));
    // Saturation corners were reached.
    const flat = want.data;
    expect(flat.filter((v) => v === rawMax(RES_OUT)).length).toBeGreaterThan(3);
    expect(flat.filter((v) => v === rawMin(RES_OUT)).length).toBeGreaterThan(3);
    const ex = residualAdd(a, b);
    expect(formatWidth(ex.fmt)).toBe(info.exactWidth);
    expect(collect(res, 'rex', RC)).toEqual(vectorsOf(ex));
  });

  it('global average pool: one vector per frame, back to back and with gaps, matches globalAvgPool', () => {
    quiet();
    for (const [name, o] of Object.entries(POOLS)) {
      const shape = [o.height, o.width, PC] as const;
      const frames: FixedTensor[] = Array.from({ length: 6 }, () => randomTensor(p, shape, PACT, 0.4));
      // Saturation corners: a frame of all maxima, one of all minima.
      frames.push({ shape, fmt: PACT, data: Array(o.height * o.width * PC).fill(rawMax(PACT)) });
      frames.push({ shape, fmt: PACT, data: Array(o.height * o.width * PC).fill(rawMin(PACT)) });
      const pixels = frames.flatMap(vectorsOf);
      // The first three frames at full rate (back to back), then random gaps.
      const g = new Prng(11);
      const valid: boolean[] = [];
      for (let k = 0; k < pixels.length; ) {
        const v = k < 3 * o.height * o.width || g.nextFloat() < 0.6;
        valid.push(v);
        if (v) k++;
      }
      valid.push(false, false);
      const res = sim.runVectors({ inputs: driveLanes(`${name}_in`, valid, pixels, PACT, new Prng(4)), outputs: outNames(name, PC) });
      const want = frames.map((f) => globalAvgPool(f, o.out, o.saturation).data);
      const got = collect(res, name, PC);
      expect(got, name).toEqual(want);
      // The output holds between pulses (a register), and the pulse is one cycle long.
      const v = res[`${name}_valid`]!;
      for (let c = 1; c < v.length; c++) expect(Number(v[c]) + Number(v[c - 1])).toBeLessThanOrEqual(2);
      const sat = want.flat();
      expect(sat).toContain(rawMax(o.out, o.saturation));
      expect(sat).toContain(rawMin(o.out));
    }
  });

  it('linear: one output vector per input vector, accumulators and ReLU output match linearAcc + layerOutput', () => {
    quiet();
    const xs: bigint[][] = [...extremeInputs(LW, LF, LACT), ...Array.from({ length: 40 }, () => randomTensor(p, [1, 1, LC], LACT, 0.3).data.slice())];
    const g = new Prng(12);
    const valid: boolean[] = [];
    for (let k = 0; k < xs.length; ) {
      const v = k < 10 || g.nextFloat() < 0.5;
      valid.push(v);
      if (v) k++;
    }
    for (let i = 0; i < info.linLatency! + 1; i++) valid.push(false);
    const res = sim.runVectors({ inputs: driveLanes('lin_in', valid, xs, LACT, new Prng(5)), outputs: [...outNames('lacc', LF), ...outNames('lin', LF)] });
    const accs = xs.map((x) => linearAcc({ shape: [1, 1, LC], fmt: LACT, data: x }, LW, LF, { mode: EXACT, bias: LBIAS }));
    expect(collect(res, 'lacc', LF)).toEqual(accs.map((a) => a.data));
    const want = accs.map((a) => layerOutput(a, { out: LOUT, activation: 'relu' }).data);
    expect(collect(res, 'lin', LF)).toEqual(want);
    expect(want.flat()).toContain(rawMax(LOUT));
    expect(want.flat()).toContain(0n);
    // The output follows its input by `latency` cycles (sampled after the edge: latency - 1).
    const firstIn = valid.indexOf(true);
    expect(Array.from(res.lin_valid! as ArrayLike<number>).indexOf(1)).toBe(firstIn + info.linLatency! - 1);
  });

  it('conv -> ReLU -> residual with the input: the FIFO depth rule suffices at full rate and with gaps', () => {
    quiet();
    const frames = Array.from({ length: 3 }, () => randomTensor(p, [CH, CW, CC], CACT, 0.4));
    const total = frames.length * CH * CW;
    const pix = frames.flatMap(vectorsOf);
    const seen: bigint[][] = [];
    const pooled: bigint[][] = [];
    const rpooled: bigint[][] = [];
    let k = 0;
    const g = new Prng(13);
    let pushes = 0;
    let pops = 0;
    const need = [0, 0];
    const phase = (i: number): number => (i < 2 * CH * CW ? 0 : 1);
    // Frames 0 and 1 at full rate, then gaps.
    for (let cycle = 0; cycle < total * 3 + 50; cycle++) {
      const have = k < total && (k < 2 * CH * CW || g.nextFloat() < 0.6);
      sim.poke('chain_in_valid', have ? 1 : 0);
      for (let i = 0; i < CC; i++) sim.poke(`chain_in_x_${i}`, have ? pix[k]![i]! : BigInt(g.int(-32, 31)));
      const took = have && sim.peek('chain_in_ready') === 1;
      // The FIFO's occupancy as the hardware counts it: a push needs room before the edge.
      if (took) need[phase(k)] = Math.max(need[phase(k)]!, pushes - pops + 1);
      sim.step(); // the residual's asserts would throw here
      if (took) k++;
      if (took) pushes++;
      if (sim.peek('chain_valid') === 1) pops++;
      if (sim.peek('chain_rgap_valid') === 1) rpooled.push(Array.from({ length: CC }, (_, i) => BigInt(sim.peek(`chain_rgap_y_${i}`))));
      if (sim.peek('chain_gap_valid') === 1) pooled.push(Array.from({ length: CC }, (_, i) => BigInt(sim.peek(`chain_gap_y_${i}`))));
      if (sim.peek('chain_valid') === 1) seen.push(Array.from({ length: CC }, (_, i) => BigInt(sim.peek(`chain_y_${i}`))));
    }
    expect(k).toBe(total);
    const want = frames.flatMap((f) => vectorsOf(residualAdd(f, layerOutput(conv2dAcc(f, CWTS, CC, 3, { padding: 'same' }), { out: CACT, activation: 'relu' }), CACT)));
    expect(seen).toEqual(want);
    expect(pooled).toEqual(frames.map((f) => globalAvgPool(conv2dAcc(f, CWTS, CC, 3, { padding: 'same' }), CGAP).data));
    expect(rpooled).toEqual(frames.map((f) => globalAvgPool(layerOutput(conv2dAcc(f, CWTS, CC, 3, { padding: 'same' }), { out: CACT, activation: 'relu' }), CGAP).data));
    expect(info.chain_depth).toBe(1 + CW + 1 + info.convLatency!);
    // The rule is an upper bound: here the padding column falls inside the
    // latency window, so the measured need is one entry less; 'tight' has one less still.
    expect(need[0]).toBe(info.chain_depth! - 1);
    expect(need[1]).toBeLessThanOrEqual(need[0]!);
    expect(info.tight_depth).toBe(need[0]! - 1);
  });
});

describe('streaming residual FIFO misuse fires an assert', () => {
  async function failing(drive: (s: DesignSimulator) => void): Promise<string> {
    const s = await simulate(Top); // the same compiled model
    try {
      for (const n of ['skip', 'main', 'p9_in', 'p4_in', 'lin_in', 'chain_in', 'tight_in']) s.poke(`${n}_valid`, 0);
      s.reset(2);
      drive(s);
      return '';
    } catch (e) {
      return (e as Error).message;
    } finally {
      s.close();
    }
  }

  it('a skip pixel arriving at a full FIFO', async () => {
    const msg = await failing((s) => {
      s.poke('skip_valid', 1);
      s.step(DEPTH); // fills the FIFO exactly: fine
      s.poke('skip_valid', 0);
      s.step();
      s.poke('skip_valid', 1);
      s.step(); // one too many
    });
    expect(msg).toMatch(/residual FIFO overflow/);
  });

  it('a main pixel before its skip pixel', async () => {
    const msg = await failing((s) => {
      s.poke('skip_valid', 1);
      s.poke('main_valid', 1); // same cycle: the skip pixel is not in the FIFO yet
      s.step();
    });
    expect(msg).toMatch(/residual FIFO underflow/);
  });

  it('one entry less than the measured need overflows at full input rate', async () => {
    const msg = await failing((s) => {
      for (let i = 0; i < 2 * CH * CW; i++) {
        s.poke('tight_in_valid', 1);
        s.step();
      }
    });
    expect(msg).toMatch(/residual FIFO overflow/);
  });
});
