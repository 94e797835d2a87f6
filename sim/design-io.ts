// The typed view of a simulated design's ports: `sim.io` mirrors the module's
// IO declaration, bundles as nested objects and vecs as arrays, with a port
// handle (poke/peek/expect) at every leaf.
import type { BundleValue, Data, HwType, MixedVecValue, PortTree, ValueOf, VecValue } from '../dsl/index.ts';
import { SimError } from './errors.ts';
import type { PortHandle, Simulator } from './simulator.ts';

export type SimIO<T> =
  T extends VecValue<infer E>
    ? SimIO<ValueOf<E>>[]
    : T extends MixedVecValue<infer E>
      ? { readonly [K in keyof E]: SimIO<ValueOf<E[K] & HwType>> }
      : T extends BundleValue
      ? { readonly [K in Exclude<keyof T, keyof BundleValue>]: SimIO<T[K]> }
      : T extends Data
        ? PortHandle
        : T extends object
          ? { readonly [K in keyof T]: SimIO<T[K]> }
          : never;

export function designIO(sim: Simulator, tree: Record<string, PortTree>): Record<string, unknown> {
  const build = (t: PortTree, path: string): unknown =>
    typeof t === 'string'
      ? sim.port(t)
      : Array.isArray(t)
        ? checkedVec(t.map((v, i) => build(v, `${path}[${i}]`)), path)
        : Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v, `${path}.${k}`)]));
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, build(v, `sim.io.${k}`)]));
}

/** A vec of port handles whose index past the end says so (a plain array gives undefined, then a TypeError). */
function checkedVec(items: unknown[], path: string): unknown[] {
  return new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^-?\d+$/.test(key) && !(Number(key) >= 0 && Number(key) < target.length)) {
        throw new SimError(`${path}[${key}] is past the end of a Vec of ${target.length}; use an index from 0 to ${target.length - 1}`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
