// IEEE binary16 add (with a sign input), multiply and fused multiply-add as hardware.
// Each unit forms the exact result as a fixed-point integer (units of 2^-24 for add,
// 2^-48 for mul and FMA: at most 81 bits) and rounds it once to nearest even, the same
// structure as the software model (fp16-model.ts), so one rounding step serves all three.
import { B, Bool, Cat, IO, Input, Output, RegNext, U, UInt, defineModule, mux } from '../../dsl/index.ts';
import { FP16_LSB_EXP, FP16_NAN } from './fp16-model.ts';

/** The fields of one binary16 input. */
interface Unpacked {
  readonly negative: Bool;
  readonly isNaN: Bool;
  readonly isInf: Bool;
  readonly isZero: Bool;
  /** Significand with the hidden bit (11 bits) and its left shift (exponent - 1, or 0 for subnormals). */
  readonly significand: UInt;
  readonly shift: UInt;
}

function unpack(x: UInt): Unpacked {
  const exponent = x.bits(14, 10);
  const fraction = x.bits(9, 0);
  const normal = exponent.neq(0);
  const maxExponent = exponent.eq(31);
  return {
    negative: x.bit(15),
    isNaN: maxExponent.and(fraction.neq(0)),
    isInf: maxExponent.and(fraction.eq(0)),
    isZero: exponent.eq(0).and(fraction.eq(0)),
    significand: Cat(normal, fraction),
    shift: mux(normal, exponent.subWrap(1), U(0, 5)),
  };
}

/** |x| / 2^-24 of a finite input: at most 40 bits. */
function magnitude(x: Unpacked): UInt {
  return x.significand.dshl(x.shift).trunc(40);
}

/** A signed exact value before rounding (magnitude in units of 2^lsbExp) or a special result. */
export interface ExactFp16 {
  readonly negative: Bool;
  readonly magnitude: UInt;
  /** The result is NaN / infinity (of sign `negative`) whatever the magnitude. */
  readonly isNaN: Bool;
  readonly isInf: Bool;
}

/** (±p) + (±q) exactly; an exact zero is negative only when both terms are. */
function signedSum(pNegative: Bool, p: UInt, qNegative: Bool, q: UInt): { negative: Bool; magnitude: UInt } {
  const sameSign = pNegative.eq(qNegative);
  const pLarger = p.geq(q);
  const difference = mux(pLarger, p.subWrap(q), q.subWrap(p));
  const mag = mux(sameSign, p.add(q), difference.pad(Math.max(p.width, q.width) + 1));
  const cancelled = mag.eq(0);
  const negative = mux(sameSign, pNegative, mux(cancelled, false, mux(pLarger, pNegative, qNegative)));
  return { negative, magnitude: mag };
}

/** a + (negate ? -b : b), exact, in units of 2^-24. */
export function fp16AddExact(a: UInt, b: UInt, negate: Bool): ExactFp16 {
  const x = unpack(a);
  const y = unpack(b);
  const yNegative = y.negative.xor(negate);
  const sum = signedSum(x.negative, magnitude(x), yNegative, magnitude(y));
  const oppositeInfinities = x.isInf.and(y.isInf).and(x.negative.neq(yNegative));
  return {
    negative: mux(x.isInf, x.negative, mux(y.isInf, yNegative, sum.negative)),
    magnitude: sum.magnitude,
    isNaN: x.isNaN.or(y.isNaN).or(oppositeInfinities),
    isInf: x.isInf.or(y.isInf),
  };
}

/** a * b, exact, in units of 2^-48 (80 bits). */
export function fp16MulExact(a: UInt, b: UInt): ExactFp16 {
  const x = unpack(a);
  const y = unpack(b);
  const product = productOf(x, y);
  return {
    negative: x.negative.xor(y.negative),
    magnitude: product,
    isNaN: x.isNaN.or(y.isNaN).or(x.isInf.and(y.isZero)).or(y.isInf.and(x.isZero)),
    isInf: x.isInf.or(y.isInf),
  };
}

function productOf(x: Unpacked, y: Unpacked): UInt {
  return x.significand.mul(y.significand).dshl(x.shift.add(y.shift)).trunc(80);
}

/** a * b + c, exact, in units of 2^-48 (81 bits). */
export function fp16FmaExact(a: UInt, b: UInt, c: UInt): ExactFp16 {
  const x = unpack(a);
  const y = unpack(b);
  const z = unpack(c);
  const productNegative = x.negative.xor(y.negative);
  const productInf = x.isInf.or(y.isInf);
  const invalidProduct = x.isInf.and(y.isZero).or(y.isInf.and(x.isZero));
  const sum = signedSum(productNegative, productOf(x, y), z.negative, magnitude(z).shl(24));
  return {
    negative: mux(productInf, productNegative, mux(z.isInf, z.negative, sum.negative)),
    magnitude: sum.magnitude,
    isNaN: x.isNaN.or(y.isNaN).or(z.isNaN).or(invalidProduct).or(productInf.and(z.isInf).and(productNegative.neq(z.negative))),
    isInf: productInf.or(z.isInf),
  };
}

/**
 * Round an exact value (magnitude in units of 2^lsbExp, lsbExp <= -24) to binary16:
 * nearest even, subnormals, overflow to infinity; NaN is the quiet NaN 0x7E00.
 */
export function fp16Round(exact: ExactFp16, lsbExp: number): UInt {
  const mag = exact.magnitude;
  const width = mag.width;
  const subnormalShift = FP16_LSB_EXP - lsbExp;
  // Position of the leading one (0 for a zero magnitude: it then takes the subnormal path).
  let top: UInt = U(0, 7);
  for (let i = 1; i < width; i++) top = mux(mag.bit(i), U(i, 7), top);
  const normal = top.geq(subnormalShift + 10);
  // Drop `shift` bits, keeping 11 (or the subnormal quantum 2^-24).
  const shift = mux(normal, top.subWrap(10), U(subnormalShift, 7));
  const withHalf = Cat(mag, U(0, 1)); // one more bit below, so the guard bit always exists
  const guardAndKept = withHalf.dshr(shift);
  const kept = guardAndKept.shr(1).trunc(11);
  const guard = guardAndKept.bit(0);
  const sticky = guardAndKept.dshl(shift).trunc(width + 1).neq(withHalf);
  const roundUp = guard.and(sticky.or(kept.bit(0)));
  // Exponent field base: top + lsbExp + 14 for normals (kept's leading one adds the last 1).
  const base = mux(normal, top.subWrap(-lsbExp - 14), U(0, 7));
  const bits = base.cat(U(0, 10)).add(kept).add(roundUp);
  const overflow = exact.isInf.or(bits.geq(0x7c00));
  const finite = mux(overflow, U(0x7c00, 15), bits.trunc(15));
  return mux(exact.isNaN, U(FP16_NAN, 16), Cat(exact.negative, finite));
}

const pipelineStages = { stages: 0 };

function checkStages(stages: number): void {
  if (![0, 1, 2].includes(stages)) throw new RangeError(`stages must be 0, 1 or 2, got ${stages} (1: a register before rounding; 2: also one after)`);
}

/** Stage 1 registers the exact value, stage 2 the rounded result. */
function pipelined(exact: ExactFp16, lsbExp: number, stages: number): UInt {
  checkStages(stages);
  const held: ExactFp16 =
    stages >= 1
      ? { negative: RegNext(exact.negative), magnitude: RegNext(exact.magnitude), isNaN: RegNext(exact.isNaN), isInf: RegNext(exact.isInf) }
      : exact;
  const rounded = fp16Round(held, lsbExp);
  return stages >= 2 ? RegNext(rounded) : rounded;
}

/** sum = a + b, or a - b when `negate` (the ±x of a binary weight). Latency: `stages` cycles. */
export const Fp16AddSubUnit = defineModule({
  name: 'Fp16AddSub',
  params: pipelineStages,
  body: ({ stages }) => {
    const io = IO({ a: Input(UInt(16)), b: Input(UInt(16)), negate: Input(Bool()), sum: Output(UInt(16)) });
    io.sum.connect(pipelined(fp16AddExact(io.a, io.b, io.negate), FP16_LSB_EXP, stages));
    return io;
  },
});

/** sum = a + b (the plain adder, as `hashi emit designs/fp16.ts --top Fp16Add` gives it). */
export const Fp16AddUnit = defineModule({
  name: 'Fp16Add',
  params: pipelineStages,
  body: ({ stages }) => {
    const io = IO({ a: Input(UInt(16)), b: Input(UInt(16)), sum: Output(UInt(16)) });
    io.sum.connect(pipelined(fp16AddExact(io.a, io.b, B(false)), FP16_LSB_EXP, stages));
    return io;
  },
});

/** product = a * b. */
export const Fp16MulUnit = defineModule({
  name: 'Fp16Mul',
  params: pipelineStages,
  body: ({ stages }) => {
    const io = IO({ a: Input(UInt(16)), b: Input(UInt(16)), product: Output(UInt(16)) });
    io.product.connect(pipelined(fp16MulExact(io.a, io.b), 2 * FP16_LSB_EXP, stages));
    return io;
  },
});

/** y = RN(a * b + c), one rounding. */
export const Fp16FmaUnit = defineModule({
  name: 'Fp16Fma',
  params: pipelineStages,
  body: ({ stages }) => {
    const io = IO({ a: Input(UInt(16)), b: Input(UInt(16)), c: Input(UInt(16)), y: Output(UInt(16)) });
    io.y.connect(pipelined(fp16FmaExact(io.a, io.b, io.c), 2 * FP16_LSB_EXP, stages));
    return io;
  },
});
