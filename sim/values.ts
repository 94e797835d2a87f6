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
  /** width <= 32: one element of `view` holds the value (no bigint on this path). */
  narrow: boolean;
  /**
   * The port's storage: one Uint8/16/32Array element as the model stores a narrow
   * port, else `words` little-endian 32-bit words (QData as two, WData as many).
   */
  view: Uint8Array | Uint16Array | Uint32Array;
  words: number;
  min: bigint;
  max: bigint;
  /** The same bounds as numbers (exact up to 53 bits), for the fast path. */
  minNumber: number;
  maxNumber: number;
  /** Mask for the narrow fast path; two's complement for signed values. */
  mask32: number;
  /** 32 - width: shifting left then arithmetically right by it sign-extends a narrow value. */
  signShift: number;
  /** An input that poke may drive (not the stepped clock); set by the simulator. */
  drivable: boolean;
}

/** Lays ports over `mem`, port i's storage (storageBytes of its width) starting at byte offsets[i]. */
export function layoutPorts(ports: readonly PortInfo[], mem: ArrayBuffer, offsets: readonly number[]): PortLayout[] {
  return ports.map((info, index) => {
    const width = info.width;
    const bytes = storageBytes(width);
    const offset = offsets[index]!;
    const narrow = width <= 32;
    const view = !narrow || bytes === 4 ? new Uint32Array(mem, offset, bytes / 4) : bytes === 2 ? new Uint16Array(mem, offset, 1) : new Uint8Array(mem, offset, 1);
    const w = BigInt(width);
    const min = info.signed ? -(1n << (w - 1n)) : 0n;
    const max = info.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
    return {
      info,
      index,
      width,
      signed: info.signed,
      narrow,
      view,
      words: Math.ceil(width / 32),
      min,
      max,
      minNumber: Number(min),
      maxNumber: Number(max),
      mask32: width >= 32 ? -1 : (1 << width) - 1,
      signShift: narrow ? 32 - width : 0,
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
  if (typeof value === 'number' && p.narrow) {
    // Fast path: plain numbers on narrow ports never touch bigint.
    // Range check first: it also rejects NaN; then only integers remain to check.
    if (!(value >= p.minNumber && value <= p.maxNumber) || !Number.isInteger(value)) return false;
    p.view[0] = value & p.mask32; // the unsigned store wraps; the mask clears a negative's high bits
    return true;
  }
  const v = checkedBigInt(p, value);
  if (v === undefined) return false;
  let bits = BigInt.asUintN(p.width, v);
  for (let i = 0; i < p.words; i++) {
    p.view[i] = Number(bits & 0xffffffffn);
    bits >>= 32n;
  }
  return true;
}

export function readPort(p: PortLayout): PortValue {
  if (p.narrow) {
    const x = p.view[0]!;
    return p.signed ? (x << p.signShift) >> p.signShift : x;
  }
  const width = p.width;
  if (width <= 53) {
    const x = p.view[0]! + p.view[1]! * 2 ** 32;
    return p.signed && x >= 2 ** (width - 1) ? x - 2 ** width : x;
  }
  let v = 0n;
  for (let i = p.words - 1; i >= 0; i--) v = (v << 32n) | BigInt(p.view[i]!);
  return p.signed ? BigInt.asIntN(width, v) : v;
}
