// Bundles and vecs: aggregate types, and values whose fields are typed in the
// editor (`io.out.bits` is a UInt when declared so).
import { HashiError } from './errors.ts';
import type { Operand, SubAccess, SubField, SubIndex } from './ir.ts';
import { captureLocator } from './locator.ts';
import type { BundleType, FieldSpec, FlippedType, HwType, MixedVecType, VecType } from './types.ts';
import { describeType, isMixedVec, passive } from './types.ts';
import { Wire } from './state.ts';
import type { ValueOf } from './value-of.ts';
import { Data, UInt, registerAggregateWrapper, wrap } from './values.ts';

/** A Bundle field that goes the other way (e.g. `ready` in a Decoupled). */
export function Flipped<T extends HwType>(type: T): FlippedType<T> {
  return { kind: 'flip', type };
}

const fieldTypeOf = (f: FieldSpec): HwType => (f.kind === 'flip' ? f.type : f);

/** Member names of bundle values; a field may not shadow them. */
const reserved = new Set(['ref', 'type', 'width', 'named', 'connect', 'fields', 'asUInt', 'constructor']);

/** A Bundle type from named fields: `Bundle({ valid: Bool(), bits: UInt(8) })`. */
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

/** A Vec type: `Vec(4, UInt(8))` holds four bytes; index it with `.at(i)` (a number or a UInt). */
export function Vec<T extends HwType>(length: number, element: T): VecType<T> {
  if (!Number.isInteger(length) || length < 1) {
    throw new HashiError(`Vec(${length}, ...) needs a positive integer length`, 'give the number of elements, at least 1', captureLocator(), 'bad-width');
  }
  return { kind: 'vec', length, element, width: length * element.width };
}

/** A vec of per-element types (Chisel's MixedVec): `MixedVec([UInt(8), SInt(4)])`; element 0 is least significant in asUInt, as in a Vec. */
export function MixedVec<const E extends readonly HwType[]>(elements: E): MixedVecType<E> {
  if (elements.length < 1) {
    throw new HashiError('MixedVec([]) needs at least one element', 'give the type of each element', captureLocator(), 'bad-width');
  }
  const fields: Record<string, FieldSpec> = {};
  elements.forEach((e, i) => (fields[String(i)] = e));
  return { kind: 'bundle', fields, width: elements.reduce((w, e) => w + e.width, 0), elements };
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

  /** All bits as one UInt; the first field is most significant (as in Chisel). */
  asUInt(): UInt {
    return concatBits(Object.values(this.fields));
  }

  /** Field values by name, in declaration order. */
  get fields(): Record<keyof F, Data> {
    const t = this.ref.type as BundleType<F>;
    return Object.fromEntries(Object.keys(t.fields).map((k) => [k, (this as unknown as Record<string, Data>)[k]])) as Record<keyof F, Data>;
  }
}

/** A MixedVec value: `at(i)` is typed by element i's type. */
export class MixedVecValue<E extends readonly HwType[] = readonly HwType[]> extends BundleValue {
  /** Number of elements. */
  get length(): number {
    return (this.ref.type as MixedVecType<E>).elements.length;
  }

  /** Element `i` (a constant: elements differ in type, so there is no hardware index). */
  at<I extends number>(i: I): ValueOf<E[I]> {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new HashiError(`index ${i} is out of range for a MixedVec of ${this.length}`, `use an index from 0 to ${this.length - 1}`, captureLocator(), 'vec-index-out-of-range');
    }
    return (this as unknown as Record<string, ValueOf<E[I]>>)[String(i)]!;
  }

  /** The elements, each typed by its own element type. */
  toArray(): { [K in keyof E]: ValueOf<E[K]> } {
    return Array.from({ length: this.length }, (_, i) => this.at(i)) as { [K in keyof E]: ValueOf<E[K]> };
  }

  /** All bits as one UInt; element 0 is least significant (as in a Vec). */
  override asUInt(): UInt {
    return concatBits((this.toArray() as readonly Data[]).slice().reverse());
  }
}

export class VecValue<T extends HwType = HwType> extends Data {
  private cache: Data[] | undefined;

  /** Number of elements. */
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

  /** All bits as one UInt; element 0 is least significant (as in Chisel). */
  asUInt(): UInt {
    return concatBits(this.toArray().reverse() as unknown as Data[]);
  }

  /** The elements as an array (element 0 first). */
  toArray(): ValueOf<T>[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** Iterate over the elements (element 0 first): `for (const x of vec)`. */
  [Symbol.iterator](): Iterator<ValueOf<T>> {
    return this.toArray()[Symbol.iterator]();
  }
}

/** Bits of `parts`, first part most significant. */
function concatBits(parts: readonly Data[]): UInt {
  const bits = parts.map((p) => (p as unknown as { asUInt(): UInt }).asUInt());
  return bits.slice(1).reduce((acc, b) => acc.cat(b), bits[0]!);
}

/** Reinterpret `bits` as a value of `type` (the inverse of asUInt), as a new wire. */
export function asTypeOf<T extends HwType>(type: T, bits: UInt): ValueOf<T> {
  const t = passive(type);
  if (bits.width !== t.width) {
    throw new HashiError(`asTypeOf needs ${t.width} bits for ${describeType(t)}, got ${bits.width}`, 'pad or truncate the bits first', captureLocator(), 'bad-width');
  }
  const w = Wire(t) as unknown as Data;
  let lsb = 0;
  const fill = (d: Data, ty: HwType): void => {
    if (isMixedVec(ty)) {
      ty.elements.forEach((e, i) => fill((d as unknown as Record<string, Data>)[String(i)]!, e)); // element 0 is least significant
    } else if (ty.kind === 'bundle') {
      const fields = Object.entries(ty.fields).reverse(); // last field is least significant
      for (const [k, f] of fields) fill((d as unknown as Record<string, Data>)[k]!, f.kind === 'flip' ? f.type : f);
    } else if (ty.kind === 'vec') {
      for (let i = 0; i < ty.length; i++) fill((d as VecValue).at(i) as unknown as Data, ty.element);
    } else {
      const slice = bits.bits(lsb + ty.width - 1, lsb);
      lsb += ty.width;
      d.connect(ty.kind === 'sint' ? slice.asSInt() : ty.kind === 'clock' ? slice.asClock() : slice);
    }
  };
  fill(w, t);
  return w as unknown as ValueOf<T>;
}

registerAggregateWrapper((ref) => (ref.type.kind === 'bundle' ? (isMixedVec(ref.type) ? new MixedVecValue(ref) : new BundleValue(ref)) : new VecValue(ref)));
