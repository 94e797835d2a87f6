// Conversions between JS values and the io buffer's 32-bit words, with range checks.
import type { PortInfo, PortValue } from './types.ts';

export interface PortLayout {
  info: PortInfo;
  index: number;
  /** First 32-bit word of this port in the io buffer. */
  offset: number;
  words: number;
  min: bigint;
  max: bigint;
  /** The same bounds as numbers (exact up to 53 bits), for the fast path. */
  minNumber: number;
  maxNumber: number;
  /** Mask for the narrow (<= 32-bit) fast path; two's complement for signed values. */
  mask32: number;
}

export function layoutPorts(ports: readonly PortInfo[]): PortLayout[] {
  let offset = 0;
  return ports.map((info, index) => {
    const words = Math.ceil(info.width / 32);
    const w = BigInt(info.width);
    const min = info.signed ? -(1n << (w - 1n)) : 0n;
    const max = info.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
    const layout = {
      info,
      index,
      offset,
      words,
      min,
      max,
      minNumber: Number(min),
      maxNumber: Number(max),
      mask32: info.width >= 32 ? -1 : (1 << info.width) - 1,
    };
    offset += words;
    return layout;
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

export function writePort(io: Uint32Array, p: PortLayout, value: PortValue): boolean {
  const width = p.info.width;
  if (typeof value === 'number' && width <= 32) {
    // Fast path: plain numbers on narrow ports never touch bigint.
    // Range check first: it also rejects NaN; then only integers remain to check.
    if (!(value >= p.minNumber && value <= p.maxNumber) || !Number.isInteger(value)) return false;
    io[p.offset] = value & p.mask32; // the Uint32Array store wraps negatives
    return true;
  }
  const v = checkedBigInt(p, value);
  if (v === undefined) return false;
  let bits = BigInt.asUintN(width, v);
  for (let i = 0; i < p.words; i++) {
    io[p.offset + i] = Number(bits & 0xffffffffn);
    bits >>= 32n;
  }
  return true;
}

export function readPort(io: Uint32Array, p: PortLayout): PortValue {
  const width = p.info.width;
  if (width <= 32) {
    const x = io[p.offset]!;
    if (!p.info.signed) return x;
    return width === 32 ? x | 0 : (x << (32 - width)) >> (32 - width);
  }
  if (width <= 53) {
    const x = io[p.offset]! + io[p.offset + 1]! * 2 ** 32;
    return p.info.signed && x >= 2 ** (width - 1) ? x - 2 ** width : x;
  }
  let v = 0n;
  for (let i = p.words - 1; i >= 0; i--) v = (v << 32n) | BigInt(io[p.offset + i]!);
  return p.info.signed ? BigInt.asIntN(width, v) : v;
}
