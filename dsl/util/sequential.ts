// Sequential helpers in the spirit of chisel3.util: RegEnable, ShiftRegister, Counter.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import { Reg, RegInit } from '../state.ts';
import { UInt } from '../types.ts';
import type { Bool, Data, Scalar, UInt as UIntValue } from '../values.ts';
import { when } from '../when.ts';

/** A register that takes `next` only on cycles where `enable` holds (optionally with a reset value). */
export function RegEnable<V extends Data>(next: V, enable: Bool, init?: Data | Scalar): V {
  const r = (init === undefined ? Reg(next.type) : RegInit(next.type, init)) as unknown as V;
  when(enable, () => r.connect(next));
  return r;
}

/** `x` delayed by `n` cycles (advancing only while `enable` holds). */
export function ShiftRegister<V extends Data>(x: V, n: number, enable?: Bool): V {
  if (!Number.isInteger(n) || n < 0) throw new HashiError(`ShiftRegister delay ${n} must be a non-negative integer`, 'give the number of cycles', captureLocator(), 'bad-argument');
  let out = x;
  for (let i = 0; i < n; i++) {
    const r = Reg(x.type) as unknown as V;
    if (enable) when(enable, () => r.connect(out));
    else r.connect(out);
    out = r;
  }
  return out;
}

/** What `Counter(n)` returns: its value, `inc()` and the wrap flag. */
export interface CounterHandle {
  /** The current count, 0 to n-1. */
  readonly value: UIntValue;
  /** True in the cycle the counter is at n-1 (it wraps to 0 if incremented). */
  readonly wrap: Bool;
  /** Count up by one this cycle (call inside a `when` to count conditionally). */
  inc(): void;
}

/** A counter from 0 to n-1 that wraps, reset to 0. */
export function Counter(n: number): CounterHandle {
  if (!Number.isInteger(n) || n < 1) throw new HashiError(`Counter(${n}) needs a positive integer range`, 'give the number of states', captureLocator(), 'bad-argument');
  const width = Math.max(1, Math.ceil(Math.log2(n)));
  const value = RegInit(UInt(width), 0) as UIntValue;
  const wrap = value.eq(n - 1);
  return {
    value,
    wrap,
    inc() {
      if (2 ** width === n) value.connect(value.addWrap(1));
      else when(wrap, () => value.connect(0)).otherwise(() => value.connect(value.addWrap(1)));
    },
  };
}
