// A hardened 1 x 1 (pointwise) Po2 convolution: every output channel is an
// adder tree over the C inputs of its pixel, seeded random weights wired in.
//   npx hashi emit designs/po2-pointwise.ts --param channels=64 --param sparsity=0.9
import { defineModule } from '../dsl/index.ts';
import { po2LayerBody, po2LayerParams } from './po2-common.ts';

export const Po2Pointwise = defineModule({
  name: 'Po2Pointwise',
  params: { ...po2LayerParams, channels: 64, outChannels: 16 },
  body: (p) => po2LayerBody(p, { kernel: 1, stride: 1, padding: 'valid' }),
});

export default Po2Pointwise;
