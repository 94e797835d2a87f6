// Aggregate values built from parts: VecInit([...]) and BundleInit(type, {...}),
// each a wire driven field by field (FIRRTL has no aggregate literals).
import type { BundleValue, VecValue } from './aggregates.ts';
import { Vec } from './aggregates.ts';
import { HashiError } from './errors.ts';
import { captureLocator } from './locator.ts';
import { Wire } from './state.ts';
import type { BundleType, FieldSpec, HwType } from './types.ts';
import type { BundleOf } from './value-of.ts';
import { Data } from './values.ts';
import type { Scalar } from './values.ts';

/** A vec wire whose elements are the given values (numbers take the element type). */
export function VecInit<T extends HwType>(element: T, values: readonly (Data | Scalar)[]): VecValue<T> {
  if (values.length === 0) throw new HashiError('VecInit needs at least one value', 'pass the element values', captureLocator(), 'bad-argument');
  const w = Wire(Vec(values.length, element)) as unknown as VecValue<T>;
  values.forEach((v, i) => (w.at(i) as unknown as Data).connect(v));
  return w;
}

/** A bundle wire whose fields are the given values. Every field must be given. */
export function BundleInit<F extends Record<string, FieldSpec>>(type: BundleType<F>, values: { readonly [K in keyof F]: Data | Scalar }): BundleOf<F> {
  const missing = Object.keys(type.fields).filter((k) => !(k in values));
  if (missing.length) throw new HashiError(`BundleInit is missing field(s): ${missing.join(', ')}`, 'give a value for every field', captureLocator(), 'bundle-shape-mismatch');
  const w = Wire(type) as unknown as BundleValue<F> & Record<string, Data>;
  for (const k of Object.keys(type.fields)) w[k]!.connect(values[k as keyof F]);
  return w as unknown as BundleOf<F>;
}

