// Hierarchy and clocking, simulated: instances of a generator, a raw module with
// explicit clock/reset scopes, an asynchronous reset, and Verilog black boxes.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AsyncReset,
  Bool,
  Clock,
  IO,
  Input,
  Output,
  RegInit,
  UInt,
  defineExtModule,
  defineModule,
  defineRawModule,
  elaborate,
  instance,
  when,
  withClockAndReset,
} from '../../dsl/index.ts';
import { Counter } from '../../designs/counter.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

const VerilogAdder = defineExtModule({
  name: 'VerilogAdder',
  params: { W: 4 },
  ports: (p) => ({ a: Input(UInt(p.W)), b: Input(UInt(p.W)), s: Output(UInt(p.W + 1)) }),
  verilog: {
    inline: 'module VerilogAdder #(parameter W = 4) (input [W-1:0] a, input [W-1:0] b, output [W:0] s);\n  assign s = a + b;\nendmodule\n',
  },
});

const VerilogMax = defineExtModule({
  name: 'Max',
  params: { W: 8 },
  ports: (p) => ({ a: Input(UInt(p.W)), b: Input(UInt(p.W)), y: Output(UInt(p.W)) }),
  verilog: { file: fileURLToPath(new URL('./fixtures/Max.sv', import.meta.url)) },
});

// A raw module: no implicit clock/reset; it scopes its own.
const Top = defineRawModule({
  name: 'Top',
  body: () => {
    const io = IO({
      clk: Input(Clock()),
      rst: Input(Bool()),
      arst: Input(AsyncReset()),
      en: Input(Bool()),
      narrowCount: Output(UInt(3)),
      big: Output(UInt(5)),
      asyncReg: Output(UInt(4)),
      a: Input(UInt(6)),
      b: Input(UInt(6)),
      sum6: Output(UInt(7)),
      sum2: Output(UInt(3)),
      biggest: Output(UInt(6)),
    });
    withClockAndReset(io.clk, io.rst, () => {
      const c3 = instance(Counter, { width: 3 });
      const c5 = instance(Counter, { width: 5 });
      c3.enable.connect(io.en);
      c5.enable.connect(io.en);
      io.narrowCount.connect(c3.count);
      io.big.connect(c5.count);
    });
    withClockAndReset(io.clk, io.arst, () => {
      const r = RegInit(UInt(4), 9).named('asyncHeld');
      when(io.en, () => r.connect(r.addWrap(1)));
      io.asyncReg.connect(r);
    });
    const wide = instance(VerilogAdder, { W: 6 });
    wide.a.connect(io.a);
    wide.b.connect(io.b);
    io.sum6.connect(wide.s);
    const narrow = instance(VerilogAdder, { W: 2 });
    narrow.a.connect(io.a.bits(1, 0));
    narrow.b.connect(io.b.bits(1, 0));
    io.sum2.connect(narrow.s);
    const max = instance(VerilogMax, { W: 6 });
    max.a.connect(io.a);
    max.b.connect(io.b);
    io.biggest.connect(max.y);
    return io;
  },
});

describe('hierarchy and clock domains in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Top);
  });
  afterAll(() => sim.close());

  it('runs two parameterizations of one generator side by side', () => {
    sim.poke('arst', 0);
    sim.poke('en', 0);
    sim.poke('rst', 1);
    sim.step();
    sim.poke('rst', 0);
    sim.poke('en', 1);
    sim.step(10);
    expect(sim.peek('narrowCount')).toBe(10 % 8);
    expect(sim.peek('big')).toBe(10);
  });

  it('resets an async-reset register without a clock edge', () => {
    sim.poke('en', 1);
    sim.step(2);
    expect(sim.peek('asyncReg')).not.toBe(9);
    sim.poke('arst', 1);
    expect(sim.peek('asyncReg')).toBe(9);
    sim.poke('arst', 0);
    sim.step();
    expect(sim.peek('asyncReg')).toBe(10);
  });

  it('instantiates a parameterized Verilog black box twice', () => {
    for (const [a, b] of [[63, 63], [5, 7], [0, 0], [33, 2]] as const) {
      sim.poke('a', a);
      sim.poke('b', b);
      expect(sim.peek('sum6')).toBe(a + b);
      expect(sim.peek('sum2')).toBe((a & 3) + (b & 3));
      expect(sim.peek('biggest')).toBe(Math.max(a, b)); // from a Verilog file
    }
  });

  it('emits each distinct parameterization once', () => {
    const names = elaborate(Top).modules.map((m) => m.name);
    expect(names.sort()).toEqual(['Counter', 'Counter_1', 'Max', 'Top', 'VerilogAdder', 'VerilogAdder_1']);
  });
});

// Two clock domains in one raw module: the harness steps the first clock port;
// the second is toggled by hand, and each register only moves on its own clock.
const TwoDomains = defineRawModule({
  name: 'TwoDomains',
  body: () => {
    const io = IO({ clkA: Input(Clock()), clkB: Input(Clock()), rst: Input(Bool()), a: Output(UInt(8)), b: Output(UInt(8)) });
    withClockAndReset(io.clkA, io.rst, () => {
      const countA = RegInit(UInt(8), 0);
      countA.connect(countA.addWrap(1));
      io.a.connect(countA);
    });
    withClockAndReset(io.clkB, io.rst, () => {
      const countB = RegInit(UInt(8), 0);
      countB.connect(countB.addWrap(1));
      io.b.connect(countB);
    });
    return io;
  },
});

describe('two clock domains in Verilator', () => {
  it('advances each register only on its own clock', async () => {
    const sim = await simulate(TwoDomains);
    try {
      sim.poke('clkB', 0);
      sim.poke('rst', 1);
      sim.step();
      sim.poke('clkB', 1);
      sim.peek('b');
      sim.poke('clkB', 0);
      sim.poke('rst', 0);
      sim.step(5); // clkA only
      expect([sim.peek('a'), sim.peek('b')]).toEqual([5, 0]);
      for (let i = 0; i < 3; i++) {
        sim.poke('clkB', 1);
        sim.peek('b'); // settle: a rising edge of clkB
        sim.poke('clkB', 0);
        sim.peek('b');
      }
      expect([sim.peek('a'), sim.peek('b')]).toEqual([5, 3]);
    } finally {
      sim.close();
    }
  });
});
