// The value class TypeScript infers for each hardware type, zod-style.
import type { BundleValue, MixedVecValue, VecValue } from './aggregates.ts';
import type { BoolType, BundleType, ClockType, FieldSpec, FlippedType, HwType, MixedVecType, SIntType, UIntType, VecType } from './types.ts';
import type { Bool, Clock, Reset, SInt, UInt } from './values.ts';
import type { EnumType, EnumValue } from './enum.ts';

type Unflip<S> = S extends FlippedType<infer T> ? T : S;

/** The value of a Bundle type: one typed value per field. */
// Index signatures are dropped: inference can add `& Record<string, FieldSpec>` to a bundle's fields.
export type BundleOf<F extends Record<string, FieldSpec>> = BundleValue<F> & {
  readonly [K in keyof F as string extends K ? never : K]: ValueOf<Extract<Unflip<F[K]>, HwType>>;
};

/** The value class TypeScript infers for a hardware type (UInt for `UInt(8)`, a Vec value for `Vec(...)`, ...). */
export type ValueOf<T extends HwType> = T extends BoolType
  ? Bool
  : T extends EnumType<infer Names>
    ? EnumValue<Names>
    : T extends UIntType
    ? UInt
    : T extends SIntType
      ? SInt
      : T extends ClockType
        ? Clock
        : T extends MixedVecType<infer E>
          ? MixedVecValue<E>
          : T extends { readonly kind: 'bundle'; readonly fields: infer F extends Record<string, FieldSpec> }
          ? BundleOf<F>
          : T extends VecType<infer E>
            ? VecValue<E>
            : Reset;
