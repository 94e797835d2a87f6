// The typed view of a simulated design's ports: `sim.io` mirrors the module's
// IO declaration, bundles as nested objects and vecs as arrays, with a port
// handle (poke/peek/expect) at every leaf.
import type { BundleValue, Data, HwType, MixedVecValue, PortTree, ValueOf, VecValue } from '../dsl/index.ts';
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
  const build = (t: PortTree): unknown =>
    typeof t === 'string' ? sim.port(t) : Array.isArray(t) ? t.map(build) : Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v)]));
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, build(v)]));
}
