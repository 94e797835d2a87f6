import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSimulator, type Simulator } from '../../sim/index.ts';
import { signedWide, widths } from './helpers.ts';

describe('signed and wide ports', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator(signedWide);
  });
  afterAll(() => sim.close());

  it('signed 8-bit ports take and return negative numbers', () => {
    for (const a of [-128, -1, 0, 1, 127]) {
      sim.poke('a', a);
      expect(sim.peek('a')).toBe(a);
      expect(sim.peek('neg_a')).toBe(Number(BigInt.asIntN(8, BigInt(-a))));
      expect(sim.peek('a_ext')).toBe(a);
    }
  });

  it('a 48-bit signed port stays a number, including negatives, through a register', () => {
    for (const b of [-(2 ** 47), -123456789012, 0, 2 ** 47 - 1]) {
      sim.poke('b', b);
      sim.step();
      expect(sim.peek('b_reg')).toBe(b);
    }
  });

  it('a 64-bit signed port reads back as a negative bigint', () => {
    sim.poke('d', 5n);
    sim.step();
    expect(sim.peek('d_neg_reg')).toBe(-5n);
    sim.poke('d', -(2n ** 63n) + 1n);
    sim.step();
    expect(sim.peek('d_neg_reg')).toBe(2n ** 63n - 1n);
    sim.poke('d', 7); // numbers are accepted on wide ports too
    sim.step();
    expect(sim.peek('d_neg_reg')).toBe(-7n);
  });

  it('a 100-bit port carries across 32-bit words and wraps at 2^100', () => {
    const c = (1n << 64n) - 1n;
    sim.poke('c', c);
    expect(sim.peek('c_inc')).toBe(1n << 64n);
    sim.poke('c', (1n << 100n) - 1n);
    expect(sim.peek('c_inc')).toBe(0n);
    sim.expect('c_inc', 0n);
  });

  it('batched lanes use Int32Array, BigInt64Array and word-packed Uint32Array', () => {
    const n = 4;
    const a = Int32Array.of(-3, 100, -128, 7);
    const b = [-(2 ** 40), 2 ** 40, -1, 0];
    const d = BigInt64Array.of(1n, -2n, 2n ** 62n, -(2n ** 63n) + 1n);
    const cValues = [0n, (1n << 99n) + 5n, (1n << 100n) - 1n, 1n << 32n];
    const out = sim.runVectors({ inputs: { a, b, d, c: cValues } });
    expect(out.neg_a).toBeInstanceOf(Int32Array);
    expect(Array.from(out.neg_a as Int32Array)).toEqual([3, -100, -128, -7]);
    expect(out.b_reg).toBeInstanceOf(BigInt64Array);
    expect(Array.from(out.b_reg as BigInt64Array)).toEqual(b.map(BigInt));
    expect(Array.from(out.d_neg_reg as BigInt64Array)).toEqual(Array.from(d, (x) => BigInt.asIntN(64, -x)));
    const words = out.c_inc as Uint32Array;
    expect(words.length).toBe(n * 4);
    for (let i = 0; i < n; i++) {
      let v = 0n;
      for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[i * 4 + w]!);
      expect(v).toBe(BigInt.asUintN(100, cValues[i]! + 1n));
    }
  });
});

describe('every storage size (CData, SData, IData, QData, WData)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await loadSimulator(widths);
  });
  afterAll(() => sim.close());

  const wrap = (width: number, signed: boolean, v: bigint) => (signed ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v));
  const cases: Array<[string, number, boolean]> = [
    ['u1', 1, false],
    ['u12', 12, false],
    ['s12', 12, true],
    ['u17', 17, false],
    ['s32', 32, true],
    ['s40', 40, true],
    ['u71', 71, false],
  ];

  it.each(cases)('%s: boundary values poked as numbers and bigints read back, and the model sees them', (name, width, signed) => {
    const w = BigInt(width);
    const lo = signed ? -(1n << (w - 1n)) : 0n;
    const hi = signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
    const asValue = (v: bigint) => (width <= 53 ? Number(v) : v);
    for (const v of [lo, lo + 1n, 0n, 1n, hi - 1n, hi]) {
      sim.poke(name, v); // bigint in
      expect(sim.peek(name)).toBe(asValue(v));
      expect(sim.peek(`${name}_inc`)).toBe(asValue(wrap(width, signed, v + 1n)));
      if (width <= 53) {
        sim.port(name).poke(Number(v)); // number in, through a handle
        expect(sim.port(`${name}_inc`).peek()).toBe(asValue(wrap(width, signed, v + 1n)));
      }
    }
    expect(() => sim.poke(name, hi + 1n)).toThrow(/does not fit/);
    expect(() => sim.poke(name, lo - 1n)).toThrow(/does not fit/);
  });

  it('neighbouring ports do not overwrite each other', () => {
    sim.poke('u1', 1);
    sim.poke('u12', 0xfff);
    sim.poke('s12', -1);
    sim.poke('u17', 0x1ffff);
    sim.poke('s32', -1);
    sim.poke('s40', -1);
    sim.poke('u71', (1n << 71n) - 1n);
    sim.poke('u12', 0);
    sim.poke('s40', 0);
    expect([sim.peek('u1'), sim.peek('u12'), sim.peek('s12'), sim.peek('u17'), sim.peek('s32'), sim.peek('s40'), sim.peek('u71')]).toEqual([
      1,
      0,
      -1,
      0x1ffff,
      -1,
      0,
      (1n << 71n) - 1n,
    ]);
    expect(sim.peek('s12_inc')).toBe(0);
    expect(sim.peek('u71_inc')).toBe(0n);
  });
});
