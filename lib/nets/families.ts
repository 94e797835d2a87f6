/**
 * Topologies of well-known CNN families as network graphs (no weights: a
 * `GraphSpec`, filled by `withParams`, e.g. with `randomGraphParams`): the
 * paper's Fig. 4 compares them, and they are test nets for the hardener.
 * Batch norm is folded into each conv (its bias), so a conv-BN-ReLU is
 * `conv -> relu -> requantize`; a residual block adds the exact sums and
 * requantizes once. Topologies follow torchvision (ResNet, VGG, MobileNetV2)
 * and the MobileNetV1 paper (Howard et al. 2017, Table 1).
 */
import { Q3_5, type QFormat } from '../fixed/format.ts';
import { mobileNetV2Topology, type ConvLayerSpec } from '../weights/mobilenetv2.ts';
import { GraphBuilder, type GraphSpec, type Requant } from './graph.ts';

export type FamilyName = 'mobilenet-v1' | 'mobilenet-v2' | 'resnet18' | 'resnet34' | 'resnet50' | 'vgg11' | 'vgg16';
export const FAMILY_NAMES: readonly FamilyName[] = ['mobilenet-v1', 'mobilenet-v2', 'resnet18', 'resnet34', 'resnet50', 'vgg11', 'vgg16'];

export interface FamilyOptions {
  /** Input resolution H = W (default 224). */
  readonly resolution?: number;
  /** Width multiplier (MobileNets only; default 1). */
  readonly alpha?: number;
  /** Classes of the final linear layer (default 1000). */
  readonly classes?: number;
  /** Activation format of every requantized tensor (default Q3.5). */
  readonly act?: QFormat;
  /** Rounding of every requantization (default 'floor'). */
  readonly rounding?: Requant['rounding'];
}

interface Ctx {
  readonly b: GraphBuilder<null>;
  readonly q: Requant;
}

function ctx(name: string, o: FamilyOptions): Ctx {
  const r = o.resolution ?? 224;
  const act = o.act ?? Q3_5;
  return { b: new GraphBuilder<null>(name, { name: 'image', shape: [r, r, 3], fmt: act }), q: { fmt: act, rounding: o.rounding ?? 'floor' } };
}

/** conv -> (relu | relu6 | none) -> requantize; returns the requantized tensor. */
function convAct(c: Ctx, name: string, x: string, o: { outChannels: number; kernel: number; stride?: 1 | 2; groups?: number }, act: 'relu' | 'relu6' | 'none'): string {
  const y = c.b.conv(name, x, { outChannels: o.outChannels, kernel: o.kernel, stride: o.stride ?? 1, groups: o.groups ?? 1 }, null);
  const a = act === 'relu' ? c.b.relu(`${name}/relu`, y) : act === 'relu6' ? c.b.relu6(`${name}/relu6`, y) : y;
  return c.b.requantize(`${name}/q`, a, c.q);
}

/** GAP -> flatten -> linear (the classifier) -> requantize. */
function head(c: Ctx, x: string, classes: number): GraphSpec {
  const p = c.b.globalAvgPool('pool', x, c.q);
  const fc = c.b.linear('fc', c.b.flatten('flatten', p), classes, null);
  return c.b.build(c.b.requantize('fc/q', fc, c.q));
}

/** MobileNetV1 (Howard et al. 2017, Table 1): a 3x3 stem, 13 depthwise-separable blocks, ReLU6 as in Keras. */
export function mobileNetV1Spec(o: FamilyOptions = {}): GraphSpec {
  const alpha = o.alpha ?? 1;
  const c = ctx(`MobileNetV1-${alpha}-${o.resolution ?? 224}`, o);
  const ch = (n: number): number => Math.max(1, Math.floor(n * alpha));
  let x = convAct(c, 'conv0', c.b.input, { outChannels: ch(32), kernel: 3, stride: 2 }, 'relu6');
  const blocks: [1 | 2, number][] = [[1, 64], [2, 128], [1, 128], [2, 256], [1, 256], [2, 512], [1, 512], [1, 512], [1, 512], [1, 512], [1, 512], [2, 1024], [1, 1024]];
  blocks.forEach(([s, out], i) => {
    const C = c.b.shape(x)[2];
    x = convAct(c, `block${i + 1}.dw`, x, { outChannels: C, kernel: 3, stride: s, groups: C }, 'relu6');
    x = convAct(c, `block${i + 1}.pw`, x, { outChannels: ch(out), kernel: 1 }, 'relu6');
  });
  return head(c, x, o.classes ?? 1000);
}

/** MobileNetV2 (torchvision's topology, any width multiplier and resolution, lib/weights mobileNetV2Topology). */
export function mobileNetV2Spec(o: FamilyOptions = {}): GraphSpec {
  const alpha = o.alpha ?? 1;
  const t = mobileNetV2Topology({ alpha, resolution: o.resolution ?? 224, classes: o.classes ?? 1000 });
  const c = ctx(`MobileNetV2-${alpha}-${o.resolution ?? 224}`, o);
  const name = (l: ConvLayerSpec): string => `${l.role}${l.feature === 0 ? '' : ` features.${l.feature}`}`;
  const layer = (l: ConvLayerSpec, x: string): string =>
    c.b.conv(name(l), x, { outChannels: l.outChannels, kernel: l.kernel, stride: l.stride === 2 ? 2 : 1, groups: l.kind === 'depthwise' ? l.inChannels : 1 }, null);
  const act = (l: ConvLayerSpec, y: string): string => c.b.requantize(`${name(l)}/q`, l.activation === 'relu6' ? c.b.relu6(`${name(l)}/relu6`, y) : y, c.q);
  let x = act(t.layers[0] as ConvLayerSpec, layer(t.layers[0] as ConvLayerSpec, c.b.input));
  for (const blk of t.blocks) {
    const input = x;
    for (const i of blk.layers) {
      const l = t.layers[i] as ConvLayerSpec;
      const y = layer(l, x);
      if (blk.residual && i === blk.layers[blk.layers.length - 1]) {
        const sum = c.b.addTensors(`residual features.${l.feature}`, input, y);
        x = c.b.requantize(`${sum}/q`, sum, c.q);
      } else x = act(l, y);
    }
  }
  const h = t.layers[t.layers.length - 1] as ConvLayerSpec;
  x = act(h, layer(h, x));
  return head(c, x, o.classes ?? 1000);
}

/** ResNet (He et al. 2016; torchvision: the stride on the 3x3 conv of a bottleneck). */
export function resNetSpec(depth: 18 | 34 | 50, o: FamilyOptions = {}): GraphSpec {
  const c = ctx(`ResNet-${depth}-${o.resolution ?? 224}`, o);
  const counts = depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
  const bottleneck = depth === 50;
  let x = convAct(c, 'conv1', c.b.input, { outChannels: 64, kernel: 7, stride: 2 }, 'relu');
  x = c.b.maxPool('maxpool', x, { kernel: 3, stride: 2, padding: 1 });
  counts.forEach((n, li) => {
    const width = 64 << li;
    const out = bottleneck ? width * 4 : width;
    for (let bi = 0; bi < n; bi++) {
      const s: 1 | 2 = bi === 0 && li > 0 ? 2 : 1;
      const p = `layer${li + 1}.${bi}`;
      const input = x;
      let y: string;
      if (bottleneck) {
        y = convAct(c, `${p}.conv1`, input, { outChannels: width, kernel: 1 }, 'relu');
        y = convAct(c, `${p}.conv2`, y, { outChannels: width, kernel: 3, stride: s }, 'relu');
        y = c.b.conv(`${p}.conv3`, y, { outChannels: out, kernel: 1 }, null);
      } else {
        y = convAct(c, `${p}.conv1`, input, { outChannels: width, kernel: 3, stride: s }, 'relu');
        y = c.b.conv(`${p}.conv2`, y, { outChannels: out, kernel: 3 }, null);
      }
      const skip = s !== 1 || c.b.shape(input)[2] !== out ? c.b.conv(`${p}.downsample`, input, { outChannels: out, kernel: 1, stride: s, padding: 0 }, null) : input;
      const sum = c.b.addTensors(`${p}.add`, skip, y);
      x = c.b.requantize(`${p}/q`, c.b.relu(`${p}.relu`, sum), c.q);
    }
  });
  return head(c, x, o.classes ?? 1000);
}

/** VGG (Simonyan and Zisserman 2015, configurations A and D; torchvision without batch norm): 3x3 convs, 2x2 max pools, three linear layers. */
export function vggSpec(depth: 11 | 16, o: FamilyOptions = {}): GraphSpec {
  const c = ctx(`VGG-${depth}-${o.resolution ?? 224}`, o);
  const cfg: (number | 'M')[] =
    depth === 11 ? [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] : [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
  let x = c.b.input;
  let i = 0;
  for (const v of cfg) {
    if (v === 'M') x = c.b.maxPool(`features.${i}`, x, { kernel: 2, stride: 2 });
    else x = convAct(c, `features.${i}`, x, { outChannels: v, kernel: 3 }, 'relu');
    i++;
  }
  // torchvision pools adaptively to 7 x 7 (the identity at 224 x 224); flattened HWC here.
  let y = c.b.flatten('flatten', x);
  y = c.b.requantize('fc1/q', c.b.relu('fc1/relu', c.b.linear('fc1', y, 4096, null)), c.q);
  y = c.b.requantize('fc2/q', c.b.relu('fc2/relu', c.b.linear('fc2', y, 4096, null)), c.q);
  return c.b.build(c.b.requantize('fc3/q', c.b.linear('fc3', y, o.classes ?? 1000, null), c.q));
}

/** A family's topology by name. */
export function familySpec(name: FamilyName, o: FamilyOptions = {}): GraphSpec {
  switch (name) {
    case 'mobilenet-v1':
      return mobileNetV1Spec(o);
    case 'mobilenet-v2':
      return mobileNetV2Spec(o);
    case 'resnet18':
      return resNetSpec(18, o);
    case 'resnet34':
      return resNetSpec(34, o);
    case 'resnet50':
      return resNetSpec(50, o);
    case 'vgg11':
      return vggSpec(11, o);
    case 'vgg16':
      return vggSpec(16, o);
  }
}

