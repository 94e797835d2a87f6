// chisel3.util helpers Chisel users reach for: Reverse, Mux1H, log2Ceil/log2Up,
// BitPat + decoder, LFSR and the type-safe Enum. One small module holds them all
// (one Verilator build); each output is checked against a model written here.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import {
  BitPat, Bool, Enum, IO, Input, LFSR, Mux1H, Output, RegInit, Reverse, UInt, Wire, decoder, defineModule, isPow2, lfsrTaps, log2Ceil, log2Floor, log2Up, switchOn, when,
} from '../../dsl/index.ts';
import type { EnumValue } from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';

const Door = Enum(['closed', 'opening', 'open', 'closing']);
const Other = Enum(['a', 'b']);

// What the decoder decodes: a 4-bit opcode, first matching row wins.
const DECODE: [string, number][] = [['b0000', 1], ['b1??1', 2], ['b1?0?', 3], ['b01??', 4]];
const decodeModel = (op: number): number => {
  for (const [pat, out] of DECODE) {
    const bits = pat.slice(1);
    if ([...bits].every((c, i) => c === '?' || Number(c) === ((op >> (bits.length - 1 - i)) & 1))) return out;
  }
  return 7;
};

const LUT = [10, 20, 40, 80];
const LFSR_WIDTH = 8;

const Helpers = defineModule({
  name: 'Helpers',
  params: { entries: 5 },
  body: ({ entries }) => {
    const io = IO({
      x: Input(UInt(5)),
      reversed: Output(UInt(5)),
      sel: Input(UInt(4)),
      dyn: Input(UInt(8)),
      picked: Output(UInt(8)),
      op: Input(UInt(4)),
      decoded: Output(UInt(3)),
      step: Input(Bool()),
      random: Output(UInt(LFSR_WIDTH)),
      push: Input(Bool()),
      door: Output(Door.type),
      slot: Output(UInt(log2Up(entries))), // sized by log2Up
    });
    io.reversed.connect(Reverse(io.x));
    io.picked.connect(Mux1H(io.sel, [LUT[0]!, LUT[1]!, LUT[2]!, io.dyn]));
    io.decoded.connect(decoder(io.op, DECODE.map(([p, o]) => [BitPat.of(p), o] as const), 7));
    io.random.connect(LFSR(LFSR_WIDTH, io.step));
    const door = RegInit(Door.type, Door.closed);
    when(io.push, () => {
      switchOn(door)
        .is(Door.closed, () => door.connect(Door.opening))
        .is(Door.opening, () => door.connect(Door.open))
        .is(Door.open, () => door.connect(Door.closing))
        .is(Door.closing, () => door.connect(Door.closed));
    });
    io.door.connect(door);
    io.slot.connect(io.x.bits(log2Up(entries) - 1, 0));
    return io;
  },
});

// Never called: tsc (part of `npm test`) fails if any of these lines type-checks.
export function enumTypeErrors(state: EnumValue<typeof Door.names>): void {
  // @ts-expect-error a number is not a Door state
  state.connect(3);
  // @ts-expect-error a state of another Enum
  state.connect(Other.a);
  // @ts-expect-error a plain UInt wire
  state.connect(Wire(UInt(2)));
  state.connect(Door.open); // fine
}

describe('helpers in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Helpers);
  });
  afterAll(() => sim.close());

  it('Reverse: bit i becomes bit width-1-i', () => {
    for (let x = 0; x < 32; x++) {
      sim.poke('x', x);
      const want = [...x.toString(2).padStart(5, '0')].reverse().join('');
      expect(sim.peek('reversed')).toBe(parseInt(want, 2));
    }
  });

  it('Mux1H: the value whose select bit is set; none set gives 0', () => {
    sim.poke('dyn', 123);
    for (let i = 0; i < 4; i++) {
      sim.poke('sel', 1 << i);
      expect(sim.peek('picked')).toBe([...LUT.slice(0, 3), 123][i]);
    }
    sim.poke('sel', 0);
    expect(sim.peek('picked')).toBe(0);
  });

  it('BitPat + decoder: the first matching row, else the default', () => {
    for (let op = 0; op < 16; op++) {
      sim.poke('op', op);
      expect(sim.peek('decoded'), `op ${op}`).toBe(decodeModel(op));
    }
  });

  it('LFSR: the Fibonacci sequence of its taps, all 255 nonzero states, holding while not stepped', () => {
    sim.reset();
    const taps = lfsrTaps[LFSR_WIDTH]!;
    let model = 1;
    const seen = new Set<number>();
    sim.poke('step', 1);
    for (let i = 0; i < 255; i++) {
      expect(sim.peek('random')).toBe(model);
      seen.add(model);
      const fb = taps.reduce((acc, t) => acc ^ ((model >> (t - 1)) & 1), 0);
      model = ((model << 1) | fb) & 0xff;
      sim.step(1);
    }
    expect(seen.size).toBe(255);
    expect(sim.peek('random')).toBe(1); // back to the seed
    sim.poke('step', 0);
    sim.step(3);
    expect(sim.peek('random')).toBe(1);
  });

  it('Enum: a state register steps through its states', () => {
    sim.reset();
    sim.poke('push', 1);
    const seen = [];
    for (let i = 0; i < 5; i++) {
      seen.push(Door.names[Number(sim.peek('door'))]);
      sim.step(1);
    }
    expect(seen).toEqual(['closed', 'opening', 'open', 'closing', 'closed']);
  });

  it('log2Up sizes a port: 5 entries need 3 bits', () => {
    expect(sim.verilog.ports.find((p) => p.name === 'slot')?.width).toBe(3);
  });
});

describe('log2Ceil / log2Up / log2Floor / isPow2', () => {
  it('agree with exact integer definitions, beyond 2^53 too', () => {
    for (let n = 1; n <= 1100; n++) {
      let ceil = 0;
      while (2 ** ceil < n) ceil++;
      expect(log2Ceil(n)).toBe(ceil);
      expect(log2Up(n)).toBe(Math.max(1, ceil));
      expect(log2Floor(n)).toBe(Math.floor(Math.log2(n)));
      expect(isPow2(n)).toBe(2 ** ceil === n);
    }
    expect(log2Ceil(2n ** 60n + 1n)).toBe(61);
    expect(log2Ceil(2n ** 60n)).toBe(60);
    expect(() => log2Ceil(0)).toThrow(RangeError);
  });
});

describe('lfsrTaps', () => {
  it('give maximal length (2^w - 1 states) for widths 2..20', () => {
    for (let w = 2; w <= 20; w++) {
      const taps = lfsrTaps[w]!;
      const mask = (1 << w) - 1;
      let s = 1;
      let period = 0;
      do {
        const fb = taps.reduce((acc, t) => acc ^ ((s >> (t - 1)) & 1), 0);
        s = ((s << 1) | fb) & mask;
        period++;
      } while (s !== 1 && period <= mask);
      expect(period, `width ${w}`).toBe(mask);
    }
  });
});

describe('BitPat', () => {
  it('parses 0, 1 and ? digits and refuses anything else', () => {
    const p = BitPat.of('b1?_01');
    expect([p.value, p.mask, p.width, p.toString()]).toEqual([0b1001n, 0b1011n, 4, 'b1?01']);
    expect(() => BitPat.of('1x0')).toThrow(/not a pattern/);
  });
});
