// The memory-stationary engine's layer shapes and memory plan: words per line and
// row, the row-liveness rule of the cyclic feature memory and the smallest ring size.

/** Feature and weight widths the engine packs and multiplies. */
export type MsBits = 2 | 4 | 8;

/** One plain conv layer as the engine runs it (no residual, no pooling). */
export interface MsConvShape {
  readonly cin: number;
  readonly cout: number;
  readonly hIn: number;
  readonly wIn: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  /** Input feature width (the previous layer's output width). */
  readonly inBits: MsBits;
  readonly outBits: MsBits;
  readonly weightBits: MsBits;
}

/** Where a layer's maps sit in the ring and how big they are, in words. */
export interface MsLayerPlan {
  readonly shape: MsConvShape;
  readonly hOut: number;
  readonly wOut: number;
  /** Words per (row, channel) line of the input / output map. */
  readonly lineIn: number;
  readonly lineOut: number;
  /** Words per row (all channels) of the input / output map. */
  readonly rowIn: number;
  readonly rowOut: number;
  /** Map sizes I and O in words. */
  readonly inWords: number;
  readonly outWords: number;
  /** Ring addresses of the input map's and the output map's word 0. */
  readonly inBase: number;
  readonly outBase: number;
  /** The ring size this layer alone needs (row-liveness rule). */
  readonly minRingWords: number;
}

export interface MsMemoryPlan {
  readonly ringWords: number;
  readonly wordBits: number;
  readonly layers: readonly MsLayerPlan[];
  /** The smallest ring that runs every layer: the maximum over layers. */
  readonly minRingWords: number;
  /** A ping-pong pair of buffers needs the largest |in| + |out|. */
  readonly pingPongWords: number;
}

export const MS_BITS: readonly MsBits[] = [2, 4, 8];

export function msOutSize(n: number, k: number, stride: number, pad: number): number {
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}

/** Words of one line of `w` values of `bits` bits; a value never straddles two words. */
export function msLineWords(w: number, bits: MsBits, wordBits: number): number {
  return Math.ceil(w / (wordBits / bits));
}

/** First input row output row r still reads: rows below it are dead (overwritable). */
export function msFirstLiveRow(r: number, stride: number, pad: number): number {
  return Math.max(0, r * stride - pad);
}

function positiveInt(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`ms layer: ${what} must be a positive integer, got ${v}`);
}

/** Checks one shape and returns its output size. */
export function msCheckShape(s: MsConvShape, where: string, wordBits: number): { hOut: number; wOut: number } {
  for (const key of ['cin', 'cout', 'hIn', 'wIn', 'k', 'stride'] as const) positiveInt(s[key], `${where}: ${key}`);
  if (!Number.isSafeInteger(s.pad) || s.pad < 0 || s.pad >= s.k) throw new RangeError(`${where}: pad must be 0 .. k-1, got ${s.pad}`);
  for (const key of ['inBits', 'outBits', 'weightBits'] as const) {
    if (!MS_BITS.includes(s[key])) throw new RangeError(`${where}: ${key} must be 2, 4 or 8, got ${s[key]}`);
  }
  if (wordBits % 8 !== 0) throw new RangeError(`ms memory: the word width must be a multiple of 8 bits, got ${wordBits}`);
  const hOut = msOutSize(s.hIn, s.k, s.stride, s.pad);
  const wOut = msOutSize(s.wIn, s.k, s.stride, s.pad);
  if (hOut < 1 || wOut < 1) throw new RangeError(`${where}: a ${s.k}x${s.k} kernel with pad ${s.pad} does not fit a ${s.hIn}x${s.wIn} map`);
  return { hOut, wOut };
}

/**
 * The ring size one layer needs. Output row r fills offsets I + r*R_out ..
 * I + (r+1)*R_out - 1 past the input base while input rows from
 * msFirstLiveRow(r) on are live, so it must hold I + (r+1)*R_out - msFirstLiveRow(r)*R_in.
 */
export function msLayerMinRingWords(s: MsConvShape, wordBits = 64): number {
  const { hOut, wOut } = msCheckShape(s, 'ms layer', wordBits);
  const rowIn = s.cin * msLineWords(s.wIn, s.inBits, wordBits);
  const rowOut = s.cout * msLineWords(wOut, s.outBits, wordBits);
  const inWords = s.hIn * rowIn;
  let need = Math.max(inWords, hOut * rowOut);
  for (let r = 0; r < hOut; r++) need = Math.max(need, inWords + (r + 1) * rowOut - msFirstLiveRow(r, s.stride, s.pad) * rowIn);
  return need;
}

/** The smallest ring for a network: the largest layer need. */
export function msMinRingWords(shapes: readonly MsConvShape[], wordBits = 64): number {
  return Math.max(...shapes.map((s) => msLayerMinRingWords(s, wordBits)));
}

/**
 * Places every layer in a ring of `ringWords` words: layer 0's input at
 * `firstBase`, each output just past its input ((B + I) mod S), the next layer
 * reading there. Refuses a ring below the minimum unless `unchecked` (used to
 * show that the monitor catches it).
 */
export function msMemoryPlan(
  shapes: readonly MsConvShape[],
  opts: { ringWords: number; firstBase?: number; wordBits?: number; unchecked?: boolean },
): MsMemoryPlan {
  const wordBits = opts.wordBits ?? 64;
  const S = opts.ringWords;
  const firstBase = opts.firstBase ?? 0;
  if (shapes.length === 0) throw new RangeError('ms memory plan: the network has no layers');
  positiveInt(S, 'ring size');
  if (!Number.isSafeInteger(firstBase) || firstBase < 0 || firstBase >= S) throw new RangeError(`ms memory plan: the first base must be 0 .. ${S - 1}, got ${firstBase}`);
  const layers: MsLayerPlan[] = [];
  let base = firstBase;
  shapes.forEach((shape, i) => {
    const where = `ms layer ${i}`;
    const { hOut, wOut } = msCheckShape(shape, where, wordBits);
    const prev = layers[i - 1];
    if (prev) {
      const p = prev.shape;
      if (shape.cin !== p.cout || shape.hIn !== prev.hOut || shape.wIn !== prev.wOut || shape.inBits !== p.outBits) {
        throw new RangeError(
          `${where}: its input (${shape.cin} x ${shape.hIn} x ${shape.wIn}, ${shape.inBits} bits) is not layer ${i - 1}'s output (${p.cout} x ${prev.hOut} x ${prev.wOut}, ${p.outBits} bits)`,
        );
      }
    }
    const lineIn = msLineWords(shape.wIn, shape.inBits, wordBits);
    const lineOut = msLineWords(wOut, shape.outBits, wordBits);
    const inWords = shape.hIn * shape.cin * lineIn;
    const plan: MsLayerPlan = {
      shape,
      hOut,
      wOut,
      lineIn,
      lineOut,
      rowIn: shape.cin * lineIn,
      rowOut: shape.cout * lineOut,
      inWords,
      outWords: hOut * shape.cout * lineOut,
      inBase: base,
      outBase: (base + inWords) % S,
      minRingWords: msLayerMinRingWords(shape, wordBits),
    };
    if (!opts.unchecked && plan.minRingWords > S) {
      throw new RangeError(`${where} needs a ring of at least ${plan.minRingWords} words (row-liveness rule), the ring has ${S}; use msMinRingWords(...) for the size`);
    }
    layers.push(plan);
    base = plan.outBase;
  });
  return {
    ringWords: S,
    wordBits,
    layers,
    minRingWords: Math.max(...layers.map((l) => l.minRingWords)),
    pingPongWords: Math.max(...layers.map((l) => l.inWords + l.outWords)),
  };
}
