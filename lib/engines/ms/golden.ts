// The engine's integer golden model: conv with zero points, requantization
// (multiply, shift, round, zero point, clamp), per-(channel, row) activity flags,
// the packing of maps into ring words, and the schedule's cycle and access counts.
import type { MsBits, MsConvShape } from './plan.ts';
import { msCheckShape, msLineWords, msOutSize } from './plan.ts';

/** A conv layer with its integers: weights[((co*cin + ci)*k + ky)*k + kx], signed weightBits. */
export interface MsLayer extends MsConvShape {
  readonly weights: readonly number[];
  /** Per output channel, int32. */
  readonly bias: readonly number[];
  /** Per output channel, unsigned 16 bits. */
  readonly multiplier: readonly number[];
  /** 1 .. 31. */
  readonly shift: number;
  /** z_a: the input's zero point (the previous layer's outZero). */
  readonly inZero: number;
  readonly outZero: number;
}

/** A feature map, values[(c*h + y)*w + x], unsigned. */
export interface MsMap {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly values: readonly number[];
}

const ACC_LIMIT = 2 ** 31;

export function msCheckLayer(l: MsLayer, where: string): void {
  msCheckShape(l, where, 64);
  const n = l.cout * l.cin * l.k * l.k;
  if (l.weights.length !== n) throw new RangeError(`${where}: ${l.weights.length} weights, expected cout*cin*k*k = ${n}`);
  const wMax = 2 ** (l.weightBits - 1);
  l.weights.forEach((w, i) => {
    if (!Number.isInteger(w) || w < -wMax || w >= wMax) throw new RangeError(`${where}: weight ${i} = ${w} is outside ${l.weightBits}-bit two's complement`);
  });
  if (l.bias.length !== l.cout || l.multiplier.length !== l.cout) throw new RangeError(`${where}: bias and multiplier need ${l.cout} entries each`);
  l.bias.forEach((b, i) => {
    if (!Number.isInteger(b) || b < -ACC_LIMIT || b >= ACC_LIMIT) throw new RangeError(`${where}: bias ${i} = ${b} is not an int32`);
  });
  l.multiplier.forEach((m, i) => {
    if (!Number.isInteger(m) || m < 0 || m >= 2 ** 16) throw new RangeError(`${where}: multiplier ${i} = ${m} is not an unsigned 16-bit integer`);
  });
  if (!Number.isInteger(l.shift) || l.shift < 1 || l.shift > 31) throw new RangeError(`${where}: shift must be 1 .. 31, got ${l.shift}`);
  for (const [z, bits, name] of [[l.inZero, l.inBits, 'inZero'], [l.outZero, l.outBits, 'outZero']] as const) {
    if (!Number.isInteger(z) || z < 0 || z >= 2 ** bits) throw new RangeError(`${where}: ${name} = ${z} is outside 0 .. ${2 ** bits - 1}`);
  }
}

/** floor((acc*m + 2^(sh-1)) / 2^sh) + z, clamped to the output range (exact: |acc*m| < 2^47). */
export function msRequantize(acc: number, multiplier: number, shift: number, outZero: number, outBits: MsBits): number {
  const y = Math.floor((acc * multiplier + 2 ** (shift - 1)) / 2 ** shift);
  return Math.min(2 ** outBits - 1, Math.max(0, y + outZero));
}

/** One layer: accumulators and the requantized output map. */
export function msLayerGolden(l: MsLayer, input: MsMap, where = 'ms layer'): { acc: number[]; output: MsMap } {
  msCheckLayer(l, where);
  if (input.c !== l.cin || input.h !== l.hIn || input.w !== l.wIn) throw new RangeError(`${where}: input is ${input.c}x${input.h}x${input.w}, the layer takes ${l.cin}x${l.hIn}x${l.wIn}`);
  const hOut = msOutSize(l.hIn, l.k, l.stride, l.pad);
  const wOut = msOutSize(l.wIn, l.k, l.stride, l.pad);
  const acc: number[] = [];
  const values: number[] = [];
  for (let co = 0; co < l.cout; co++) {
    for (let y = 0; y < hOut; y++) {
      for (let x = 0; x < wOut; x++) {
        let a = l.bias[co]!;
        for (let ci = 0; ci < l.cin; ci++) {
          for (let ky = 0; ky < l.k; ky++) {
            const iy = y * l.stride - l.pad + ky;
            if (iy < 0 || iy >= l.hIn) continue; // padding: a = z_a, no contribution
            for (let kx = 0; kx < l.k; kx++) {
              const ix = x * l.stride - l.pad + kx;
              if (ix < 0 || ix >= l.wIn) continue;
              const v = input.values[(ci * l.hIn + iy) * l.wIn + ix]!;
              a += l.weights[((co * l.cin + ci) * l.k + ky) * l.k + kx]! * (v - l.inZero);
            }
          }
        }
        if (a < -ACC_LIMIT || a >= ACC_LIMIT) throw new RangeError(`${where}: accumulator ${a} at (${co}, ${y}, ${x}) overflows int32`);
        acc.push(a);
        values.push(msRequantize(a, l.multiplier[co]!, l.shift, l.outZero, l.outBits));
      }
    }
  }
  return { acc, output: { c: l.cout, h: hOut, w: wOut, values } };
}

/** Every layer's output, in order. */
export function msNetGolden(layers: readonly MsLayer[], input: MsMap): MsMap[] {
  const outs: MsMap[] = [];
  let x = input;
  layers.forEach((l, i) => {
    x = msLayerGolden(l, x, `ms layer ${i}`).output;
    outs.push(x);
  });
  return outs;
}

/** flags[c][y]: some value of row y of channel c differs from the zero point. */
export function msRowFlags(map: MsMap, zero: number): boolean[][] {
  return Array.from({ length: map.c }, (_, c) =>
    Array.from({ length: map.h }, (_, y) => {
      for (let x = 0; x < map.w; x++) if (map.values[(c * map.h + y) * map.w + x] !== zero) return true;
      return false;
    }),
  );
}

/** The map as ring words: row by row, channel by channel, a line of `msLineWords` words; value x at bits (x mod n)*b of word x div n. */
export function msPackMap(map: MsMap, bits: MsBits, wordBits = 64): bigint[] {
  const per = wordBits / bits;
  const L = msLineWords(map.w, bits, wordBits);
  const words: bigint[] = [];
  for (let y = 0; y < map.h; y++) {
    for (let c = 0; c < map.c; c++) {
      for (let j = 0; j < L; j++) {
        let word = 0n;
        for (let i = 0; i < per; i++) {
          const x = j * per + i;
          if (x >= map.w) break;
          const v = map.values[(c * map.h + y) * map.w + x]!;
          if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw new RangeError(`ms map: value ${v} at (${c}, ${y}, ${x}) does not fit ${bits} bits`);
          word |= BigInt(v) << BigInt(i * bits);
        }
        words.push(word);
      }
    }
  }
  return words;
}

/** The inverse of msPackMap. */
export function msUnpackMap(words: readonly bigint[], shape: { c: number; h: number; w: number }, bits: MsBits, wordBits = 64): MsMap {
  const per = wordBits / bits;
  const L = msLineWords(shape.w, bits, wordBits);
  const values = new Array<number>(shape.c * shape.h * shape.w).fill(0);
  const mask = (1n << BigInt(bits)) - 1n;
  for (let y = 0; y < shape.h; y++) {
    for (let c = 0; c < shape.c; c++) {
      for (let x = 0; x < shape.w; x++) {
        const word = words[(y * shape.c + c) * L + Math.floor(x / per)]!;
        values[(c * shape.h + y) * shape.w + x] = Number((word >> BigInt((x % per) * bits)) & mask);
      }
    }
  }
  return { ...shape, values };
}

/**
 * Products per PE per MAC step: 8 / max(input width, weight width), so a layer of 4-bit
 * features and weights takes two input channels per step, a 2-bit one four.
 */
export function msLanes(l: Pick<MsConvShape, 'inBits' | 'weightBits'>): 1 | 2 | 4 {
  return (8 / Math.max(l.inBits, l.weightBits)) as 1 | 2 | 4;
}

/** Counts of the engine's schedule (lib/engines/ms/README.md): what the hardware counters must show. */
export interface MsScheduleCounts {
  readonly cycles: number;
  readonly reads: number;
  readonly writes: number;
  /** Input-channel visits skipped by gating (lines not loaded, whole groups not run), and the cycles and reads they would have cost. */
  readonly skippedChannels: number;
  readonly skippedCycles: number;
  readonly skippedReads: number;
  readonly macSteps: number;
}

export interface MsScheduleOptions {
  readonly po: number;
  readonly px: number;
  readonly gating: boolean;
  /** false: the no-line-register baseline re-reads the line for every kernel column. */
  readonly lineRegister: boolean;
  readonly wordBits?: number;
}

/**
 * The engine's cycle, read and write counts for one layer, given its input's
 * row flags (all true for the first layer). Input channels go in groups of
 * `msLanes(l)` (1, 2 or 4; the last group may be short); a group runs when any
 * of its channels is active, and loads only its a active channels' lines. Per
 * output row r, per block of Po output channels, per block of Px pixels: 1 init
 * cycle, then per running group and per kernel row inside the map (padded rows
 * are skipped) a L_in + 1 load cycles (the SRAM answers a cycle later) and k MAC
 * cycles (without the line register: a L_in + 2 per kernel column), then 1
 * requantize cycle; per channel block,
 * L_out write cycles per output channel. Each layer adds 1 start cycle.
 */
export function msLayerSchedule(l: MsConvShape, inFlags: readonly (readonly boolean[])[], o: MsScheduleOptions): MsScheduleCounts {
  const wordBits = o.wordBits ?? 64;
  const hOut = msOutSize(l.hIn, l.k, l.stride, l.pad);
  const wOut = msOutSize(l.wIn, l.k, l.stride, l.pad);
  const lineIn = msLineWords(l.wIn, l.inBits, wordBits);
  const lineOut = msLineWords(wOut, l.outBits, wordBits);
  const coBlocks = Math.ceil(l.cout / o.po);
  const xBlocks = Math.ceil(wOut / o.px);
  // Loading a group's a active lines: a L_in read cycles plus one for the last word to arrive (SRAM latency).
  const perKyCycles = (a: number) => (o.lineRegister ? a * lineIn + 1 + l.k : l.k * (a * lineIn + 2));
  const perKyReads = (a: number) => (o.lineRegister ? a * lineIn : l.k * a * lineIn);
  const lanes = msLanes(l);
  const groups = Array.from({ length: Math.ceil(l.cin / lanes) }, (_, g) => Array.from({ length: Math.min(lanes, l.cin - g * lanes) }, (_, i) => g * lanes + i));
  let cycles = 1;
  let reads = 0;
  let skipped = 0;
  let skippedCycles = 0;
  let skippedReads = 0;
  let macSteps = 0;
  for (let r = 0; r < hOut; r++) {
    const rows: number[] = [];
    for (let ky = 0; ky < l.k; ky++) {
      const iy = r * l.stride - l.pad + ky;
      if (iy >= 0 && iy < l.hIn) rows.push(iy);
    }
    const visits = coBlocks * xBlocks;
    cycles += visits * 2;
    for (const group of groups) {
      const n = group.length;
      const a = o.gating ? group.filter((ci) => rows.some((y) => inFlags[ci]![y])).length : n;
      const [runCycles, runReads] = a > 0 ? [perKyCycles(a), perKyReads(a)] : [0, 0];
      if (a > 0) macSteps += visits * rows.length * l.k;
      cycles += visits * rows.length * runCycles;
      reads += visits * rows.length * runReads;
      skipped += visits * (n - a);
      skippedCycles += visits * rows.length * (perKyCycles(n) - runCycles);
      skippedReads += visits * rows.length * (perKyReads(n) - runReads);
    }
    cycles += l.cout * lineOut;
  }
  return { cycles, reads, writes: hOut * l.cout * lineOut, skippedChannels: skipped, skippedCycles, skippedReads, macSteps };
}

/** The schedule counts of a whole run, layer by layer (flags from the golden outputs). */
export function msNetSchedule(layers: readonly MsLayer[], input: MsMap, o: MsScheduleOptions): MsScheduleCounts[] {
  const outs = msNetGolden(layers, input);
  return layers.map((l, i) => {
    const flags = i === 0 ? Array.from({ length: l.cin }, () => Array<boolean>(l.hIn).fill(true)) : msRowFlags(outs[i - 1]!, l.inZero);
    return msLayerSchedule(l, flags, o);
  });
}

export function msSumCounts(list: readonly MsScheduleCounts[]): MsScheduleCounts {
  const sum = (pick: (c: MsScheduleCounts) => number): number => list.reduce((s, c) => s + pick(c), 0);
  return {
    cycles: sum((c) => c.cycles),
    reads: sum((c) => c.reads),
    writes: sum((c) => c.writes),
    skippedChannels: sum((c) => c.skippedChannels),
    skippedCycles: sum((c) => c.skippedCycles),
    skippedReads: sum((c) => c.skippedReads),
    macSteps: sum((c) => c.macSteps),
  };
}
