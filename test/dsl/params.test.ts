// Typed parameters: choices (oneOf) and groups, checked by resolveParams and
// by the command line's parser; the type checks run under `tsc --noEmit -p .`.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { IO, Output, UInt, defineModule, elaborate, instance, oneOf, resolveParams, type IOOf } from '../../dsl/index.ts';
import { parseParams } from '../../cli/load-design.ts';

const innerParams = { width: 4, form: oneOf(['wide', 'narrow']) };
const Inner = defineModule({
  name: (p: { width: number; form: 'wide' | 'narrow' }) => `Inner_${p.form}${p.width}`,
  params: innerParams,
  body: (p) => {
    expectTypeOf(p.form).toEqualTypeOf<'wide' | 'narrow'>();
    const io = IO({ y: Output(UInt(p.form === 'wide' ? p.width * 2 : p.width)) });
    io.y.connect(1);
    return io;
  },
});

const Outer = defineModule({
  name: 'Outer',
  params: { inner: innerParams, weights: oneOf(['random', 'import'], { orEndingWith: '.safetensors' }), copies: 1 },
  body: (p) => {
    expectTypeOf(p.inner).toEqualTypeOf<{ width: number; form: 'wide' | 'narrow' }>();
    expectTypeOf(p.weights).toEqualTypeOf<'random' | 'import' | `${string}.safetensors`>();
    const sub = instance(Inner, p.inner); // the group passes whole: no copying key by key
    expectTypeOf(sub).toEqualTypeOf<IOOf<typeof Inner>>();
    const io = IO({ y: Output(UInt(sub.y.width)) });
    io.y.connect(sub.y);
    return io;
  },
});

describe('typed parameters', () => {
  it('fills defaults of choices and groups', () => {
    expect(Outer.defaults).toEqual({ inner: { width: 4, form: 'wide' }, weights: 'random', copies: 1 });
    expect(resolveParams(Outer, { inner: { form: 'narrow' } })).toEqual({ inner: { width: 4, form: 'narrow' }, weights: 'random', copies: 1 });
    expect(resolveParams(Outer, { weights: 'w/model.safetensors' }).weights).toBe('w/model.safetensors');
    expect(elaborate(Outer, { inner: { width: 3, form: 'narrow' } }).modules.map((m) => m.name)).toEqual(['Inner_narrow3', 'Outer']);
    // @ts-expect-error not one of the choices
    expect(() => resolveParams(Inner, { form: 'medium' })).toThrow("parameter 'form' of module 'Inner_wide4' must be one of 'wide', 'narrow', got \"medium\"");
  });

  it('names the valid choices, the known members of a group and the group of a bad key', () => {
    expect(() => resolveParams(Outer, { weights: 'model.onnx' as 'random' })).toThrow("one of 'random', 'import', a name ending in '.safetensors'");
    expect(() => resolveParams(Outer, { inner: { widht: 3 } as unknown as { width: number } })).toThrow("module 'Outer' has no parameter 'inner.widht'");
    expect(() => resolveParams(Outer, { inner: { widht: 3 } as unknown as { width: number } })).toThrow("its parameters in 'inner' are: inner.width, inner.form");
    expect(() => resolveParams(Outer, { inner: 3 as unknown as { width: number } })).toThrow("parameter group 'inner' of module 'Outer' must be an object of parameters");
    expect(() => resolveParams(Outer, { inner: { width: '3' as unknown as number } })).toThrow("parameter 'inner.width' of module 'Outer' must be a number");
  });

  it('the command line sets members of groups with dotted keys and lists the choices on a bad value', () => {
    expect(parseParams(Outer, ['inner.width=6', 'inner.form=narrow', 'copies=2'])).toEqual({ inner: { width: 6, form: 'narrow' }, copies: 2 });
    expect(() => parseParams(Outer, ['inner.form=medium'])).toThrow("parameter 'inner.form' is one of 'wide', 'narrow'; got 'medium'");
    expect(() => parseParams(Outer, ['weights=x.onnx'])).toThrow("parameter 'weights' is one of 'random', 'import', a name ending in '.safetensors'; got 'x.onnx'");
    expect(() => parseParams(Outer, ['inner=3'])).toThrow("parameter 'inner' is a group; set its members one by one, e.g. --param inner.width=...; they are: inner.width, inner.form");
    expect(() => parseParams(Outer, ['form=wide'])).toThrow(
      "unknown parameter 'form'; the parameters are: inner.width (default 4), inner.form (one of 'wide', 'narrow'; default 'wide'), weights (one of 'random', 'import', a name ending in '.safetensors'; default 'random'), copies (default 1)",
    );
  });
});
