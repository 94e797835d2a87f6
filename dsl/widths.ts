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
//   asUInt / asSInt             same width;  asClock: Clock
//   cvt         UInt            SInt(wa + 1);  SInt: SInt(wa)
//   mux(c,a,b)  UInt(1),T,T     T(max(wa, wb))
import type { HwType, SIntType, UIntType } from './types.ts';

type Ground = UIntType | SIntType;

// Result types are interned per width: million-op designs would otherwise
// allocate one type object per operation.
const uints: UIntType[] = [];
const sints: SIntType[] = [];

function sameKind(kind: 'uint' | 'sint', width: number): Ground {
  if (kind === 'uint') return u(width);
  return (sints[width] ??= { kind: 'sint', width });
}

function u(width: number): UIntType {
  return (uints[width] ??= { kind: 'uint', width });
}

/** Result type of a primitive operation; operands already checked for kind. */
export function resultType(op: string, args: readonly { readonly type: HwType }[], consts: readonly number[]): HwType {
  const a = args[0]!.type;
  const wa = a.width;
  const wb = args[1]?.type.width ?? 0;
  const n = consts[0] ?? 0;
  const kind = a.kind === 'sint' ? 'sint' : 'uint';
  switch (op) {
    case 'add':
    case 'sub':
      return sameKind(kind, Math.max(wa, wb) + 1);
    case 'mul':
      return sameKind(kind, wa + wb);
    case 'div':
      return sameKind(kind, kind === 'sint' ? wa + 1 : wa);
    case 'rem':
      return sameKind(kind, Math.min(wa, wb));
    case 'lt':
    case 'leq':
    case 'gt':
    case 'geq':
    case 'eq':
    case 'neq':
    case 'andr':
    case 'orr':
    case 'xorr':
      return u(1);
    case 'and':
    case 'or':
    case 'xor':
      return u(Math.max(wa, wb));
    case 'not':
    case 'asUInt':
      return u(wa);
    case 'asSInt':
      return sameKind('sint', wa);
    case 'asClock':
      return { kind: 'clock', width: 1 };
    case 'neg':
      return sameKind('sint', wa + 1);
    case 'cvt':
      return sameKind('sint', kind === 'sint' ? wa : wa + 1);
    case 'cat':
      return u(wa + wb);
    case 'bits':
      return u(n - (consts[1] ?? 0) + 1);
    case 'head':
      return u(n);
    case 'tail':
      return u(wa - n);
    case 'pad':
      return sameKind(kind, Math.max(wa, n));
    case 'shl':
      return sameKind(kind, wa + n);
    case 'shr':
      return sameKind(kind, Math.max(wa - n, 1));
    case 'dshl':
      return sameKind(kind, wa + 2 ** wb - 1);
    case 'dshr':
      return sameKind(kind, wa);
    case 'mux':
      return sameKind(args[1]!.type.kind === 'sint' ? 'sint' : 'uint', Math.max(args[1]!.type.width, args[2]!.type.width));
    default:
      throw new Error(`hashi internal: no width rule for primitive op '${op}'`);
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
