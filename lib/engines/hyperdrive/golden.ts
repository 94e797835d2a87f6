// Hyperdrive's FP16 golden model and schedule: a binary-weight conv layer with the
// engine's summation order (ci, then ky, kx ascending; one rounding per add), its
// fused epilogue, the weight stream the engine takes, and the cycle / weight-bit formulas.
import { fp16Add, fp16Fma } from '../../float/fp16-model.ts';

/** An FP16 feature map: bit patterns, channel-major [c][y][x]. */
export interface Fp16Map {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: Uint16Array;
}

/** One layer as the engine runs it. */
export interface HyperdriveLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: 1 | 3;
  readonly stride: 1 | 2;
  /** Binary weights, [co][ci][ky][kx] flattened: true = +1, false = -1. */
  readonly weights: readonly boolean[];
  /** Per output channel: t = RN(scale * acc + bias) (BWN scale, batch norm and bias folded). */
  readonly scale: readonly number[];
  readonly bias: readonly number[];
  /** Add the layer's input-shaped bypass map after the FMA (same shape as the output). */
  readonly residual: boolean;
  readonly relu: boolean;
}

export function fp16Map(channels: number, height: number, width: number, data?: Uint16Array): Fp16Map {
  const size = channels * height * width;
  if (data && data.length !== size) throw new RangeError(`an FP16 map of ${channels}x${height}x${width} needs ${size} values, got ${data.length}`);
  return { channels, height, width, data: data ?? new Uint16Array(size) };
}

export const mapAt = (m: Fp16Map, c: number, y: number, x: number): number => m.data[(c * m.height + y) * m.width + x]!;

export function weightIndex(layer: Pick<HyperdriveLayer, 'inChannels' | 'kernel'>, co: number, ci: number, ky: number, kx: number): number {
  return ((co * layer.inChannels + ci) * layer.kernel + ky) * layer.kernel + kx;
}

/** The layer on a whole map: pad (k-1)/2 with zeros, ReLU turns a set sign bit into +0. */
export function hyperdriveLayerGolden(input: Fp16Map, layer: HyperdriveLayer, bypass?: Fp16Map): Fp16Map {
  checkLayer(layer, input);
  const pad = (layer.kernel - 1) / 2;
  const height = input.height / layer.stride;
  const width = input.width / layer.stride;
  if (layer.residual && (!bypass || bypass.channels < layer.outChannels || bypass.height !== height || bypass.width !== width)) {
    throw new RangeError(`a residual layer needs a bypass map of ${layer.outChannels}x${height}x${width}`);
  }
  const out = fp16Map(layer.outChannels, height, width);
  for (let co = 0; co < layer.outChannels; co++) {
    for (let oy = 0; oy < height; oy++) {
      for (let ox = 0; ox < width; ox++) {
        let acc = 0; // +0
        for (let ci = 0; ci < layer.inChannels; ci++) {
          for (let ky = 0; ky < layer.kernel; ky++) {
            for (let kx = 0; kx < layer.kernel; kx++) {
              const y = oy * layer.stride + ky - pad;
              const x = ox * layer.stride + kx - pad;
              if (y < 0 || x < 0 || y >= input.height || x >= input.width) continue; // adding +-0 to acc (never -0) changes nothing
              acc = fp16Add(acc, mapAt(input, ci, y, x), !layer.weights[weightIndex(layer, co, ci, ky, kx)]);
            }
          }
        }
        let t = fp16Fma(layer.scale[co]!, acc, layer.bias[co]!);
        if (layer.residual) t = fp16Add(t, mapAt(bypass!, co, oy, ox));
        if (layer.relu && t & 0x8000) t = 0;
        out.data[(co * height + oy) * width + ox] = t;
      }
    }
  }
  return out;
}

function checkLayer(layer: HyperdriveLayer, input: Fp16Map): void {
  if (input.channels < layer.inChannels) throw new RangeError(`the layer reads ${layer.inChannels} channels, the map has ${input.channels}`);
  if (layer.weights.length !== layer.outChannels * layer.inChannels * layer.kernel ** 2) {
    throw new RangeError(`a ${layer.kernel}x${layer.kernel} layer ${layer.inChannels} -> ${layer.outChannels} needs ${layer.outChannels * layer.inChannels * layer.kernel ** 2} weights, got ${layer.weights.length}`);
  }
  if (layer.scale.length !== layer.outChannels || layer.bias.length !== layer.outChannels) throw new RangeError('scale and bias need one value per output channel');
  if (input.height % layer.stride || input.width % layer.stride) throw new RangeError('stride 2 needs an even map');
}

/** The words of the weight port in the engine's order: bit j of a word is output channel blk*C + j. */
export function weightStream(layer: HyperdriveLayer, lanes: number): number[] {
  const words: number[] = [];
  for (let blk = 0; blk * lanes < layer.outChannels; blk++) {
    for (let ci = 0; ci < layer.inChannels; ci++) {
      for (let ky = 0; ky < layer.kernel; ky++) {
        for (let kx = 0; kx < layer.kernel; kx++) {
          let word = 0;
          for (let j = 0; j < lanes && blk * lanes + j < layer.outChannels; j++) {
            if (layer.weights[weightIndex(layer, blk * lanes + j, ci, ky, kx)]) word |= 1 << j;
          }
          words.push(word);
        }
      }
    }
  }
  return words;
}

/** The schedule's figures for one layer on an engine with `lanes` lanes and `patchPixels` output pixels per Tile-PU. */
export function hyperdriveLayerSchedule(layer: Pick<HyperdriveLayer, 'inChannels' | 'outChannels' | 'kernel'>, lanes: number, patchPixels: number) {
  const blocks = Math.ceil(layer.outChannels / lanes);
  const convCycles = blocks * layer.inChannels * layer.kernel ** 2 * patchPixels;
  const epilogueCycles = blocks * patchPixels;
  return {
    blocks,
    convCycles,
    epilogueCycles,
    cycles: convCycles + epilogueCycles,
    /** Each weight enters once: n_in * n_out * k^2 bits. */
    weightBits: layer.inChannels * layer.outChannels * layer.kernel ** 2,
    weightWords: blocks * layer.inChannels * layer.kernel ** 2,
  };
}
