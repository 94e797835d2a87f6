// The HaShiFlex paper's analytical throughput model (see
// shared/hashiflex-notes.md): an accelerator is limited by the larger of its
// compute cycles per image and the cycles to move one image in and its scores
// out over its share of the chip's I/O bandwidth; copies of it fill a die.
// Every assumption is a parameter; the defaults are the paper's.

export interface ThroughputAssumptions {
  /** Clock frequency in Hz (paper: 1 GHz). */
  readonly clockHz: number;
  /** I/O bandwidth per mm^2 of silicon, bytes/s (paper: a GPU's 900 GB/s over 814 mm^2). */
  readonly bandwidthPerMm2: number;
  /** Usable die area in mm^2 (paper: reticle-limited, about 850 mm^2). */
  readonly dieMm2: number;
  /** Bytes of one input image (paper: 224 x 224 x 3 at one byte each). */
  readonly imageBytes: number;
  /** Bytes per output score. */
  readonly scoreBytes: number;
}

export const PAPER_ASSUMPTIONS: ThroughputAssumptions = {
  clockHz: 1e9,
  bandwidthPerMm2: 900e9 / 814,
  dieMm2: 850,
  imageBytes: 224 * 224 * 3,
  scoreBytes: 1,
};

export interface AcceleratorFigures {
  /** Area of one accelerator copy in mm^2. */
  readonly areaMm2: number;
  /** Compute cycles per image (the NPU's count for HaShiFlex; a few for the hardened part). */
  readonly computeCycles: number;
  /** Number of class scores leaving the chip per image. */
  readonly classes: number;
  /** Copies on the die; default: as many as fit. */
  readonly copies?: number;
}

export interface ThroughputEstimate {
  readonly copies: number;
  /** Bytes per second available to one copy. */
  readonly bandwidthPerCopy: number;
  readonly ioCycles: number;
  readonly cyclesPerImage: number;
  readonly bound: 'io' | 'compute';
  readonly imagesPerSecondPerCopy: number;
  readonly imagesPerSecond: number;
}

export function estimateThroughput(acc: AcceleratorFigures, assumptions: ThroughputAssumptions = PAPER_ASSUMPTIONS): ThroughputEstimate {
  const a = assumptions;
  if (!(acc.areaMm2 > 0) || acc.areaMm2 > a.dieMm2) throw new RangeError(`accelerator area ${acc.areaMm2} mm^2 must be positive and fit the ${a.dieMm2} mm^2 die`);
  const copies = acc.copies ?? Math.floor(a.dieMm2 / acc.areaMm2);
  if (!Number.isInteger(copies) || copies < 1 || copies * acc.areaMm2 > a.dieMm2) throw new RangeError(`${copies} copies of ${acc.areaMm2} mm^2 do not fit ${a.dieMm2} mm^2`);
  const bandwidthPerCopy = a.bandwidthPerMm2 * acc.areaMm2;
  const bytes = a.imageBytes + acc.classes * a.scoreBytes;
  const ioCycles = Math.ceil((bytes / bandwidthPerCopy) * a.clockHz);
  const cyclesPerImage = Math.max(ioCycles, acc.computeCycles);
  const perCopy = a.clockHz / cyclesPerImage;
  return {
    copies,
    bandwidthPerCopy,
    ioCycles,
    cyclesPerImage,
    bound: ioCycles >= acc.computeCycles ? 'io' : 'compute',
    imagesPerSecondPerCopy: perCopy,
    imagesPerSecond: perCopy * copies,
  };
}
