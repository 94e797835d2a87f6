/**
 * The MobileNetV2 feature extractor fully unrolled, as the HaShiFlex paper
 * builds it: every layer over the whole feature map at once (lib/hw/layers.ts,
 * one Po2 adder tree per output element), the image in and the pooled
 * features out in the same cycle (combinational). It only fits for tiny nets
 * (a few pixels, few blocks): the streaming form (mobileNetV2Hw) is the one
 * that scales. Same layer chain and integers as `mobileNetV2Golden`.
 */
import { EXACT } from '../golden/accumulate.ts';
import { conv2dHw, depthwiseHw, layerOutputHw, pointwiseHw, residualAddHw, type AccHwTensor, type HwTensor } from '../hw/layers.ts';
import { globalAvgPoolHw } from '../hw/pool.ts';
import { residualSources, type MobileNetV2Net, type NetLayer } from './mobilenetv2.ts';

function convAccHw(x: HwTensor, l: NetLayer, net: MobileNetV2Net): AccHwTensor {
  const s = l.spec;
  const opts = { stride: s.stride, mode: net.mode ?? EXACT, ...(l.bias ? { bias: l.bias } : {}) };
  return s.kind === 'depthwise'
    ? depthwiseHw(x, l.weights, s.kernel, { ...opts, padding: s.padding })
    : s.kind === 'pointwise'
      ? pointwiseHw(x, l.weights, l.outChannels, opts)
      : conv2dHw(x, l.weights, l.outChannels, s.kernel, { ...opts, padding: s.padding });
}

/** Combinational features (1 x 1 x k_fe, net.act) of an image (HWC, net.act). */
export function mobileNetV2Unrolled(net: MobileNetV2Net, image: HwTensor): HwTensor {
  const [H, W, C] = net.inputShape;
  if (image.shape[0] !== H || image.shape[1] !== W || image.shape[2] !== C) throw new RangeError(`mobileNetV2Unrolled: image ${image.shape.join('x')}, expected ${H}x${W}x${C}`);
  if (net.pipelineEvery !== 0) throw new RangeError('mobileNetV2Unrolled: the unrolled form is combinational; build the net with pipelineEvery 0');
  const residualOf = residualSources(net);
  const outs: HwTensor[] = [];
  let x = image;
  net.layers.forEach((l, i) => {
    const acc = convAccHw(x, l, net);
    const from = residualOf.get(i);
    const y =
      from === undefined
        ? layerOutputHw(acc, { out: net.act, activation: l.activation, saturation: net.saturation })
        : residualAddHw(from === 0 ? image : (outs[from - 1] as HwTensor), acc, net.act, net.saturation);
    outs.push(y);
    x = y;
  });
  return globalAvgPoolHw(x, net.act, net.saturation);
}
