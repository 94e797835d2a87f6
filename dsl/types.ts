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
export type HwType = UIntType | BoolType | SIntType | ClockType | ResetType | AsyncResetType;

/** Largest width hashi accepts for one ground value (FIRRTL tools handle far less well beyond). */
export const MAX_WIDTH = 1 << 16;

function checkWidth(width: number, what: string): void {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new HashiError(`${what}(${width}) is not a valid width`, `a width is an integer from 1 to ${MAX_WIDTH}`, captureLocator(), 'bad-width');
  }
}

export function UInt(width: number): UIntType {
  checkWidth(width, 'UInt');
  return { kind: 'uint', width };
}
export function SInt(width: number): SIntType {
  checkWidth(width, 'SInt');
  return { kind: 'sint', width };
}
export function Bool(): BoolType {
  return { kind: 'uint', width: 1, bool: true };
}
export function Clock(): ClockType {
  return { kind: 'clock', width: 1 };
}
export function Reset(): ResetType {
  return { kind: 'reset', width: 1 };
}
export function AsyncReset(): AsyncResetType {
  return { kind: 'asyncreset', width: 1 };
}

/** FIRRTL spelling of a type. Sync resets are plain UInt<1>, as in Chisel. */
export function firrtlType(t: HwType): string {
  switch (t.kind) {
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
  if (t.kind === 'uint') return 'bool' in t ? 'Bool' : `UInt(${t.width})`;
  if (t.kind === 'sint') return `SInt(${t.width})`;
  return t.kind === 'clock' ? 'Clock' : t.kind === 'reset' ? 'Reset' : 'AsyncReset';
}
