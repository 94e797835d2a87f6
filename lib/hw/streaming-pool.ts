/**
 * Max pooling over a pixel stream: the streaming convolutions' sliding window
 * (streaming.ts `slidingWindow`: padded-grid walk, line buffers, window
 * registers) with a comparator tree per channel instead of an adder tree.
 * Padding positions hold the format's smallest value, so they never win (every
 * window has at least one real pixel: padding < kernel). As golden `maxPool`.
 */
import { mux } from '../../dsl/index.ts';
import type { BoolValue, SIntValue } from '../../dsl/index.ts';
import { formatWidth, rawMin } from '../fixed/format.ts';
import type { PixelStream } from './streaming-more.ts';
import { slidingWindow, type LineBufferForm } from './streaming.ts';

export interface StreamingMaxPoolOptions {
  readonly kernel: number;
  readonly stride: 1 | 2;
  /** (kernel - 1) / 2 ('same', odd kernels) or 0. */
  readonly padding: number;
  /** Input frame size. */
  readonly height: number;
  readonly width: number;
  readonly lineBuffer?: LineBufferForm;
}

export interface StreamingMaxPoolResult extends PixelStream {
  /** Low at padding positions (the producer must not present a pixel then). */
  readonly ready: BoolValue;
  /** Cycles from the position completing a window to the output (1: the window register). */
  readonly latency: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

function maxTree(vs: readonly SIntValue[]): SIntValue {
  if (vs.length === 1) return vs[0] as SIntValue;
  const h = vs.length >> 1;
  const a = maxTree(vs.slice(0, h));
  const b = maxTree(vs.slice(h));
  return mux(a.gt(b), a, b);
}

export function streamingMaxPool(s: PixelStream, o: StreamingMaxPoolOptions): StreamingMaxPoolResult {
  const k = o.kernel;
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`streamingMaxPool: kernel ${k}`);
  if (o.padding !== 0 && !(k % 2 === 1 && o.padding === (k - 1) / 2)) throw new RangeError(`streamingMaxPool: padding must be 0 or (kernel - 1) / 2 with an odd kernel, got ${o.padding} for kernel ${k}`);
  const w = formatWidth(s.fmt);
  for (const v of s.pixel) if (v.width !== w) throw new RangeError(`streamingMaxPool: a ${v.width}-bit channel in a ${w}-bit format`);
  const win = slidingWindow({ valid: s.valid, pixel: s.pixel }, { k, height: o.height, width: o.width, padding: o.padding, stride: o.stride, lineBuffer: o.lineBuffer ?? 'registers', padValue: rawMin(s.fmt) });
  const pixel = s.pixel.map((_, ch) => {
    const taps: SIntValue[] = [];
    for (let kx = 0; kx < k; kx++) for (let ky = 0; ky < k; ky++) taps.push((win.win[kx] as readonly (readonly SIntValue[])[])[ky]![ch] as SIntValue);
    return maxTree(taps);
  });
  const out = (n: number): number => Math.floor((n + 2 * o.padding - k) / o.stride) + 1;
  const ranges = s.ranges ? { ranges: s.ranges } : {};
  return { valid: win.emit, pixel, fmt: s.fmt, ...ranges, ready: win.ready, latency: 1, outHeight: out(o.height), outWidth: out(o.width) };
}
