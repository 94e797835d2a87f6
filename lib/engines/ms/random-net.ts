// Seeded random plain CNNs for the engine's tests and report: weights within each
// layer's width, shifts calibrated so outputs spread over the output range, and
// some all-zero ("dead") output channels so that gating has work to skip.
import { Prng } from '../../util/prng.ts';
import type { MsLayer, MsMap } from './golden.ts';
import { msLayerGolden } from './golden.ts';
import type { MsConvShape } from './plan.ts';
import { msOutSize } from './plan.ts';

export interface MsRandomNetOptions {
  readonly seed: number;
  /** Fraction of each layer's output channels (except the last layer's) whose weights and bias are 0: they output the zero point. */
  readonly deadFraction?: number;
  /** Zero point of layer 0's input. */
  readonly inputZero?: number;
}

/** A random input map for layer 0. */
export function msRandomMap(rng: Prng, c: number, h: number, w: number, bits: number): MsMap {
  return { c, h, w, values: Array.from({ length: c * h * w }, () => rng.int(0, 2 ** bits - 1)) };
}

export function msRandomNet(shapes: readonly MsConvShape[], o: MsRandomNetOptions): { layers: MsLayer[]; input: MsMap } {
  const rng = new Prng(o.seed);
  const first = shapes[0]!;
  const input = msRandomMap(rng, first.cin, first.hIn, first.wIn, first.inBits);
  const layers: MsLayer[] = [];
  let x = input;
  let inZero = o.inputZero ?? 2 ** (first.inBits - 1);
  shapes.forEach((s, i) => {
    const wMax = 2 ** (s.weightBits - 1) - 1;
    const last = i === shapes.length - 1;
    const dead = new Set<number>();
    const nDead = last ? 0 : Math.floor(s.cout * (o.deadFraction ?? 0));
    while (dead.size < nDead) dead.add(rng.int(0, s.cout - 1));
    const weights = Array.from({ length: s.cout * s.cin * s.k * s.k }, (_, n) => (dead.has(Math.floor(n / (s.cin * s.k * s.k))) ? 0 : rng.int(-wMax - 1, wMax)));
    // Every other layer has zero point 0 (the clamp is then a ReLU: many outputs at the zero point).
    const outZero = i % 2 === 0 ? 0 : rng.int(0, 2 ** (s.outBits - 2));
    const probe: MsLayer = { ...s, weights, bias: Array(s.cout).fill(0), multiplier: Array(s.cout).fill(1), shift: 1, inZero, outZero };
    const maxAbs = Math.max(1, ...msLayerGolden(probe, x).acc.map(Math.abs));
    const bias = Array.from({ length: s.cout }, (_, co) => (dead.has(co) ? 0 : rng.int(-Math.floor(maxAbs / 4), Math.floor(maxAbs / 4))));
    const multiplier = Array.from({ length: s.cout }, () => rng.int(2 ** 14, 2 ** 16 - 1));
    // About maxAbs * m / 2^shift = 2^outBits: the largest sums reach the top of the range.
    const shift = Math.min(31, Math.max(1, Math.round(Math.log2((maxAbs * 2 ** 15) / 2 ** s.outBits))));
    const layer: MsLayer = { ...s, weights, bias, multiplier, shift, inZero, outZero };
    layers.push(layer);
    x = msLayerGolden(layer, x).output;
    inZero = outZero;
    if (x.h !== msOutSize(s.hIn, s.k, s.stride, s.pad)) throw new Error('ms random net: shape bookkeeping');
  });
  return { layers, input };
}
