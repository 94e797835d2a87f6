// The exact FP16 software model against reference vectors from numpy float16 (add, mul) and
// exact fractions rounded once (FMA), written by scripts/fp16-reference.py; a few IEEE cases
// by hand. HASHI_FP16_VECTORS=<dir> adds a larger set made by the same script.
import { describe, expect, it } from 'vitest';
import { fp16Add, fp16Fma, fp16FromNumber, fp16Mul, fp16ToNumber, FP16_NAN, FP16_POS_INF } from '../../lib/float/fp16-model.ts';
import { hex, readFp16Vectors, sameFp16 } from './fp16-vectors.ts';

const dirs = process.env.HASHI_FP16_VECTORS ? [undefined, process.env.HASHI_FP16_VECTORS] : [undefined];

function failures(rows: Uint16Array[], model: (r: Uint16Array) => number): string[] {
  const bad: string[] = [];
  for (const r of rows) {
    const got = model(r);
    if (!sameFp16(got, r[r.length - 1]!)) bad.push(`${[...r].map(hex).join(' ')} got ${hex(got)}`);
    if (bad.length >= 5) break;
  }
  return bad;
}

describe('FP16 software model vs the independent reference', () => {
  for (const dir of dirs) {
    const label = dir ?? 'committed vectors';
    it(`add with sign input (${label})`, () => {
      const rows = readFp16Vectors('add', dir);
      expect(rows.length).toBeGreaterThan(10_000);
      expect(failures(rows, (r) => fp16Add(r[0]!, r[1]!, r[2] === 1))).toEqual([]);
    });
    it(`mul (${label})`, () => {
      expect(failures(readFp16Vectors('mul', dir), (r) => fp16Mul(r[0]!, r[1]!))).toEqual([]);
    });
    it(`fma (${label})`, () => {
      const rows = readFp16Vectors('fma', dir);
      expect(rows.length).toBeGreaterThan(50_000);
      expect(failures(rows, (r) => fp16Fma(r[0]!, r[1]!, r[2]!))).toEqual([]);
    });
  }
});

describe('FP16 software model: IEEE cases by hand', () => {
  it('signs of zero: x + (-x) = +0, -0 + -0 = -0, -0 - (+0) = -0', () => {
    expect(fp16Add(0x3c00, 0xbc00)).toBe(0x0000);
    expect(fp16Add(0x8000, 0x8000)).toBe(0x8000);
    expect(fp16Add(0x8000, 0x0000, true)).toBe(0x8000);
    expect(fp16Fma(0x3c00, 0x3c00, 0xbc00)).toBe(0x0000);
    expect(fp16Fma(0x8000, 0x3c00, 0x8000)).toBe(0x8000);
  });
  it('ties to even, overflow to infinity, subnormals', () => {
    expect(fp16Add(0x3c00, 0x1000)).toBe(0x3c00); // 1 + 2^-11: a tie, stays at even 1.0
    expect(fp16Add(0x3c01, 0x1000)).toBe(0x3c02); // 1+ulp + half ulp: tie, up to even
    expect(fp16Add(0x7bff, 0x5000)).toBe(FP16_POS_INF); // 65504 + 32: tie, rounds up to infinity
    expect(fp16Add(0x7bff, 0x4bff)).toBe(0x7bff); // 65504 + 15.99: below the tie
    expect(fp16Add(0x0001, 0x0001)).toBe(0x0002);
    expect(fp16Mul(0x0400, 0x3800)).toBe(0x0200); // smallest normal / 2: subnormal, exact
  });
  it('invalid operations give NaN', () => {
    expect(fp16Add(0x7c00, 0xfc00)).toBe(FP16_NAN);
    expect(fp16Add(0x7c00, 0x7c00, true)).toBe(FP16_NAN);
    expect(fp16Mul(0x7c00, 0x0000)).toBe(FP16_NAN);
    expect(fp16Fma(0x7c00, 0x3c00, 0xfc00)).toBe(FP16_NAN);
    expect(fp16Fma(0x0000, 0x7c00, 0x3c00)).toBe(FP16_NAN);
  });
  it('fused: one rounding where mul-then-add rounds twice', () => {
    // (1 + 2^-6)^2 - 1 = 2^-5 + 2^-12 exactly; the product alone rounds the 2^-12 away.
    const a = 0x3c10;
    expect(fp16ToNumber(fp16Fma(a, a, 0xbc00))).toBe(2 ** -5 + 2 ** -12);
    expect(fp16ToNumber(fp16Add(fp16Mul(a, a), 0xbc00))).toBe(2 ** -5);
  });
  it('fp16FromNumber rounds a double once; fp16ToNumber is exact', () => {
    expect(fp16FromNumber(1 + 2 ** -11)).toBe(0x3c00);
    expect(fp16FromNumber(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
    expect(fp16FromNumber(65519.99)).toBe(0x7bff);
    expect(fp16FromNumber(65520)).toBe(FP16_POS_INF);
    expect(fp16FromNumber(-0)).toBe(0x8000);
    expect(fp16FromNumber(2 ** -25)).toBe(0);
    expect(fp16FromNumber(2 ** -25 + 2 ** -40)).toBe(1);
    for (let bits = 0; bits < 0x7c00; bits += 7) expect(fp16FromNumber(fp16ToNumber(bits))).toBe(bits);
  });
});
