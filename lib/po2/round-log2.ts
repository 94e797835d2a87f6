/**
 * round(log2 a) in the log domain, computed exactly for every positive double.
 *
 * For 2^k <= a < 2^(k+1) the result is k+1 when a >= 2^(k+0.5) and k otherwise:
 * the cut between 2^k and 2^(k+1) is their geometric mean 2^(k+0.5) = 2^k * sqrt 2.
 * Tie rule: a value exactly AT the cut rounds UP. (For doubles the tie cannot
 * occur, sqrt 2 being irrational; the rule is stated for the record and for
 * exact-rational ports.)
 *
 * Exactness: m = a / 2^k lies in [1, 2) and is exact (division by a power of
 * two). Math.SQRT2 is the smallest double above sqrt 2 (checked in the tests
 * with bigint arithmetic: SQRT2^2 > 2 > pred(SQRT2)^2), so for doubles
 * `m >= Math.SQRT2` is exactly `m >= sqrt 2`. No Math.log2 rounding reaches the
 * result: log2 only seeds k, which is then corrected with exact comparisons.
 *
 * Caveat for anyone matching a float training flow: Math.round(Math.log2(a))
 * (or torch.round(torch.log2(a))) is NOT this function within a few ulps of
 * the cut, because log2 rounds to exactly k + 0.5 there; e.g. for
 * a = pred(SQRT2) * 2^-60, log2 gives -59.5 and Math.round gives -59, while
 * a < 2^-59.5 so the exact result is -60. This exact rule is the contract.
 */
export function floorLog2(a: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`floorLog2: need a finite positive number, got ${a}`);
  let k = Math.floor(Math.log2(a));
  while (2 ** k > a) k--;
  while (2 ** (k + 1) <= a) k++;
  return k;
}

export function roundLog2(a: number): number {
  const k = floorLog2(a);
  return a / 2 ** k >= Math.SQRT2 ? k + 1 : k;
}
