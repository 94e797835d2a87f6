// Multiplexer helpers: first matching case wins, as in chisel3.util.
import { HashiError } from '../errors.ts';
import { captureLocator } from '../locator.ts';
import type { Bool, SInt, Scalar, UInt } from '../values.ts';
import { U, mux } from '../values.ts';

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

/**
 * The OR of the values whose select bit is set: with exactly one select bit set
 * (one-hot), that value; as wide as the widest value. With none set, 0; with
 * several, the OR of theirs (as chisel3.util.Mux1H leaves undefined).
 */
export function Mux1H(sel: UInt | readonly Bool[], values: readonly (UInt | number | bigint)[]): UInt {
  const bits = Array.isArray(sel) ? (sel as readonly Bool[]) : Array.from({ length: (sel as UInt).width }, (_, i) => (sel as UInt).bit(i));
  if (bits.length !== values.length || values.length === 0) {
    throw new HashiError(`Mux1H has ${bits.length} select bit(s) and ${values.length} value(s)`, 'give one value per select bit (at least one)', captureLocator(), 'bad-argument');
  }
  const width = Math.max(1, ...values.map((v) => (typeof v === 'object' ? v.width : BigInt(v).toString(2).length)));
  const terms = values.map((v, i) => mux(bits[i]!, typeof v === 'object' ? v : U(v, width), U(0, width)) as UInt);
  return terms.slice(1).reduce((acc, t) => acc.or(t), terms[0]!);
}
