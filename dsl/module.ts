// Module generators: plain TS functions of plain TS parameters. Elaboration runs
// them once per distinct parameterization and collects the circuit.
import { ModuleBuilder, builder, withBuilder } from './builder.ts';
import { checkCombLoops, summarize } from './checks/comb-loops.ts';
import type { CombSummary } from './checks/comb-loops.ts';
import { checkInitialization } from './checks/initialization.ts';
import { checkScopes } from './checks/scopes.ts';
import type { ExtModuleDef } from './ext-module.ts';
import { extSource, isExtModuleDef } from './ext-module.ts';
import { IO } from './io.ts';
import { HashiError } from './errors.ts';
import type { CircuitIR, InstPort, Instance, ModuleIR, Port } from './ir.ts';
import { NameSource, NodeTable } from './ir.ts';
import { captureLocator, keepingLocator } from './locator.ts';
import type { SourceLoc } from './locator.ts';
import { svKeywords } from './sv-keywords.ts';
import { AsyncReset, Clock, Reset } from './types.ts';
import { Data, wrap } from './values.ts';

import { defaultsOf, resolveAgainst } from './params.ts';
import type { FlatParams, ParamSpec, Params, ParamsInput, ParamsOf } from './params.ts';
export type { ParamValue, Params, ParamsInput, ParamsOf, ParamSpec } from './params.ts';

// Parameter-dependent module names, declared bivariantly like `body` below.
type NameOf<P> = { fn(p: P): string }['fn'];

/** What `defineModule` takes: name, parameters with defaults, body, reset kind and implicit port names. */
export interface ModuleSpec<S extends ParamSpec, IO> {
  /** Module name; a function of the parameters lets each parameterization choose its own. */
  readonly name: string | NameOf<ParamsOf<S>>;
  /**
   * Parameters with their default values (their types are the parameters' types);
   * `oneOf([...])` for a choice, a nested object for a group (e.g. a sub-design's parameters).
   */
  readonly params?: S;
  /** Builds the hardware. Return the IO object to give instances typed ports. */
  // Method syntax on purpose: it makes ModuleDef<{ width: number }> usable where
  // any ModuleDef is expected (method parameters are bivariant in TypeScript).
  body(p: ParamsOf<S>): IO;
  /** The implicit reset: synchronous (default), asynchronous, or none at all (no implicit clock either). */
  readonly reset?: 'sync' | 'async' | 'none';
  /** Name of the implicit clock port in the SystemVerilog (default `clock`), e.g. `clk`. */
  readonly clockName?: string;
  /**
   * Name of the implicit reset port (default `reset`). It stays active-high; for an
   * active-low `rst_n`, declare it in IO and use `withReset(io.rst_n.not().asAsyncReset(), ...)`.
   */
  readonly resetName?: string;
}

/** A module definition: elaborate it, instantiate it (`instance`) or simulate it. */
export interface ModuleDef<P extends Params = Params, IO = unknown> {
  readonly kind: 'hashi.module';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec: ModuleSpec<any, IO>;
  /** The parameters' default values. */
  readonly defaults: P;
  readonly loc: SourceLoc | undefined;
}

/** The IO an instance of `D` has (what its body returns): `IOOf<typeof Counter>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type IOOf<D> = D extends ModuleDef<any, infer IO> ? IO : never;

/** A module with an implicit `clock` and `reset` (synchronous unless `reset: 'async'`), like Chisel's Module. */
// Internal: a definition of any parameter and IO types (parameters are contravariant).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModuleDef = ModuleDef<any, any>;

/** A module with an implicit clock and reset, like Chisel's Module: `body(params)` builds it and returns its IO. */
export function defineModule<S extends ParamSpec = Record<string, never>, IO = void>(spec: ModuleSpec<S, IO>): ModuleDef<ParamsOf<S>, IO> {
  return { kind: 'hashi.module', spec, defaults: defaultsOf(spec.params ?? {}) as ParamsOf<S>, loc: captureLocator() };
}

/** A module without implicit clock or reset (Chisel's RawModule): declare them as ports, use withClock. */
export function defineRawModule<S extends ParamSpec = Record<string, never>, IO = void>(spec: Omit<ModuleSpec<S, IO>, 'reset'>): ModuleDef<ParamsOf<S>, IO> {
  return { kind: 'hashi.module', spec: { ...spec, reset: 'none' }, defaults: defaultsOf(spec.params ?? {}) as ParamsOf<S>, loc: captureLocator() };
}

/** A port name the user chose for an implicit port: a plain SystemVerilog identifier. */
function portName(chosen: string | undefined, fallback: string, loc: SourceLoc | undefined): string {
  if (chosen === undefined) return fallback;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(chosen)) {
    throw new HashiError(`the ${fallback} port name '${chosen}' is not an identifier`, `use letters, digits and _ (not first a digit), e.g. ${fallback === 'clock' ? 'clk' : 'rst'}`, loc, 'bad-argument');
  }
  return chosen;
}

/** True for a module made by `defineModule` or `defineRawModule`. */
export function isModuleDef(x: unknown): x is ModuleDef {
  return typeof x === 'object' && x !== null && (x as ModuleDef).kind === 'hashi.module';
}

/** Fill defaults and check every given parameter: it exists, has the right type, is one of its choices; groups likewise. */
export function resolveParams<P extends Params>(def: ModuleDef<P, unknown>, given: ParamsInput<P> = {}): P {
  const spec = (def.spec.params ?? def.defaults) as ParamSpec;
  return resolveAgainst(spec, given, { module: nameOf(def), loc: def.loc }) as P;
}

function nameOf(def: AnyModuleDef, p?: Params): string {
  const n = def.spec.name;
  return typeof n === 'string' ? n : n((p ?? def.defaults) as never);
}

/** A module name is used as written in FIRRTL and SystemVerilog, or refused: firtool would otherwise rename it. */
export function checkModuleName(name: unknown, loc: SourceLoc | undefined): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new HashiError(
      `the module name ${JSON.stringify(name)} is not a plain identifier, so firtool would rename it in the SystemVerilog`,
      `use letters, digits and underscores, not starting with a digit${typeof name === 'string' ? ` (e.g. '${name.replace(/\W/g, '_').replace(/^(\d)/, '_$1') || 'Top'}')` : ''}`,
      loc,
      'bad-module-name',
    );
  }
  if (svKeywords.has(name)) {
    throw new HashiError(`the module name '${name}' is a SystemVerilog keyword, so firtool would rename it`, `choose another name, e.g. '${name}_m' or '${name[0]!.toUpperCase()}${name.slice(1)}'`, loc, 'bad-module-name');
  }
  return name;
}

interface Built {
  readonly ir: ModuleIR;
  readonly io: unknown;
}

/** One elaboration: modules by definition and parameters, and the names in use. */
class Elaboration {
  readonly built = new Map<AnyModuleDef, Map<string, Built>>();
  readonly order: ModuleIR[] = [];
  readonly names = new Set<string>();
  /** Combinational input-to-output paths of modules that have been instantiated. */
  readonly summaries = new Map<ModuleIR, CombSummary>();

  summaryOf(m: ModuleIR): void {
    if (!this.summaries.has(m)) this.summaries.set(m, summarize(m, this.summaries));
  }

  /** Definitions whose body is running, with their parameter keys: a module inside itself never ends. */
  private readonly building: Array<{ def: AnyModuleDef; key: string; name: string }> = [];

  build(def: AnyModuleDef, params: Params): Built {
    let perDef = this.built.get(def);
    if (!perDef) this.built.set(def, (perDef = new Map()));
    const key = stableKey(params);
    const found = perDef.get(key);
    if (found) return found;
    const name = checkModuleName(nameOf(def, params), def.loc);
    if (this.building.some((b) => b.def === def && b.key === key)) {
      const cycle = [...this.building.slice(this.building.findIndex((b) => b.def === def && b.key === key)).map((b) => b.name), name].join(' -> ');
      throw new HashiError(
        `module '${name}' instantiates itself (${cycle}) with the same parameters, which never ends`,
        'instantiate it with different parameters that reach a base case (e.g. a smaller size), or build the repetition with a loop',
        captureLocator(),
        'recursive-instance',
      );
    }
    if (this.building.length > 200) {
      throw new HashiError(`modules nest more than 200 deep (${name} inside ${this.building.at(-1)!.name})`, 'check that a recursive generator reaches its base case', captureLocator(), 'recursive-instance');
    }
    this.building.push({ def, key, name });
    try {
      return this.buildNew(def, params, perDef, key, name);
    } finally {
      this.building.pop();
    }
  }

  private buildNew(def: AnyModuleDef, params: Params, perDef: Map<string, Built>, key: string, name: string): Built {
    const resetKind = def.spec.reset ?? 'sync';
    const ir: ModuleIR = { name: this.uniqueName(name), ports: [], body: [], nodes: new NodeTable(), loc: def.loc, declCount: 0, implicitClockReset: resetKind !== 'none' };
    const b = new ModuleBuilder(ir);
    if (resetKind !== 'none') {
      const clock: Port = { kind: 'port', id: b.newId(), name: portName(def.spec.clockName, 'clock', def.loc), nameSource: NameSource.Explicit, dir: 'input', type: Clock(), loc: def.loc };
      const reset: Port = { kind: 'port', id: b.newId(), name: portName(def.spec.resetName, 'reset', def.loc), nameSource: NameSource.Explicit, dir: 'input', type: resetKind === 'async' ? AsyncReset() : Reset(), loc: def.loc };
      ir.ports.push(clock, reset);
      b.clock = clock;
      b.reset = reset;
    }
    const io = keepingLocator(() => withBuilder(b, () => def.spec.body(params)));
    checkScopes(ir);
    checkInitialization(ir);
    checkCombLoops(ir, this.summaries);
    const result = { ir, io };
    perDef.set(key, result);
    this.order.push(ir);
    return result;
  }

  /** An external module: one FIRRTL extmodule per distinct parameterization. */
  buildExt(def: ExtModuleDef, params: Params): Built {
    let perDef = this.built.get(def as unknown as AnyModuleDef);
    if (!perDef) this.built.set(def as unknown as AnyModuleDef, (perDef = new Map()));
    const key = stableKey(params);
    const found = perDef.get(key);
    if (found) return found;
    const spec = def.spec;
    const ir: ModuleIR = {
      name: this.uniqueName(checkModuleName(spec.name, def.loc)),
      ports: [],
      body: [],
      nodes: new NodeTable(),
      loc: def.loc,
      declCount: 0,
      implicitClockReset: false,
      ext: { defname: spec.defname ?? spec.name, params: params as FlatParams, source: extSource(spec, def.loc) },
    };
    const io = keepingLocator(() => withBuilder(new ModuleBuilder(ir), () => IO(spec.ports(params as never))));
    const result = { ir, io };
    perDef.set(key, result);
    this.order.push(ir);
    return result;
  }

  private uniqueName(want: string): string {
    let name = want;
    for (let i = 1; this.names.has(name); i++) name = `${want}_${i}`;
    this.names.add(name);
    return name;
  }
}

function stableKey(params: Params): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

let active: Elaboration | undefined;

/** The instance behind an IO object returned by instance(), for naming. */
export const instanceOf = new WeakMap<object, Instance>();

/** Run a generator and collect the circuit it describes. */
export function elaborate<P extends Params, IO>(def: ModuleDef<P, IO>, params: ParamsInput<P> = {}): CircuitIR {
  if (!isModuleDef(def)) {
    throw new HashiError('elaborate() needs a module made by defineModule(...)', 'export the result of defineModule from your design file', captureLocator(), 'not-a-module');
  }
  const outer = active;
  const elab = (active = new Elaboration());
  try {
    const top = elab.build(def, resolveParams(def, params));
    return { top: top.ir, modules: elab.order };
  } finally {
    active = outer;
  }
}

/** Instantiate a child module; its clock and reset follow the parent's. */
export function instance<P extends Params, IO>(def: ModuleDef<P, IO> | ExtModuleDef<P, IO>, params: ParamsInput<P> = {}): IO {
  const parent = builder('instance');
  if (!active) throw new Error('hashi internal: instance() outside an elaboration');
  const child = isExtModuleDef(def)
    ? active.buildExt(def as ExtModuleDef, resolveParams(def as unknown as AnyModuleDef, params))
    : active.build(def as AnyModuleDef, resolveParams(def as AnyModuleDef, params));
  active.summaryOf(child.ir);
  const inst: Instance = { kind: 'inst', id: parent.newId(), name: `${child.ir.name}_inst`, nameSource: NameSource.Temp, module: child.ir, loc: captureLocator() };
  withBuilder(parent, () => parent.push(inst));
  const ref = (port: Port): InstPort => ({ kind: 'instport', inst, port, type: port.type });
  if (child.ir.implicitClockReset) {
    const [clock, reset] = child.ir.ports;
    if (!parent.clock || !parent.reset) {
      throw new HashiError(
        `module '${child.ir.name}' has an implicit clock and reset, but there are none here to give it`,
        'wrap the instance in withClockAndReset(clock, reset, () => ...), or make the child a raw module',
        captureLocator(),
        'no-clock',
      );
    }
    wrap(ref(clock!)).connect(wrap(parent.clock));
    wrap(ref(reset!)).connect(wrap(parent.reset));
  }
  if ((child.io === undefined || child.io === null) && child.ir.ports.length > (child.ir.implicitClockReset ? 2 : 0)) {
    throw new HashiError(
      `module '${child.ir.name}' has ports but its body returned nothing, so this instance cannot reach them`,
      `end the body of '${child.ir.name}' with 'return io' (the object IO({...}) gave)`,
      captureLocator(),
      'body-returns-nothing',
    );
  }
  const io = mapIO(child.io, (d) => (d.ref.kind === 'port' && child.ir.ports.includes(d.ref) ? wrap(ref(d.ref)) : d));
  if (typeof io === 'object' && io !== null) instanceOf.set(io, inst);
  return io as IO;
}

function mapIO(io: unknown, f: (d: Data) => Data): unknown {
  if (io instanceof Data) return f(io);
  if (io && typeof io === 'object') {
    return Object.fromEntries(Object.entries(io).map(([k, v]) => [k, mapIO(v, f)]));
  }
  return io;
}
