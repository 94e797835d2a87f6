// Conversions between JS values and a port's storage in the model, with range checks.
import type { PortInfo, PortValue } from './types.ts';

/** Bytes Verilator stores a port in: CData, SData, IData, QData, or a WData array of 32-bit words. */
export function storageBytes(width: number): number {
  return width <= 8 ? 1 : width <= 16 ? 2 : width <= 32 ? 4 : width <= 64 ? 8 : Math.ceil(width / 32) * 4;
}

/** Byte offsets of the ports packed one after another, each aligned like its storage (at most to 4). */
export function packedOffsets(widths: readonly number[]): { offsets: number[]; bytes: number } {
  let at = 0;
  const offsets = widths.map((w) => {
    const bytes = storageBytes(w);
    const align = Math.min(bytes, 4);
    at = Math.ceil(at / align) * align;
    const offset = at;
    at += bytes;
    return offset;
  });
  return { offsets, bytes: at };
}

export interface PortLayout {
  info: PortInfo;
  index: number;
  width: number;
  signed: boolean;
  /**
   * width <= 32: one element of u8, u16 or u32 holds the value (no bigint on this
   * path). The hot paths test `words === 1` instead, the same as a number.
   */
  narrow: boolean;
  /** Bytes of storage in the model: 1, 2 or 4 for a narrow port (which of u8/u16/u32 holds it). */
  bytes: number;
  // The port's storage. A narrow port is one element of the view of its size (the
  // other two are empty); a wide one is `words` little-endian words of u32 (QData
  // as two, WData as many). Three fields of fixed types rather than one of a union
  // type keep every typed-array access monomorphic.
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  words: number;
  min: bigint;
  max: bigint;
  /** The same bounds as numbers (exact up to 53 bits), for the fast path. */
  minNumber: number;
  maxNumber: number;
  /** Mask for the narrow fast path; two's complement for signed values. */
  mask32: number;
  /**
   * A signed narrow port: 32 - width (shifting left then arithmetically right by
   * it sign-extends); otherwise -1. A number, so the hot path tests no booleans.
   */
  signShift: number;
  /** An input that poke may drive (not the stepped clock); set by the simulator. */
  drivable: boolean;
}

const NO_U8 = new Uint8Array(0);
const NO_U16 = new Uint16Array(0);
const NO_U32 = new Uint32Array(0);

/** Lays ports over `mem`, port i's storage (storageBytes of its width) starting at byte offsets[i]. */
export function layoutPorts(ports: readonly PortInfo[], mem: ArrayBuffer, offsets: readonly number[]): PortLayout[] {
  return ports.map((info, index) => {
    const width = info.width;
    const bytes = storageBytes(width);
    const offset = offsets[index]!;
    const narrow = width <= 32;
    const w = BigInt(width);
    const min = info.signed ? -(1n << (w - 1n)) : 0n;
    const max = info.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
    return {
      info,
      index,
      width,
      signed: info.signed,
      narrow,
      bytes,
      u8: bytes === 1 ? new Uint8Array(mem, offset, 1) : NO_U8,
      u16: bytes === 2 ? new Uint16Array(mem, offset, 1) : NO_U16,
      u32: bytes >= 4 ? new Uint32Array(mem, offset, bytes / 4) : NO_U32,
      words: Math.ceil(width / 32),
      min,
      max,
      minNumber: Number(min),
      maxNumber: Number(max),
      mask32: width >= 32 ? -1 : (1 << width) - 1,
      signShift: narrow && info.signed ? 32 - width : -1,
      drivable: info.direction === 'input',
    };
  });
}

export function describeRange(p: PortLayout): string {
  return `${p.info.width}-bit ${p.info.signed ? 'signed' : 'unsigned'} range [${p.min}, ${p.max}]`;
}

/** Returns the value as a bigint if it is an integer within the port's range, else undefined. */
export function checkedBigInt(p: PortLayout, value: unknown): bigint | undefined {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else return undefined;
  return v >= p.min && v <= p.max ? v : undefined;
}

export function formatValue(v: PortValue): string {
  if (typeof v === 'number' ? v < 0 : v < 0n) return String(v);
  return `${v} (0x${v.toString(16)})`;
}

export function writePort(p: PortLayout, value: PortValue): boolean {
  // Fast path: plain numbers on narrow ports never touch bigint. The range check
  // also rejects NaN; then only integers remain to check.
  if (typeof value === 'number' && p.words === 1 && value >= p.minNumber && value <= p.maxNumber && Number.isInteger(value)) {
    const x = value & p.mask32; // the unsigned stores wrap; the mask clears a negative's high bits
    if (p.bytes === 4) p.u32[0] = x;
    else if (p.bytes === 1) p.u8[0] = x;
    else p.u16[0] = x;
    return true;
  }
  return writeSlow(p, value);
}

function writeSlow(p: PortLayout, value: PortValue): boolean {
  if (typeof value === 'number' && p.narrow) return false; // out of range, or not an integer
  const v = checkedBigInt(p, value);
  if (v === undefined) return false;
  if (p.narrow) return writePort(p, Number(v)); // in range, so the fast path takes it
  let bits = BigInt.asUintN(p.width, v);
  for (let i = 0; i < p.words; i++) {
    p.u32[i] = Number(bits & 0xffffffffn);
    bits >>= 32n;
  }
  return true;
}

export function readPort(p: PortLayout): PortValue {
  if (p.words === 1) {
    const x = p.bytes === 4 ? p.u32[0]! : p.bytes === 1 ? p.u8[0]! : p.u16[0]!;
    return p.signShift < 0 ? x : (x << p.signShift) >> p.signShift;
  }
  return readWide(p);
}

function readWide(p: PortLayout): PortValue {
  const width = p.width;
  if (width <= 53) {
    const x = p.u32[0]! + p.u32[1]! * 2 ** 32;
    return p.signed && x >= 2 ** (width - 1) ? x - 2 ** width : x;
  }
  let v = 0n;
  for (let i = p.words - 1; i >= 0; i--) v = (v << 32n) | BigInt(p.u32[i]!);
  return p.signed ? BigInt.asIntN(width, v) : v;
}
