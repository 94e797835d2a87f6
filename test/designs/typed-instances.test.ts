// The flagship designs' instances are typed: their ports are bundles, vecs and
// streams in the editor (expectTypeOf and @ts-expect-error are checked by
// `tsc --noEmit -p .`), and the same shapes at run time in a tiny elaboration.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { SInt, defineModule, elaborate, instance, type BoolValue, type SIntValue, type UIntValue, type VecValue } from '../../dsl/index.ts';
import { HaShiFix } from '../../designs/hashifix.ts';
import { HaShiFlex } from '../../designs/hashiflex.ts';
import { MobileNetV2, MobileNetV2Stream, MobileNetV2Unrolled } from '../../designs/mobilenetv2.ts';
import { Npu } from '../../designs/npu.ts';

const tiny = { alpha: 0.35, resolution: 8, blocks: 1, headChannels: 4 };

describe('instances of the flagship designs are typed', () => {
  it('HaShiFlex, HaShiFix, MobileNetV2 (both forms) and the NPU', () => {
    const seen: Record<string, number> = {};
    const Probe = defineModule({
      name: 'Probe',
      body: () => {
        const flex = instance(HaShiFlex, { fe: tiny, classes: 2 });
        expectTypeOf(flex.in.valid).toEqualTypeOf<BoolValue>();
        expectTypeOf(flex.in.ready).toEqualTypeOf<BoolValue>();
        expectTypeOf(flex.in.bits.at(0)).toEqualTypeOf<SIntValue>();
        expectTypeOf(flex.wWrite.bits.row).toEqualTypeOf<UIntValue>();
        expectTypeOf(flex.result.bits.score).toEqualTypeOf<SIntValue>();
        expectTypeOf(flex.done).toEqualTypeOf<BoolValue>();
        // @ts-expect-error no port is named by a string any more
        expect(flex.in_x_0).toBeUndefined();

        const fix = instance(HaShiFix, { fe: tiny, classes: 2 });
        expectTypeOf(fix.scores.valid).toEqualTypeOf<BoolValue>();
        expectTypeOf(fix.scores.bits.at(1)).toEqualTypeOf<SIntValue>();
        expectTypeOf(fix.scores).not.toHaveProperty('ready');

        const fe = instance(MobileNetV2Stream, tiny);
        expectTypeOf(fe.in.bits).toEqualTypeOf<VecValue<ReturnType<typeof SInt>>>();
        expectTypeOf(fe.out.valid).toEqualTypeOf<BoolValue>();
        expectTypeOf(fe.out.bits.at(3)).toEqualTypeOf<SIntValue>();

        const unrolled = instance(MobileNetV2Unrolled, { ...tiny, resolution: 4 });
        expectTypeOf(unrolled.in.at(0)).toEqualTypeOf<SIntValue>();
        expectTypeOf(unrolled.out.at(0)).toEqualTypeOf<SIntValue>();

        // The design with the `form` choice: its IO is one form's or the other's.
        const either = instance(MobileNetV2, { ...tiny, form: 'streaming' });
        expectTypeOf(either).toEqualTypeOf<typeof fe | typeof unrolled>();
        // @ts-expect-error form is a choice of two
        expect(() => instance(MobileNetV2, { ...tiny, form: 'systolic' })).toThrow("must be one of 'streaming', 'unrolled'");

        const npu = instance(Npu, { lanes: 2, classes: 2, features: 4 });
        expectTypeOf(npu.start).toEqualTypeOf<BoolValue>();
        expectTypeOf(npu.result.bits.index).toEqualTypeOf<UIntValue>();

        seen.flexPixel = flex.in.bits.length;
        seen.fixScores = fix.scores.bits.length;
        seen.features = fe.out.bits.length;
        seen.unrolledIn = unrolled.in.length;
        seen.eitherIsStream = 'valid' in either.in ? 1 : 0;
        seen.npuRow = npu.wWrite.bits.row.width;
        for (const d of [flex, fix, fe, unrolled, either, npu]) void d;
        return undefined;
      },
    });
    expect(() => elaborate(Probe)).toThrow(/not (fully )?initiali[sz]ed|never (connected|driven)/); // the instances' inputs are left undriven: elaboration refuses it
    expect(seen).toEqual({ flexPixel: 3, fixScores: 2, features: 4, unrolledIn: 4 * 4 * 3, eitherIsStream: 1, npuRow: 1 });
  });
});
