// Lanes of the batched API: one typed array per port, one element per cycle.
//   width <= 32: Uint32Array (Int32Array for signed ports)
//   width <= 64: BigUint64Array (BigInt64Array for signed ports)
//   wider:       Uint32Array holding ceil(width/32) little-endian words per cycle
// Plain number/bigint arrays are accepted on input and converted after range checks.
import { SimError } from './errors.ts';
import { checkedBigInt, describeRange, type PortLayout } from './values.ts';
import type { PortValue } from './types.ts';

export type VectorLane = Uint32Array | Int32Array | BigUint64Array | BigInt64Array;
export type VectorInput = VectorLane | ReadonlyArray<PortValue>;

export function laneCycles(p: PortLayout, lane: VectorInput): number {
  return p.info.width > 64 && !Array.isArray(lane) ? lane.length / p.words : lane.length;
}

/** Converts an input to the lane type the native side reads; typed arrays pass through. */
export function toInputLane(p: PortLayout, input: VectorInput): VectorLane {
  if (!Array.isArray(input)) {
    const lane = input as VectorLane;
    const ok =
      p.info.width > 64
        ? lane instanceof Uint32Array
        : p.info.width > 32
          ? lane instanceof BigUint64Array || lane instanceof BigInt64Array
          : lane instanceof Uint32Array || lane instanceof Int32Array;
    if (!ok) {
      throw new SimError(`runVectors: input '${p.info.name}' (${p.info.width} bits) needs a ${laneTypeName(p)}, got ${lane?.constructor?.name ?? typeof lane}`);
    }
    return lane;
  }
  const values = input as ReadonlyArray<PortValue>;
  const bigs = values.map((v, cycle) => {
    const b = checkedBigInt(p, v);
    if (b === undefined) {
      throw new SimError(`runVectors: input '${p.info.name}' at cycle ${cycle}: ${String(v)} is outside the ${describeRange(p)}`);
    }
    return b;
  });
  const w = p.info.width;
  if (w <= 32) return p.info.signed ? Int32Array.from(bigs, Number) : Uint32Array.from(bigs, Number);
  if (w <= 64) return p.info.signed ? BigInt64Array.from(bigs) : BigUint64Array.from(bigs);
  const lane = new Uint32Array(bigs.length * p.words);
  bigs.forEach((b, cycle) => {
    let bits = BigInt.asUintN(w, b);
    for (let i = 0; i < p.words; i++) {
      lane[cycle * p.words + i] = Number(bits & 0xffffffffn);
      bits >>= 32n;
    }
  });
  return lane;
}

export function newOutputLane(p: PortLayout, cycles: number): VectorLane {
  const w = p.info.width;
  if (w <= 32) return p.info.signed ? new Int32Array(cycles) : new Uint32Array(cycles);
  if (w <= 64) return p.info.signed ? new BigInt64Array(cycles) : new BigUint64Array(cycles);
  return new Uint32Array(cycles * p.words);
}

function laneTypeName(p: PortLayout): string {
  const w = p.info.width;
  if (w <= 32) return 'Uint32Array or Int32Array';
  if (w <= 64) return 'BigUint64Array or BigInt64Array';
  return `Uint32Array of ${p.words} words per cycle`;
}
