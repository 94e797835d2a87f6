// Multiplexer helpers: first matching case wins, as in chisel3.util.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import type { Bool, SInt, Scalar, UInt } from '../values.ts';
import { mux } from '../values.ts';

/** The value of the first case whose condition holds, else `dflt`. */
export function MuxCase<T extends UInt | SInt>(dflt: T | Scalar, cases: readonly (readonly [Bool, T | Scalar])[]): T {
  let out = dflt;
  for (let i = cases.length - 1; i >= 0; i--) out = mux(cases[i]![0], cases[i]![1], out);
  if (typeof out !== 'object') throw new HashiError('MuxCase needs at least one hardware value', 'make the default or a case value a UInt or SInt', captureLocator(), 'bad-argument');
  return out as T;
}

/** The value paired with the first key equal to `key`, else `dflt`. */
export function MuxLookup<T extends UInt | SInt>(key: UInt, dflt: T | Scalar, mapping: readonly (readonly [UInt | number, T | Scalar])[]): T {
  return MuxCase(
    dflt,
    mapping.map(([k, v]) => [key.eq(k), v] as const),
  );
}
