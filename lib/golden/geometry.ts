/**
 * Convolution window geometry (per spatial axis).
 *
 * - 'valid': no padding, out = floor((H - k) / s) + 1 (needs H >= k).
 * - 'same' : symmetric zero padding p = (k - 1) / 2 on every side (k odd),
 *            out = floor((H + 2p - k) / s) + 1 = ceil(H / s). This is PyTorch's
 *            padding = k // 2 as used by torchvision's MobileNetV2. NOTE it
 *            differs from TensorFlow's 'SAME' for stride 2 and even H, which
 *            pads 0 at the top/left and 1 at the bottom/right.
 * - a number p: symmetric zero padding p, out = floor((H + 2p - k) / s) + 1.
 * Input row of output row o and tap ky: o * s - padTop + ky; outside [0, H) reads 0.
 */
export type Padding = 'same' | 'valid' | number;

export interface Axis {
  readonly out: number;
  readonly padBefore: number;
}

export function convAxis(inSize: number, kernel: number, stride: number, padding: Padding): Axis {
  for (const [v, n] of [[inSize, 'input size'], [kernel, 'kernel'], [stride, 'stride']] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${n} must be a positive integer, got ${v}`);
  }
  let p: number;
  if (padding === 'valid') p = 0;
  else if (padding === 'same') {
    if (kernel % 2 === 0) throw new RangeError(`'same' padding needs an odd kernel, got ${kernel}`);
    p = (kernel - 1) / 2;
  } else {
    if (!Number.isSafeInteger(padding) || padding < 0) throw new RangeError(`padding must be a non-negative integer, got ${padding}`);
    p = padding;
  }
  const span = inSize + 2 * p - kernel;
  if (span < 0) throw new RangeError(`kernel ${kernel} larger than padded input ${inSize + 2 * p}`);
  return { out: Math.floor(span / stride) + 1, padBefore: p };
}
