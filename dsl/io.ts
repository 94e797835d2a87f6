// Port declarations. The TypeScript types of `IO({...})` follow the declared
// hardware types, so `io.count` is a UInt in the editor, zod-style.
import { builder } from './builder.ts';
import { HashiError } from './errors.ts';
import type { Port } from './ir.ts';
import { NameSource } from './ir.ts';
import { captureLocator } from './locator.ts';
import { flatNames } from './ports.ts';
import { svKeywords } from './sv-keywords.ts';
import type { HwType } from './types.ts';
import { wrap } from './values.ts';

export type { ValueOf } from './value-of.ts';
import type { ValueOf } from './value-of.ts';

/** A port declaration: a direction and a type (from `Input` or `Output`). */
export interface PortSpec<T extends HwType = HwType> {
  readonly dir: 'input' | 'output';
  readonly type: T;
}

/** An input port of the given type, for `IO({...})`. */
export function Input<T extends HwType>(type: T): PortSpec<T> {
  return { dir: 'input', type };
}
/** An output port of the given type, for `IO({...})`. */
export function Output<T extends HwType>(type: T): PortSpec<T> {
  return { dir: 'output', type };
}

/** The values `IO({...})` returns: one typed hardware value per port. */
export type IOValues<S extends Record<string, PortSpec>> = { readonly [K in keyof S]: ValueOf<S[K]['type']> };

/** Declare ports on the module being built; each field becomes one port. */
export function IO<S extends Record<string, PortSpec>>(spec: S): IOValues<S> {
  const b = builder('IO');
  const loc = captureLocator();
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec)) {
    const clash = flatNames(name, p.type).find((n) => svKeywords.has(n));
    if (clash) {
      throw new HashiError(
        `port '${clash}' is a SystemVerilog keyword; firtool would rename it and change the module's interface`,
        `choose another name, e.g. '${clash}_'`,
        loc,
        'port-name-keyword',
      );
    }
    if (b.ir.ports.some((q) => q.name === name)) {
      throw new HashiError(`port '${name}' is declared twice`, 'give each port a distinct name', loc, 'duplicate-port');
    }
    const port: Port = { kind: 'port', id: b.newId(), name, nameSource: NameSource.Explicit, dir: p.dir, type: p.type, loc };
    b.ir.ports.push(port);
    out[name] = wrap(port);
  }
  return out as IOValues<S>;
}
