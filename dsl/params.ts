// Module parameters: plain values, choices (`oneOf`, a typed union) and groups
// (a nested object of parameters, e.g. a sub-design's), checked in one place.
import { HashiError } from './errors.ts';
import type { SourceLoc } from './locator.ts';

/** A resolved parameter: a number, boolean, string (possibly one of a few choices) or a group of parameters. */
export type ParamValue = number | boolean | string | { readonly [key: string]: ParamValue };
/** A module's parameters: names to values. */
export type Params = Record<string, ParamValue>;
/** Parameters without groups (an external module's Verilog parameters). */
export type FlatParams = Record<string, number | boolean | string>;

/** A parameter that takes one of a fixed list of strings. */
export interface Choice<T extends string = string> {
  readonly kind: 'hashi.choice';
  readonly choices: readonly string[];
  readonly default: T;
  /** Any string with this ending is a choice too (e.g. a file name: '.safetensors'). */
  readonly orEndingWith?: string;
}

/** What `params: {...}` of a module holds: default values, choices, and groups of them. */
export type ParamSpecValue = number | boolean | string | Choice | { readonly [key: string]: ParamSpecValue };
/** Parameters with their defaults (or choices), as `defineModule({ params })` takes them. */
export type ParamSpec = Record<string, ParamSpecValue>;

/** The parameter values a spec describes: a choice becomes the union of its strings, a group its own values. */
export type ParamsOf<S> = { [K in keyof S]: ParamOf<S[K]> };
type ParamOf<V> = V extends Choice<infer T> ? T : V extends number ? number : V extends boolean ? boolean : V extends string ? string : V extends object ? ParamsOf<V> : never;

/** Parameters as a caller gives them: any subset, groups too. */
// `P[K] |` keeps a full P (and any Partial<P>) assignable in generic code.
export type ParamsInput<P> = { [K in keyof P]?: P[K] | InputOf<P[K]> };
type InputOf<V> = V extends number | boolean | string ? V : ParamsInput<V>;

/**
 * A choice parameter: `form: oneOf(['streaming', 'unrolled'])`, default the first
 * (or `opts.default`); `{ orEndingWith: '.safetensors' }` admits any such name too.
 */
export function oneOf<const T extends readonly [string, ...string[]], const E extends string = never>(
  choices: T,
  opts: { readonly default?: T[number]; readonly orEndingWith?: E } = {},
): Choice<T[number] | `${string}${E}`> {
  return { kind: 'hashi.choice', choices, default: opts.default ?? choices[0], ...(opts.orEndingWith ? { orEndingWith: opts.orEndingWith } : {}) };
}

/** Whether `value` is one of `c`'s choices. */
export function isOneOf(c: Choice, value: unknown): value is string {
  return typeof value === 'string' && (c.choices.includes(value) || (c.orEndingWith !== undefined && value.endsWith(c.orEndingWith) && value.length > c.orEndingWith.length));
}

/** `c`'s choices in words. */
export function choiceList(c: Choice): string {
  return [...c.choices.map((x) => `'${x}'`), ...(c.orEndingWith ? [`a name ending in '${c.orEndingWith}'`] : [])].join(', ');
}

/** True for a parameter given as a choice of values. */
export function isChoice(x: unknown): x is Choice {
  return typeof x === 'object' && x !== null && (x as Choice).kind === 'hashi.choice';
}

const isGroup = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !isChoice(x);

/** The default values of a spec. */
export function defaultsOf<S extends ParamSpec>(spec: S): ParamsOf<S> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = isChoice(v) ? v.default : isGroup(v) ? defaultsOf(v as ParamSpec) : v;
  return out as ParamsOf<S>;
}

/** Every leaf of a spec with its dotted path (`fe.blocks`), for listing and command-line parsing. */
export function paramLeaves(spec: ParamSpec, prefix = ''): { path: string; spec: number | boolean | string | Choice }[] {
  return Object.entries(spec).flatMap(([k, v]) => (isGroup(v) ? paramLeaves(v as ParamSpec, `${prefix}${k}.`) : [{ path: `${prefix}${k}`, spec: v as number | boolean | string | Choice }]));
}

/** How one parameter is described in an error: its kind and default. */
export function describeParam(spec: number | boolean | string | Choice): string {
  return isChoice(spec) ? `one of ${choiceList(spec)}; default '${spec.default}'` : `default ${JSON.stringify(spec)}`;
}

/**
 * `given` over the defaults of `spec`, every key and value checked: an unknown
 * key names the known ones, a choice outside its list names the list.
 */
export function resolveAgainst(spec: ParamSpec, given: unknown, where: { module: string; loc: SourceLoc | undefined }, prefix = ''): Params {
  const out: Params = defaultsOf(spec) as Params;
  if (given === undefined) return out;
  if (!isGroup(given)) {
    throw new HashiError(`parameter group '${prefix.slice(0, -1)}' of module '${where.module}' must be an object of parameters, got ${JSON.stringify(given)}`, `set its members, e.g. ${prefix}${Object.keys(spec)[0] ?? 'x'}`, where.loc, 'bad-param');
  }
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const path = `${prefix}${key}`;
    const s = Object.hasOwn(spec, key) ? spec[key] : undefined; // not 'constructor' and the like
    if (s === undefined) {
      const known = Object.keys(spec).map((k) => `${prefix}${k}`);
      throw new HashiError(
        `module '${where.module}' has no parameter '${path}'`,
        known.length ? `its parameters${prefix ? ` in '${prefix.slice(0, -1)}'` : ''} are: ${known.join(', ')}` : 'it takes no parameters',
        where.loc,
        'unknown-param',
      );
    }
    if (isGroup(s)) {
      out[key] = resolveAgainst(s as ParamSpec, value, where, `${path}.`);
    } else if (isChoice(s)) {
      if (!isOneOf(s, value)) {
        throw new HashiError(`parameter '${path}' of module '${where.module}' must be one of ${choiceList(s)}, got ${JSON.stringify(value)}`, `pass one of: ${choiceList(s)}`, where.loc, 'bad-param');
      }
      out[key] = value;
    } else {
      const want = typeof s;
      if (typeof value !== want) {
        throw new HashiError(`parameter '${path}' of module '${where.module}' must be a ${want}, got ${JSON.stringify(value)}`, `pass a ${want}`, where.loc, 'bad-param');
      }
      out[key] = value as ParamValue;
    }
  }
  return out;
}
