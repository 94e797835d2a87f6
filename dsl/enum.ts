// Enumerations: named states encoded as UInt literals, as wide as needed.
import { HashiError } from './errors.ts';
import { captureLocator } from './locator.ts';
import type { UIntType } from './types.ts';
import { UInt, makeLiteral } from './values.ts';

export type EnumOf<Names extends readonly string[]> = {
  /** The hardware type holding one of these states. */
  readonly type: UIntType;
  /** The states in order; state i is encoded as i. */
  readonly names: Names;
} & { readonly [K in Names[number]]: UInt };

export function Enum<const Names extends readonly string[]>(names: Names): EnumOf<Names> {
  const loc = captureLocator();
  if (names.length === 0) throw new HashiError('an Enum needs at least one state', 'list the state names', loc, 'bad-argument');
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new HashiError(`Enum state '${n}' is listed twice`, 'give each state a distinct name', loc, 'bad-argument');
    if (n === 'type' || n === 'names') throw new HashiError(`Enum state name '${n}' is reserved`, 'rename the state', loc, 'bad-argument');
    seen.add(n);
  }
  const width = Math.max(1, Math.ceil(Math.log2(names.length)));
  const type: UIntType = { kind: 'uint', width };
  const out: Record<string, unknown> = { type, names };
  names.forEach((n, i) => (out[n] = new UInt(makeLiteral(BigInt(i), type))));
  return out as EnumOf<Names>;
}
