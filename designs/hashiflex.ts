// HaShiFlex: the hardened MobileNetV2 feature extractor (designs/mobilenetv2.ts,
// an instance, so its SystemVerilog is its own files) feeding the programmable
// classifier NPU (lib/npu) through a feature buffer. Image pixels in (one per
// cycle while in_ready), k class scores out on `result`, classifier weights
// written at run time on `wWrite`. See lib/nets/README.md.
//   npx hashi emit designs/hashiflex.ts --param fe.resolution=32 --param classes=10
//
// Frames and the NPU: the extractor streams a frame while the NPU classifies
// the previous one. A frame is admitted (its first pixel taken) only when no
// earlier frame is still on its way to the NPU, so the feature buffer (one
// vector) can never be overwritten; the source simply sees in.ready low.
import { Bool, Bundle, IO, Input, Output, Reg, RegInit, SInt, Stream, UInt, Valid, Vec, assert, defineModule, instance, when } from '../dsl/index.ts';
import type { ParamsOf } from '../dsl/index.ts';
import { Npu, formatWidth, mobileNetV2Golden, npuGeometry, npuGolden, qformat, type FixedTensor, type NpuParams } from '../lib/index.ts';
import { MobileNetV2Stream, mobileNetV2Build, mobileNetV2NetParams, type MobileNetV2Build } from './mobilenetv2.ts';

export const hashiFlexParams = {
  /** The feature extractor's parameters (designs/mobilenetv2.ts, streaming): `--param fe.blocks=3`. */
  fe: mobileNetV2NetParams,
  /** k: classes the NPU scores (its weight buffer holds k x k_fe words). */
  classes: 10,
  /** L: the NPU's multiply-accumulate lanes. */
  lanes: 4,
  /** NPU weight format Q(wInt.wFrac): Q1.15 as the importer's default (trained classifier weights are small). */
  wInt: 1,
  wFrac: 15,
  /** Score format Q(outInt.outFrac). */
  outInt: 8,
  outFrac: 8,
};
export type HaShiFlexParams = ParamsOf<typeof hashiFlexParams>;

/** The NPU's parameters in a HaShiFlex of `p` with k_fe = `features`. */
export function hashiFlexNpuParams(p: HaShiFlexParams, features: number): NpuParams {
  return { lanes: p.lanes, classes: p.classes, features, wInt: p.wInt, wFrac: p.wFrac, xInt: 3, xFrac: p.fe.actBits - 3, outInt: p.outInt, outFrac: p.outFrac, parallelLoad: true };
}

/** The network (and imported weights, if any) of a HaShiFlex; the classifier's NPU format is the design's. */
export function hashiFlexBuild(p: HaShiFlexParams): MobileNetV2Build {
  return mobileNetV2Build(p.fe, p.classes, qformat(p.wInt, p.wFrac));
}

/** Golden scores of one image: the extractor's golden model, then the NPU's with `weights[o][j]`. */
export function hashiFlexGolden(p: HaShiFlexParams, b: MobileNetV2Build, weights: readonly (readonly bigint[])[], image: FixedTensor): { features: readonly bigint[]; scores: bigint[] } {
  const features = mobileNetV2Golden(b.net, image).features.data;
  return { features, scores: npuGolden(hashiFlexNpuParams(p, b.net.features), weights, features).scores };
}

export const HaShiFlex = defineModule({
  name: 'HaShiFlex',
  params: hashiFlexParams,
  body: (p) => {
    const { net } = hashiFlexBuild(p);
    const aw = formatWidth(net.act);
    const np = hashiFlexNpuParams(p, net.features);
    const g = npuGeometry(np);
    const io = IO({
      /** One image pixel (3 channels, HWC order) per accepted cycle. */
      in: Input(Stream(Vec(3, SInt(aw)))),
      /** Host classifier weight port: W[row][col] := data at the clock edge. */
      wWrite: Input(Valid(Bundle({ row: UInt(g.rowWidth), col: UInt(g.colWidth), data: SInt(g.wWidth) }))),
      /** One class score per valid cycle, classes 0 .. k-1 in order, per image. */
      result: Output(Valid(Bundle({ index: UInt(g.rowWidth), score: SInt(g.outWidth) }))),
      /** High for one cycle when an image's last score has been shown. */
      done: Output(Bool()),
    });
    const fe = instance(MobileNetV2Stream, p.fe);
    const npu = instance(Npu, np);

    // Admission: a frame's first pixel only when no earlier frame is pending.
    const frame = net.inputShape[0] * net.inputShape[1];
    const pixel = RegInit(UInt(Math.max(1, Math.ceil(Math.log2(frame)))), 0).named('pixel');
    const pending = RegInit(Bool(), false).named('pending'); // admitted, features not yet in the NPU
    const admit = pixel.eq(0).not().or(pending.not());
    fe.in.valid.connect(io.in.valid.and(admit));
    fe.in.bits.connect(io.in.bits);
    io.in.ready.connect(fe.in.ready.and(admit));
    const take = io.in.valid.and(io.in.ready);
    when(take, () => {
      when(pixel.eq(frame - 1), () => pixel.connect(0)).otherwise(() => pixel.connect(pixel.addWrap(1).trunc(pixel.width)));
      when(pixel.eq(0), () => pending.connect(true));
    });

    // Feature buffer: one vector, handed to the NPU in one cycle when it is idle.
    const fbuf = Reg(Vec(net.features, SInt(aw))).named('fbuf');
    const full = RegInit(Bool(), false).named('fbufFull');
    const startNext = RegInit(Bool(), false).named('startNext');
    const load = full.and(npu.busy.not()).and(startNext.not());
    assert(fe.out.valid.and(full).not(), 'HaShiFlex: features arrived while the feature buffer was full (admission broken)');
    when(fe.out.valid, () => {
      fe.out.bits.toArray().forEach((f, i) => fbuf.at(i).connect(f));
      full.connect(true);
    });
    const xLoad = npu.xLoad!; // parallelLoad: true
    xLoad.valid.connect(load);
    xLoad.bits.connect(fbuf);
    when(load, () => {
      full.connect(false);
      pending.connect(false);
    });
    startNext.connect(load);
    npu.start.connect(startNext);
    npu.xWrite.valid.connect(false);
    npu.xWrite.bits.addr.connect(0);
    npu.xWrite.bits.data.connect(0);
    npu.wWrite.connect(io.wWrite);
    io.result.connect(npu.result);
    io.done.connect(npu.done);
    return io;
  },
});

/** Every parameter's default. */
export const hashiFlexDefaults: HaShiFlexParams = HaShiFlex.defaults;

export default HaShiFlex;
