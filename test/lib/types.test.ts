// Static format tracking. These checks run under `tsc --noEmit -p .` (expectTypeOf
// and @ts-expect-error fail the type check, not vitest); the runtime lines check
// that the static and the run-time formats agree.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Q3_5,
  add,
  fixed,
  fixedTensor,
  layerOutput,
  qformat,
  relu,
  requantize,
  residualAdd,
  type Fixed,
  type FixedTensor,
  type QFormat,
} from '../../lib/index.ts';

function takesQ35(x: Fixed<QFormat<3, 5>>): bigint {
  return x.raw;
}

describe('static format tracking', () => {
  it('constant formats flow through requantize, relu and layer outputs; grown formats are general', () => {
    const wide = fixed(1000n, qformat(10, 9));
    const a = requantize(wide, Q3_5);
    expectTypeOf(a).toEqualTypeOf<Fixed<QFormat<3, 5>>>();
    expectTypeOf(relu(a)).toEqualTypeOf<Fixed<QFormat<3, 5>>>();
    expectTypeOf(add(a, a)).toEqualTypeOf<Fixed<QFormat>>();
    expect(takesQ35(a)).toBe(62n); // floor(1000 / 16)
    const q44 = requantize(wide, qformat(4, 4));
    // @ts-expect-error a Q4.4 value is not a Q3.5 value
    takesQ35(q44);
    const t = fixedTensor([1, 1, 1], qformat(6, 9), [1000n]);
    const y = layerOutput(t, { activation: 'relu', out: Q3_5 });
    expectTypeOf(y).toEqualTypeOf<FixedTensor<QFormat<3, 5>>>();
    expectTypeOf(residualAdd(y, y, Q3_5)).toEqualTypeOf<FixedTensor<QFormat<3, 5>>>();
    expectTypeOf(residualAdd(y, y)).toEqualTypeOf<FixedTensor>();
    expect(y.fmt).toEqual({ int: 3, frac: 5 });
    expect(residualAdd(y, y).fmt).toEqual({ int: 4, frac: 5 });
  });
});
