/**
 * The MobileNetV2 feature extractor fully unrolled, as the HaShiFlex paper
 * builds it: every layer over the whole feature map at once (lib/hw/layers.ts,
 * one Po2 adder tree per output element), the image in and the pooled
 * features out in the same cycle (combinational). It only fits for tiny nets
 * (a few pixels, few blocks): the streaming form (mobileNetV2Hw) is the one
 * that scales. It is `graphUnrolledHw` of `mobileNetV2Graph(net)`: the same
 * integers as `mobileNetV2Golden`.
 */
import type { HwTensor } from '../hw/layers.ts';
import { graphUnrolledHw } from './graph-unrolled.ts';
import { mobileNetV2Graph, type MobileNetV2Net } from './mobilenetv2.ts';

/** Combinational features (1 x 1 x k_fe, net.act) of an image (HWC, net.act). */
export function mobileNetV2Unrolled(net: MobileNetV2Net, image: HwTensor): HwTensor {
  const [H, W, C] = net.inputShape;
  if (image.shape[0] !== H || image.shape[1] !== W || image.shape[2] !== C) throw new RangeError(`mobileNetV2Unrolled: image ${image.shape.join('x')}, expected ${H}x${W}x${C}`);
  if (net.pipelineEvery !== 0) throw new RangeError('mobileNetV2Unrolled: the unrolled form is combinational; build the net with pipelineEvery 0');
  return graphUnrolledHw(mobileNetV2Graph(net), image);
}
