// A hardened 3 x 3 Po2 convolution (OHWI weights, seeded), unrolled over a small
// feature map. The default is one output pixel: a 3 x 3 x C input, 'valid'
// padding, so each output channel is one adder tree over 9 C taps. Use
// height/width > 3 with padding=same and stride 1 or 2 for a real feature map.
//   npx hashi emit designs/po2-conv3x3.ts --param channels=3 --param sparsity=0.6
import { defineModule, oneOf } from '../dsl/index.ts';
import { po2LayerBody, po2LayerParams } from './po2-common.ts';

export const Po2Conv3x3 = defineModule({
  name: 'Po2Conv3x3',
  params: { ...po2LayerParams, channels: 3, outChannels: 16, height: 3, width: 3, stride: 1, padding: oneOf(['valid', 'same']) },
  body: (p) => po2LayerBody(p, { kernel: 3, stride: p.stride, padding: p.padding }),
});

export default Po2Conv3x3;
