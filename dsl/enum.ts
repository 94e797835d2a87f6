// Enumerations: named states encoded as UInt literals, as wide as needed.
import { HashiError } from './errors.ts';
import { captureLocator } from './locator.ts';
import type { UIntType } from './types.ts';
import { DontCare, UInt, makeLiteral } from './values.ts';

declare const enumBrand: unique symbol;

/** The hardware type of an Enum's states: a UInt that TypeScript tells apart per Enum. */
export interface EnumType<Names extends readonly string[] = readonly string[]> extends UIntType {
  readonly enumNames: Names;
}

/**
 * A value of an Enum (a state, or a Wire/Reg/port of its type): a UInt for every
 * operation, but it can only be driven by values of the same Enum, so
 * `state.connect(3)` or a state of another Enum is a type error.
 */
export interface EnumValue<Names extends readonly string[] = readonly string[]> extends UInt {
  readonly [enumBrand]: Names;
  connect(src: EnumValue<Names> | typeof DontCare): void;
}

/** What `Enum([...])` returns: its type, its names, and one value per state. */
export type EnumOf<Names extends readonly string[]> = {
  /** The hardware type holding one of these states. */
  readonly type: EnumType<Names>;
  /** The states in order; state i is encoded as i. */
  readonly names: Names;
} & { readonly [K in Names[number]]: EnumValue<Names> };

/** Named states encoded as UInt literals (state i is i), as wide as needed; a register of `E.type` accepts only E's states. */
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
  const type: EnumType<Names> = { kind: 'uint', width, enumNames: names };
  const out: Record<string, unknown> = { type, names };
  names.forEach((n, i) => (out[n] = new UInt(makeLiteral(BigInt(i), type))));
  return out as EnumOf<Names>;
}
