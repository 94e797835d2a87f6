// Constants (U, S, B), complement of an SInt, concatenation across signedness,
// and a mux of Bools, simulated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B, Bool, IO, Input, Output, S, SInt, U, UInt, defineModule, mux } from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

const Constants = defineModule({
  name: 'Constants',
  body: () => {
    const io = IO({
      s: Input(SInt(4)),
      u: Input(UInt(3)),
      c: Input(Bool()),
      plusFive: Output(UInt(5)),
      minusThree: Output(SInt(6)),
      inverted: Output(SInt(4)),
      joined: Output(UInt(7)),
      flag: Output(Bool()),
    });
    io.plusFive.connect(io.u.add(U(5, 4)));
    io.minusThree.connect(io.s.add(S(-3)));
    io.inverted.connect(io.s.not());
    io.joined.connect(io.s.cat(io.u));
    const flag: Bool = mux(io.c, B(true), io.u.orR());
    io.flag.connect(flag);
    return io;
  },
});

describe('constants and mixed-signedness helpers in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Constants);
  });
  afterAll(() => sim.close());

  it('match a software reference for every input', () => {
    for (let s = -8; s < 8; s++) {
      for (let u = 0; u < 8; u++) {
        for (const c of [0, 1]) {
          sim.poke('s', s);
          sim.poke('u', u);
          sim.poke('c', c);
          expect(sim.peek('plusFive')).toBe(u + 5);
          expect(sim.peek('minusThree')).toBe(s - 3);
          expect(sim.peek('inverted')).toBe(~s);
          expect(sim.peek('joined')).toBe(((s & 15) << 3) | u);
          expect(sim.peek('flag')).toBe(c || u !== 0 ? 1 : 0);
        }
      }
    }
  });
});
