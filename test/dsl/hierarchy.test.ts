// Hierarchy and clocking, simulated: instances of a generator, a raw module with
// explicit clock/reset scopes, an asynchronous reset, and a Verilog black box.
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
    }
  });

  it('emits each distinct parameterization once', () => {
    const names = elaborate(Top).modules.map((m) => m.name);
    expect(names.sort()).toEqual(['Counter', 'Counter_1', 'Top', 'VerilogAdder', 'VerilogAdder_1']);
  });
});
