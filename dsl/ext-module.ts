// External modules (black boxes): ports declared in TypeScript, behaviour in
// Verilog the user supplies inline or as a file. Parameters become Verilog
// parameters; each distinct set is its own FIRRTL extmodule.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { HashiError } from './errors.ts';
import type { ExtInfo } from './ir.ts';
import type { Params } from './module.ts';
import type { IOValues, PortSpec } from './io.ts';
import { captureLocator } from './locator.ts';
import type { SourceLoc } from './locator.ts';

/** What `defineExtModule` takes: name, parameters, ports and the Verilog source. */
export interface ExtModuleSpec<P extends Params, S extends Record<string, PortSpec>> {
  /** FIRRTL name of the black box. */
  readonly name: string;
  /** Verilog module name (default: `name`). */
  readonly defname?: string;
  /** Verilog parameters with their defaults. */
  readonly params?: P;
  ports(p: P): S;
  /** The Verilog: inline text, or a file path (relative to the working directory). */
  readonly verilog?: { readonly inline: string; readonly fileName?: string } | { readonly file: string };
}

/** A black box definition (from `defineExtModule`), instantiated with `instance`. */
export interface ExtModuleDef<P extends Params = Params, IO = unknown> {
  readonly kind: 'hashi.extmodule';
  readonly spec: ExtModuleSpec<P, Record<string, PortSpec>>;
  readonly defaults: P;
  readonly loc: SourceLoc | undefined;
  /** Phantom: the IO type instances get. */
  readonly io?: IO;
}

/** A black box: the ports of a Verilog module you provide inline or as a file; its parameters become Verilog parameters. */
export function defineExtModule<P extends Params = Record<string, never>, S extends Record<string, PortSpec> = Record<string, PortSpec>>(
  spec: ExtModuleSpec<P, S>,
): ExtModuleDef<P, IOValues<S>> {
  return { kind: 'hashi.extmodule', spec: spec as unknown as ExtModuleSpec<P, Record<string, PortSpec>>, defaults: (spec.params ?? {}) as P, loc: captureLocator() };
}

/** True for a black box made by `defineExtModule`. */
export function isExtModuleDef(x: unknown): x is ExtModuleDef {
  return typeof x === 'object' && x !== null && (x as ExtModuleDef).kind === 'hashi.extmodule';
}

export function extSource(spec: ExtModuleSpec<Params, Record<string, PortSpec>>, loc: SourceLoc | undefined): ExtInfo['source'] {
  const v = spec.verilog;
  if (!v) return undefined;
  if ('inline' in v) return { inline: v.inline, fileName: v.fileName ?? `${spec.defname ?? spec.name}.sv` };
  const path = isAbsolute(v.file) ? v.file : resolve(v.file);
  if (!existsSync(path)) {
    throw new HashiError(
      `the Verilog file '${v.file}' of black box '${spec.name}' does not exist (looked at ${path})`,
      'give a path relative to the working directory or an absolute one, or pass the text with verilog: { inline: ... }',
      loc,
      'missing-blackbox-file',
    );
  }
  return { path };
}
