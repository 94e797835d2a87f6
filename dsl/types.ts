import { HashiError } from './errors.ts';
import { captureLocator } from './locator.ts';

// Ground hardware types. Widths are always known at elaboration time: hashi
// computes every width itself (see widths.ts) instead of leaving it to firtool.

export interface UIntType {
  readonly kind: 'uint';
  readonly width: number;
}
export interface BoolType {
  readonly kind: 'uint';
  readonly width: 1;
  readonly bool: true;
}
export interface SIntType {
  readonly kind: 'sint';
  readonly width: number;
}
export interface ClockType {
  readonly kind: 'clock';
  readonly width: 1;
}
export interface ResetType {
  readonly kind: 'reset';
  readonly width: 1;
}
export interface AsyncResetType {
  readonly kind: 'asyncreset';
  readonly width: 1;
}
export type GroundType = UIntType | BoolType | SIntType | ClockType | ResetType | AsyncResetType;

/** A bundle field whose direction is reversed relative to the bundle. */
export interface FlippedType<T extends HwType = HwType> {
  readonly kind: 'flip';
  readonly type: T;
}
/** A Bundle field: a hardware type, or `Flipped(type)` for the opposite direction. */
export type FieldSpec = HwType | FlippedType;

/** The type of a Bundle: named fields, each a type or `Flipped(type)`. */
export interface BundleType<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  readonly kind: 'bundle';
  readonly fields: F;
  /** Total bits of all leaves. */
  readonly width: number;
}

/** The type of a Vec: `length` elements of one type. */
export interface VecType<T extends HwType = HwType> {
  readonly kind: 'vec';
  readonly length: number;
  readonly element: T;
  readonly width: number;
}

/**
 * A vec whose elements each have their own type (Chisel's MixedVec): a bundle
 * with fields '0', '1', ... (flat names x_0, x_1, ... as a Vec's), `elements` its types.
 */
export interface MixedVecType<E extends readonly HwType[] = readonly HwType[]> extends BundleType {
  readonly elements: E;
}

/** Any hardware type: ground (UInt, SInt, Bool, Clock, resets), Bundle or Vec. */
export type HwType = GroundType | BundleType | VecType;

export function isMixedVec(t: HwType): t is MixedVecType {
  return t.kind === 'bundle' && 'elements' in t;
}

/** Largest width hashi accepts for one ground value (FIRRTL tools handle far less well beyond). */
export const MAX_WIDTH = 1 << 16;

function checkWidth(width: number, what: string): void {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new HashiError(`${what}(${width}) is not a valid width`, `a width is an integer from 1 to ${MAX_WIDTH}`, captureLocator(), 'bad-width');
  }
}

/** An unsigned integer type of `width` bits: `UInt(8)`. */
export function UInt(width: number): UIntType {
  checkWidth(width, 'UInt');
  return { kind: 'uint', width };
}
/** A signed (two's complement) integer type of `width` bits: `SInt(8)`. */
export function SInt(width: number): SIntType {
  checkWidth(width, 'SInt');
  return { kind: 'sint', width };
}
/** The 1-bit truth type: `Bool()`. */
export function Bool(): BoolType {
  return { kind: 'uint', width: 1, bool: true };
}
/** The clock type, for ports and `withClock`. */
export function Clock(): ClockType {
  return { kind: 'clock', width: 1 };
}
/** The synchronous reset type (a module's implicit reset). */
export function Reset(): ResetType {
  return { kind: 'reset', width: 1 };
}
/** The asynchronous reset type: registers under it reset without waiting for a clock edge. */
export function AsyncReset(): AsyncResetType {
  return { kind: 'asyncreset', width: 1 };
}

export function isGround(t: HwType): t is GroundType {
  return t.kind !== 'bundle' && t.kind !== 'vec';
}

/** FIRRTL spelling of a type. Sync resets are plain UInt<1>, as in Chisel. */
export function firrtlType(t: HwType): string {
  switch (t.kind) {
    case 'bundle':
      return `{ ${Object.entries(t.fields)
        .map(([name, f]) => (f.kind === 'flip' ? `flip ${name} : ${firrtlType(f.type)}` : `${name} : ${firrtlType(f)}`))
        .join(', ')} }`;
    case 'vec':
      return `${firrtlType(t.element)}[${t.length}]`;
    case 'uint':
      return `UInt<${t.width}>`;
    case 'sint':
      return `SInt<${t.width}>`;
    case 'clock':
      return 'Clock';
    case 'reset':
      return 'UInt<1>';
    case 'asyncreset':
      return 'AsyncReset';
  }
}

export function describeType(t: HwType): string {
  if (isMixedVec(t)) return `MixedVec(${t.elements.map(describeType).join(', ')})`;
  if (t.kind === 'bundle') return `Bundle{${Object.keys(t.fields).join(', ')}}`;
  if (t.kind === 'vec') return `Vec(${t.length}, ${describeType(t.element)})`;
  if (t.kind === 'uint') return 'bool' in t ? 'Bool' : `UInt(${t.width})`;
  if (t.kind === 'sint') return `SInt(${t.width})`;
  return t.kind === 'clock' ? 'Clock' : t.kind === 'reset' ? 'Reset' : 'AsyncReset';
}

/** The same type with every Flipped removed: registers hold passive types (as in Chisel). */
export function passive<T extends HwType>(t: T): T {
  if (t.kind === 'bundle') {
    const fields = Object.fromEntries(Object.entries(t.fields).map(([k, f]) => [k, passive(f.kind === 'flip' ? f.type : f)]));
    return { ...t, fields } as T;
  }
  if (t.kind === 'vec') return { ...t, element: passive(t.element) } as T;
  return t;
}
