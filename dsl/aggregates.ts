// Bundles and vecs: aggregate types, and values whose fields are typed in the
// editor (`io.out.bits` is a UInt when declared so).
import { HashiError } from './errors.ts';
import type { Operand, SubAccess, SubField, SubIndex } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { BundleType, FieldSpec, FlippedType, HwType, VecType } from './types.ts';
import type { ValueOf } from './value-of.ts';
import { Data, UInt, registerAggregateWrapper, wrap } from './values.ts';

export function Flipped<T extends HwType>(type: T): FlippedType<T> {
  return { kind: 'flip', type };
}

const fieldTypeOf = (f: FieldSpec): HwType => (f.kind === 'flip' ? f.type : f);

/** Member names of bundle values; a field may not shadow them. */
const reserved = new Set(['ref', 'type', 'width', 'named', 'connect', 'fields', 'asUInt', 'constructor']);

export function Bundle<F extends Record<string, FieldSpec>>(fields: F): BundleType<F> {
  let width = 0;
  for (const [name, f] of Object.entries(fields)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || reserved.has(name)) {
      throw new HashiError(
        reserved.has(name) ? `bundle field name '${name}' is reserved (bundle values have a member of that name)` : `'${name}' is not a valid field name`,
        'rename the field',
        captureLocator(),
        'bad-field-name',
      );
    }
    width += fieldTypeOf(f).width;
  }
  return { kind: 'bundle', fields, width };
}

export function Vec<T extends HwType>(length: number, element: T): VecType<T> {
  if (!Number.isInteger(length) || length < 1) {
    throw new HashiError(`Vec(${length}, ...) needs a positive integer length`, 'give the number of elements, at least 1', captureLocator(), 'bad-width');
  }
  return { kind: 'vec', length, element, width: length * element.width };
}

/** A bundle value; its fields appear as typed properties. */
export class BundleValue<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> extends Data {
  constructor(ref: Operand) {
    super(ref);
    const t = ref.type as BundleType<F>;
    for (const [field, spec] of Object.entries(t.fields)) {
      const sub: SubField = { kind: 'subfield', of: ref, field, flipped: spec.kind === 'flip', type: fieldTypeOf(spec) };
      Object.defineProperty(this, field, { value: wrap(sub), enumerable: true });
    }
  }

  /** Field values by name, in declaration order. */
  get fields(): Record<keyof F, Data> {
    const t = this.ref.type as BundleType<F>;
    return Object.fromEntries(Object.keys(t.fields).map((k) => [k, (this as unknown as Record<string, Data>)[k]])) as Record<keyof F, Data>;
  }
}

export class VecValue<T extends HwType = HwType> extends Data {
  private cache: Data[] | undefined;

  get length(): number {
    return (this.ref.type as VecType<T>).length;
  }

  /** Element `i`: a constant index is checked here; a UInt index selects in hardware. */
  at(i: number | UInt): ValueOf<T> {
    const t = this.ref.type as VecType<T>;
    if (i instanceof UInt) {
      const sub: SubAccess = { kind: 'subaccess', of: this.ref, index: i.ref, type: t.element };
      return wrap(sub) as ValueOf<T>;
    }
    if (!Number.isInteger(i) || i < 0 || i >= t.length) {
      throw new HashiError(`index ${i} is out of range for a Vec of ${t.length}`, `use an index from 0 to ${t.length - 1}`, captureLocator(), 'vec-index-out-of-range');
    }
    const cache = (this.cache ??= new Array<Data>(t.length));
    if (!cache[i]) {
      const sub: SubIndex = { kind: 'subindex', of: this.ref, index: i, type: t.element };
      cache[i] = wrap(sub);
    }
    return cache[i] as ValueOf<T>;
  }

  toArray(): ValueOf<T>[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  [Symbol.iterator](): Iterator<ValueOf<T>> {
    return this.toArray()[Symbol.iterator]();
  }
}

registerAggregateWrapper((ref) => (ref.type.kind === 'bundle' ? new BundleValue(ref) : new VecValue(ref)));
