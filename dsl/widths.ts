// FIRRTL's width rules, in one place. hashi computes every result width itself
// so that it can reject implicit truncation before firtool ever runs.
// wa, wb: operand widths; n, m: constant parameters.
//
//   op          operands        result
//   add, sub    UInt,UInt       UInt(max(wa, wb) + 1)        (SInt likewise)
//   mul         UInt,UInt       UInt(wa + wb)                (SInt likewise)
//   div         UInt,UInt       UInt(wa);  SInt: SInt(wa + 1)
//   rem         UInt,UInt       UInt(min(wa, wb))            (SInt likewise)
//   lt leq gt geq eq neq        UInt(1)
//   and or xor  any,any         UInt(max(wa, wb))
//   not         any             UInt(wa)
//   andr orr xorr               UInt(1)
//   neg         any             SInt(wa + 1)
//   cat         any,any         UInt(wa + wb)
//   bits(n, m)  any             UInt(n - m + 1)
//   head(n)     any             UInt(n);  tail(n): UInt(wa - n)
//   pad(n)      T               T(max(wa, n))
//   shl(n)      T               T(wa + n);  shr(n): T(max(wa - n, 1))
//   dshl        T,UInt          T(wa + 2^wb - 1);  dshr: T(wa)
//   asUInt / asSInt             same width;  asClock: Clock;  asAsyncReset: AsyncReset
//   cvt         UInt            SInt(wa + 1);  SInt: SInt(wa)
//   mux(c,a,b)  UInt(1),T,T     T(max(wa, wb))
import { Op, numberType } from './ir.ts';
import type { HwType, SIntType, UIntType } from './types.ts';

type Ground = UIntType | SIntType;

// Result types are interned per width: million-op designs would otherwise
// allocate one type object per operation.
const uints: UIntType[] = [];
const sints: SIntType[] = [];

// Each is numbered for the node table as it is made (see numberType).
function sameKind(kind: 'uint' | 'sint', width: number): Ground {
  if (kind === 'uint') return u(width);
  return (sints[width] ??= numbered({ kind: 'sint', width }));
}

function u(width: number): UIntType {
  return (uints[width] ??= numbered({ kind: 'uint', width }));
}

function numbered<T extends HwType>(t: T): T {
  numberType(t);
  return t;
}

const clock: HwType = numbered({ kind: 'clock', width: 1 });
const asyncReset: HwType = numbered({ kind: 'asyncreset', width: 1 });

/** Result type of a primitive operation; operands already checked for kind. n, m: its constants (0 when absent). */
export function resultType(op: Op, a: HwType, b: HwType | undefined, c: HwType | undefined, n: number, m: number): HwType {
  const wa = a.width;
  const wb = b === undefined ? 0 : b.width;
  const kind = a.kind === 'sint' ? 'sint' : 'uint';
  switch (op) {
    case Op.add:
    case Op.sub:
      return sameKind(kind, Math.max(wa, wb) + 1);
    case Op.mul:
      return sameKind(kind, wa + wb);
    case Op.div:
      return sameKind(kind, kind === 'sint' ? wa + 1 : wa);
    case Op.rem:
      return sameKind(kind, Math.min(wa, wb));
    case Op.lt:
    case Op.leq:
    case Op.gt:
    case Op.geq:
    case Op.eq:
    case Op.neq:
    case Op.andr:
    case Op.orr:
    case Op.xorr:
      return u(1);
    case Op.and:
    case Op.or:
    case Op.xor:
      return u(Math.max(wa, wb));
    case Op.not:
    case Op.asUInt:
      return u(wa);
    case Op.asSInt:
      return sameKind('sint', wa);
    case Op.asClock:
      return clock;
    case Op.asAsyncReset:
      return asyncReset;
    case Op.neg:
      return sameKind('sint', wa + 1);
    case Op.cvt:
      return sameKind('sint', kind === 'sint' ? wa : wa + 1);
    case Op.cat:
      return u(wa + wb);
    case Op.bits:
      return u(n - m + 1);
    case Op.head:
      return u(n);
    case Op.tail:
      return u(wa - n);
    case Op.pad:
      return sameKind(kind, Math.max(wa, n));
    case Op.shl:
      return sameKind(kind, wa + n);
    case Op.shr:
      return sameKind(kind, Math.max(wa - n, 1));
    case Op.dshl:
      return sameKind(kind, wa + 2 ** wb - 1);
    case Op.dshr:
      return sameKind(kind, wa);
    case Op.mux:
      return sameKind(b!.kind === 'sint' ? 'sint' : 'uint', Math.max(wb, c!.width));
    default:
      throw new Error(`hashi internal: no width rule for primitive op ${op}`);
  }
}

/** Smallest UInt width holding v >= 0 (0 needs one bit). */
export function uintWidthOf(v: bigint): number {
  return v === 0n ? 1 : v.toString(2).length;
}

/** Smallest SInt width holding v in two's complement. */
export function sintWidthOf(v: bigint): number {
  return (v < 0n ? (-v - 1n).toString(2).length : v === 0n ? 0 : v.toString(2).length) + 1;
}
