// Typed streams (Stream, fire) and MixedVec, simulated in Verilator; the type
// checks (expectTypeOf, @ts-expect-error) run under `tsc --noEmit -p .`.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  Bool,
  IO,
  Input,
  MixedVec,
  Output,
  Queue,
  SInt,
  Stream,
  StringSink,
  UInt,
  Vec,
  Wire,
  asTypeOf,
  defineModule,
  elaborate,
  emitFirrtl,
  fire,
  instance,
  mux,
  type IOOf,
  type BoolValue,
  type MixedVecValue,
  type SIntValue,
  type UIntValue,
  type VecValue,
} from '../../dsl/index.ts';
import { simulate } from '../../sim/index.ts';
import type { DesignSimulator, PortHandle } from '../../sim/index.ts';

// A pixel stream through a queue, out as a MixedVec of (sum, max, count) with
// per-element types on an always-ready stream (a Valid).
const PixelStats = defineModule({
  name: 'PixelStats',
  body: () => {
    const io = IO({
      in: Input(Stream(Vec(3, SInt(6)))),
      stats: Output(Stream(MixedVec([SInt(8), SInt(6), UInt(4)]), { alwaysReady: true })),
      bits: Output(UInt(18)),
      roundTrip: Output(MixedVec([SInt(8), SInt(6), UInt(4)])),
    });
    const q = Queue(io.in, 2);
    q.ready.connect(true);
    const [a, b, c] = q.bits.toArray();
    const count = Wire(UInt(4));
    count.connect(a!.lt(0).asUInt().add(b!.lt(0).asUInt()).add(c!.lt(0).asUInt()).pad(4));
    const max1 = Wire(SInt(6));
    max1.connect(mux(a!.gt(b!), a!, b!));
    io.stats.valid.connect(fire(q));
    io.stats.bits.at(0).connect(a!.add(b!).add(c!));
    io.stats.bits.at(1).connect(mux(max1.gt(c!), max1, c!));
    io.stats.bits.at(2).connect(count);
    io.bits.connect(io.stats.bits.asUInt());
    io.roundTrip.connect(asTypeOf(io.roundTrip.type, io.stats.bits.asUInt()));
    return io;
  },
});

// A parent wiring a typed instance: no port names, no casts.
const TwoStats = defineModule({
  name: 'TwoStats',
  body: () => {
    const io = IO({ in: Input(Stream(Vec(3, SInt(6)))), sum: Output(Stream(SInt(8), { alwaysReady: true })) });
    const s = instance(PixelStats);
    s.in.connect(io.in);
    io.sum.valid.connect(s.stats.valid);
    io.sum.bits.connect(s.stats.bits.at(0));
    return io;
  },
});

describe('Stream and MixedVec (types)', () => {
  it('Stream is a Decoupled, or a Valid when always ready; MixedVec elements keep their own types', () => {
    const s = Stream(UInt(8));
    expectTypeOf(s.fields.ready.type).toEqualTypeOf<ReturnType<typeof Bool>>();
    const v = Stream(UInt(8), { alwaysReady: true });
    expectTypeOf(v.fields).not.toHaveProperty('ready');
    expect(Object.keys(s.fields)).toEqual(['valid', 'ready', 'bits']);
    expect(Object.keys(v.fields)).toEqual(['valid', 'bits']);
    const m = MixedVec([UInt(8), SInt(4), Vec(2, Bool())]);
    expect(m.width).toBe(14);
    elaborate(
      defineModule({
        name: 'TypesOnly',
        body: () => {
          const io = IO({ x: Input(m), y: Output(UInt(8)) });
          expectTypeOf(io.x).toEqualTypeOf<MixedVecValue<readonly [ReturnType<typeof UInt>, ReturnType<typeof SInt>, ReturnType<typeof Vec<ReturnType<typeof Bool>>>]>>();
          expectTypeOf(io.x.at(0)).toEqualTypeOf<UIntValue>();
          expectTypeOf(io.x.at(1)).toEqualTypeOf<SIntValue>();
          expectTypeOf(io.x.at(2)).toEqualTypeOf<VecValue<ReturnType<typeof Bool>>>();
          expectTypeOf(io.x.toArray()).toEqualTypeOf<readonly [UIntValue, SIntValue, VecValue<ReturnType<typeof Bool>>]>();
          // @ts-expect-error element 1 is an SInt: no UInt-only method on it
          const notAUInt = (): unknown => io.x.at(1).asBool();
          expect(notAUInt).toThrow(TypeError);
          expect(() => io.x.at(3)).toThrow(/out of range for a MixedVec of 3/);
          io.y.connect(io.x.at(0));
          return io;
        },
      }),
    );
    const sink = new StringSink();
    emitFirrtl(elaborate(TwoStats), sink);
    expect(sink.toString()).toContain('output stats : { valid : UInt<1>, bits : { 0 : SInt<8>, 1 : SInt<6>, 2 : UInt<4> } }');
  });

  it('instances of stream modules are typed', () => {
    elaborate(
      defineModule({
        name: 'InstTypes',
        body: () => {
          const s = instance(PixelStats);
          expectTypeOf(s.in.ready).toEqualTypeOf<BoolValue>();
          expectTypeOf(s.in.bits).toEqualTypeOf<VecValue<ReturnType<typeof SInt>>>();
          expectTypeOf(s.stats.bits.at(2)).toEqualTypeOf<UIntValue>();
          expectTypeOf(s.stats).not.toHaveProperty('ready');
          s.in.valid.connect(false);
          s.in.bits.toArray().forEach((x) => x.connect(0));
          return undefined;
        },
      }),
    );
  });
});

describe('Stream and MixedVec (simulated)', () => {
  let sim: DesignSimulator<IOOf<typeof PixelStats>>;
  beforeAll(async () => {
    sim = await simulate(PixelStats);
  });
  afterAll(() => sim?.close());

  it('streams pixels through the queue and computes per-element typed stats', () => {
    expectTypeOf(sim.io.stats.bits).toEqualTypeOf<readonly [PortHandle, PortHandle, PortHandle]>();
    const rng = (() => {
      let s = 12345;
      return () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s);
    })();
    const sent: number[][] = [];
    const got: [number, number, number][] = [];
    for (let cycle = 0; cycle < 200 && got.length < 40; cycle++) {
      const px = [0, 1, 2].map(() => (rng() % 64) - 32);
      const valid = sent.length < 40 && rng() % 3 !== 0;
      sim.io.in.valid.poke(valid ? 1 : 0);
      px.forEach((v, i) => sim.io.in.bits[i]!.poke(v));
      const took = valid && sim.io.in.ready.peek() === 1;
      if (sim.io.stats.valid.peek() === 1) {
        const s = sim.io.stats.bits.map((h) => Number(h.peek())) as [number, number, number];
        got.push(s);
        const raw = BigInt(sim.io.bits.peek());
        // element 0 in the low bits (as a Vec), each element in its own width
        expect(raw).toBe((BigInt(s[0]) & 0xffn) | ((BigInt(s[1]) & 0x3fn) << 8n) | (BigInt(s[2]) << 14n));
        expect(sim.io.roundTrip.map((h) => Number(h.peek()))).toEqual(s);
      }
      sim.step();
      if (took) sent.push(px);
    }
    expect(got.length).toBe(40);
    got.forEach((s, k) => {
      const [a, b, c] = sent[k]!;
      expect(s).toEqual([a! + b! + c!, Math.max(a!, b!, c!), [a!, b!, c!].filter((x) => x < 0).length]);
    });
  });
});
