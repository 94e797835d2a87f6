// Hardware values as the user sees them: typed handles over IR operands, with
// operator methods that follow FIRRTL's width rules (widths.ts) and reject
// anything that would silently lose bits.
import { builder, currentBuilder } from './builder.ts';
import { HashiError } from './errors.ts';
import { checkConnect, describeOperand } from './connect.ts';
import type { Connect, Literal, Operand } from './ir.ts';
import { NameSource, Node, Op, opCode, opNames } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { HwType, SIntType, UIntType } from './types.ts';
import { MAX_WIDTH, describeType } from './types.ts';
import { resultType, sintWidthOf, uintWidthOf } from './widths.ts';

/** A JavaScript constant usable where a hardware value is expected (sized by the other operand). */
export type Scalar = number | bigint | boolean;

function fail(problem: string, hint: string, code: string): never {
  throw new HashiError(problem, hint, captureLocator(), code);
}

/** Connect this to say a value is deliberately left undefined ("don't care"). */
export const DontCare: unique symbol = Symbol('DontCare');

/** Base of every hardware value. */
export abstract class Data {
  constructor(readonly ref: Operand) {}

  /** The hardware type of this value. */
  get type(): HwType {
    return this.ref.type;
  }

  /** Its width in bits (for aggregates: all leaves together). */
  get width(): number {
    return this.ref.type.width;
  }

  // A hardware value is not a JavaScript number or string: `a == 1`, `a > b`,
  // `a + 1` and `${a}` would compare or print the handle, never the hardware.
  /** Refused: a hardware value has no JavaScript value until the circuit runs (an error naming your line). */
  valueOf(): never {
    return refusePrimitive(this, 'number');
  }
  /** Refused, like valueOf: name a value with `.named()`, print it in simulation with `printf`. */
  toString(): string {
    return refusePrimitive(this, 'string');
  }
  /** Refused, like valueOf. */
  [Symbol.toPrimitive](hint: string): never {
    return refusePrimitive(this, hint);
  }
  /** Refused, like valueOf. */
  toJSON(): never {
    return refusePrimitive(this, 'json');
  }

  /** Give this value an explicit name in the FIRRTL and SystemVerilog. */
  named(name: string): this {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) {
      fail(`'${name}' is not a valid hardware name`, 'use letters, digits and underscores, not starting with a digit', 'bad-name');
    }
    setName(this.ref, name, NameSource.Explicit);
    return this;
  }

  /** Drive this sink from `src` (last connect wins, as in FIRRTL). */
  connect(src: Data | Scalar | typeof DontCare): void {
    const b = builder('a connection');
    const loc = captureLocator();
    if (src === DontCare) {
      checkConnect(b, this.ref, this.ref, loc);
      b.push({ kind: 'invalidate', sink: this.ref, loc });
      return;
    }
    const srcOp = src instanceof Data ? src.ref : literalFor(src, this.ref.type, loc);
    const sink = this.ref;
    checkConnect(b, sink, srcOp, loc);
    const stmt: Connect = { kind: 'connect', sink, src: srcOp, loc };
    b.push(stmt);
  }
}

function refusePrimitive(d: Data, hint: string): never {
  const what = `${describeType(d.ref.type)} '${describeOperand(d.ref)}'`;
  if (hint === 'string' || hint === 'json') {
    fail(
      `the hardware value ${what} was used as a JavaScript string (a template string, String(x) or JSON); it has no value until the circuit runs`,
      "name it with .named('x'), print it in simulation with printf('%d', x), or read it with sim.peek",
      'hardware-as-primitive',
    );
  }
  fail(
    `the hardware value ${what} was used as a JavaScript number (==, <, >, +, -, * or Number(x)); that compares or computes with the handle, not the hardware`,
    'use the hardware operations: .eq/.neq/.lt/.leq/.gt/.geq to compare, .add/.sub/.mul to compute, mux(c, a, b) to choose',
    'hardware-as-primitive',
  );
}

export function setName(ref: Operand, name: string, source: NameSource): void {
  if (ref.kind !== 'port' && ref.kind !== 'wire' && ref.kind !== 'reg' && ref.kind !== 'node') return;
  // An automatic name sticks (`const y = x` does not rename x); explicit names always apply.
  if (source > ref.nameSource || source === NameSource.Explicit) {
    ref.name = name;
    ref.nameSource = source;
  }
}

/** A literal for `v` shaped like `like` (UInt or SInt), at its minimal width. */
function literalFor(v: Scalar, like: HwType, loc: Connect['loc']): Literal {
  if (like.kind === 'bundle' || like.kind === 'vec') {
    throw new HashiError(`a number cannot drive a ${describeType(like)}`, 'connect a value of the same type, or connect its fields one by one', loc, 'type-mismatch');
  }
  const value = literalValue(v, loc);
  if (like.kind === 'sint') return { kind: 'lit', type: { kind: 'sint', width: sintWidthOf(value) }, value };
  if (value < 0n) {
    throw new HashiError(`${value} is negative but is used as a UInt`, 'use an SInt value, or a non-negative literal', loc, 'negative-uint-literal');
  }
  return { kind: 'lit', type: { kind: 'uint', width: uintWidthOf(value) }, value };
}

/**
 * A JS value as a literal's integer: integers, bigints and booleans only. A
 * number beyond 2^53 has already lost its low bits, so it is refused.
 */
export function literalValue(v: unknown, loc: Connect['loc'] = captureLocator()): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new HashiError(`${v} is not an integer`, 'hardware literals are integers; scale fixed-point values first', loc, 'bad-literal');
    if (!Number.isSafeInteger(v)) {
      throw new HashiError(
        `${v} is beyond 2^53 as a JavaScript number, so its low bits are already lost (it reads as ${BigInt(v)})`,
        'write it as a bigint literal with an n suffix, e.g. 0x1234_5678_9abc_def0n or 2n ** 60n + 1n',
        loc,
        'unsafe-literal',
      );
    }
    return BigInt(v);
  }
  const shown = v === undefined ? 'undefined' : v === null ? 'null' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `a ${typeof v} (${Object.prototype.toString.call(v)})`;
  throw new HashiError(
    `expected a hardware value or an integer here, got ${shown}`,
    v === undefined ? 'check that the value exists: a misspelled port or field, or a function that returns nothing, gives undefined' : 'pass a hardware value (UInt, SInt, Bool, ...), an integer, a bigint or a boolean',
    loc,
    'bad-literal',
  );
}

/** Make a literal of a given type, checking that the value fits. */
export function makeLiteral(value: bigint, type: UIntType | SIntType): Literal {
  const w = type.width;
  const fits =
    type.kind === 'uint' ? value >= 0n && value < 1n << BigInt(w) : value >= -(1n << BigInt(w - 1)) && value < 1n << BigInt(w - 1);
  if (!fits) {
    const range = type.kind === 'uint' ? `0 to ${(1n << BigInt(w)) - 1n}` : `${-(1n << BigInt(w - 1))} to ${(1n << BigInt(w - 1)) - 1n}`;
    fail(`literal ${value} does not fit in ${describeType(type)} (range ${range})`, 'widen the type or use a smaller value', type.kind === 'uint' && value < 0n ? 'negative-uint-literal' : 'literal-overflow');
  }
  return { kind: 'lit', type, value };
}

type Operable = Data | Scalar;

/** Emit one primitive op as a named node in the current module. */
// The hot path of elaboration: one call per operation, so operands and
// constants are passed one by one (no arrays) and go straight into columns.
function node(op: Op, a: Operand, b?: Operand, c?: Operand, nconsts = 0, n = 0, m = 0): Node {
  const bld = currentBuilder() ?? builder(`operation '${opNames[op]}'`);
  const type = resultType(op, a.type, b?.type, c?.type, n, m);
  const t = bld.ir.nodes;
  const id = bld.newId();
  const nargs = c !== undefined ? 3 : b !== undefined ? 2 : 1;
  t.add(id, op, type, nargs, t.encode(a), b === undefined ? 0 : t.encode(b), c === undefined ? 0 : t.encode(c), nconsts, n, m, bld.tempNameId(), captureLocator());
  bld.pushNode(id);
  return new Node(t, id, type);
}

function operand(x: Operable, like: HwType): Operand {
  return x instanceof Data ? x.ref : literalFor(x, like, captureLocator());
}

function requireKind(op: Op, self: Operand, other: Operand): void {
  const ok = self.type.kind === other.type.kind;
  if (!ok) {
    fail(
      `'${opNames[op]}' mixes ${describeType(self.type)} ${`'${describeOperand(self)}'`} with ${describeType(other.type)} ${`'${describeOperand(other)}'`}`,
      'convert one side first (.asSInt(), .asUInt(), .toSInt())',
      'type-mismatch',
    );
  }
}

function checkBitIndex(what: string, hi: number, lo: number, width: number): void {
  if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= width) {
    fail(
      `${what}(${hi}, ${lo}) is out of range for a ${width}-bit value`,
      `choose bits with ${width - 1} >= hi >= lo >= 0`,
      'bit-index-out-of-range',
    );
  }
}

/** The low `w` bits of `ref`, keeping its signedness. */
function truncate(ref: Operand, w: number): Operand {
  if (w === ref.type.width) return ref;
  checkBitIndex('trunc', w - 1, 0, ref.type.width);
  const bits = node(Op.bits, ref, undefined, undefined, 2, w - 1, 0);
  return ref.type.kind === 'sint' ? node(Op.asSInt, bits) : bits;
}

let wrapAggregate: ((ref: Operand) => Data) | undefined;

/** aggregates.ts registers its wrapper here (it imports this file, not the reverse). */
export function registerAggregateWrapper(fn: (ref: Operand) => Data): void {
  wrapAggregate = fn;
}

/** Wrap an operand in the value class that matches its type. */
export function wrap(ref: Operand): Data {
  switch (ref.type.kind) {
    case 'bundle':
    case 'vec':
      return wrapAggregate!(ref);
    case 'uint':
      return 'bool' in ref.type ? new Bool(ref) : new UInt(ref);
    case 'sint':
      return new SInt(ref);
    case 'clock':
      return new Clock(ref);
    case 'reset':
    case 'asyncreset':
      return new Reset(ref);
  }
}

/** Operations shared by UInt and SInt (results keep the operand's signedness). */
abstract class Bits<Self extends Data> extends Data {
  protected abstract make(ref: Operand): Self;

  private binary(op: Op, b: Operable): Self {
    const other = operand(b, this.type);
    requireKind(op, this.ref, other);
    return this.make(node(op, this.ref, other));
  }

  private compare(op: Op, b: Operable): Bool {
    const other = operand(b, this.type);
    requireKind(op, this.ref, other);
    return new Bool(node(op, this.ref, other));
  }

  /**
   * Sum, one bit wider than the wider operand: never overflows.
   * Width: max(wa, wb) + 1.
   * @example
   * ```ts
   * a.add(b) // UInt(8) + UInt(8): UInt(9)
   * ```
   */
  add(b: Self | Scalar): Self {
    return this.binary(Op.add, b);
  }
  /**
   * Difference, one bit wider than the wider operand.
   * Width: max(wa, wb) + 1.
   * @example
   * ```ts
   * a.sub(1) // UInt(8): UInt(9); a UInt difference below 0 wraps
   * ```
   */
  sub(b: Self | Scalar): Self {
    return this.binary(Op.sub, b);
  }
  /**
   * Sum truncated to the wider operand's width (wraps around), explicitly.
   * Width: max(wa, wb).
   * @example
   * ```ts
   * count.connect(count.addWrap(1)) // UInt(8): UInt(8), 255 + 1 = 0
   * ```
   */
  addWrap(b: Self | Scalar): Self {
    const sum = this.add(b);
    return this.make(truncate(sum.ref, sum.width - 1));
  }
  /**
   * Difference truncated to the wider operand's width (wraps around), explicitly.
   * Width: max(wa, wb).
   * @example
   * ```ts
   * a.subWrap(1) // UInt(8): UInt(8), 0 - 1 = 255
   * ```
   */
  subWrap(b: Self | Scalar): Self {
    const diff = this.sub(b);
    return this.make(truncate(diff.ref, diff.width - 1));
  }
  /**
   * Product, as wide as both operands together: never overflows.
   * Width: wa + wb.
   * @example
   * ```ts
   * a.mul(b) // UInt(8) * UInt(4): UInt(12)
   * ```
   */
  mul(b: Self | Scalar): Self {
    return this.binary(Op.mul, b);
  }
  /**
   * Quotient, rounded toward zero (division by zero is undefined in FIRRTL).
   * Width: wa for UInt; wa + 1 for SInt.
   * @example
   * ```ts
   * a.div(3) // UInt(8): UInt(8)
   * ```
   */
  div(b: Self | Scalar): Self {
    return this.binary(Op.div, b);
  }
  /**
   * Remainder, with the sign of the dividend.
   * Width: min(wa, wb).
   * @example
   * ```ts
   * a.rem(b) // UInt(8) % UInt(3): UInt(3)
   * ```
   */
  rem(b: Self | Scalar): Self {
    return this.binary(Op.rem, b);
  }
  /**
   * Equal: a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * when(state.eq(2), () => ...)
   * ```
   */
  eq(b: Self | Scalar): Bool {
    return this.compare(Op.eq, b);
  }
  /**
   * Not equal: a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const busy = state.neq(0)
   * ```
   */
  neq(b: Self | Scalar): Bool {
    return this.compare(Op.neq, b);
  }
  /**
   * Less than (signed for SInt): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const small = a.lt(10)
   * ```
   */
  lt(b: Self | Scalar): Bool {
    return this.compare(Op.lt, b);
  }
  /**
   * Less than or equal (signed for SInt): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const inRange = a.leq(limit)
   * ```
   */
  leq(b: Self | Scalar): Bool {
    return this.compare(Op.leq, b);
  }
  /**
   * Greater than (signed for SInt): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const positive = s.gt(0)
   * ```
   */
  gt(b: Self | Scalar): Bool {
    return this.compare(Op.gt, b);
  }
  /**
   * Greater than or equal (signed for SInt): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const full = count.geq(depth)
   * ```
   */
  geq(b: Self | Scalar): Bool {
    return this.compare(Op.geq, b);
  }
  /**
   * Shift left by a constant: the result grows by n bits.
   * Width: wa + n.
   * @example
   * ```ts
   * a.shl(2) // UInt(8): UInt(10), a * 4
   * ```
   */
  shl(n: number): Self {
    if (!Number.isInteger(n) || n < 0) fail(`shl(${n}): the shift must be a non-negative integer`, 'use shr for right shifts', 'bad-shift');
    if (this.width + n > MAX_WIDTH) {
      fail(`shl(${n}) would make a ${this.width + n}-bit value; widths are limited to ${MAX_WIDTH} bits`, 'shift by less (a constant shift adds its amount to the width), or truncate first', 'bad-shift');
    }
    return this.make(node(Op.shl, this.ref, undefined, undefined, 1, n));
  }
  /**
   * Shift right by a constant: the low n bits are dropped.
   * Width: max(wa - n, 1).
   * @example
   * ```ts
   * a.shr(2) // UInt(8): UInt(6)
   * ```
   */
  shr(n: number): Self {
    if (!Number.isInteger(n) || n < 0) fail(`shr(${n}): the shift must be a non-negative integer`, 'use shl for left shifts', 'bad-shift');
    if (n > MAX_WIDTH) fail(`shr(${n}): the shift must be at most ${MAX_WIDTH}`, 'a shift by the value\'s width or more leaves nothing; use a smaller amount', 'bad-shift');
    return this.make(node(Op.shr, this.ref, undefined, undefined, 1, n));
  }
  /**
   * Shift left by a hardware amount: grows by 2^amount.width - 1 bits.
   * Width: wa + 2^wamount - 1.
   * @example
   * ```ts
   * a.dshl(n) // UInt(8) by UInt(3): UInt(15)
   * ```
   */
  dshl(amount: UInt): Self {
    if (amount.width > 16 || this.width + 2 ** amount.width - 1 > MAX_WIDTH) {
      fail(`dshl by a ${amount.width}-bit amount would make a ${this.width + 2 ** amount.width - 1}-bit value; widths are limited to ${MAX_WIDTH} bits`, 'narrow the shift amount first (.trunc)', 'bad-width');
    }
    return this.make(node(Op.dshl, this.ref, amount.ref));
  }
  /**
   * Shift right by a hardware amount (logical for UInt, arithmetic for SInt).
   * Width: wa.
   * @example
   * ```ts
   * a.dshr(n) // UInt(8) by UInt(3): UInt(8)
   * ```
   */
  dshr(amount: UInt): Self {
    return this.make(node(Op.dshr, this.ref, amount.ref));
  }
  /**
   * The high `n` bits, as a UInt.
   * Width: n.
   * @example
   * ```ts
   * a.head(3) // UInt(8): UInt(3), bits 7..5
   * ```
   */
  head(n: number): UInt {
    checkBitIndex('head', this.width - 1, this.width - n, this.width);
    return new UInt(node(Op.head, this.ref, undefined, undefined, 1, n));
  }
  /**
   * Drop the high `n` bits (an explicit truncation), as a UInt.
   * Width: wa - n.
   * @example
   * ```ts
   * a.tail(1) // UInt(9): UInt(8)
   * ```
   */
  tail(n: number): UInt {
    checkBitIndex('tail', this.width - n - 1, 0, this.width);
    return new UInt(node(Op.tail, this.ref, undefined, undefined, 1, n));
  }
  /**
   * Extend to at least `w` bits (zero- or sign-extension).
   * Width: max(wa, w).
   * @example
   * ```ts
   * a.pad(16) // UInt(8): UInt(16)
   * ```
   */
  pad(w: number): Self {
    if (!Number.isInteger(w) || w < 0 || w > MAX_WIDTH) fail(`pad(${w}): the width must be an integer from 0 to ${MAX_WIDTH}`, 'give the number of bits to extend to', 'bad-width');
    return this.make(node(Op.pad, this.ref, undefined, undefined, 1, w));
  }
  /**
   * Keep the low `w` bits, keeping the signedness: the explicit truncation.
   * Width: w.
   * @example
   * ```ts
   * sum.trunc(8) // UInt(9): UInt(8)
   * ```
   */
  trunc(w: number): Self {
    if (!Number.isInteger(w) || w < 1) fail(`trunc(${w}): the width must be a positive integer`, `give the number of low bits to keep, from 1 to ${this.width}`, 'bad-width');
    return this.make(truncate(this.ref, w));
  }
  /**
   * Bits hi down to lo, as a UInt.
   * Width: hi - lo + 1.
   * @example
   * ```ts
   * word.bits(7, 4) // the high nibble of a byte: UInt(4)
   * ```
   */
  bits(hi: number, lo: number): UInt {
    checkBitIndex('bits', hi, lo, this.width);
    return new UInt(node(Op.bits, this.ref, undefined, undefined, 2, hi, lo));
  }
  /**
   * Bit i (a constant index: TypeScript refuses a hardware one), as a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const sign = a.bit(7)
   * ```
   */
  bit(i: number): Bool {
    checkBitIndex('bit', i, i, this.width);
    return new Bool(node(Op.bits, this.ref, undefined, undefined, 2, i, i));
  }
  /**
   * Concatenation: this value in the high bits, `low` in the low bits.
   * Width: wa + wb.
   * @example
   * ```ts
   * hi.cat(lo) // UInt(4), UInt(4): UInt(8)
   * ```
   */
  cat(low: Data): UInt {
    // firtool wants operands of one signedness; the result is raw bits anyway.
    const bits = (o: Operand): Operand => (o.type.kind === 'uint' ? o : node(Op.asUInt, o));
    return new UInt(node(Op.cat, bits(this.ref), bits(low.ref)));
  }
  /**
   * AND of all bits (true when every bit is 1): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const allOnes = a.andR()
   * ```
   */
  andR(): Bool {
    return new Bool(node(Op.andr, this.ref));
  }
  /**
   * OR of all bits (true when any bit is 1): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const nonzero = a.orR()
   * ```
   */
  orR(): Bool {
    return new Bool(node(Op.orr, this.ref));
  }
  /**
   * XOR of all bits (the parity: true for an odd number of 1s): a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const parity = a.xorR()
   * ```
   */
  xorR(): Bool {
    return new Bool(node(Op.xorr, this.ref));
  }
  /**
   * The same bits as a UInt.
   * Width: wa.
   * @example
   * ```ts
   * s.asUInt() // SInt(8): UInt(8)
   * ```
   */
  asUInt(): UInt {
    return new UInt(node(Op.asUInt, this.ref));
  }
  /**
   * The same bits as an SInt (two's complement).
   * Width: wa.
   * @example
   * ```ts
   * u.asSInt() // UInt(8): SInt(8)
   * ```
   */
  asSInt(): SInt {
    return new SInt(node(Op.asSInt, this.ref));
  }
}

/** An unsigned integer value (`UInt(w)`); `Bool` is its 1-bit kind. */
export class UInt extends Bits<UInt> {
  protected make(ref: Operand): UInt {
    return new UInt(ref);
  }
  /**
   * Bitwise AND.
   * Width: max(wa, wb).
   * @example
   * ```ts
   * a.and(0x0f) // UInt(8): UInt(8)
   * ```
   */
  and(b: UInt | Scalar): UInt {
    return new UInt(node(Op.and, this.ref, operand(b, this.type)));
  }
  /**
   * Bitwise OR.
   * Width: max(wa, wb).
   * @example
   * ```ts
   * a.or(b)
   * ```
   */
  or(b: UInt | Scalar): UInt {
    return new UInt(node(Op.or, this.ref, operand(b, this.type)));
  }
  /**
   * Bitwise XOR.
   * Width: max(wa, wb).
   * @example
   * ```ts
   * a.xor(b)
   * ```
   */
  xor(b: UInt | Scalar): UInt {
    return new UInt(node(Op.xor, this.ref, operand(b, this.type)));
  }
  /**
   * Bitwise NOT.
   * Width: wa.
   * @example
   * ```ts
   * a.not() // UInt(8): UInt(8)
   * ```
   */
  not(): UInt {
    return new UInt(node(Op.not, this.ref));
  }
  /**
   * A 1-bit UInt as a Bool (an error for any other width).
   * Width: 1.
   * @example
   * ```ts
   * const done = flag.asBool()
   * ```
   */
  asBool(): Bool {
    if (this.width !== 1) fail(`asBool() needs a 1-bit value, this one has ${this.width} bits`, 'take a bit with .bit(i), or compare (.orR(), .neq(0))', 'bad-width');
    return new Bool(this.ref);
  }
  /**
   * A 1-bit UInt (a Bool) as an asynchronous reset, for `withReset` or `withClockAndReset`: an active-low reset input is `io.rst_n.not().asAsyncReset()`.
   * Width: 1 (an AsyncReset).
   * @example
   * ```ts
   * withClockAndReset(io.clk, io.rst_n.not().asAsyncReset(), () => { const r = RegInit(UInt(4), 0); })
   * ```
   */
  asAsyncReset(): Reset {
    if (this.width !== 1) fail(`asAsyncReset() needs a 1-bit value, this one has ${this.width} bits`, 'take one bit first with .bit(i), or compare (.orR(), .neq(0))', 'bad-width');
    return new Reset(node(Op.asAsyncReset, this.ref));
  }
  /**
   * A 1-bit UInt used as a clock (a derived or gated clock).
   * Width: 1 (a Clock).
   * @example
   * ```ts
   * withClock(divided.bit(0).asClock(), () => { ... })
   * ```
   */
  asClock(): Clock {
    if (this.width !== 1) fail(`asClock() needs a 1-bit value, this one has ${this.width} bits`, 'take one bit first with .bit(i)', 'bad-width');
    return new Clock(node(Op.asClock, this.ref));
  }
  /**
   * Zero-extend into an SInt one bit wider (value preserved).
   * Width: wa + 1.
   * @example
   * ```ts
   * u.toSInt() // UInt(8): SInt(9)
   * ```
   */
  toSInt(): SInt {
    return new SInt(node(Op.cvt, this.ref));
  }
}

/** A 1-bit UInt used as a truth value (`Bool()`); its and/or/xor/not stay Bools. */
export class Bool extends UInt {
  protected override make(ref: Operand): UInt {
    return new UInt(ref);
  }
  /**
   * Logical AND of two Bools.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * when(io.valid.and(io.ready), () => ...)
   * ```
   */
  override and(b: Bool | boolean): Bool {
    return asBool(super.and(b));
  }
  /**
   * Logical OR of two Bools.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const stall = full.or(busy)
   * ```
   */
  override or(b: Bool | boolean): Bool {
    return asBool(super.or(b));
  }
  /**
   * Logical XOR of two Bools.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * const changed = now.xor(before)
   * ```
   */
  override xor(b: Bool | boolean): Bool {
    return asBool(super.xor(b));
  }
  /**
   * Logical NOT of a Bool.
   * Width: 1 (a Bool).
   * @example
   * ```ts
   * lit.connect(lit.not())
   * ```
   */
  override not(): Bool {
    return asBool(super.not());
  }
}

function asBool(v: UInt): Bool {
  return new Bool(v.ref);
}

/** A signed (two's complement) integer value (`SInt(w)`). */
export class SInt extends Bits<SInt> {
  protected make(ref: Operand): SInt {
    return new SInt(ref);
  }
  /**
   * Bitwise complement, keeping the type (as Chisel's `~` on SInt).
   * Width: wa.
   * @example
   * ```ts
   * s.not() // SInt(8): SInt(8)
   * ```
   */
  not(): SInt {
    return new SInt(node(Op.asSInt, node(Op.not, this.ref)));
  }
  /**
   * Negation, one bit wider (never overflows).
   * Width: wa + 1.
   * @example
   * ```ts
   * s.neg() // SInt(8): SInt(9)
   * ```
   */
  neg(): SInt {
    return new SInt(node(Op.neg, this.ref));
  }
}

/** A clock value (a port of type `Clock()`, or `x.asClock()`). */
export class Clock extends Data {
  /**
   * The clock as a 1-bit UInt.
   * Width: 1.
   * @example
   * ```ts
   * const level = io.clk.asUInt()
   * ```
   */
  asUInt(): UInt {
    return new UInt(node(Op.asUInt, this.ref));
  }
}
/** A reset value: synchronous (`Reset()`) or asynchronous (`AsyncReset()`, `x.asAsyncReset()`). */
export class Reset extends Data {
  /**
   * The reset as a 1-bit UInt.
   * Width: 1.
   * @example
   * ```ts
   * const inReset = reset.asUInt().asBool()
   * ```
   */
  asUInt(): UInt {
    return new UInt(node(Op.asUInt, this.ref));
  }
}

/**
 * `cond ? a : b` in hardware; both sides must have the same kind (UInt, SInt or Bool).
 * Width: max(wa, wb).
 * @example
 * ```ts
 * io.out.connect(mux(io.sel, io.a, io.b)) // UInt(4), UInt(8): UInt(8)
 * ```
 */
export function mux<T extends UInt | SInt>(cond: Bool, a: T | Scalar, b: T | Scalar): T {
  if (cond.type.kind !== 'uint' || cond.width !== 1) fail(`the condition of mux must be a Bool, got ${cond.width} bits`, 'compare it first (.eq, .orR, ...)', 'bad-condition');
  const like = a instanceof Data ? a.type : b instanceof Data ? b.type : { kind: 'uint' as const, width: 1 };
  const ra = operand(a, like);
  const rb = operand(b, like);
  requireKind(Op.mux, ra, rb);
  const out = node(Op.mux, cond.ref, ra, rb);
  return (a instanceof Bool && b instanceof Bool ? new Bool(out) : wrap(out)) as T;
}

/**
 * A UInt constant: `U(5)` is as wide as needed, `U(5, 8)` is 8 bits.
 * Width: `width`, else the fewest bits that hold the value (at least 1).
 * @example
 * ```ts
 * U(5) // UInt(3); U(5, 8) // UInt(8)
 * ```
 */
export function U(value: number | bigint, width?: number): UInt {
  const v = literalValue(value);
  checkWidthArg('U', width);
  return new UInt(makeLiteral(v, { kind: 'uint', width: width ?? uintWidthOf(v < 0n ? 0n : v) }));
}

/**
 * An SInt constant: `S(-3)` is as wide as needed, `S(-3, 8)` is 8 bits.
 * Width: `width`, else the fewest bits that hold the value in two's complement.
 * @example
 * ```ts
 * S(-3) // SInt(3); S(-3, 8) // SInt(8)
 * ```
 */
export function S(value: number | bigint, width?: number): SInt {
  const v = literalValue(value);
  checkWidthArg('S', width);
  return new SInt(makeLiteral(v, { kind: 'sint', width: width ?? sintWidthOf(v) }));
}

function checkWidthArg(what: string, width: number | undefined): void {
  if (width !== undefined && (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH)) {
    fail(`${what}(value, ${width}): a width must be an integer from 1 to ${MAX_WIDTH}`, 'give the number of bits, or leave it out for the smallest width that fits', 'bad-width');
  }
}

/**
 * A Bool constant.
 * Width: 1.
 * @example
 * ```ts
 * io.ready.connect(B(true))
 * ```
 */
export function B(value: boolean): Bool {
  return new Bool(makeLiteral(value ? 1n : 0n, { kind: 'uint', width: 1, bool: true } as UIntType));
}

export function internalNode(op: string, args: readonly Operand[], consts: readonly number[] = []): Operand {
  return node(opCode(op), args[0]!, args[1], args[2], consts.length, consts[0] ?? 0, consts[1] ?? 0);
}
