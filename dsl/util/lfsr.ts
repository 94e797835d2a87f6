// A maximal-length linear feedback shift register (chisel3.util.random.LFSR):
// pseudo-random bits for tests, scramblers and random replacement.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import { RegInit } from '../state.ts';
import { UInt as UIntType } from '../types.ts';
import type { Bool, UInt } from '../values.ts';
import { when } from '../when.ts';
import { Cat } from './bits.ts';

/**
 * Feedback taps (bit numbers from 1) of a maximal-length polynomial per width:
 * 2^width - 1 states before it repeats (test/dsl/helpers.test.ts checks widths 2..20).
 */
export const lfsrTaps: Readonly<Record<number, readonly number[]>> = {
  2: [2, 1], 3: [3, 2], 4: [4, 3], 5: [5, 3], 6: [6, 5], 7: [7, 6], 8: [8, 6, 5, 4], 9: [9, 5], 10: [10, 7],
  11: [11, 9], 12: [12, 6, 4, 1], 13: [13, 4, 3, 1], 14: [14, 5, 3, 1], 15: [15, 14], 16: [16, 15, 13, 4],
  17: [17, 14], 18: [18, 11], 19: [19, 6, 2, 1], 20: [20, 17], 21: [21, 19], 22: [22, 21], 23: [23, 18],
  24: [24, 23, 22, 17], 25: [25, 22], 26: [26, 6, 2, 1], 27: [27, 5, 2, 1], 28: [28, 25], 29: [29, 27],
  30: [30, 6, 4, 1], 31: [31, 28], 32: [32, 22, 2, 1],
};

/**
 * A Fibonacci LFSR register of `width` bits (2..32): each enabled cycle it shifts
 * left and brings in the XOR of its tap bits. It starts (and resets) at `seed`,
 * which must not be 0 (0 is the one state that never leaves itself).
 */
export function LFSR(width: number, increment?: Bool, seed: number | bigint = 1): UInt {
  const taps = lfsrTaps[width];
  if (!taps) throw new HashiError(`LFSR width ${width} is not supported`, 'choose a width from 2 to 32', captureLocator(), 'bad-argument');
  const s = BigInt(seed);
  if (s <= 0n || s >= 1n << BigInt(width)) throw new HashiError(`LFSR seed ${seed} is not a nonzero ${width}-bit value`, `choose a seed from 1 to ${(1n << BigInt(width)) - 1n}`, captureLocator(), 'bad-argument');
  const state = RegInit(UIntType(width), s);
  const feedback = taps.slice(1).reduce<UInt>((acc, t) => acc.xor(state.bit(t - 1)), state.bit(taps[0]! - 1));
  const next = Cat(state.bits(width - 2, 0), feedback);
  if (increment) when(increment, () => state.connect(next));
  else state.connect(next);
  return state;
}
