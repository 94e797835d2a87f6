// chisel3.util-style helpers, simulated against software references.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Bool,
  Cat,
  Counter,
  Decoupled,
  Enum,
  Fill,
  IO,
  Input,
  MuxCase,
  MuxLookup,
  OHToUInt,
  Output,
  PopCount,
  PriorityEncoder,
  Queue,
  RegEnable,
  RegInit,
  RegNext,
  ShiftRegister,
  UInt,
  UIntToOH,
  VecInit,
  defineModule,
  switchOn,
} from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

const Combinational = defineModule({
  name: 'Combinational',
  body: () => {
    const io = IO({
      x: Input(UInt(8)),
      sel: Input(UInt(2)),
      cat: Output(UInt(16)),
      fill: Output(UInt(12)),
      pop: Output(UInt(4)),
      oh: Output(UInt(8)),
      ohBack: Output(UInt(3)),
      prio: Output(UInt(3)),
      muxCase: Output(UInt(8)),
      lookup: Output(UInt(8)),
      lookupTable: Output(UInt(8)),
    });
    io.cat.connect(Cat(io.x, io.x.not()));
    io.fill.connect(Fill(3, io.x.bits(3, 0)));
    io.pop.connect(PopCount(io.x));
    const oh = UIntToOH(io.x.bits(2, 0));
    io.oh.connect(oh);
    io.ohBack.connect(OHToUInt(oh));
    io.prio.connect(PriorityEncoder(io.x));
    io.muxCase.connect(MuxCase(io.x, [[io.x.gt(200), 200], [io.x.lt(10), 10]]));
    io.lookup.connect(MuxLookup(io.sel, 0, [[0, 11], [1, 22], [3, io.x]]));
    io.lookupTable.connect(VecInit(UInt(8), [5, 6, 7, 8]).at(io.sel));
    return io;
  },
});

const popcount = (v: number): number => v.toString(2).split('').filter((c) => c === '1').length;

describe('combinational helpers in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Combinational);
  });
  afterAll(() => sim.close());

  it('match software references for every 8-bit input', () => {
    for (let x = 0; x < 256; x++) {
      const sel = x % 4;
      sim.poke('x', x);
      sim.poke('sel', sel);
      expect(sim.peek('cat')).toBe((x << 8) | (~x & 0xff));
      expect(sim.peek('fill')).toBe((x & 15) * 0x111);
      expect(sim.peek('pop')).toBe(popcount(x));
      expect(sim.peek('oh')).toBe(1 << (x & 7));
      expect(sim.peek('ohBack')).toBe(x & 7);
      expect(sim.peek('prio')).toBe(x === 0 ? 7 : Math.min(7, Math.log2(x & -x)));
      expect(sim.peek('muxCase')).toBe(x > 200 ? 200 : x < 10 ? 10 : x);
      expect(sim.peek('lookup')).toBe([11, 22, 0, x][sel]);
      expect(sim.peek('lookupTable')).toBe([5, 6, 7, 8][sel]);
    }
  });
});

const Light = Enum(['red', 'green', 'yellow']);

const Sequential = defineModule({
  name: 'Sequential',
  body: () => {
    const io = IO({
      go: Input(Bool()),
      d: Input(UInt(8)),
      light: Output(Light.type),
      delayed: Output(UInt(8)),
      held: Output(UInt(8)),
      count: Output(UInt(3)),
      wrapped: Output(Bool()),
      previous: Output(UInt(8)),
    });
    const state = RegInit(Light.type, Light.red).named('state');
    switchOn(state)
      .is(Light.red, () => state.connect(Light.green))
      .is(Light.green, () => state.connect(Light.yellow))
      .is(Light.yellow, () => state.connect(Light.red));
    io.light.connect(state);
    io.delayed.connect(ShiftRegister(io.d, 3));
    io.held.connect(RegEnable(io.d, io.go, 0));
    io.previous.connect(RegNext(io.d, 7));
    const c = Counter(5);
    c.inc();
    io.count.connect(c.value);
    io.wrapped.connect(c.wrap);
    return io;
  },
});

describe('sequential helpers in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Sequential);
  });
  afterAll(() => sim.close());

  it('steps an Enum state machine through switchOn/is', () => {
    sim.reset(1);
    const seen = [];
    for (let i = 0; i < 6; i++) {
      seen.push(sim.peek('light'));
      sim.step();
    }
    expect(seen).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Light.names).toEqual(['red', 'green', 'yellow']);
  });

  it('delays by ShiftRegister, holds by RegEnable, counts modulo 5 by Counter', () => {
    sim.reset(1);
    expect(sim.peek('previous')).toBe(7); // RegNext's reset value
    const inputs = [3, 14, 15, 92, 65, 35, 89, 79];
    const history: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      sim.poke('d', inputs[i]!);
      sim.poke('go', i % 2);
      sim.step();
      history.push(inputs[i]!);
      if (i >= 2) expect(sim.peek('delayed')).toBe(history[i - 2]);
      expect(sim.peek('previous')).toBe(inputs[i]);
      const lastEnabled = [...inputs.slice(0, i + 1)].filter((_, k) => k % 2 === 1).pop() ?? 0;
      expect(sim.peek('held')).toBe(lastEnabled);
      expect(sim.peek('count')).toBe((i + 1) % 5);
      expect(sim.peek('wrapped')).toBe((i + 1) % 5 === 4 ? 1 : 0);
    }
  });
});

const Fifo = defineModule({
  name: 'Fifo',
  body: () => {
    const io = IO({ enq: Input(Decoupled(UInt(8))), deq: Output(Decoupled(UInt(8))) });
    io.deq.connect(Queue(io.enq, 3));
    return io;
  },
});

describe('Queue in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Fifo);
  });
  afterAll(() => sim.close());

  it('passes words in order under random ready/valid and never accepts when full', () => {
    sim.reset(1);
    const model: number[] = [];
    const received: number[] = [];
    let next = 1;
    let seed = 7;
    for (let cycle = 0; cycle < 300; cycle++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const valid = (seed >>> 8) & 1;
      const ready = (seed >>> 9) & 1;
      sim.poke('enq_valid', valid);
      sim.poke('enq_bits', next & 0xff);
      sim.poke('deq_ready', ready);
      expect(sim.peek('enq_ready')).toBe(model.length < 3 ? 1 : 0);
      expect(sim.peek('deq_valid')).toBe(model.length > 0 ? 1 : 0);
      const fire = { enq: valid === 1 && model.length < 3, deq: ready === 1 && model.length > 0 };
      if (fire.deq) {
        expect(sim.peek('deq_bits')).toBe(model[0]);
        received.push(model.shift()!);
      }
      if (fire.enq) model.push(next++ & 0xff);
      sim.step();
    }
    expect(received.length).toBeGreaterThan(30);
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => (i + 1) & 0xff));
  });
});
