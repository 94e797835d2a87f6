// Bundles and vecs, simulated: typed field access, flipped fields, constant and
// dynamic vec indexing, bulk connects of whole aggregates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bool, Bundle, Decoupled, Flipped, HashiError, IO, Input, Output, Queue, Reg, UInt, Vec, Wire, asTypeOf, defineModule, elaborate } from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator } from '../../sim/index.ts';


// A one-entry pass-through: in -> register stage -> out, ready flows backwards;
// plus a vec lookup table indexed by a dynamic index.
const Plumbing = defineModule({
  name: 'Plumbing',
  body: () => {
    const io = IO({
      in: Input(Decoupled(UInt(8))),
      out: Output(Decoupled(UInt(8))),
      table: Input(Vec(4, UInt(6))),
      sel: Input(UInt(2)),
      picked: Output(UInt(6)),
      last: Output(UInt(6)),
      copy: Output(Vec(4, UInt(6))),
    });
    const stage = Reg(Decoupled(UInt(8))).named('stage');
    stage.valid.connect(io.in.valid);
    stage.bits.connect(io.in.bits);
    io.out.valid.connect(stage.valid);
    io.out.bits.connect(stage.bits);
    io.in.ready.connect(io.out.ready);
    stage.ready.connect(false);
    io.picked.connect(io.table.at(io.sel));
    io.last.connect(io.table.at(3));
    const tmp = Wire(Vec(4, UInt(6))).named('tmp');
    tmp.connect(io.table);
    io.copy.connect(tmp);
    return io;
  },
});

describe('bundles and vecs in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Plumbing);
  });
  afterAll(() => sim.close());

  it('flattens ports the way firtool names them, flipped fields reversed', () => {
    const dirs = Object.fromEntries(sim.verilog.ports.map((p) => [p.name, p.direction]));
    expect(dirs).toMatchObject({ in_valid: 'input', in_ready: 'output', in_bits: 'input', out_valid: 'output', out_ready: 'input', table_3: 'input', copy_0: 'output' });
  });

  it('moves a bundle through a register and ready backwards', () => {
    sim.poke('in_valid', 1);
    sim.poke('in_bits', 0xa5);
    sim.poke('out_ready', 1);
    sim.step();
    expect(sim.peek('out_valid')).toBe(1);
    expect(sim.peek('out_bits')).toBe(0xa5);
    expect(sim.peek('in_ready')).toBe(1);
    sim.poke('out_ready', 0);
    sim.poke('in_valid', 0);
    sim.step();
    expect(sim.peek('in_ready')).toBe(0);
    expect(sim.peek('out_valid')).toBe(0);
  });

  it('indexes a vec by a constant and by a hardware index', () => {
    const table = [11, 22, 33, 44];
    table.forEach((v, i) => sim.poke(`table_${i}`, v));
    for (let sel = 0; sel < 4; sel++) {
      sim.poke('sel', sel);
      sim.step();
      expect(sim.peek('picked')).toBe(table[sel]);
      expect(sim.peek('last')).toBe(44);
    }
    table.forEach((v, i) => expect(sim.peek(`copy_${i}`)).toBe(v));
  });
});

describe('aggregate misuse', () => {
  it('rejects connecting bundles of different shapes', () => {
    const M = defineModule({
      name: 'M',
      body: () => {
        const io = IO({ a: Input(Bundle({ x: UInt(2) })), b: Output(Bundle({ y: UInt(2) })) });
        io.b.connect(io.a);
      },
    });
    expect(() => elaborate(M)).toThrow(HashiError);
    expect(() => elaborate(M)).toThrow(/fields only in the sink: y; fields only in the source: x/);
  });

  it('rejects driving the non-flipped field of an input bundle', () => {
    const M = defineModule({
      name: 'M',
      body: () => {
        const io = IO({ a: Input(Decoupled(UInt(4))) });
        io.a.bits.connect(1);
      },
    });
    expect(() => elaborate(M)).toThrow(/cannot drive input 'a.bits'/);
  });

  it('rejects a constant vec index out of range', () => {
    const M = defineModule({
      name: 'M',
      body: () => {
        const io = IO({ v: Input(Vec(3, UInt(2))), o: Output(UInt(2)) });
        io.o.connect(io.v.at(3));
      },
    });
    expect(() => elaborate(M)).toThrow(/index 3 is out of range for a Vec of 3/);
  });

  it('rejects a field that would shadow a member', () => {
    expect(() => Bundle({ connect: UInt(1) })).toThrow(/reserved/);
  });
});

// Packing aggregates into bits and back, and a Queue carrying a bundle.
const Packed = defineModule({
  name: 'Packed',
  body: () => {
    const Pixel = Bundle({ r: UInt(3), g: UInt(3), tag: Bool() });
    const io = IO({
      pixel: Input(Pixel),
      bits: Output(UInt(7)),
      back: Output(Pixel),
      lanes: Input(Vec(3, UInt(2))),
      laneBits: Output(UInt(6)),
      enq: Input(Decoupled(Pixel)),
      deq: Output(Decoupled(Pixel)),
    });
    io.bits.connect(io.pixel.asUInt());
    io.back.connect(asTypeOf(Pixel, io.pixel.asUInt()));
    io.laneBits.connect(io.lanes.asUInt());
    io.deq.connect(Queue(io.enq, 2));
    return io;
  },
});

describe('packing aggregates in Verilator', () => {
  let sim: DesignSimulator;
  beforeAll(async () => {
    sim = await simulate(Packed);
  });
  afterAll(() => sim.close());

  it('packs a bundle first field high and a vec element 0 low, and unpacks it back', () => {
    for (const [r, g, tag] of [[5, 2, 1], [0, 7, 0], [7, 7, 1]] as const) {
      sim.poke('pixel_r', r);
      sim.poke('pixel_g', g);
      sim.poke('pixel_tag', tag);
      expect(sim.peek('bits')).toBe((r << 4) | (g << 1) | tag);
      expect([sim.peek('back_r'), sim.peek('back_g'), sim.peek('back_tag')]).toEqual([r, g, tag]);
    }
    [1, 2, 3].forEach((v, i) => sim.poke(`lanes_${i}`, v));
    expect(sim.peek('laneBits')).toBe((3 << 4) | (2 << 2) | 1);
  });

  it('queues bundle payloads in order', () => {
    sim.reset(1);
    sim.poke('deq_ready', 0);
    const sent = [[1, 2, 0], [3, 4, 1]] as const;
    for (const [r, g, tag] of sent) {
      sim.poke('enq_valid', 1);
      sim.poke('enq_bits_r', r);
      sim.poke('enq_bits_g', g);
      sim.poke('enq_bits_tag', tag);
      expect(sim.peek('enq_ready')).toBe(1);
      sim.step();
    }
    sim.poke('enq_valid', 0);
    expect(sim.peek('enq_ready')).toBe(0);
    sim.poke('deq_ready', 1);
    for (const [r, g, tag] of sent) {
      expect(sim.peek('deq_valid')).toBe(1);
      expect([sim.peek('deq_bits_r'), sim.peek('deq_bits_g'), sim.peek('deq_bits_tag')]).toEqual([r, g, tag]);
      sim.step();
    }
    expect(sim.peek('deq_valid')).toBe(0);
  });
});

describe('typed port handles mirror the IO declaration', () => {
  it('reaches bundle fields and vec elements as nested objects and arrays', async () => {
    const sim = await simulate(Plumbing);
    try {
      sim.reset();
      sim.io.in.valid.poke(1);
      sim.io.in.bits.poke(0x3c);
      sim.io.out.ready.poke(1);
      sim.step();
      sim.io.out.valid.expect(1);
      sim.io.out.bits.expect(0x3c);
      expect(sim.io.in.ready.peek()).toBe(1);
      sim.io.table.forEach((h, i) => h.poke(10 + i));
      sim.io.sel.poke(2);
      sim.io.picked.expect(12);
      expect(sim.io.copy.map((h) => h.peek())).toEqual([10, 11, 12, 13]);
      expect(sim.io.copy[3]!.info.name).toBe('copy_3');
    } finally {
      sim.close();
    }
  });
});
